import {
  parseRolloutText,
  type ResponseItem,
  type RolloutProblem,
  type RolloutRecord,
  type SessionMeta,
  safeParseResponseItem,
  TokenCountEventSchema,
  type TokenUsage,
  type TurnContext,
  tokenUsageFromRollout,
} from '@codex-ts/protocol';
import { readFile } from '../internal/fs-async.js';

/** A rollout file read with {@link readRolloutFile}. */
export interface RolloutFile {
  path: string;
  /** Every readable line, in order. */
  records: RolloutRecord[];
  /** Lines that could not be read (a truncated last line after a crash, malformed JSON…). */
  problems: RolloutProblem[];
}

/**
 * Reads a rollout file (`$CODEX_HOME/sessions/…/rollout-*.jsonl`) with `parseRolloutText`:
 * unknown record types are kept as `other`, unreadable lines are reported in `problems`, never
 * thrown.
 * @throws the file system's error (`ENOENT`, `EACCES`…) when the file cannot be read.
 */
export async function readRolloutFile(path: string): Promise<RolloutFile> {
  const text = await readFile(path, 'utf8');
  return { path, ...parseRolloutText(text) };
}

/** What a thread's rollout says, for resuming it ({@link resumeStateFromRollout}). */
export interface RolloutResumeState {
  threadId: string;
  meta: SessionMeta;
  /**
   * The conversation history without the base-instructions message: `response_item` records in
   * order, a `compacted` record's `replacement_history` replacing what came before it.
   */
  history: ResponseItem[];
  /** `session_meta.base_instructions.text`, when recorded. */
  baseInstructions: string | undefined;
  /** The thread's token usage: the last `token_count`'s `total_token_usage` (undefined: none). */
  threadUsage: TokenUsage | undefined;
  /**
   * The last response's usage (the last `token_count`'s `last_token_usage`): its `totalTokens`
   * is the context a resumed thread starts with (pre-turn compaction, `ConversationOptions.contextTokens`).
   * Undefined when there is none after the last `compacted` record (the compacted context's size
   * is unknown; 0.169.0 writes a `token_count` after it, ours comes with the next response).
   */
  lastUsage: TokenUsage | undefined;
  /**
   * The context window the thread was last in: the last `compacted` record's `window_number` /
   * `window_id`, else window 0 with `session_meta.context_window.window_id` (0.169.0 goes on in it
   * on resume); undefined when the file records none.
   */
  contextWindow: { windowNumber: number; contextWindowId: string } | undefined;
  /** The last `turn_context` (model, cwd…), when any. */
  lastTurnContext: TurnContext | undefined;
  /** The ordinal the next appended line gets (last ordinal + 1, else the number of records). */
  nextOrdinal: number;
}

/**
 * Rebuilds a thread from its rollout records (what `codex exec resume` loads): the first
 * `session_meta` gives the id and base instructions; the history is every `response_item`, with
 * `compacted.replacement_history` starting it over; usage is the last `token_count`'s thread
 * total. Unknown records and `event_msg`s other than `token_count` are ignored.
 * @throws Error `rollout has no session_meta` when no `session_meta` record was read.
 */
export function resumeStateFromRollout(file: Pick<RolloutFile, 'records'>): RolloutResumeState {
  let meta: SessionMeta | undefined;
  let history: ResponseItem[] = [];
  let threadUsage: TokenUsage | undefined;
  let lastUsage: TokenUsage | undefined;
  let lastTurnContext: TurnContext | undefined;
  let window: { windowNumber: number; contextWindowId: string } | undefined;
  let maxOrdinal = -1;
  for (const record of file.records) {
    if (record.ordinal !== undefined && record.ordinal > maxOrdinal) maxOrdinal = record.ordinal;
    switch (record.type) {
      case 'session_meta': {
        if (meta) break;
        meta = record.meta;
        const id = (meta as { context_window?: { window_id?: unknown } }).context_window?.window_id;
        if (typeof id === 'string') window = { windowNumber: 0, contextWindowId: id };
        break;
      }
      case 'response_item':
        history.push(record.item);
        break;
      case 'compacted': {
        lastUsage = undefined;
        const { window_number: n, window_id: id } = record.compacted as {
          window_number?: unknown;
          window_id?: unknown;
        };
        if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && typeof id === 'string')
          window = { windowNumber: n, contextWindowId: id };
        if (record.compacted.replacement_history) {
          history = [];
          for (const value of record.compacted.replacement_history) {
            const parsed = safeParseResponseItem(value);
            if (parsed.success) history.push(parsed.item);
          }
        }
        break;
      }
      case 'turn_context':
        lastTurnContext = record.context;
        break;
      case 'event_msg': {
        if (record.event.type !== 'token_count') break;
        const count = TokenCountEventSchema.safeParse(record.event);
        if (count.success && count.data.info) {
          threadUsage = tokenUsageFromRollout(count.data.info.total_token_usage);
          lastUsage = tokenUsageFromRollout(count.data.info.last_token_usage);
        }
        break;
      }
      default:
        break;
    }
  }
  if (!meta) throw new Error('rollout has no session_meta');
  return {
    threadId: meta.id,
    meta,
    history,
    baseInstructions: meta.base_instructions?.text,
    threadUsage,
    lastUsage,
    contextWindow: window,
    lastTurnContext,
    nextOrdinal: Math.max(maxOrdinal + 1, file.records.length),
  };
}
