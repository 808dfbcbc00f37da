import { execFile } from 'node:child_process';
import { clampTimerMs } from '@codex-ts/client';

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
    execFile(
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
 * The git state of `cwd` for `session_meta.git` (codex-rs `collect_git_info`): the `HEAD` commit,
 * the branch (not for a detached `HEAD`) and the `origin` remote URL, each left out when `git`
 * cannot tell (no `git`, not a repository, no remote, a command over
 * {@link GIT_COMMAND_TIMEOUT_MS}). `undefined` outside a git work tree. Never throws.
 */
export async function collectGitInfo(cwd: string): Promise<RolloutGitInfo | undefined> {
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
