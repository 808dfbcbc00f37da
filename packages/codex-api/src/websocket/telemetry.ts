import type { ApiError } from '../errors/api-error.js';

/** What {@link WebsocketTelemetry.onWsRequest} receives, once per `response.create` send. */
export interface WsRequestTelemetryInfo {
  /** Time the send took (serialised frame handed to the socket until written), in ms. */
  durationMs: number;
  /** The send failure ("failed to send websocket request: …", idle timeout, abort), else undefined. */
  error: ApiError | undefined;
  /** True when an earlier request was already sent on this connection. */
  connectionReused: boolean;
}

/**
 * What {@link WebsocketTelemetry.onWsEvent} receives: once per frame read while a request is in
 * flight, and once per text frame read between requests (always `stale`).
 */
export interface WsEventTelemetryInfo {
  /**
   * The frame: its event `type` for a JSON text frame (`response.output_text.delta`, `error`,
   * `codex.rate_limits`, …), `unparsed` for a text frame that is not a JSON event, `binary`, `close`
   * (close frame), `end` (socket ended or failed) or `timeout` (idle timeout, no frame).
   */
  kind: string;
  /** The error this frame ended the request with (error frame, `response.failed`, binary, close, …), else undefined. */
  error: ApiError | undefined;
  /** Wait for this frame since the previous one (or since the request was sent), in ms; 0 between requests. */
  durationMs: number;
  /**
   * True for a frame of another response than the one in flight (a late duplicate
   * `response.completed` of the previous response, …) and for any text frame read between
   * requests: it was ignored, delivered nothing and did not end a request (`error` is undefined).
   * False or absent for the frames of the request in flight.
   */
  stale?: boolean;
}

/**
 * Hooks the WebSocket client calls (the original's `WebsocketTelemetry`, telemetry.md §5);
 * `@codex-ts/otel` implements them. Calls are synchronous and must be cheap; an exception thrown
 * by a hook is swallowed so it cannot break a stream.
 */
export interface WebsocketTelemetry {
  /** Once per `response.create` send. */
  onWsRequest(info: WsRequestTelemetryInfo): void;
  /** Once per frame read while a request is in flight, and per stale text frame between requests (pings/pongs excluded). */
  onWsEvent(info: WsEventTelemetryInfo): void;
}
