import type { ApiError } from '@codex-ts/api';
import type { RateLimitSnapshot, ResponseItem, TokenUsage } from '@codex-ts/protocol';

/**
 * What a running turn reports, in order. A turn's event sequence always ends with exactly
 * one of `turn.completed`, `turn.failed` or `turn.aborted`.
 *
 * | type | when |
 * |---|---|
 * | `turn.started` | before the first request |
 * | `output_text.delta` / `reasoning_summary.delta` | streamed text (not printed by `exec --json`) |
 * | `item.completed` | a model output item finished (`response.output_item.done`) or a tool output was produced |
 * | `stream_error` | a retryable failure; the turn retries after `delayMs` ("Reconnecting... n/max (…)") |
 * | `warning` | something the user should know that does not stop the turn |
 * | `rate_limits` / `server_model` | response headers / metadata |
 * | `token_count` | after each completed response: that response's usage and the turn total |
 * | `turn.completed` | the model ended the turn; `usage` sums every response of the turn |
 * | `turn.failed` | a non-retryable error, or retries exhausted; `message` is the user-visible text |
 * | `turn.aborted` | the caller's AbortSignal fired |
 */
export type TurnEvent =
  | { type: 'turn.started'; turnId: string }
  | { type: 'output_text.delta'; delta: string }
  | { type: 'reasoning_summary.delta'; delta: string; summaryIndex: number }
  | { type: 'item.completed'; item: ResponseItem }
  | {
      type: 'stream_error';
      message: string;
      attempt: number;
      maxRetries: number;
      delayMs: number;
      error: ApiError;
    }
  | { type: 'warning'; message: string }
  | { type: 'rate_limits'; snapshot: RateLimitSnapshot }
  | { type: 'server_model'; model: string }
  | { type: 'token_count'; last: TokenUsage; total: TokenUsage }
  | { type: 'turn.completed'; usage: TokenUsage }
  | { type: 'turn.failed'; message: string; error: unknown }
  | { type: 'turn.aborted'; reason: unknown };
