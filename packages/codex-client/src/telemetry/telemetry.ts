/**
 * Telemetry hooks the transport calls. An exception thrown by a
 * hook is caught and ignored: it never fails, stalls or leaks the request or stream it reports on.
 */
import type { TransportError } from '../errors/transport-error.js';
import type { SseEvent } from '../sse/decoder.js';

/** What {@link RequestTelemetry.onRequest} receives for one HTTP request. */
export interface RequestTelemetryInfo {
  /** The attempt index the caller passed in `HttpRequest.attempt` (0 when it passed none). */
  attempt: number;
  /** The HTTP status, when a response (2xx or not) was received. */
  status: number | undefined;
  /** The failure, when the request failed (for a non-2xx response: the `HttpStatusError`). */
  error: TransportError | undefined;
  /** Time from the start of the request until it succeeded or failed, ms. */
  durationMs: number;
}

/**
 * Per-request telemetry: `onRequest` runs exactly once per `HttpTransport.request()` /
 * `stream()` call, on success or failure. For `stream()` the duration ends when the response
 * headers of a 2xx response arrive (or the failure happens), not when the body ends.
 */
export interface RequestTelemetry {
  /** Receives one request's outcome. A thrown exception is ignored. */
  onRequest(info: RequestTelemetryInfo): void;
}

/** What {@link SseTelemetry.onSseEvent} receives. */
export interface SseTelemetryInfo {
  /** The event delivered, or undefined when the stream failed. */
  event: SseEvent | undefined;
  /** The failure (idle timeout, read failure, abort), when the stream failed. */
  error: TransportError | undefined;
  /** Time since the consumer asked for this event (since the previous event was delivered), ms. */
  durationMs: number;
}

/**
 * Per-event SSE telemetry: `sseEvents()` calls `onSseEvent` once for every event it yields
 * and once when the stream fails; not at a clean end of stream.
 */
export interface SseTelemetry {
  /** Receives one event or the failure. A thrown exception is ignored. */
  onSseEvent(info: SseTelemetryInfo): void;
}

/** Calls `telemetry.onRequest(info)`, ignoring any exception the hook throws (internal). */
export function reportRequest(telemetry: RequestTelemetry | undefined, info: RequestTelemetryInfo): void {
  if (telemetry === undefined) return;
  try {
    telemetry.onRequest(info);
  } catch {
    // A telemetry hook must never break (or leak) the request it reports on.
  }
}

/** Calls `telemetry.onSseEvent(info)`, ignoring any exception the hook throws (internal). */
export function reportSseEvent(telemetry: SseTelemetry, info: SseTelemetryInfo): void {
  try {
    telemetry.onSseEvent(info);
  } catch {
    // A telemetry hook must never break the stream it reports on.
  }
}
