// Runs a provider's token command once (upstream `run_provider_auth_command` of codex-rs
// `login/src/auth/external_bearer.rs`, login.md §8, observed-cli-0.169-auth §10): no shell, stdin
// closed, stdout and stderr piped, the whole run bounded by `timeoutMs` (the child is killed), the
// token is stdout trimmed. Every failure is an `ApiError` `auth_transient` whose message names the
// command with the original's texts.

import type * as ChildProcessModule from 'node:child_process';
import { constants } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ApiError } from '@codex-ts/api';
import { clampTimerMs } from '@codex-ts/client';

/** `node:child_process`, loaded when a process is first started, not at start-up (a short turn outside a git work tree starts none). */
function childProcess(): typeof ChildProcessModule {
  return process.getBuiltinModule('node:child_process') as typeof ChildProcessModule;
}

/** @internal What one run needs (see `CommandTokenAuthOptions`). */
export interface TokenCommandSpec {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs: number;
}

/**
 * @internal The program to start: an absolute path as is; a relative path with more than one
 * component (`./mint`, `bin/mint`) joined to `cwd`; a bare name as is (looked up on `PATH`).
 */
export function resolveTokenProgram(command: string, cwd: string): string {
  if (isAbsolute(command)) return command;
  return normalizedComponents(command) > 1 ? join(cwd, command) : command;
}

/** Path components as Rust's `Path::components` counts them (a leading `.` counts, `a//b` is 2). */
function normalizedComponents(path: string): number {
  return path.split('/').filter((part, index) => part !== '' && (part !== '.' || index === 0)).length;
}

/**
 * @internal Runs the command once and resolves with the token (stdout trimmed, non-empty).
 * Rejects with an `ApiError` `auth_transient`:
 * - "provider auth command `<cmd>` timed out after <timeoutMs> ms" (the child is sent SIGKILL);
 * - "provider auth command `<cmd>` failed to start: <reason> (os error <n>)";
 * - "provider auth command `<cmd>` exited with status exit status: <code>[: <stderr trimmed>]"
 *   (a signal: "… exited with status signal: <n> (<NAME>)[: …]");
 * - "provider auth command `<cmd>` wrote non-UTF-8 data to stdout";
 * - "provider auth command `<cmd>` produced an empty token".
 * No message contains stdout.
 */
export function runTokenCommand(spec: TokenCommandSpec): Promise<string> {
  const label = `provider auth command \`${spec.command}\``;
  const fail = (text: string, cause?: unknown) =>
    new ApiError('auth_transient', `${label} ${text}`, cause === undefined ? {} : { cause });
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    };
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let child: ReturnType<typeof ChildProcessModule.spawn>;
    try {
      child = childProcess().spawn(resolveTokenProgram(spec.command, spec.cwd), [...spec.args], {
        cwd: spec.cwd,
        env: spec.env as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
      });
    } catch (error) {
      reject(fail(`failed to start: ${describeSpawnError(error)}`, error));
      return;
    }
    const timer = setTimeout(() => {
      finish(() => {
        child.kill('SIGKILL');
        child.stdout?.destroy();
        child.stderr?.destroy();
        reject(fail(`timed out after ${spec.timeoutMs} ms`));
      });
    }, clampTimerMs(spec.timeoutMs));
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      finish(() => reject(fail(`failed to start: ${describeSpawnError(error)}`, error)));
    });
    child.on('close', (code, signal) => {
      finish(() => {
        if (code !== 0) {
          const text = new TextDecoder('utf-8').decode(Buffer.concat(stderr)).trim();
          reject(fail(`exited with status ${describeExit(code, signal)}${text === '' ? '' : `: ${text}`}`));
          return;
        }
        let out: string;
        try {
          out = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Buffer.concat(stdout));
        } catch {
          reject(fail('wrote non-UTF-8 data to stdout'));
          return;
        }
        const token = out.trim();
        if (token === '') reject(fail('produced an empty token'));
        else resolve(token);
      });
    });
  });
}

/** Rust's `ExitStatus` display: `exit status: 3`, or `signal: 9 (SIGKILL)`. */
function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (code !== null) return `exit status: ${code}`;
  if (signal !== null) return `signal: ${constants.signals[signal] ?? '?'} (${signal})`;
  return 'exit status: unknown';
}

/** Rust's `io::Error` texts for the usual spawn failures: "No such file or directory (os error 2)". */
const ERRNO_TEXTS: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ENOTDIR: 'Not a directory',
  ENOEXEC: 'Exec format error',
  EISDIR: 'Is a directory',
  E2BIG: 'Argument list too long',
  ENOMEM: 'Cannot allocate memory',
};

function describeSpawnError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    const errno = (constants.errno as Record<string, number | undefined>)[code];
    const text = ERRNO_TEXTS[code];
    if (text !== undefined && errno !== undefined) return `${text} (os error ${errno})`;
  }
  return error instanceof Error ? error.message : String(error);
}
