import {
  addTokenUsage,
  emptyTokenUsage,
  isAssistantMessage,
  messageText,
  type ResponseItem,
  serializeResponseItem,
  type TokenUsage,
  tokenUsageToRollout,
  userInputParts,
} from '@codex-ts/protocol';
import { isSummaryMessage } from '../compaction/history.js';
import type { TurnEvent } from '../turn/events.js';
import type { RolloutGitInfo } from './git-info.js';
import type { RolloutWriter } from './rollout-writer.js';

/** The text parts of a message item joined (input or output text), else ''. */
function partsText(item: ResponseItem): string {
  if (item.type !== 'message') return '';
  return item.content
    .map((part) => ('text' in part && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

/** What a thread's `session_meta` record says (written once, before the first turn's records). */
export interface RolloutSessionMeta {
  threadId: string;
  /** When the thread started. */
  startedAt: Date;
  cwd: string;
  /** `codex_exec` for `exec`. */
  originator: string;
  /** Our CLI version (`cli_version`). */
  cliVersion: string;
  /** The provider id (`model_provider`, e.g. `openai` or a `[model_providers.<id>]` key). */
  modelProvider: string;
  /** The base instructions text (the first developer message of every request). */
  baseInstructions: string;
  /** `thread_source` (`--thread-source`; default `user`). */
  threadSource?: string | undefined;
  /**
   * The working tree's git state (`git`; omitted outside a git repository). A promise (the `git`
   * commands still running) holds the record back, and every record after it, until it resolves
   * (see `RolloutWriter.appendLater`): the first request need not wait for `git`.
   */
  git?: RolloutGitInfo | Promise<RolloutGitInfo | undefined> | undefined;
  /** The first context window's id (`context_window: {window_id}`, written last, as 0.169.0). */
  contextWindowId?: string | undefined;
}

/** The session's current context window, as the model client numbers it (`SessionIdentity`). */
export interface RolloutContextWindow {
  windowNumber: number;
  contextWindowId: string;
}

/** The settings of a turn, written as its `turn_context` record. */
export interface RolloutTurnSettings {
  cwd: string;
  model: string;
  /** `approval_policy` (`never`, `on-request`, …). */
  approvalPolicy: string;
  /** `sandbox_policy.type` (`read-only`, `workspace-write`, `danger-full-access`). */
  sandboxMode: string;
  effort?: string | undefined;
  /** `summary` (`none`, `auto`, …). */
  summary?: string | undefined;
  /** `model_context_window` of `task_started` / `token_count`, in tokens. */
  contextWindow?: number | undefined;
}

/**
 * What a {@link Conversation} tells its recorder: the start of each turn (its context and user
 * items), then every event of the turn with the history as it stands after the event.
 */
export interface ConversationRecorder {
  turnStarted(turn: {
    turnId: string;
    /** The history after this turn's context and user items were added. */
    history: readonly ResponseItem[];
    /** Items added before the user's (environment context on the first turn). */
    contextItems: readonly ResponseItem[];
    userItems: readonly ResponseItem[];
  }): void;
  turnEvent(event: TurnEvent, history: readonly ResponseItem[]): void;
  /**
   * The history was replaced outside a turn (`Conversation.compact()`): `history` is the new one.
   * A recorder that writes the history must record it now, or a resume would continue from the
   * history before the compaction.
   */
  historyReplaced(history: readonly ResponseItem[]): void;
}

/**
 * Records a thread as 0.169.0 writes its rollout (`codex-rs/rollout/src/recorder.rs`,
 * `codex-rs/protocol/src/protocol.rs` `RolloutItem`), as the turn runs, one line per record:
 *
 * 1. `session_meta` before the first record of a new thread: `{session_id, id, timestamp, cwd,
 *    originator, cli_version, source:"exec", thread_source (default "user"), model_provider,
 *    base_instructions:{text}, git?:{commit_hash?, branch?, repository_url?}, context_window?:{window_id}}` (not for a resumed thread, whose file already has it);
 * 2. per turn: `event_msg` `task_started {turn_id, started_at (unix s), model_context_window,
 *    collaboration_mode_kind}`, a `response_item` per context item (the environment context),
 *    `turn_context {turn_id, cwd, approval_policy, sandbox_policy:{type}, model, effort?, summary}`,
 *    a `response_item` per user item and `event_msg` `user_message {message, images, local_images,
 *    text_elements}`;
 * 3. every item entering the history as it arrives (model output when its response completed,
 *    tool outputs) as a `response_item`; a history replaced by compaction as `compacted
 *    {message (the summary), replacement_history, window_number?, window_id?}` (after the
 *    compaction request's `token_count`); after each response `event_msg` `token_count {info:
 *    {total_token_usage (the thread's, across processes), last_token_usage,
 *    model_context_window}, rate_limits: null}`;
 * 4. the turn's end: `task_complete {turn_id, last_agent_message}`, `turn_aborted {turn_id,
 *    reason:"interrupted"}` or `error {message}`;
 * 5. a history replaced between turns (`Conversation.compact()`) as `compacted` at once.
 *
 * The base-instructions message is never a `response_item` (it lives in `session_meta`).
 * Writes go through a {@link RolloutWriter} (append, one write per line, never throws).
 */
export class RolloutRecorder implements ConversationRecorder {
  readonly writer: RolloutWriter;
  readonly #meta: RolloutSessionMeta | undefined;
  readonly #settings: () => RolloutTurnSettings;
  readonly #baseItemId: string | undefined;
  #contextWindow: (() => RolloutContextWindow) | undefined;
  /** History items already written (by identity), in order. */
  #known: readonly ResponseItem[] = [];
  #threadTotal: TokenUsage;
  #turnTotal: TokenUsage = emptyTokenUsage();
  #turnId = '';
  #lastAgentMessage: string | null = null;
  #metaWritten: boolean;

  /**
   * `meta`: the new thread's `session_meta` (omit when resuming: the file has one); `settings`:
   * read at each turn start for its `turn_context`; `history`: the resumed history already in the
   * file (not written again); `threadUsage`: the thread's token usage before this process
   * (resume), in tokens; `baseItemId`: id of the base-instructions message, never written as an item.
   */
  constructor(options: {
    writer: RolloutWriter;
    meta?: RolloutSessionMeta | undefined;
    settings: () => RolloutTurnSettings;
    history?: readonly ResponseItem[] | undefined;
    threadUsage?: TokenUsage | undefined;
    baseItemId?: string | undefined;
  }) {
    this.writer = options.writer;
    this.#meta = options.meta;
    this.#metaWritten = options.meta === undefined;
    this.#settings = options.settings;
    this.#known = options.history ? [...options.history] : [];
    this.#threadTotal = options.threadUsage ?? emptyTokenUsage();
    this.#baseItemId = options.baseItemId;
  }

  /** The thread's token usage so far (resumed usage plus every completed response of this process). */
  get threadUsage(): TokenUsage {
    return addTokenUsage(this.#threadTotal, this.#turnTotal);
  }

  #writeMeta(): void {
    if (this.#metaWritten || !this.#meta) return;
    this.#metaWritten = true;
    const m = this.#meta;
    const payload = (git: RolloutGitInfo | undefined) => ({
      session_id: m.threadId,
      id: m.threadId,
      timestamp: m.startedAt.toISOString(),
      cwd: m.cwd,
      originator: m.originator,
      cli_version: m.cliVersion,
      source: 'exec',
      thread_source: m.threadSource ?? 'user',
      model_provider: m.modelProvider,
      base_instructions: { text: m.baseInstructions },
      ...(git ? { git } : {}),
      ...(m.contextWindowId ? { context_window: { window_id: m.contextWindowId } } : {}),
    });
    if (m.git instanceof Promise) this.writer.appendLater('session_meta', m.git.then(payload));
    else this.writer.append('session_meta', payload(m.git));
  }

  /**
   * Gives the recorder the session's context window (read when a compaction is recorded: the
   * `compacted` record's `window_number` and `window_id`, what a resumed thread continues in).
   */
  trackContextWindow(current: () => RolloutContextWindow): void {
    this.#contextWindow = current;
  }

  #item(item: ResponseItem): void {
    if (this.#baseItemId !== undefined && (item as { id?: unknown }).id === this.#baseItemId) return;
    this.writer.append('response_item', serializeResponseItem(item));
  }

  turnStarted(turn: Parameters<ConversationRecorder['turnStarted']>[0]): void {
    const settings = this.#settings();
    this.#writeMeta();
    this.#turnId = turn.turnId;
    this.#turnTotal = emptyTokenUsage();
    this.#lastAgentMessage = null;
    this.writer.append('event_msg', {
      type: 'task_started',
      turn_id: turn.turnId,
      started_at: Math.floor(Date.now() / 1000),
      model_context_window: settings.contextWindow ?? null,
      collaboration_mode_kind: 'default',
    });
    for (const item of turn.contextItems) this.#item(item);
    this.writer.append('turn_context', {
      turn_id: turn.turnId,
      cwd: settings.cwd,
      approval_policy: settings.approvalPolicy,
      sandbox_policy: { type: settings.sandboxMode },
      model: settings.model,
      ...(settings.effort ? { effort: settings.effort } : {}),
      summary: settings.summary ?? 'none',
    });
    for (const item of turn.userItems) this.#item(item);
    const text = userInputParts(turn.userItems)
      .filter((part) => part.type === 'input_text')
      .map((part) => (part as { text: string }).text)
      .join('\n');
    this.writer.append('event_msg', {
      type: 'user_message',
      message: text,
      images: [],
      local_images: [],
      text_elements: [],
    });
    this.#known = [...turn.history];
  }

  turnEvent(event: TurnEvent, history: readonly ResponseItem[]): void {
    // A compaction's usage goes before its `compacted` record, as 0.169.0 writes them.
    const compaction = event.type === 'token_count' && event.compaction === true;
    if (!compaction) this.#syncHistory(history);
    switch (event.type) {
      case 'item.completed':
        if (isAssistantMessage(event.item)) this.#lastAgentMessage = messageText(event.item);
        return;
      case 'token_count':
        this.#turnTotal = event.total;
        this.writer.append('event_msg', {
          type: 'token_count',
          info: {
            total_token_usage: tokenUsageToRollout(this.threadUsage),
            last_token_usage: tokenUsageToRollout(event.last),
            model_context_window: this.#settings().contextWindow ?? null,
          },
          rate_limits: null,
        });
        if (compaction) this.#syncHistory(history);
        return;
      case 'turn.completed':
        this.#endTurn();
        this.writer.append('event_msg', {
          type: 'task_complete',
          turn_id: this.#turnId,
          last_agent_message: this.#lastAgentMessage,
        });
        return;
      case 'turn.failed':
        this.#endTurn();
        this.writer.append('event_msg', { type: 'error', message: event.message });
        return;
      case 'turn.aborted':
        this.#endTurn();
        this.writer.append('event_msg', {
          type: 'turn_aborted',
          turn_id: this.#turnId,
          reason: 'interrupted',
        });
        return;
      default:
        return;
    }
  }

  /** Writes the replaced history as a `compacted` record (after `session_meta` when none was written yet). */
  historyReplaced(history: readonly ResponseItem[]): void {
    this.#writeMeta();
    this.#syncHistory(history);
  }

  #endTurn(): void {
    this.#threadTotal = this.threadUsage;
    this.#turnTotal = emptyTokenUsage();
  }

  /** Writes what entered the history since the last call: appended items, or a compaction. */
  #syncHistory(history: readonly ResponseItem[]): void {
    const known = this.#known;
    const appended = history.length >= known.length && known.every((item, i) => history[i] === item);
    if (appended) {
      for (const item of history.slice(known.length)) this.#item(item);
    } else {
      const replacement = history.filter(
        (item) => this.#baseItemId === undefined || (item as { id?: unknown }).id !== this.#baseItemId,
      );
      // `message`: the summary message's text, as 0.169.0 writes it (a pre-turn compaction's
      // replacement ends with the turn's prompt); else the last item's.
      const last = replacement.findLast(isSummaryMessage) ?? replacement[replacement.length - 1];
      const window = this.#contextWindow?.();
      this.writer.append('compacted', {
        message: last ? partsText(last) : '',
        replacement_history: replacement.map((item) => serializeResponseItem(item)),
        // The window the history continues in (0.169.0; a resumed thread goes on in it).
        ...(window ? { window_number: window.windowNumber, window_id: window.contextWindowId } : {}),
      });
    }
    this.#known = [...history];
  }
}
