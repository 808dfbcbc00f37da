// Scenario types: what the server answers, step by step. Plain JSON-compatible data, so a scenario
// can live in a `.json` file (see `loadScenarioFile`) as well as in test code.

import type { ChatgptScenario } from './chatgpt.js';

/**
 * One Responses API event object as it appears in an SSE `data:` line or a WebSocket text frame,
 * e.g. `{"type":"response.created","response":{"id":"resp_1"}}` (wire-protocol.md §3.3). The
 * builders (`responseCreated`, `completed`, …) return this shape.
 */
export interface ResponsesEvent {
  /** The wire event type, e.g. `response.output_text.delta`. */
  type: string;
  [field: string]: unknown;
}

/**
 * An SSE event with explicit framing: `data` is JSON-encoded when it is an object, written as
 * `data:` lines verbatim when it is a string (a string containing `\n` becomes several `data:`
 * lines). The `event:` line defaults to `data.type` (no `event:` line for string data).
 */
export interface SseDataEvent {
  data: object | string;
  /** Value of the `event:` line; defaults to `data.type` when `data` is an object. */
  event?: string;
  /** Pause before writing this event, in ms. */
  delayMs?: number;
}

/**
 * Bytes written verbatim (UTF-8), with no framing added: malformed lines, comments (`: ping\n\n`),
 * CRLF line endings, an event split across writes, …
 */
export interface SseRawEvent {
  raw: string;
  /** Pause before writing these bytes, in ms. */
  delayMs?: number;
}

/**
 * One element of an `sse` step: an explicit `{ data }` / `{ raw }` event, or (shorthand) a plain
 * event object with a `type`, framed as `event: <type>\ndata: <json>\n\n`.
 */
export type SseStepEvent = SseDataEvent | SseRawEvent | ResponsesEvent;

/**
 * How the body of an `sse` step is split into socket writes (each write is one HTTP chunk):
 * `'event'` (default) one write per event; `'byte'` one write per byte of the UTF-8 body (so
 * multi-byte characters and CRLF pairs are split); a number N: writes of N bytes.
 */
export type SseChunking = 'event' | 'byte' | number;

/** Answer a `POST …/responses` with an SSE stream (`content-type: text/event-stream`). */
export interface SseStep {
  kind: 'sse';
  events: SseStepEvent[];
  /** Extra response headers (e.g. `x-request-id`, `openai-model`, `x-codex-primary-used-percent`). */
  headers?: Record<string, string>;
  /** HTTP status of the stream, default 200. */
  status?: number;
  /**
   * Destroy the socket after writing this many events (0 = right after the headers): no final
   * chunk, so the client sees the body end abruptly (observed-cli §7 "stream dropped mid-body").
   */
  dropAfter?: number;
  /**
   * Stop writing after this many events and keep the connection open until the client aborts or
   * the server closes (the idle-timeout scenario).
   */
  stallAfter?: number;
  /** Write splitting, default `'event'`. */
  chunking?: SseChunking;
}

/**
 * Answer with an HTTP error. `body` objects are sent as JSON, strings verbatim; without a body the
 * server sends `{"error":{"type":"server_error","code":null,"message":"…"}}`. Use `openAiError()` for
 * the usual `{"error":{"type","code","message"}}` shape and `headers` for `retry-after`.
 */
export interface ErrorStep {
  kind: 'error';
  status: number;
  headers?: Record<string, string>;
  body?: object | string;
}

/** Read the request, then never send headers: the connection stays open until abort or `close()`. */
export interface HangStep {
  kind: 'hang';
}

/** What one `POST …/responses` gets. */
export type Step = SseStep | ErrorStep | HangStep;

/**
 * The HTTP script. Each `POST` to a path ending in `/responses` consumes the next step. When the
 * steps run out the last one is repeated if `repeatLast`, otherwise the request gets a 500 with
 * `{"error":{"type":"server_error","code":"scenario_exhausted","message":…}}`.
 */
export interface Scenario {
  steps: Step[];
  repeatLast?: boolean;
}

/**
 * How a WebSocket upgrade (`GET …/responses`) is answered. `accept` completes the handshake after
 * `delayMs`, adding `headers` to the 101 response (e.g. `x-codex-turn-state`, `openai-model`,
 * `x-reasoning-included`). `reject` answers a plain HTTP response with `status` (e.g. 426 for
 * the HTTP fallback 401, 500) and closes the socket.
 */
export type HandshakeStep =
  | { kind: 'accept'; headers?: Record<string, string>; delayMs?: number }
  | {
      kind: 'reject';
      status: number;
      headers?: Record<string, string>;
      body?: object | string;
      delayMs?: number;
    };

/**
 * One server→client WebSocket frame of a response: an event object (sent as one JSON text frame),
 * `{ raw }` (a text frame sent verbatim, e.g. invalid JSON) or `{ binary: true }` (a binary frame
 * holding `data` or a few bytes "unexpected binary websocket event").
 */
export type WsFrameEvent = ResponsesEvent | { raw: string } | { binary: true; data?: string };

/** A wrapped WebSocket error event `{"type":"error","status":N,"error":{…},"headers"?:{…}}`. */
export interface WsErrorFrame {
  status: number;
  error: { type?: string; code?: string | null; message?: string; [field: string]: unknown };
  headers?: Record<string, string | number | boolean>;
}

/** Close the connection with a close frame once the step's frames are sent ("Close frame"). */
export interface WsCloseAfter {
  code: number;
  reason?: string;
}

/**
 * How one client `response.create` frame is answered: a list of frames, optionally dropped
 * (`dropAfter` N frames: socket destroyed without a close frame, the client sees 1006), stalled
 * (`stallAfter` N frames: nothing more is sent) or followed by a close frame (`closeAfter`).
 */
export interface WsEventsStep {
  events: WsFrameEvent[];
  /** Pause before each frame, in ms. */
  delayMs?: number;
  dropAfter?: number;
  stallAfter?: number;
  closeAfter?: WsCloseAfter;
}

/** Answer a `response.create` with a wrapped error frame, then optionally close. */
export interface WsErrorStep {
  errorFrame: WsErrorFrame;
  closeAfter?: WsCloseAfter;
}

/** What one client `response.create` frame gets. */
export type WsResponseStep = WsEventsStep | WsErrorStep;

/**
 * The WebSocket script, independent of the HTTP one.
 * - `handshakes`: consumed one per upgrade; once empty, upgrades are accepted with no extra headers.
 * - `responses`: consumed one per `response.create` frame (any connection); once empty the last one
 *   is repeated if `repeatLast`, otherwise the frame gets a wrapped 500 `scenario_exhausted` error
 *   frame.
 * - `prewarm`: consumed first by frames with `"generate": false`; when it is empty and
 *   `autoPrewarm` is on (default) such frames get `response.created` + `response.completed` for a
 *   fresh id (`resp_prewarm_N`) without touching `responses`; with `autoPrewarm: false` they consume
 *   `responses` like any other frame.
 * - `checkPreviousResponseId` (default true): a `previous_response_id` that this connection has not
 *   seen completed gets `{"type":"error","status":400,"error":{"type":"invalid_request_error",
 *   "code":"previous_response_not_found",…}}` without consuming a step.
 * - `connectionLimitMs`: the server-side age limit of a connection (60 minutes on the real API).
 *   A `response.create` arriving on a connection at least this old gets the wrapped error
 *   `{"type":"error","status":400,"error":{"type":"invalid_request_error",
 *   "code":"websocket_connection_limit_reached",…}}` without consuming a step, and the server then
 *   closes the connection (code 1000). Unset: no limit.
 */
export interface WsScenario {
  handshakes?: HandshakeStep[];
  responses: WsResponseStep[];
  repeatLast?: boolean;
  prewarm?: WsResponseStep[];
  autoPrewarm?: boolean;
  checkPreviousResponseId?: boolean;
  connectionLimitMs?: number;
}

/**
 * The content of a scenario file for the CLI: an HTTP `Scenario` plus an optional `ws` part and
 * optional `chatgpt` route scripts (`ChatgptScenario`).
 */
export interface ScenarioFile extends Scenario {
  ws?: WsScenario;
  chatgpt?: ChatgptScenario;
}
