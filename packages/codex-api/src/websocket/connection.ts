import type { SecretRedactor } from '@codex-ts/client';
import type { RawData } from 'ws';
import type { ResponseEvent } from '../responses/events.js';
import type { ResponseStream } from '../responses/responses-client.js';
import { apiErrorFromWebsocketErrorFrame, WebsocketErrorTexts, websocketStreamError } from './errors.js';
import { type ResponseCreateWsRequest, serializeResponseCreate } from './request.js';
import { frameResponseId, KnownResponseIds, ResponseMatcher } from './response-match.js';
import { abortedError, WsResponseStream } from './response-stream.js';
import type { ConnectionSocket } from './socket.js';
import type { WebsocketTelemetry } from './telemetry.js';

/** `client_metadata` key stamped with the unix ms of the send. */
export const WS_STREAM_REQUEST_START_MS = 'x-codex-ws-stream-request-start-ms';

/** Per-call options of {@link ResponsesWebsocketConnection.stream}. */
export interface ResponsesWebsocketStreamOptions {
  /**
   * Aborts waiting for the connection, the send or the stream: rejects (or makes iteration throw)
   * `ApiError('aborted')` and drops the socket when the request was already sent.
   */
  signal?: AbortSignal;
}

/** Internal construction data of a {@link ResponsesWebsocketConnection} (made by `ResponsesWebsocketClient.connect`). */
export interface ResponsesWebsocketConnectionInit {
  socket: ConnectionSocket;
  handshakeHeaders: Readonly<Record<string, string>>;
  idleTimeoutMs: number;
  telemetry: WebsocketTelemetry | undefined;
  /** Applied to every error a stream ends with, before telemetry and the consumer see it. */
  redactor?: SecretRedactor | undefined;
}

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/**
 * One open Responses WebSocket, from `ResponsesWebsocketClient.connect()`. Carries one
 * request at a time ({@link stream}); after a `completed` response it stays open for the next one.
 * Any terminal failure (error frame, `response.failed`, binary or close frame, socket end, idle
 * timeout, abort, an early `break`) drops the socket at once without a close handshake, and
 * {@link isClosed} becomes true: open a new connection then. Never sends a close frame (0.169.0 did
 * not either). Frames, closes and errors that arrive while no request is in flight never throw or
 * reject anything: a wrapped error frame, a binary frame, a close frame or a socket error there just
 * closes the connection; other frames are ignored (and reported as stale).
 *
 * Frames are matched to the request in flight by response id (`response-match.ts`): once a frame
 * (normally `response.created`) names the response in flight, a frame naming another response is
 * stale; before that, a frame naming an earlier response of this socket (or the request's
 * `previous_response_id`) is stale unless it is a `response.created`. Stale frames are dropped (no
 * event, they never complete or fail the request) and reported to telemetry with `stale: true`.
 * Every error a stream ends with is redacted with the client's `SecretRedactor` before telemetry or
 * the consumer sees it.
 */
export class ResponsesWebsocketConnection {
  /** Response headers of the 101 handshake (lower-cased names, repeats joined with `, `). */
  readonly handshakeHeaders: Readonly<Record<string, string>>;
  private readonly socket: ConnectionSocket;
  private readonly idleTimeoutMs: number;
  private readonly telemetry: WebsocketTelemetry | undefined;
  private readonly redactor: SecretRedactor | undefined;
  private closed = false;
  /** A close frame arrived ("websocket closed by server …" vs "stream closed …"). */
  private peerClosed = false;
  private active: WsResponseStream | undefined;
  /** Resolves when the previous request released the connection. */
  private lock: Promise<void> = Promise.resolve();
  private requests = 0;
  /** Ids of responses this socket carried or was told about: their late frames are stale. */
  private readonly responseIds = new KnownResponseIds();
  /** A stream finished: detach it, drop the socket when it failed. */
  private readonly streamEnded = (stream: WsResponseStream, drop: boolean): void => {
    if (this.active === stream) this.active = undefined;
    if (drop) this.drop();
  };

  /** @internal Use `ResponsesWebsocketClient.connect()`. */
  constructor(init: ResponsesWebsocketConnectionInit) {
    this.socket = init.socket;
    this.handshakeHeaders = init.handshakeHeaders;
    this.idleTimeoutMs = init.idleTimeoutMs;
    this.telemetry = init.telemetry;
    this.redactor = init.redactor;
    const socket = this.socket;
    socket.on('message', (data: RawData, isBinary: boolean) => {
      const stream = this.active;
      if (stream === undefined) this.idleFrame(data, isBinary);
      else if (isBinary) stream.fail(websocketStreamError(WebsocketErrorTexts.binaryFrame), 'binary');
      else stream.text(frameText(data));
    });
    socket.on('error', (error: Error & { code?: string }) => this.socketFailed(error));
    socket.on('close', () => this.socketFailed(undefined));
    socket.onPeerClose = () => {
      this.peerClosed = true;
      const stream = this.active;
      if (stream !== undefined)
        stream.fail(websocketStreamError(WebsocketErrorTexts.closedByServer), 'close');
      else this.drop();
    };
    if (socket.readyState !== socket.OPEN) this.drop();
  }

  /**
   * True once the socket failed, was closed by either side, or a request ended with a terminal
   * error (the original's `is_closed`). A closed connection never reopens.
   */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Sends one `response.create` frame ({@link serializeResponseCreate}) and resolves, once the frame
   * is written, with the stream of its events (the same {@link ResponseEvent}s as HTTP):
   *
   * 1. from the handshake response, at the start of every stream on this connection:
   *    `server_model` (`openai-model`), `server_reasoning_included` (`x-reasoning-included`,
   *    presence), `models_etag` (`x-models-etag`, trimmed, only when non-empty) and `turn_state`
   *    with `source: 'handshake'` (the same rules as HTTP's header events, without rate limits)
   *    (`x-codex-turn-state`, core does not latch it);
   * 2. each text frame: one `JSON.parse`, wrapped error frames mapped, then
   *    `ResponsesEventMapper({transport:'websocket'})` — `codex.rate_limits` → `rate_limits`,
   *    metadata frame headers → `turn_state` / `models_etag`; non-JSON frames are skipped;
   * 3. `completed` ends the iteration; the socket stays open for the next request.
   *
   * `client_metadata` is copied with `x-codex-ws-stream-request-start-ms` set to the unix ms
   * (string) taken just before sending; an existing key keeps its position, otherwise it is
   * appended. The request itself is not modified.
   *
   * One request at a time: a second call waits until the first stream completed or failed
   * (so iterate each stream, or `break` out of it, before the next request).
   *
   * Rejects with `ApiError`: `aborted`; `stream` "…: websocket connection is closed" when the
   * connection is closed; `stream` "…: failed to send websocket request: …" or "…: idle timeout
   * sending websocket request". Iteration throws `ApiError` (all drop the socket):
   * "…: idle timeout waiting for websocket" after `provider.streamIdleTimeoutMs` without a frame,
   * "…: unexpected binary websocket event", "…: websocket closed by server before
   * response.completed" (close frame), "…: stream closed before response.completed" (socket ended
   * or reset), "…: <read error>", wrapped error frames as HTTP errors
   * ({@link apiErrorFromWebsocketErrorFrame}), `response.failed` / `response.incomplete` mapped as
   * on HTTP, `aborted`. Leaving the loop early drops the socket (the response is unfinished).
   */
  async stream(
    request: ResponseCreateWsRequest,
    options: ResponsesWebsocketStreamOptions = {},
  ): Promise<ResponseStream> {
    const signal = options.signal;
    if (signal?.aborted) throw abortedError(signal.reason);
    const previous = this.lock;
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.lock = previous.then(() => mine);
    try {
      await (signal ? untilResolvedOrAborted(previous, signal) : previous);
    } catch (error) {
      release();
      throw error;
    }
    if (signal?.aborted) {
      release();
      throw abortedError(signal.reason);
    }
    if (this.closed) {
      release();
      throw websocketStreamError(WebsocketErrorTexts.connectionClosed);
    }
    let text: string;
    try {
      const metadata = { ...request.client_metadata, [WS_STREAM_REQUEST_START_MS]: String(Date.now()) };
      text = serializeResponseCreate({ ...request, client_metadata: metadata });
    } catch (error) {
      release();
      throw websocketStreamError(
        `failed to encode websocket request: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
    const previousId = request.previous_response_id;
    if (typeof previousId === 'string' && previousId !== '') this.responseIds.add(previousId);
    const stream = new WsResponseStream({
      socket: this.socket,
      matcher: new ResponseMatcher(this.responseIds),
      handshakeHeaders: this.handshakeHeaders,
      idleTimeoutMs: this.idleTimeoutMs,
      telemetry: this.telemetry,
      redactor: this.redactor,
      connectionReused: this.requests++ > 0,
      signal,
      release,
      ended: this.streamEnded,
    });
    this.active = stream;
    stream.send(text);
    await stream.sent;
    return stream;
  }

  /** Drops the socket without a close handshake; fails a stream in flight with "…: websocket connection is closed". Idempotent. */
  close(): void {
    const stream = this.active;
    if (stream !== undefined) stream.fail(websocketStreamError(WebsocketErrorTexts.connectionClosed), 'end');
    this.drop();
  }

  /** Terminates the socket (no close frame) and marks the connection closed. */
  private drop(): void {
    this.closed = true;
    this.socket.onPeerClose = undefined;
    if (this.socket.readyState !== this.socket.CLOSED) this.socket.terminate();
  }

  /** `'error'` (with the error) or `'close'` (undefined) of the socket. */
  private socketFailed(error: (Error & { code?: string }) | undefined): void {
    const stream = this.active;
    if (stream !== undefined) {
      let detail: string = WebsocketErrorTexts.streamClosedEarly;
      if (this.peerClosed) detail = WebsocketErrorTexts.closedByServer;
      else if (error !== undefined && error.code !== 'ECONNRESET' && error.code !== 'EPIPE') {
        detail = error.message;
      }
      stream.fail(websocketStreamError(detail, error), 'end');
    }
    this.drop();
  }

  /**
   * A frame while no request is in flight: error, binary and close end the connection; other text
   * frames are stale (ignored, their response id remembered, reported with `stale: true`).
   */
  private idleFrame(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.drop();
      return;
    }
    const text = frameText(data);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    let kind = 'unparsed';
    if (typeof json === 'object' && json !== null) {
      const event = json as Record<string, unknown>;
      if (event.type === 'error' && apiErrorFromWebsocketErrorFrame(event, text) !== undefined) {
        this.drop();
        return;
      }
      const id = frameResponseId(event);
      if (id !== undefined) this.responseIds.add(id);
      if (typeof event.type === 'string') kind = event.type;
    }
    const telemetry = this.telemetry;
    if (telemetry === undefined) return;
    try {
      telemetry.onWsEvent({ kind, error: undefined, durationMs: 0, stale: true });
    } catch {
      // telemetry must never break the connection
    }
  }
}

/** Waits for `promise`; rejects with `ApiError('aborted')` when `signal` fires first. */
function untilResolvedOrAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
