import type { ResponseItem, TokenUsage } from '@codex-ts/protocol';
import { v7 as uuidv7 } from 'uuid';
import { baseInstructionsMessageId } from '../conversation/conversation.js';
import { collectGitInfo } from './git-info.js';
import { loadResumeTarget, type ResumeProvider, type ResumeTarget } from './resume.js';
import { RolloutRecorder, type RolloutTurnSettings } from './rollout-recorder.js';
import { RolloutWriter, rolloutPathFor } from './rollout-writer.js';

/** How a session starts its thread: new or resumed, and where it is recorded. */
export interface ThreadStart {
  threadId: string;
  historyInitialization: 'new' | 'cold_resume';
  /** The base instructions to send (a resumed thread's recorded ones win). */
  baseInstructions: string;
  /** A resumed thread's history (without the base-instructions message). */
  resumeHistory: ResponseItem[] | undefined;
  /** The thread's token usage before this process (resumed threads with a `token_count`). */
  resumedUsage: TokenUsage | undefined;
  /** A resumed thread's context window (see `RolloutResumeState.contextWindow`); undefined for a new thread. */
  contextWindow: { windowNumber: number; contextWindowId: string } | undefined;
  /** A resumed thread's context size in tokens (its last response's `total_tokens`), for pre-turn compaction. */
  contextTokens: number | undefined;
  /** The recorder to give the conversation (none when ephemeral). */
  recorder: RolloutRecorder | undefined;
  /** The rollout file (written from the first turn on), undefined when ephemeral. */
  rolloutPath: string | undefined;
  /**
   * The thread's `thread_source`: a resumed thread's recorded one (0.169.0 ignores
   * `--thread-source` on resume), else the given one.
   */
  threadSource: string | undefined;
}

/**
 * Starts a session's thread for `exec`: resumes `resume` when it names a recorded thread
 * ({@link loadResumeTarget}; its id, history, base instructions and usage, `cold_resume`, the
 * recorder appending to its rollout file), else a new thread (UUID v7, `new`, a new rollout
 * file `rolloutPathFor(codexHome, id)` with a `session_meta` first, holding the git state of
 * `cwd`, `collectGitInfo`, started here and not awaited: the recorder's writer holds the records
 * back until it resolves, so `recorder.writer.settled()` must be awaited before the process ends).
 * `ephemeral` records nothing
 * (a resume still reads the file).
 * @throws what {@link loadResumeTarget} throws.
 */
export async function startThread(options: {
  codexHome: string;
  cwd: string;
  resume: ResumeTarget | undefined;
  ephemeral: boolean;
  baseInstructions: string;
  originator: string;
  cliVersion: string;
  modelProvider: string;
  /** `--thread-source` of a new thread (recorded in its `session_meta`). */
  threadSource?: string | undefined;
  /** A new thread's first context window id (`session_meta.context_window.window_id`). */
  contextWindowId?: string | undefined;
  /** Whether a provider id is configured (resuming a thread of another provider is refused). */
  isProviderConfigured: ResumeProvider['isConfigured'];
  settings: () => RolloutTurnSettings;
}): Promise<ThreadStart> {
  const resumed = options.resume
    ? await loadResumeTarget(options.codexHome, options.cwd, options.resume, {
        id: options.modelProvider,
        isConfigured: options.isProviderConfigured,
      })
    : undefined;
  if (resumed) {
    const { state, path } = resumed;
    const baseInstructions = state.baseInstructions ?? options.baseInstructions;
    return {
      threadId: state.threadId,
      historyInitialization: 'cold_resume',
      baseInstructions,
      resumeHistory: state.history,
      resumedUsage: state.threadUsage,
      contextTokens: state.lastUsage?.totalTokens,
      contextWindow: state.contextWindow,
      recorder: options.ephemeral
        ? undefined
        : new RolloutRecorder({
            writer: new RolloutWriter(path, { nextOrdinal: state.nextOrdinal }),
            settings: options.settings,
            threadUsage: state.threadUsage,
            baseItemId: baseInstructionsMessageId(baseInstructions),
          }),
      rolloutPath: options.ephemeral ? undefined : path,
      threadSource: typeof state.meta.thread_source === 'string' ? state.meta.thread_source : undefined,
    };
  }
  const threadId = uuidv7();
  const startedAt = new Date();
  const path = rolloutPathFor(options.codexHome, threadId, startedAt);
  return {
    threadId,
    historyInitialization: 'new',
    baseInstructions: options.baseInstructions,
    resumeHistory: undefined,
    resumedUsage: undefined,
    contextTokens: undefined,
    contextWindow: undefined,
    recorder: options.ephemeral
      ? undefined
      : new RolloutRecorder({
          writer: new RolloutWriter(path),
          meta: {
            threadId,
            startedAt,
            cwd: options.cwd,
            originator: options.originator,
            cliVersion: options.cliVersion,
            modelProvider: options.modelProvider,
            baseInstructions: options.baseInstructions,
            threadSource: options.threadSource,
            // Not awaited: `session_meta` (and what follows it) is written once git has answered,
            // while the first request is already on its way (see `RolloutWriter.appendLater`).
            git: collectGitInfo(options.cwd),
            contextWindowId: options.contextWindowId,
          },
          settings: options.settings,
          baseItemId: baseInstructionsMessageId(options.baseInstructions),
        }),
    rolloutPath: options.ephemeral ? undefined : path,
    threadSource: options.threadSource,
  };
}
