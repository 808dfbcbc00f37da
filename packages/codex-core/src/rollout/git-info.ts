import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { clampTimerMs } from '@codex-ts/client';
import { childProcess } from '../internal/child-process.js';

/** How long each `git` command may take, in ms (then that field is left out). */
export const GIT_COMMAND_TIMEOUT_MS = 5_000;

/** `session_meta.git` as 0.169.0 writes it: `{commit_hash?, branch?, repository_url?}`. */
export interface RolloutGitInfo {
  commit_hash?: string;
  branch?: string;
  repository_url?: string;
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    childProcess().execFile(
      'git',
      args,
      { cwd, timeout: clampTimerMs(GIT_COMMAND_TIMEOUT_MS), windowsHide: true },
      (error, stdout) => {
        const value = String(stdout ?? '').trim();
        resolve(error || value === '' ? undefined : value);
      },
    );
  });
}

/**
 * Whether `git` could find a work tree for `cwd`: a `.git` entry (directory, or file for a
 * worktree) in `cwd` or a folder above it, or `GIT_DIR` / `GIT_WORK_TREE` in `env` (with which git
 * looks nowhere else). Without any, `git rev-parse --is-inside-work-tree` fails (or says `false`
 * in a bare repository), so no `git` process is needed to know.
 */
function mayBeInGitWorkTree(cwd: string, env: NodeJS.ProcessEnv): boolean {
  if (env.GIT_DIR || env.GIT_WORK_TREE) return true;
  let dir = resolve(cwd);
  for (let depth = 0; depth < 256; depth++) {
    try {
      statSync(join(dir, '.git'));
      return true;
    } catch {}
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
  return true;
}

/**
 * The git state of `cwd` for `session_meta.git` (codex-rs `collect_git_info`): the `HEAD` commit,
 * the branch (not for a detached `HEAD`) and the `origin` remote URL, each left out when `git`
 * cannot tell (no `git`, not a repository, no remote, a command over
 * {@link GIT_COMMAND_TIMEOUT_MS}). `undefined` outside a git work tree: without a `.git` entry in
 * `cwd` or above it (and no `GIT_DIR` / `GIT_WORK_TREE` in the environment) no `git` runs at all.
 * The first `git` starts on a later turn of the event loop (`setImmediate`), so that a caller who
 * does not await this at once (the first request of an exec thread, see `startThread`) goes on
 * before the few ms that starting a process costs the main thread. Never throws.
 */
export async function collectGitInfo(cwd: string): Promise<RolloutGitInfo | undefined> {
  if (!mayBeInGitWorkTree(cwd, process.env)) return undefined;
  await new Promise<void>((next) => setImmediate(next));
  if ((await git(cwd, ['rev-parse', '--is-inside-work-tree'])) !== 'true') return undefined;
  const [commit, branch, url] = await Promise.all([
    git(cwd, ['rev-parse', 'HEAD']),
    git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']),
    git(cwd, ['remote', 'get-url', 'origin']),
  ]);
  return {
    ...(commit ? { commit_hash: commit } : {}),
    ...(branch && branch !== 'HEAD' ? { branch } : {}),
    ...(url ? { repository_url: url } : {}),
  };
}
