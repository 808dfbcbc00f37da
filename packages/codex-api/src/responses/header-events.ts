import { parseRateLimitHeaders } from '../rate-limits/headers.js';
import type { ResponseEvent } from './events.js';

/**
 * The synthetic events a Responses stream starts with, read from response headers (lower-cased
 * names). One set of rules for both transports:
 *
 * - `source: 'response'` (HTTP), in this order: `server_model` (`openai-model`), one
 *   `rate_limits` per rate-limit family (default `codex` always first), `models_etag`
 *   (`x-models-etag`, trimmed, only when non-empty), `server_reasoning_included`
 *   (`x-reasoning-included`, presence), then `turn_state` (`x-codex-turn-state`) with
 *   `source: 'response'`.
 * - `source: 'handshake'` (WebSocket 101 headers, at the start of every stream on the
 *   connection): `server_model`, `server_reasoning_included`, `models_etag` (same trimming), then
 *   `turn_state` with `source: 'handshake'`; no rate limits (they come as `codex.rate_limits` frames).
 *
 * Returns a new array each call.
 */
export function headerEvents(
  headers: Readonly<Record<string, string>>,
  source: 'response' | 'handshake',
): ResponseEvent[] {
  const events: ResponseEvent[] = [];
  const model = headers['openai-model'];
  if (model !== undefined) events.push({ type: 'server_model', model });
  const reasoningIncluded = headers['x-reasoning-included'] !== undefined;
  if (source === 'response') {
    for (const snapshot of parseRateLimitHeaders(headers)) events.push({ type: 'rate_limits', snapshot });
  } else if (reasoningIncluded) {
    events.push({ type: 'server_reasoning_included', included: true });
  }
  const etag = headers['x-models-etag']?.trim();
  if (etag) events.push({ type: 'models_etag', etag });
  if (source === 'response' && reasoningIncluded) {
    events.push({ type: 'server_reasoning_included', included: true });
  }
  const turnState = headers['x-codex-turn-state'];
  if (turnState !== undefined) events.push({ type: 'turn_state', value: turnState, source });
  return events;
}
