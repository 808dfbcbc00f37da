import { accessSync, constants, lstatSync, rmdirSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, sep } from 'node:path';
import { childProcess } from '../internal/child-process.js';
import type { SandboxPolicy } from './sandbox.js';
import { isWithin, type WritableRoot } from './writable-roots.js';

/**
 * Where the bubblewrap binary comes from: `CODEX_TS_BWRAP` (an explicit path; no fallback when it
 * is not an executable file) or the first executable `bwrap` on `PATH`, as codex-cli 0.169.0
 * looks for the distribution's bubblewrap.
 */
export type SandboxDetection =
  | { available: true; bwrapPath: string; source: 'CODEX_TS_BWRAP' | 'PATH' }
  | { available: false; message: string };

/**
 * Text of the tool output when no bubblewrap is found: the first part of codex-cli 0.169.0's
 * (`linux-sandbox/src/launcher.rs`: `bubblewrap is unavailable: no system bwrap was found on PATH
 * and no bundled codex-resources/bwrap binary …`); codex-ts bundles none, so the sentence ends there.
 */
export const BWRAP_UNAVAILABLE_MESSAGE = 'bubblewrap is unavailable: no system bwrap was found on PATH';

const detections = new Map<string, SandboxDetection>();

/**
 * Finds the bubblewrap binary for `env` (default `process.env`): `env.CODEX_TS_BWRAP` when set,
 * else `bwrap` in the directories of `env.PATH`. The result is cached per (`CODEX_TS_BWRAP`,
 * `PATH`) pair for the life of the process. Never throws: a missing binary is
 * `{ available: false, message }` (message {@link BWRAP_UNAVAILABLE_MESSAGE} or, for a bad
 * override, `bubblewrap is unavailable: CODEX_TS_BWRAP=<path> is not an executable file`).
 */
export function detectSandbox(env: NodeJS.ProcessEnv = process.env): SandboxDetection {
  const override = env.CODEX_TS_BWRAP;
  const key = `${override ?? ''}\0${env.PATH ?? ''}`;
  const cached = detections.get(key);
  if (cached) return cached;
  let detection: SandboxDetection;
  if (override !== undefined && override !== '') {
    detection = isExecutableFile(override)
      ? { available: true, bwrapPath: override, source: 'CODEX_TS_BWRAP' }
      : {
          available: false,
          message: `bubblewrap is unavailable: CODEX_TS_BWRAP=${override} is not an executable file`,
        };
  } else {
    const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '' && isAbsolute(dir));
    const found = dirs.map((dir) => join(dir, 'bwrap')).find(isExecutableFile);
    detection = found
      ? { available: true, bwrapPath: found, source: 'PATH' }
      : { available: false, message: BWRAP_UNAVAILABLE_MESSAGE };
  }
  detections.set(key, detection);
  return detection;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The startup warning of codex-cli 0.169.0 (printed as `warning: <text>` on stderr) when
 * bubblewrap is present but cannot create the namespaces it needs (codex-rs linux-sandbox).
 */
export const USER_NAMESPACE_WARNING =
  "Codex's Linux sandbox uses bubblewrap and needs access to create user namespaces.";

/** bubblewrap errors that mean the host forbids the namespaces (AppArmor, sysctl, containers). */
const USER_NAMESPACE_FAILURES = [
  'loopback: Failed RTM_NEWADDR',
  'loopback: Failed RTM_NEWLINK',
  'setting up uid map: Permission denied',
  'No permissions to create a new namespace',
];

/** bubblewrap's error when the host forbids a fresh procfs (masked `/proc` in containers). */
const PROC_MOUNT_FAILURE = "Can't mount proc on /newroot/proc";

/** Runs `/bin/true` under `bwrapPath` with a sandboxed command's namespaces, with or without `--proc`. */
function runProbe(
  bwrapPath: string,
  mountProc: boolean,
  timeoutMs: number,
): Promise<{ ok: boolean; stderr: string; error?: string }> {
  const args = ['--new-session', '--die-with-parent', '--ro-bind', '/', '/', '--dev', '/dev'];
  args.push('--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-net');
  if (mountProc) args.push('--proc', '/proc');
  args.push('--', '/bin/true');
  return new Promise((resolve) => {
    childProcess().execFile(
      bwrapPath,
      args,
      { timeout: timeoutMs, encoding: 'utf8' },
      (error, _stdout, stderr) => {
        resolve(error ? { ok: false, stderr: stderr.trim(), error: error.message } : { ok: true, stderr });
      },
    );
  });
}

/**
 * Runs `/bin/true` under `bwrapPath` with the namespaces a sandboxed command gets (user, pid,
 * ipc, net; read-only root, fresh `/dev` and `/proc`, or without `/proc` where the host forbids
 * it), bounded to `timeoutMs` (default 5000), as codex-cli 0.169.0 probes its bubblewrap at
 * startup. Resolves `undefined` when it works, {@link USER_NAMESPACE_WARNING} when bubblewrap
 * reported a namespace failure, else `bubblewrap probe failed: <stderr or error>`. Never
 * rejects. Commands still run through bubblewrap after a failed probe: they fail with its error,
 * they are never run unsandboxed.
 */
export async function probeSandbox(bwrapPath: string, timeoutMs = 5000): Promise<string | undefined> {
  let result = await runProbe(bwrapPath, true, timeoutMs);
  if (!result.ok && result.stderr.includes(PROC_MOUNT_FAILURE))
    result = await runProbe(bwrapPath, false, timeoutMs);
  if (result.ok) return undefined;
  if (USER_NAMESPACE_FAILURES.some((failure) => result.stderr.includes(failure)))
    return USER_NAMESPACE_WARNING;
  return `bubblewrap probe failed: ${result.stderr || result.error}`;
}

const procMount = new Map<string, Promise<boolean>>();

/**
 * Whether commands under `bwrapPath` get a fresh `/proc` (`--proc /proc`): false only when a probe
 * failed with bubblewrap's `Can't mount proc on /newroot/proc` (containers that mask `/proc`);
 * the command then sees the host's `/proc` read-only, as codex-cli 0.169.0 falls back to
 * (`--no-proc`). Probed once per path for the life of the process.
 */
export function procMountSupported(bwrapPath: string): Promise<boolean> {
  let cached = procMount.get(bwrapPath);
  if (!cached) {
    cached = runProbe(bwrapPath, true, 5000).then((r) => r.ok || !r.stderr.includes(PROC_MOUNT_FAILURE));
    procMount.set(bwrapPath, cached);
  }
  return cached;
}

/** Bubblewrap options for one command, plus the mount points it will create on the host. */
export interface BwrapPlan {
  /** Everything between the bwrap binary and `--`. */
  args: string[];
  /** Missing protected paths bwrap creates as (empty) mount points; removed by {@link releaseSyntheticTargets}. */
  syntheticTargets: string[];
}

/** How many live sandboxed commands use each synthetic mount point this process created. */
const syntheticUsers = new Map<string, number>();
let exitHookInstalled = false;

/**
 * The `exit` hook installed with the first synthetic mount point: removes every one still
 * registered (a caller that never ran `cleanup`, or commands still running at exit), if empty.
 */
export function removeSyntheticTargetsAtExit(): void {
  for (const path of [...syntheticUsers.keys()]) {
    syntheticUsers.delete(path);
    removeEmptyDir(path);
  }
}

function removeEmptyDir(path: string): void {
  try {
    if (lstatSync(path).isDirectory()) rmdirSync(path);
  } catch {
    // Not there, not empty or not ours to remove: leave it.
  }
}

/**
 * The bubblewrap options for `policy` (`read-only` or `workspace-write`) running in `cwd` with the
 * given writable roots, following codex-cli 0.169.0's argv (codex-rs linux-sandbox `bwrap.rs`):
 * `--new-session --die-with-parent`, the whole filesystem read-only (`--ro-bind / /`), a fresh
 * `/dev`, then `--bind <root> <root>` per writable root (parents first), then the protected paths
 * of all roots (parents first): an existing one `--ro-bind-try <p> <p>`, a missing one an empty
 * read-only tmpfs (`--perms 555 --tmpfs <p> --remount-ro <p>`, so the command cannot create it;
 * 0.169.0 interleaves them per root, which lets a later root's bind cover an earlier root's
 * protected path, e.g. a worktree's git dir); then
 * `--unshare-user --unshare-pid --unshare-ipc`, `--unshare-net` unless `policy.networkAccess`,
 * `--proc /proc` (not with `mountProc: false`, see {@link procMountSupported}), `--cap-drop ALL`
 * and `--chdir <cwd>`. Unlike the original there is no
 * `--as-pid-1` (its own helper ran as pid 1 to load seccomp; here bwrap's reaper is pid 1).
 * Bubblewrap creates the missing mount points on the host; they are registered so that
 * {@link releaseSyntheticTargets} removes them once no sandboxed command of this process uses them,
 * and the process's `exit` removes any left (see {@link removeSyntheticTargetsAtExit}).
 */
export function planBwrap(
  policy: SandboxPolicy,
  cwd: string,
  roots: readonly WritableRoot[],
  options: { mountProc?: boolean } = {},
): BwrapPlan {
  const args = ['--new-session', '--die-with-parent', '--ro-bind', '/', '/', '--dev', '/dev'];
  const syntheticTargets: string[] = [];
  const allowed = roots.map((r) => r.root);
  for (const root of allowed) args.push('--bind', root, root);
  // After every writable bind, so that a protected path inside another root (a worktree's git
  // dir) is not covered again by that root's bind; parents first so the deepest mount wins.
  const protectedPaths = [...new Set(roots.flatMap((r) => r.readOnlySubpaths))]
    .filter((path) => allowed.some((root) => isWithin(path, root)))
    .sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const path of protectedPaths) {
    if (!syntheticUsers.has(path) && pathExists(path)) {
      // `-try`: another process may remove its own synthetic mount point (e.g. /tmp/.git) before
      // bubblewrap starts; the command must not fail for that.
      args.push('--ro-bind-try', path, path);
    } else {
      args.push('--perms', '555', '--tmpfs', path, '--remount-ro', path);
      syntheticUsers.set(path, (syntheticUsers.get(path) ?? 0) + 1);
      syntheticTargets.push(path);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.once('exit', removeSyntheticTargetsAtExit);
      }
    }
  }
  args.push('--unshare-user', '--unshare-pid', '--unshare-ipc');
  if (!policy.networkAccess) args.push('--unshare-net');
  if (options.mountProc !== false) args.push('--proc', '/proc');
  args.push('--cap-drop', 'ALL', '--chdir', cwd);
  return { args, syntheticTargets };
}

/**
 * Drops this command's use of its synthetic mount points and removes each one no other live
 * command uses, if it is still an empty directory (never anything with content). Idempotent per
 * plan: call it once after the sandboxed process exited (or failed to start).
 */
export function releaseSyntheticTargets(plan: BwrapPlan): void {
  for (const path of plan.syntheticTargets.splice(0)) {
    const users = (syntheticUsers.get(path) ?? 1) - 1;
    if (users > 0) {
      syntheticUsers.set(path, users);
      continue;
    }
    if (!syntheticUsers.delete(path)) continue;
    removeEmptyDir(path);
  }
}

function depth(path: string): number {
  return path.split(sep).filter(Boolean).length;
}

function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
