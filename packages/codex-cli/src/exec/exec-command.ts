import type { SecretRedactor } from '@codex-ts/client';
import type { Command } from 'commander';
import type { OutputSink } from '../output/jsonl-printer.js';
import { CLI_VERSION } from '../version.js';
import { unexpectedArgument } from './exec-flags.js';
import { addExecOptions, buildExecOptions, checkExecConflicts, type ExecFlags } from './exec-options.js';
import { PromptInputError, resolvePrompt } from './prompt-input.js';
import { runExec } from './run-exec.js';
import { registerExecSubcommands } from './subcommands.js';

/** What `exec` needs from the process (see `MainIo`). */
export interface ExecCommandDeps {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: OutputSink;
  stderr: OutputSink;
  stdinIsTty: boolean;
  readStdinBytes(): Promise<Uint8Array>;
  signal?: AbortSignal | undefined;
  redactor: SecretRedactor;
  setExitCode(code: number): void;
  /** Adds `exec resume` to the `exec` command (in the original's subcommand order). */
  registerResume?: ((exec: Command) => void) | undefined;
}

/**
 * Registers `codex-ts exec` with every option of `codex exec` 0.169.0 (same names, value
 * checks and clap-style usage errors, exit 2) and its subcommands (see
 * `registerExecSubcommands`; `exec`'s options are only read before a subcommand, as clap's).
 * The action checks clap's conflicts (`checkExecConflicts`), resolves the prompt (see
 * `resolvePrompt`) and hands the flags to `runExec` through `buildExecOptions`, the code path
 * `exec resume` shares.
 */
export function registerExecCommand(program: Command, deps: ExecCommandDeps): Command {
  const { stderr } = deps;
  const exec = program
    .command('exec')
    .description('Run Codex non-interactively')
    .argument(
      '[PROMPT]',
      'Initial instructions for the agent. If not provided as an argument (or if `-` is used), instructions are read from stdin. If stdin is piped and a prompt is also provided, stdin is appended as a `<stdin>` block',
    )
    .version(CLI_VERSION, '-V, --version', 'Print version')
    .enablePositionalOptions()
    .action(async (promptArg: string | undefined, flags: ExecFlags) => {
      deps.setExitCode(await runExecAction(promptArg, flags, deps));
    });
  addExecOptions(exec, stderr);
  // clap's text for an unknown option (commander's own for the subcommands).
  Object.assign(exec, {
    unknownOption: (flag: string) =>
      unexpectedArgument(stderr, flag, [
        ...exec.options.flatMap((option) => (option.long && !option.hidden ? [option.long] : [])),
        '--help',
      ]),
  });
  registerExecSubcommands(exec, {
    stderr,
    setExitCode: deps.setExitCode,
    registerResume: deps.registerResume,
  });
  exec.helpCommand('help [COMMAND]', 'Print this message or the help of the given subcommand(s)');
  return exec;
}

async function runExecAction(
  promptArg: string | undefined,
  flags: ExecFlags,
  deps: ExecCommandDeps,
): Promise<number> {
  const { stderr } = deps;
  checkExecConflicts(flags, stderr);
  const options = await buildExecOptions(flags, deps, async () => {
    try {
      return await resolvePrompt({
        prompt: promptArg,
        stdinIsTty: deps.stdinIsTty,
        readStdinBytes: () => deps.readStdinBytes(),
        stderr,
      });
    } catch (error) {
      if (!(error instanceof PromptInputError)) throw error;
      stderr.write(`${error.message}\n`);
      return 1;
    }
  });
  return typeof options === 'number' ? options : runExec(options);
}
