import { findLatestRollout, findRolloutById, findThreadIdByName, isThreadId } from './rollout-finder.js';
import { type RolloutResumeState, readRolloutFile, resumeStateFromRollout } from './rollout-reader.js';

/**
 * Which thread to continue (`codex exec resume`): `threadId` is a thread id (UUID) or a thread
 * name (looked up in `session_index.jsonl`); `last` picks the thread updated last for the
 * working directory, or for any directory with `all` (`--all`).
 */
export type ResumeTarget = { threadId: string } | { last: true; all?: boolean | undefined };

/** A thread found for a {@link ResumeTarget}: its rollout file and what it holds. */
export interface ResumedRollout {
  path: string;
  state: RolloutResumeState;
}

/**
 * The text 0.169.0 prints (after `Error: `, exit 1) when `exec resume <uuid>` names no recorded
 * thread.
 */
export function rolloutNotFoundMessage(threadId: string): string {
  return `thread/resume: thread/resume failed: no rollout found for thread id ${threadId} (code -32600)`;
}

/**
 * Finds and reads the rollout a {@link ResumeTarget} names, as 0.169.0 does: a UUID without a
 * rollout file is an error; a thread name that is not recorded, or `last` with no recorded thread
 * (for `cwd` unless `all`), resolves to `undefined` (the caller starts a new thread).
 * @throws Error {@link rolloutNotFoundMessage} for an unknown UUID; the file system's error or
 *   `rollout has no session_meta` for a rollout that cannot be read.
 */
export async function loadResumeTarget(
  codexHome: string,
  cwd: string,
  target: ResumeTarget,
): Promise<ResumedRollout | undefined> {
  let path: string | undefined;
  if ('last' in target) {
    path = await findLatestRollout(codexHome, { cwd: target.all ? undefined : cwd });
  } else if (isThreadId(target.threadId)) {
    path = await findRolloutById(codexHome, target.threadId);
    if (path === undefined) throw new Error(rolloutNotFoundMessage(target.threadId));
  } else {
    const id = await findThreadIdByName(codexHome, target.threadId);
    path = id === undefined ? undefined : await findRolloutById(codexHome, id);
  }
  if (path === undefined) return undefined;
  return { path, state: resumeStateFromRollout(await readRolloutFile(path)) };
}
