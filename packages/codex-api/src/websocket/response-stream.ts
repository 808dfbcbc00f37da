// The events of one response.create on a Responses WebSocket: the per-request stream that
// ResponsesWebsocketConnection feeds frames into (split out of connection.ts).
import { AsyncResource } from 'node:async_hooks';
import { IdleClock, monotonicMs, type SecretRedactor } from '@codex-ts/client';
import { ApiError } from '../errors/api-error.js';
import { apiErrorFromTransport } from '../errors/map-errors.js';
import { ErrorTexts } from '../errors/messages.js';
import { ResponsesEventMapper } from '../responses/event-mapper.js';
import type { ResponseEvent } from '../responses/events.js';
import { headerEvents } from '../responses/header-events.js';
import type { ResponseStream } from '../responses/responses-client.js';
import { apiErrorFromWebsocketErrorFrame, WebsocketErrorTexts, websocketStreamError } from './errors.js';
import type { ResponseMatcher } from './response-match.js';
import type { ConnectionSocket } from './socket.js';
import type { WebsocketTelemetry } from './telemetry.js';

/** Queued, unconsumed events above which the socket is paused until the consumer catches up. */
const HIGH_WATER = 8192;
const LOW_WATER = 1024;

const DONE: IteratorResult<ResponseEvent> = { done: true, value: undefined };

/** `ApiError('aborted')` with the abort reason as `cause`. */
export function abortedError(reason: unknown): ApiError {
  return new ApiError('aborted', ErrorTexts.aborted, { cause: reason });
}

/** Construction data of a {@link WsResponseStream} (made by `ResponsesWebsocketConnection.stream`). */
export interface WsResponseStreamInit {
  socket: ConnectionSocket;
  /** Tells the frames of this request from stale ones (`response-match.ts`). */
  matcher: ResponseMatcher;
  handshakeHeaders: Readonly<Record<string, string>>;
  idleTimeoutMs: number;
  telemetry: WebsocketTelemetry | undefined;
  redactor: SecretRedactor | undefined;
  connectionReused: boolean;
  signal: AbortSignal | undefined;
  /** Lets the next request on the connection in. */
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
export class WsResponseStream implements ResponseStream, AsyncIterator<ResponseEvent> {
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
  /** The idle timeout: started at the send, touched by every frame, held while paused. */
  private readonly clock: IdleClock;
  /** monotonicMs() of the last frame (or of the send), for telemetry. */
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
    const start = monotonicMs();
    this.sendStart = start;
    this.lastFrameAt = start;
    this.clock.start();
    this.signal?.addEventListener('abort', this.onAbort, { once: true });
    // Bound to the sender's async context: the socket's write callbacks otherwise run in the
    // context the socket was opened in, and the `onWsRequest` hook would see another request's span.
    this.socket.send(
      text,
      AsyncResource.bind((error?: Error | null) => {
        if (!this.sending) return; // already failed (abort, idle timeout, socket closed)
        if (error) {
          this.fail(websocketStreamError(WebsocketErrorTexts.sendFailed + error.message, error), undefined);
          return;
        }
        this.sending = false;
        const now = monotonicMs();
        this.lastFrameAt = now;
        this.clock.touch();
        if (this.telemetry) this.report('request', undefined, now - start);
        this.sentResolve();
      }),
    );
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
    const now = monotonicMs();
    const waited = now - this.lastFrameAt;
    this.lastFrameAt = now;
    this.clock.touch();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      if (this.telemetry) this.report('unparsed', undefined, waited);
      return; // not an event, skipped
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
      // Not sent yet: `stream()` rejects with the error; nothing was iterated.
      this.sending = false;
      if (this.telemetry) this.report('request', error, monotonicMs() - this.sendStart);
      this.end(true);
      this.sentReject(error);
      return;
    }
    if (kind !== undefined && this.telemetry) {
      this.report(kind, error, waited ?? monotonicMs() - this.lastFrameAt);
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
    this.lastFrameAt = monotonicMs();
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
