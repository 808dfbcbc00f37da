import { accessSync, constants } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, delimiter, join } from 'node:path';

/** A shell `exec_command` runs commands with. */
export interface ExecShell {
  /** Absolute path of the shell binary (e.g. `/bin/bash`). */
  path: string;
  kind: 'bash' | 'zsh' | 'sh';
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on `PATH`, or undefined. */
function which(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function kindOf(path: string): ExecShell['kind'] | undefined {
  const name = basename(path);
  return name === 'bash' || name === 'zsh' || name === 'sh' ? name : undefined;
}

const FALLBACK_SHELL: ExecShell = { path: '/bin/sh', kind: 'sh' };

/**
 * The shell of a call (codex-cli 0.169.0 as observed): without `shell`, the user's login shell
 * (`/etc/passwd`, e.g. `/bin/bash`); with one, the shell of that name: `bash` / `zsh` at the given
 * path when it exists, else found on `PATH`; `sh` as found on `PATH` (e.g. `/usr/bin/sh`). A shell
 * that cannot be found (or is not bash, zsh or sh) falls back to `/bin/sh`.
 */
export function resolveShell(requested: string | undefined, env: NodeJS.ProcessEnv): ExecShell {
  const wanted = requested ?? loginShell(env);
  const kind = kindOf(wanted);
  if (!kind) return FALLBACK_SHELL;
  if (kind === 'sh') return { path: which('sh', env) ?? (isExecutable(wanted) ? wanted : '/bin/sh'), kind };
  if (wanted.includes('/') && isExecutable(wanted)) return { path: wanted, kind };
  const found = which(kind, env);
  return found ? { path: found, kind } : FALLBACK_SHELL;
}

function loginShell(env: NodeJS.ProcessEnv): string {
  try {
    const shell = userInfo().shell;
    if (shell) return shell;
  } catch {
    // No passwd entry: fall through.
  }
  return env.SHELL || '/bin/bash';
}

/** `[shell, '-lc' | '-c', cmd]`: the argv that runs `cmd` (login shell unless `login` is false). */
export function shellArgv(shell: ExecShell, cmd: string, login = true): string[] {
  return [shell.path, login ? '-lc' : '-c', cmd];
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for a POSIX shell the way the original shows commands (`'…'`, or `"…"` around a `'`). */
export function shellQuote(word: string): string {
  if (word.length === 0) return "''";
  if (SAFE.test(word)) return word;
  if (!word.includes("'")) return `'${word}'`;
  if (!/["$`\\!]/.test(word)) return `"${word}"`;
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}

/** The `command` of a `command_execution` item: the argv joined with {@link shellQuote} (`/bin/bash -lc 'echo hi'`). */
export function displayCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
