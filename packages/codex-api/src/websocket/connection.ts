import { IdleClock, type SecretRedactor } from '@codex-ts/client';
import type { RawData } from 'ws';
import { ApiError } from '../errors/api-error.js';
import { apiErrorFromTransport } from '../errors/map-errors.js';
import { ErrorTexts } from '../errors/messages.js';
import { ResponsesEventMapper } from '../responses/event-mapper.js';
import type { ResponseEvent } from '../responses/events.js';
import { headerEvents } from '../responses/header-events.js';
import type { ResponseStream } from '../responses/responses-client.js';
import { apiErrorFromWebsocketErrorFrame, WebsocketErrorTexts, websocketStreamError } from './errors.js';
import { type ResponseCreateWsRequest, serializeResponseCreate } from './request.js';
import { frameResponseId, KnownResponseIds, ResponseMatcher } from './response-match.js';
import type { ConnectionSocket } from './socket.js';
import type { WebsocketTelemetry } from './telemetry.js';

/** `client_metadata` key stamped with the unix ms of the send (W-66). */
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

/** Queued, unconsumed events above which the socket is paused until the consumer catches up. */
const HIGH_WATER = 8192;
const LOW_WATER = 1024;

const DONE: IteratorResult<ResponseEvent> = { done: true, value: undefined };

function abortedError(reason: unknown): ApiError {
  return new ApiError('aborted', ErrorTexts.aborted, { cause: reason });
}

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/**
 * One open Responses WebSocket (W-69…W-77), from `ResponsesWebsocketClient.connect()`. Carries one
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
  /** A close frame arrived (W-76 "websocket closed by server …" vs "stream closed …"). */
  private peerClosed = false;
  private active: WsResponseStream | undefined;
  /** Resolves when the previous request released the connection (W-73). */
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
   * error (W-76 `is_closed`). A closed connection never reopens.
   */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Sends one `response.create` frame ({@link serializeResponseCreate}) and resolves, once the frame
   * is written, with the stream of its events (the same {@link ResponseEvent}s as HTTP):
   *
   * 1. from the handshake response, at the start of every stream on this connection (W-72):
   *    `server_model` (`openai-model`), `server_reasoning_included` (`x-reasoning-included`,
   *    presence), `models_etag` (`x-models-etag`, trimmed, only when non-empty) and `turn_state`
   *    with `source: 'handshake'` (the same rules as HTTP's header events, without rate limits)
   *    (`x-codex-turn-state`; core does not latch it, C-57);
   * 2. each text frame: one `JSON.parse`, wrapped error frames mapped (W-77), then
   *    `ResponsesEventMapper({transport:'websocket'})` — `codex.rate_limits` → `rate_limits` (W-60),
   *    metadata frame headers → `turn_state` / `models_etag` (W-62, W-75); non-JSON frames are skipped;
   * 3. `completed` ends the iteration; the socket stays open for the next request.
   *
   * `client_metadata` is copied with `x-codex-ws-stream-request-start-ms` set to the unix ms
   * (string) taken just before sending (W-66); an existing key keeps its position, otherwise it is
   * appended. The request itself is not modified.
   *
   * One request at a time (W-73): a second call waits until the first stream completed or failed
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

interface WsResponseStreamInit {
  socket: ConnectionSocket;
  /** Tells the frames of this request from stale ones (`response-match.ts`). */
  matcher: ResponseMatcher;
  handshakeHeaders: Readonly<Record<string, string>>;
  idleTimeoutMs: number;
  telemetry: WebsocketTelemetry | undefined;
  redactor: SecretRedactor | undefined;
  connectionReused: boolean;
  signal: AbortSignal | undefined;
  /** Lets the next request on the connection in (W-73). */
  release: () => void;
  ended: (stream: WsResponseStream, drop: boolean) => void;
}

interface Waiter {
  resolve(result: IteratorResult<ResponseEvent>): void;
  reject(error: unknown): void;
}

/**
 * The events of one `response.create`. The connection pushes frames in ({@link text}, {@link fail});
 * the consumer pulls with `next()`. Queued events are handed out with already-resolved promises;
 * a pending `next()` is resolved directly by the frame handler. One `IdleClock` per stream (started at
 * the send, touched by every frame, held while the socket is paused for backpressure; no per-frame
 * timer work); its timeout is clamped to [0, 2^31 − 1] ms, 0 expires at once.
 */
class WsResponseStream implements ResponseStream, AsyncIterator<ResponseEvent> {
  readonly headers: Readonly<Record<string, string>>;
  /** WebSocket responses carry no request id (the original leaves it unset too). */
  readonly requestId: string | undefined = undefined;
  /** Resolves once the frame is written; rejects with the send failure. */
  readonly sent: Promise<void>;
  private readonly socket: ConnectionSocket;
  private readonly matcher: ResponseMatcher;
  private readonly release: () => void;
  private readonly ended: (stream: WsResponseStream, drop: boolean) => void;
  private readonly signal: AbortSignal | undefined;
  private readonly telemetry: WebsocketTelemetry | undefined;
  private readonly redactor: SecretRedactor | undefined;
  private readonly connectionReused: boolean;
  private readonly mapper = new ResponsesEventMapper({ transport: 'websocket' });
  private readonly queue: ResponseEvent[];
  private head = 0;
  private sending = true;
  private sendStart = 0;
  private finished = false;
  private error: ApiError | undefined;
  private waiter: Waiter | undefined;
  private sentResolve!: () => void;
  private sentReject!: (error: ApiError) => void;
  /** The idle timeout (W-74, W-75): started at the send, touched by every frame, held while paused. */
  private readonly clock: IdleClock;
  /** performance.now() of the last frame (or of the send), for telemetry. */
  private lastFrameAt = 0;
  private paused = false;
  private pauses = 0;
  private iterated = false;
  private readonly onAbort: () => void;

  constructor(init: WsResponseStreamInit) {
    this.socket = init.socket;
    this.matcher = init.matcher;
    this.release = init.release;
    this.ended = init.ended;
    this.signal = init.signal;
    this.telemetry = init.telemetry;
    this.redactor = init.redactor;
    this.connectionReused = init.connectionReused;
    this.headers = init.handshakeHeaders;
    this.queue = headerEvents(init.handshakeHeaders, 'handshake');
    this.sent = new Promise<void>((resolve, reject) => {
      this.sentResolve = resolve;
      this.sentReject = reject;
    });
    const signal = init.signal;
    this.onAbort = () => this.fail(abortedError(signal?.reason), 'end', true);
    this.clock = new IdleClock(init.idleTimeoutMs, (elapsed) => {
      const detail = this.sending ? WebsocketErrorTexts.idleTimeoutSending : WebsocketErrorTexts.idleTimeout;
      this.fail(websocketStreamError(detail), 'timeout', false, elapsed);
    });
  }

  /** Writes the frame; arms the idle timer and the abort listener. */
  send(text: string): void {
    const start = performance.now();
    this.sendStart = start;
    this.lastFrameAt = start;
    this.clock.start();
    this.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.socket.send(text, (error?: Error | null) => {
      if (!this.sending) return; // already failed (abort, idle timeout, socket closed)
      if (error) {
        this.fail(websocketStreamError(WebsocketErrorTexts.sendFailed + error.message, error), undefined);
        return;
      }
      this.sending = false;
      const now = performance.now();
      this.lastFrameAt = now;
      this.clock.touch();
      if (this.telemetry) this.report('request', undefined, now - start);
      this.sentResolve();
    });
  }

  /**
   * Diagnostic (internal, not part of `ResponseStream`): how many times this stream paused the
   * socket because more than `HIGH_WATER` (8 192) events were queued unconsumed. Tests read it to
   * prove the backpressure path ran.
   */
  get pauseCount(): number {
    return this.pauses;
  }

  [Symbol.asyncIterator](): AsyncIterator<ResponseEvent> {
    if (this.iterated) throw new Error('a ResponseStream can be iterated only once');
    this.iterated = true;
    return this;
  }

  next(): Promise<IteratorResult<ResponseEvent>> {
    const queue = this.queue;
    if (this.head < queue.length) {
      const value = queue[this.head++] as ResponseEvent;
      if (this.head === queue.length) {
        queue.length = 0;
        this.head = 0;
      } else if (this.paused && queue.length - this.head < LOW_WATER) {
        this.resume();
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.paused) this.resume();
    const error = this.error;
    if (error !== undefined) {
      this.error = undefined;
      return Promise.reject(error);
    }
    if (this.finished) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** `break` / `return` from the consumer: an unfinished response drops the socket. */
  return(): Promise<IteratorResult<ResponseEvent>> {
    this.queue.length = 0;
    this.head = 0;
    this.error = undefined;
    if (!this.finished) this.end(true);
    return Promise.resolve(DONE);
  }

  /** One text frame of this response. */
  text(text: string): void {
    if (this.finished) return;
    const now = performance.now();
    const waited = now - this.lastFrameAt;
    this.lastFrameAt = now;
    this.clock.touch();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      if (this.telemetry) this.report('unparsed', undefined, waited);
      return; // W-75: not an event, skipped
    }
    if (typeof json !== 'object' || json === null) return;
    const event = json as Record<string, unknown>;
    if (event.type === 'error') {
      const error = apiErrorFromWebsocketErrorFrame(event, text);
      if (error !== undefined) {
        this.fail(error, 'error', false, waited);
        return;
      }
    }
    if (this.matcher.isStale(event)) {
      // A frame of another response: never delivered, never ends this request.
      if (this.telemetry)
        this.report(typeof event.type === 'string' ? event.type : 'unparsed', undefined, waited, true);
      return;
    }
    const mapper = this.mapper;
    let own: ResponseEvent | undefined;
    try {
      own = mapper.process(event);
    } catch (error) {
      this.fail(
        apiErrorFromTransport(error, { phase: 'stream' }),
        typeof event.type === 'string' ? event.type : 'unparsed',
        false,
        waited,
      );
      return;
    }
    if (this.telemetry)
      this.report(typeof event.type === 'string' ? event.type : 'unparsed', undefined, waited);
    const queue = this.queue;
    if (mapper.pending.length > 0) {
      for (const derived of mapper.pending) queue.push(derived);
      mapper.pending.length = 0;
    }
    if (own !== undefined) queue.push(own);
    if (mapper.isCompleted) {
      this.end(false);
      return;
    }
    if (this.waiter !== undefined) this.wake();
    else if (!this.paused && queue.length - this.head > HIGH_WATER) {
      this.paused = true;
      this.pauses++;
      this.clock.hold(); // the consumer is behind: not the server's silence
      this.socket.pause();
    }
  }

  /**
   * Ends the request with `error` and drops the socket. `kind` names the frame for telemetry
   * (undefined: none reported); `discard` drops queued events (abort) instead of delivering them first.
   */
  fail(failure: ApiError, kind: string | undefined, discard = false, waited?: number): void {
    if (this.finished) return;
    // An error frame or `response.failed` may quote the key: redact before anyone sees it.
    const error = this.redactor ? this.redactor.redactError(failure) : failure;
    if (this.sending) {
      // Not sent yet: `stream()` rejects with the error (W-74); nothing was iterated.
      this.sending = false;
      if (this.telemetry) this.report('request', error, performance.now() - this.sendStart);
      this.end(true);
      this.sentReject(error);
      return;
    }
    if (kind !== undefined && this.telemetry) {
      this.report(kind, error, waited ?? performance.now() - this.lastFrameAt);
    }
    if (discard) {
      this.queue.length = 0;
      this.head = 0;
    }
    this.error = error;
    this.end(true);
  }

  private end(drop: boolean): void {
    this.finished = true;
    this.clock.stop();
    this.signal?.removeEventListener('abort', this.onAbort);
    if (this.paused) this.resume();
    this.ended(this, drop);
    this.release();
    if (this.waiter !== undefined) this.wake();
  }

  /** Hands the next queued event, the error or the end to the pending `next()`. */
  private wake(): void {
    const waiter = this.waiter;
    if (waiter === undefined) return;
    const queue = this.queue;
    if (this.head < queue.length) {
      this.waiter = undefined;
      const value = queue[this.head++] as ResponseEvent;
      if (this.head === queue.length) {
        queue.length = 0;
        this.head = 0;
      }
      waiter.resolve({ done: false, value });
      return;
    }
    if (this.error !== undefined) {
      const error = this.error;
      this.error = undefined;
      this.waiter = undefined;
      waiter.reject(error);
      return;
    }
    if (this.finished) {
      this.waiter = undefined;
      waiter.resolve(DONE);
    }
  }

  private resume(): void {
    this.paused = false;
    this.lastFrameAt = performance.now();
    this.clock.start();
    if (this.socket.readyState === this.socket.OPEN) this.socket.resume();
  }

  /** Telemetry call; `kind` `request` goes to `onWsRequest`. Hook exceptions are swallowed. */
  private report(kind: string, error: ApiError | undefined, durationMs: number, stale = false): void {
    const telemetry = this.telemetry;
    if (telemetry === undefined) return;
    try {
      if (kind === 'request') {
        telemetry.onWsRequest({ durationMs, error, connectionReused: this.connectionReused });
      } else {
        telemetry.onWsEvent({ kind, error, durationMs, stale });
      }
    } catch {
      // telemetry must never break a stream
    }
  }
}
