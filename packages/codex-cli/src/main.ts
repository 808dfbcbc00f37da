import { SecretRedactor } from '@codex-ts/client';
import { CREDENTIAL_ENV_VARS } from '@codex-ts/core';
import { Command, CommanderError } from 'commander';
import { registerExecCommand } from './exec/exec-command.js';
import { registerExecResume } from './exec/resume-command.js';
import { registerLoginCommands } from './login/login-command.js';
import type { OutputSink } from './output/jsonl-printer.js';
import { CLI_VERSION } from './version.js';

/** Process-level dependencies of {@link main}, injectable for tests. */
export interface MainIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: OutputSink;
  stderr: OutputSink;
  /** Reads all of standard input as text (`login --with-api-key`). */
  readStdin(): Promise<string>;
  /**
   * Reads all of standard input as bytes (the `exec` prompt: decoded as the original does,
   * UTF-8 or UTF-16 with a BOM). Default: {@link MainIo.readStdin} encoded as UTF-8.
   */
  readStdinBytes?(): Promise<Uint8Array>;
  stdinIsTty: boolean;
  signal?: AbortSignal | undefined;
}

/**
 * Runs the `codex-ts` command line (`argv` without the node and script paths) and
 * resolves to the exit code. Subcommands: `exec [OPTIONS] [PROMPT | -]` with every option of
 * `codex exec` 0.169.0 (see `registerExecCommand`) and its `resume` / `fork` / `review` / `help`
 * subcommands;
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
    // As clap: options belong to the command they follow (`exec -p x resume`, not `exec resume -p x`).
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(redactor.redact(s)),
      writeErr: (s) => io.stderr.write(redactor.redact(s)),
    });

  registerExecCommand(program, {
    env: io.env,
    cwd: io.cwd,
    stdout: io.stdout,
    stderr: io.stderr,
    stdinIsTty: io.stdinIsTty,
    readStdinBytes: io.readStdinBytes ?? (async () => Buffer.from(await io.readStdin(), 'utf8')),
    signal: io.signal,
    registerResume: (exec) =>
      registerExecResume(exec, {
        io,
        redactor,
        setExitCode: (code) => {
          exitCode = code;
        },
      }),
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
