import type { ApiError } from '@codex-ts/api';
import type { RateLimitSnapshot, ResponseItem, TokenUsage } from '@codex-ts/protocol';
import type { ToolItemEvent } from '../tools/tool-handler.js';
import type { ModelRerouteReason } from './signals.js';

/**
 * What a running turn reports, in order. A turn's event sequence always ends with exactly
 * one of `turn.completed`, `turn.failed` or `turn.aborted`.
 *
 * | type | when |
 * |---|---|
 * | `turn.started` | before the first request |
 * | `output_text.delta` / `reasoning_summary.delta` | streamed text of request attempt `attempt` (not printed by `exec --json`) |
 * | `tool.item` | a running tool call's thread item (`command_execution`, `file_change`, `todo_list`, …) with its `phase` (`started` / `updated` / `completed`) and a per-turn `key`; yielded while the tool runs, before the call's output `item.completed` |
 * | `item.completed` | a model output item of a response that completed (`response.output_item.done`, released at `response.completed`), or a tool output |
 * | `attempt.discarded` | attempt `attempt` failed after some of its deltas were delivered: drop them (a retry, the fallback or `turn.failed` follows) |
 * | `stream_error` | a retryable failure; the turn retries after `delayMs` ("Reconnecting... n/max (…)") |
 * | `warning` | something the user should know that does not stop the turn; the only event that may come before `turn.started` (a `Conversation`'s fallback-model-metadata warning, `fallbackModelMetadataWarning`) |
 * | `model_reroute` | the server answered with another model than requested (`openai-model` response header on HTTP; `codex.response.metadata` / event headers on WebSocket, also when it changes mid-stream), compared ignoring ASCII case; at most once per turn, followed by the `warning` `MODEL_REROUTE_WARNING`; the turn goes on |
 * | `rate_limits` | every rate-limit snapshot: one per limit family of the response headers (`codex` first, then named families such as `codex_other` with `limitName`, credits with balance), each WebSocket `codex.rate_limits` frame, and the snapshot of a usage-limit error just before its `turn.failed` |
 * | `server_model` | each model the server reports (`openai-model`) |
 * | `token_count` | after each completed response (an automatic compaction's included, with `compaction: true`, whose items and text are never delivered): that response's usage and the turn total; before a context-window error's `turn.failed`: both with `totalTokens` = the model's context window |
 * | `context_compacted` | an automatic compaction (`phase` `mid_turn` / `pre_turn`, any implementation) succeeded and the turn goes on with the compacted history; right after its `token_count` (if any). Not a JSONL event of `exec --json`; human output prints `context compacted` (0.169.0) |
 * | `turn.completed` | the model ended the turn; `usage` sums every response of the turn |
 * | `turn.failed` | a non-retryable error, or retries exhausted; `message` is the user-visible text. After `response.incomplete` ("Incomplete response returned, reason: <reason>", not retried) the items that arrived before it are delivered first |
 * | `turn.aborted` | the caller's AbortSignal fired |
 *
 * Replay safety (a retry never shows output twice): every request the turn sends, first tries and
 * retries alike, is one *attempt*, numbered 1, 2, … across the turn. Text deltas stream live and
 * carry their attempt number. `item.completed` of model output is withheld until that attempt's
 * `response.completed` arrived, so an item is delivered exactly once and never for an attempt that
 * failed (as codex-cli 0.169.0, which discards partial output). When an attempt that delivered
 * deltas fails (other than by the caller's abort or a `response.incomplete`, whose items stand), `attempt.discarded` names it before whatever
 * follows (the retry's notice, the fallback warning or `turn.failed`): a consumer
 * that shows deltas drops (or redraws) what it showed for that attempt. A consumer that shows only
 * `item.completed` never sees a duplicate and needs no bookkeeping.
 */
export type TurnEvent =
  | { type: 'turn.started'; turnId: string }
  | { type: 'output_text.delta'; delta: string; attempt: number }
  | { type: 'reasoning_summary.delta'; delta: string; summaryIndex: number; attempt: number }
  | { type: 'item.completed'; item: ResponseItem }
  | ({ type: 'tool.item' } & ToolItemEvent)
  | { type: 'attempt.discarded'; attempt: number; error: ApiError }
  | {
      type: 'stream_error';
      message: string;
      /** n of "n/max": the retry about to be made for the current request (1-based). */
      retry: number;
      maxRetries: number;
      delayMs: number;
      error: ApiError;
    }
  | { type: 'warning'; message: string }
  | { type: 'model_reroute'; fromModel: string; toModel: string; reason: ModelRerouteReason }
  | { type: 'rate_limits'; snapshot: RateLimitSnapshot }
  | { type: 'server_model'; model: string }
  | {
      type: 'token_count';
      last: TokenUsage;
      total: TokenUsage;
      /** True for the usage of an automatic compaction request (`last` is not the context's size then). */
      compaction?: boolean | undefined;
    }
  | { type: 'context_compacted'; phase: 'mid_turn' | 'pre_turn' }
  | { type: 'turn.completed'; usage: TokenUsage }
  | { type: 'turn.failed'; message: string; error: unknown }
  | { type: 'turn.aborted'; reason: unknown };
