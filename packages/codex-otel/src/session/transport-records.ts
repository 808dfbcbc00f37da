/**
 * The per-poll / per-frame recorders behind SessionTelemetry's `recordSsePoll` and
 * `recordWebsocketEvent` (telemetry.md §4–§5). Internal to the package.
 */

import type { SseTelemetryInfo } from '@codex-ts/client';
import type { SessionEvents } from './events.js';
import type { SessionMetrics } from './metrics.js';
import type { WebsocketEventInfo } from './types.js';
import { RESPONSE_FAILED, sseKind, WEBSOCKET_TIMING_KIND } from './values.js';

/** Responses events after which a stream carries nothing more. */
const TERMINAL_SSE_KINDS: ReadonlySet<string> = new Set([
  'response.completed',
  'response.failed',
  'response.incomplete',
]);

/**
 * One SSE poll: `codex.sse_event` metrics and log event (span event on failure only). A clean end
 * of stream or an `aborted` error records nothing; with neither metrics nor logs enabled, only a
 * failure does any work.
 */
export function recordSsePoll(metrics: SessionMetrics, events: SessionEvents, info: SseTelemetryInfo): void {
  const event = info.event;
  const error = info.error;
  const hasError = error !== undefined && error !== null;
  // Clean end of stream, or the consumer aborted: not an SSE event, but the stream is over.
  if ((event === undefined && !hasError) || (hasError && error.code === 'aborted')) {
    metrics.flushSseEvents();
    return;
  }
  if (!metrics.enabled && !events.logsEnabled) {
    // Only failures go to the trace side; skip all work when there is nothing to record.
    if (!hasError && (event === undefined || event.event !== RESPONSE_FAILED)) return;
  }
  const kind = event === undefined ? undefined : sseKind(event);
  const failed = hasError || kind === RESPONSE_FAILED;
  metrics.sseEvent(kind ?? 'unknown', !failed, info.durationMs);
  // A read error or a terminal event ends the stream: hand the buffered points to the SDK.
  if (event === undefined || failed || TERMINAL_SSE_KINDS.has(kind as string)) metrics.flushSseEvents();
  events.sseEvent(kind, error, failed, info.durationMs);
}

/**
 * One WebSocket read: `codex.websocket.event` metrics (pings / pongs ignored; binary, close,
 * parse errors, read failures and `response.failed` count as failures), timing frames into the
 * `codex.responses_api_*` histograms, stale frames into `codex.websocket.stale_event` only.
 */
export function recordWebsocketEvent(metrics: SessionMetrics, info: WebsocketEventInfo): void {
  const frame = info.frame;
  if (frame === 'ping' || frame === 'pong') return;
  if (info.stale === true) {
    metrics.staleWebsocketEvent(info.kind ?? 'parse_error');
    return;
  }
  let kind = info.kind;
  let success = info.error === undefined || info.error === null;
  if (frame === 'text') {
    if (kind === undefined) {
      kind = 'parse_error';
      success = false;
    } else if (kind === RESPONSE_FAILED) {
      success = false;
    } else if (kind === WEBSOCKET_TIMING_KIND && info.payload !== undefined) {
      const payload = info.payload as { timing_metrics?: unknown } | null;
      if (typeof payload === 'object' && payload !== null) metrics.responsesApiTiming(payload.timing_metrics);
    }
  } else {
    success = false;
  }
  metrics.websocketEvent(kind ?? 'unknown', success, info.durationMs);
}
