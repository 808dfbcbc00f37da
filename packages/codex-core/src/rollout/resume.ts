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
 * 0.169.0's text when the thread was recorded with a model provider that is not configured now.
 */
export function providerNotConfiguredMessage(recorded: string): string {
  const data = JSON.stringify({ type: 'modelProviderNotConfigured', modelProvider: recorded });
  return (
    `thread/resume: thread/resume failed: This chat uses model provider \u201c${recorded}\u201d, which is no longer ` +
    `configured. Restore this provider\u2019s configuration to continue. (code -32600), data: ${data}`
  );
}

/** 0.169.0's text when the thread was recorded with another (configured) model provider. */
export function providerChangedMessage(recorded: string, current: string): string {
  return (
    'thread/resume: thread/resume failed: failed to load configuration: Cannot change this ' +
    `thread's model provider from \`${recorded}\` to \`${current}\` on resume. (code -32600)`
  );
}

/** The session's model provider, for {@link loadResumeTarget}. */
export interface ResumeProvider {
  /** The provider id this session uses (`model_provider`). */
  id: string;
  /** Whether a provider id is configured (a built-in or a `[model_providers.<id>]` entry). */
  isConfigured(id: string): boolean;
}

/**
 * Finds and reads the rollout a {@link ResumeTarget} names, as 0.169.0 does: a UUID without a
 * rollout file is an error; a thread name that is not recorded, or `last` with no recorded thread
 * (for `cwd` unless `all`, and for `provider.id`), resolves to `undefined` (the caller starts a
 * new thread). A thread found by id or name must have been recorded with `provider.id` (a
 * `session_meta` without `model_provider` passes).
 * @throws Error {@link rolloutNotFoundMessage} for an unknown UUID, {@link
 *   providerNotConfiguredMessage} / {@link providerChangedMessage} for a thread of another
 *   provider; the file system's error or `rollout has no session_meta` for a rollout that
 *   cannot be read.
 */
export async function loadResumeTarget(
  codexHome: string,
  cwd: string,
  target: ResumeTarget,
  provider?: ResumeProvider,
): Promise<ResumedRollout | undefined> {
  let path: string | undefined;
  if ('last' in target) {
    path = await findLatestRollout(codexHome, {
      cwd: target.all ? undefined : cwd,
      modelProvider: provider?.id,
    });
  } else if (isThreadId(target.threadId)) {
    path = await findRolloutById(codexHome, target.threadId);
    if (path === undefined) throw new Error(rolloutNotFoundMessage(target.threadId));
  } else {
    const id = await findThreadIdByName(codexHome, target.threadId);
    path = id === undefined ? undefined : await findRolloutById(codexHome, id);
  }
  if (path === undefined) return undefined;
  const state = resumeStateFromRollout(await readRolloutFile(path));
  const recorded = state.meta.model_provider ?? undefined;
  if (provider && recorded !== undefined && recorded !== provider.id) {
    throw new Error(
      provider.isConfigured(recorded)
        ? providerChangedMessage(recorded, provider.id)
        : providerNotConfiguredMessage(recorded),
    );
  }
  return { path, state };
}
