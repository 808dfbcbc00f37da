import { type Command, Option } from 'commander';
import type { OutputSink } from '../output/jsonl-printer.js';

/** What the `exec` subcommands need from `main`. */
export interface ExecSubcommandDeps {
  stderr: OutputSink;
  setExitCode(code: number): void;
  /** Registers the real `resume` (see `registerExecResume`); without it `resume` is refused like `fork`. */
  registerResume?: ((exec: Command) => void) | undefined;
}

/**
 * Registers the subcommands of `codex exec` 0.169.0 (`resume`, `fork`, `review`; `help` comes
 * from commander) so that none of their names is ever sent to the model as a prompt. codex-ts
 * does not run `review` (its review prompts and flow) nor `fork` yet: both print
 * "Error: `codex exec <name>` is not supported by codex-ts yet" and exit 1 without sending
 * anything. `resume` is `deps.registerResume` (main passes `registerExecResume`).
 */
export function registerExecSubcommands(exec: Command, deps: ExecSubcommandDeps): void {
  const unsupported = (name: string) => () => {
    deps.stderr.write(`Error: \`codex exec ${name}\` is not supported by codex-ts yet\n`);
    deps.setExitCode(1);
  };
  if (deps.registerResume) deps.registerResume(exec);
  else
    exec
      .command('resume')
      .description('Resume a previous session by id or pick the most recent with --last')
      .argument('[SESSION_ID]')
      .argument('[PROMPT]')
      .allowUnknownOption()
      .action(unsupported('resume'));
  exec
    .command('fork')
    .description('Fork a previous session by id into a new session')
    .argument('<SESSION_ID>')
    .argument('[PROMPT]')
    .allowUnknownOption()
    .action(unsupported('fork'));
  exec
    .command('review')
    .description('Run a code review against the current repository')
    .argument('[PROMPT]')
    .addOption(new Option('--uncommitted'))
    .addOption(new Option('--base <BRANCH>'))
    .addOption(new Option('--commit <SHA>'))
    .addOption(new Option('--title <TITLE>'))
    .allowUnknownOption()
    .action(unsupported('review'));
}
