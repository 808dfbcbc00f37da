import { SecretRedactor } from '@codex-ts/client';
import { CREDENTIAL_ENV_VARS } from '@codex-ts/core';
import { Command, CommanderError } from 'commander';
import { configOption } from './config-option.js';
import { registerExecResume } from './exec/resume-command.js';
import { runExec } from './exec/run-exec.js';
import { registerLoginCommands } from './login/login-command.js';
import type { OutputSink } from './output/jsonl-printer.js';
import { CLI_VERSION } from './version.js';

/** Process-level dependencies of {@link main}, injectable for tests. */
export interface MainIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: OutputSink;
  stderr: OutputSink;
  /** Reads all of standard input (used for a `-` prompt or a missing one with piped stdin). */
  readStdin(): Promise<string>;
  stdinIsTty: boolean;
  signal?: AbortSignal | undefined;
}

/**
 * Runs the `codex-ts` command line (`argv` without the node and script paths) and
 * resolves to the exit code. Subcommands: `exec [--json] [-m MODEL] [-c KEY=VALUE]... [PROMPT | -]`;
 * `login [--with-api-key | --device-auth]`, `login status`, `logout` (see `registerLoginCommands`).
 * Usage errors print commander's message on stderr and exit 2. Everything printed is redacted with
 * one `SecretRedactor` shared with the session (see `runExec`).
 */
export async function main(argv: string[], io: MainIo): Promise<number> {
  let exitCode = 0;
  const redactor = new SecretRedactor();
  // Known before anything is parsed, so even a usage error cannot echo them.
  for (const name of CREDENTIAL_ENV_VARS) redactor.add(io.env[name]?.trim());
  const program = new Command()
    .name('codex-ts')
    .description('Codex model client in TypeScript: a drop-in for `codex exec`.')
    .version(CLI_VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(redactor.redact(s)),
      writeErr: (s) => io.stderr.write(redactor.redact(s)),
    });

  const exec = program
    .command('exec')
    .description('Run one turn non-interactively and print the result.')
    .argument('[prompt]', 'the prompt; `-` (or nothing, with piped stdin) reads it from stdin')
    .option('--json', 'print events as JSON Lines (the `codex exec --json` format)', false)
    .option('-m, --model <model>', 'model slug to use')
    .addOption(configOption())
    .option('--skip-git-repo-check', 'accepted for compatibility with `codex exec`', false)
    .action(
      async (promptArg: string | undefined, opts: { json: boolean; model?: string; config: string[] }) => {
        let prompt = promptArg;
        if (prompt === '-' || (prompt === undefined && !io.stdinIsTty)) {
          if (prompt === undefined) io.stderr.write('Reading prompt from stdin...\n');
          prompt = await io.readStdin();
        }
        if (prompt === undefined || prompt.trim() === '') {
          io.stderr.write('No prompt provided. Pass a prompt argument or pipe one on stdin.\n');
          exitCode = 1;
          return;
        }
        exitCode = await runExec({
          prompt,
          json: opts.json,
          model: opts.model,
          configOverrides: opts.config,
          env: io.env,
          cwd: io.cwd,
          stdout: io.stdout,
          stderr: io.stderr,
          signal: io.signal,
          redactor,
        });
      },
    );
  registerExecResume(exec, {
    io,
    redactor,
    setExitCode: (code) => {
      exitCode = code;
    },
  });

  registerLoginCommands(program, {
    ...io,
    redactor,
    setExitCode: (code) => {
      exitCode = code;
    },
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
  return exitCode;
}
