import type { RequestTelemetry, SseEvent, SseTelemetry, StreamingResponse } from '@codex-ts/client';
import {
  AbortedError,
  HttpStatusError,
  HttpTransport,
  NetworkError,
  runWithRetry,
  SseDecoder,
  StreamError,
  TransportError,
} from '@codex-ts/client';
import type { AuthProvider } from '../auth/auth-provider.js';
import { ApiError } from '../errors/api-error.js';
import { apiErrorFromTransport, requestIdFromHeaders } from '../errors/map-errors.js';
import { ErrorTexts } from '../errors/messages.js';
import type { Provider } from '../provider/provider.js';
import { urlForPath } from '../provider/provider.js';
import { parseRateLimitHeaders } from '../rate-limits/headers.js';
import { ResponsesEventMapper } from './event-mapper.js';
import type { ResponseEvent } from './events.js';
import { type ResponsesApiRequest, serializeResponsesRequest } from './request.js';

/** Options of {@link ResponsesClient}. */
export interface ResponsesClientOptions {
  provider: Provider;
  auth: AuthProvider;
  /** Shared transport; by default the client creates one (closed by {@link ResponsesClient.close}). */
  transport?: HttpTransport;
  /**
   * Client-wide default headers, e.g. `{ originator: 'codex_exec', 'user-agent': '…' }`: added after
   * the auth headers, and only when no header of that name (any case) is already set (W-11, W-68).
   */
  defaultHeaders?: Record<string, string>;
  /** Called once per HTTP attempt (W-19). */
  requestTelemetry?: RequestTelemetry;
  /** Called once per SSE poll (W-26). */
  sseTelemetry?: SseTelemetry;
}

/** Per-call options of {@link ResponsesClient.stream}. */
export interface ResponsesStreamOptions {
  /**
   * Request headers of this call (`x-codex-turn-state`, `session-id`, `x-codex-turn-metadata`, …),
   * sent after the provider's headers; a name that repeats a provider header (any case) replaces it.
   */
  extraHeaders?: Record<string, string>;
  /** Aborts the request or the stream; both then reject with `ApiError('aborted')`. */
  signal?: AbortSignal;
}

/**
 * An open Responses stream. Iterate it once with `for await`; it yields {@link ResponseEvent}s and
 * ends right after `completed` (W-25). Iteration throws an {@link ApiError}: the stored
 * `response.failed` / `response.incomplete` error or "stream disconnected before completion: stream
 * closed before response.completed" at EOF (W-24, W-38), "…: idle timeout waiting for SSE" after
 * `provider.streamIdleTimeoutMs` without an event (W-23), "…: Transport error: network error: …" when
 * the connection drops mid-body, `aborted` on abort. Leaving the loop early (`break`) closes the
 * connection; a stream that is never iterated keeps its connection busy until the caller's signal
 * aborts, so iterate it (or call `return()` on its iterator).
 */
export interface ResponseStream extends AsyncIterable<ResponseEvent> {
  /** Response headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** `x-request-id`, else `x-oai-request-id` (W-56). */
  readonly requestId: string | undefined;
}

type MutableHeaders = Record<string, string>;

/** Sets `name` (replacing a header of the same name in any case, keeping its position). */
function setHeader(
  headers: MutableHeaders,
  lowerIndex: Map<string, string>,
  name: string,
  value: string,
): void {
  const lower = name.toLowerCase();
  const existing = lowerIndex.get(lower);
  if (existing !== undefined) {
    // Replace in place: the header keeps its first position and spelling.
    headers[existing] = value;
    return;
  }
  headers[name] = value;
  lowerIndex.set(lower, name);
}

function setIfAbsent(
  headers: MutableHeaders,
  lowerIndex: Map<string, string>,
  name: string,
  value: string,
): void {
  if (!lowerIndex.has(name.toLowerCase())) setHeader(headers, lowerIndex, name, value);
}

/** Synthetic events from response headers, in W-56 order, plus `turn_state`. */
function headerEvents(headers: Readonly<Record<string, string>>): ResponseEvent[] {
  const events: ResponseEvent[] = [];
  const model = headers['openai-model'];
  if (model !== undefined) events.push({ type: 'server_model', model });
  for (const snapshot of parseRateLimitHeaders(headers)) events.push({ type: 'rate_limits', snapshot });
  const etag = headers['x-models-etag']?.trim();
  if (etag) events.push({ type: 'models_etag', etag });
  if (headers['x-reasoning-included'] !== undefined)
    events.push({ type: 'server_reasoning_included', included: true });
  const turnState = headers['x-codex-turn-state'];
  if (turnState !== undefined) events.push({ type: 'turn_state', value: turnState });
  return events;
}

function noop(): void {}

/**
 * Iterator over one streamed response. Per body chunk: `SseDecoder.feedBytes` → `JSON.parse` of each
 * event's data → {@link ResponsesEventMapper} → a queue of {@link ResponseEvent}s. Only chunk reads
 * are awaited; queued events are handed out with an already-resolved promise, so the per-event path
 * has no async layer besides the consumer's own `for await`.
 *
 * Idle timeout (W-23): measured only while waiting for body bytes, from the moment the consumer
 * asked for more after the last event (or from the start); chunks that complete no event (comments,
 * partial lines) do not reset it. It, the caller's abort and `return()` all cancel the response.
 */
class ResponseEventIterator implements AsyncIterator<ResponseEvent> {
  private readonly queue: ResponseEvent[];
  private head = 0;
  private readonly body: AsyncIterator<Uint8Array>;
  private readonly decoder = new SseDecoder();
  private readonly mapper: ResponsesEventMapper;
  private readonly response: StreamingResponse;
  private readonly idleTimeoutMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly telemetry: SseTelemetry | undefined;
  private readonly onSse: (event: SseEvent) => void;
  /** No more reads: completed, failed, EOF or returned. */
  private finished = false;
  /** The stream completed (`response.completed` mapped). */
  private done = false;
  /** An error to throw once the queue is drained. */
  private pendingError: ApiError | undefined;
  /** Failure raised from outside a read (idle timer, abort). */
  private interruption: TransportError | undefined;
  /** Rejects the read in flight (set only while one is pending). */
  private rejectRead: ((error: TransportError) => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private waiting = false;
  private waitStart = 0;
  /** Restart the idle clock at the next wait (the last chunk completed an event). */
  private resetWait = false;
  /** The body ended cleanly (nothing to cancel). */
  private eof = false;
  private pollStart = 0;
  private readonly onAbort: () => void;

  constructor(
    response: StreamingResponse,
    initial: ResponseEvent[],
    idleTimeoutMs: number,
    signal: AbortSignal | undefined,
    telemetry: SseTelemetry | undefined,
  ) {
    this.response = response;
    this.queue = initial;
    this.body = response.body[Symbol.asyncIterator]();
    this.idleTimeoutMs = idleTimeoutMs > 0 && Number.isFinite(idleTimeoutMs) ? idleTimeoutMs : 0;
    this.signal = signal;
    this.telemetry = telemetry;
    this.mapper = new ResponsesEventMapper({
      transport: 'http',
      safetyBufferingFasterModel: response.headers['x-codex-safety-buffering-faster-model'],
      turnStateKnown: response.headers['x-codex-turn-state'] !== undefined,
    });
    this.onSse = (event) => this.handle(event);
    this.onAbort = () => this.fail(new AbortedError(signal?.reason));
    this.waitStart = performance.now();
    this.pollStart = this.waitStart;
    if (signal) {
      if (signal.aborted) this.fail(new AbortedError(signal.reason));
      else signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  next(): Promise<IteratorResult<ResponseEvent>> {
    const queue = this.queue;
    if (this.head < queue.length && this.interruption === undefined) {
      const value = queue[this.head++] as ResponseEvent;
      if (this.head === queue.length) {
        queue.length = 0;
        this.head = 0;
      }
      return Promise.resolve({ done: false, value });
    }
    return this.pull();
  }

  async return(): Promise<IteratorResult<ResponseEvent>> {
    this.queue.length = 0;
    this.head = 0;
    this.pendingError = undefined;
    this.done = true;
    this.close();
    return { done: true, value: undefined };
  }

  /** Reads chunks until the queue has an event, the stream ends or fails. */
  private async pull(): Promise<IteratorResult<ResponseEvent>> {
    for (;;) {
      if (this.interruption !== undefined && !this.done) this.throwFailure(this.interruption);
      if (this.head < this.queue.length) return this.next();
      if (this.pendingError !== undefined) {
        const error = this.pendingError;
        this.pendingError = undefined;
        this.done = true;
        throw error;
      }
      if (this.done || this.finished) return { done: true, value: undefined };
      let result: IteratorResult<Uint8Array>;
      this.waiting = true;
      if (this.resetWait) {
        this.resetWait = false;
        this.waitStart = performance.now();
      }
      if (this.idleTimeoutMs > 0 && this.timer === undefined) {
        this.timer = setTimeout(
          this.onTimer,
          Math.max(1, this.idleTimeoutMs - (performance.now() - this.waitStart)),
        );
      }
      try {
        const read = this.body.next();
        result = this.idleTimeoutMs > 0 || this.signal ? await this.interruptible(read) : await read;
      } catch (error) {
        this.waiting = false;
        if (this.interruption !== undefined) this.throwFailure(this.interruption);
        if (this.signal?.aborted) this.throwFailure(new AbortedError(this.signal.reason));
        this.throwFailure(
          TransportError.isInstance(error)
            ? error
            : new NetworkError('error decoding response body', { cause: error }),
        );
      }
      this.waiting = false;
      if (result.done) {
        this.eof = true;
        this.decoder.end(this.onSse);
        if (!this.done && this.pendingError === undefined) this.pendingError = this.mapper.finish();
        this.close();
      } else {
        this.decoder.feedBytes(result.value, this.onSse);
      }
      if (this.head < this.queue.length) this.resetWait = true;
    }
  }

  /** One decoded SSE event: parse, map, queue. Events after `completed` are dropped (W-25). */
  private handle(sse: SseEvent): void {
    if (this.done || this.pendingError !== undefined) return;
    if (this.telemetry) {
      const now = performance.now();
      this.telemetry.onSseEvent({ event: sse, error: undefined, durationMs: now - this.pollStart });
      this.pollStart = now;
    }
    let json: unknown;
    try {
      json = JSON.parse(sse.data);
    } catch {
      return; // W-22: non-JSON data is skipped
    }
    const mapper = this.mapper;
    let event: ResponseEvent | undefined;
    try {
      event = mapper.process(json);
    } catch (error) {
      this.pendingError = ApiError.isInstance(error)
        ? error
        : apiErrorFromTransport(error, { phase: 'stream' });
      this.close();
      return;
    }
    const queue = this.queue;
    if (mapper.pending.length > 0) {
      for (const derived of mapper.pending) queue.push(derived);
      mapper.pending.length = 0;
    }
    if (event !== undefined) queue.push(event);
    if (mapper.isCompleted) {
      this.done = true;
      this.close();
    }
  }

  /**
   * `read`, made rejectable by {@link fail} (idle timeout, abort) while it is pending. A fresh
   * promise per read, so nothing accumulates over a long stream (unlike racing one shared promise).
   */
  private interruptible(read: Promise<IteratorResult<Uint8Array>>): Promise<IteratorResult<Uint8Array>> {
    return new Promise((resolve, reject) => {
      this.rejectRead = reject;
      read.then(
        (value) => {
          this.rejectRead = undefined;
          resolve(value);
        },
        (error: unknown) => {
          this.rejectRead = undefined;
          reject(error);
        },
      );
    });
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    if (this.interruption !== undefined || !this.waiting) return; // re-armed by the next wait
    const elapsed = performance.now() - this.waitStart;
    if (elapsed >= this.idleTimeoutMs) {
      this.fail(new StreamError('idle timeout waiting for SSE', { idleTimeout: true }));
    } else {
      this.timer = setTimeout(this.onTimer, this.idleTimeoutMs - elapsed);
    }
  };

  private fail(error: TransportError): void {
    if (this.interruption !== undefined || this.finished) return;
    this.interruption = error;
    const reject = this.rejectRead;
    this.rejectRead = undefined;
    reject?.(error);
    this.close();
  }

  private throwFailure(error: TransportError): never {
    this.close();
    this.done = true;
    if (this.telemetry) {
      this.telemetry.onSseEvent({ event: undefined, error, durationMs: performance.now() - this.pollStart });
    }
    throw apiErrorFromTransport(error, { phase: 'stream' });
  }

  /**
   * Stop reading: drop timers and listeners and, unless the body already ended, cancel it (which
   * closes the connection). Idempotent.
   */
  private close(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.finished) return;
    this.finished = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    if (this.eof) return;
    try {
      const closing = this.body.return?.();
      if (closing) Promise.resolve(closing).catch(noop);
    } catch {
      // best effort
    }
    this.response.cancel();
  }
}

class HttpResponseStream implements ResponseStream {
  readonly headers: Readonly<Record<string, string>>;
  readonly requestId: string | undefined;
  private iterated = false;

  constructor(
    private readonly response: StreamingResponse,
    private readonly idleTimeoutMs: number,
    private readonly signal: AbortSignal | undefined,
    private readonly telemetry: SseTelemetry | undefined,
  ) {
    this.headers = response.headers;
    this.requestId = requestIdFromHeaders(response.headers);
  }

  [Symbol.asyncIterator](): AsyncIterator<ResponseEvent> {
    if (this.iterated) throw new Error('a ResponseStream can be iterated only once');
    this.iterated = true;
    return new ResponseEventIterator(
      this.response,
      headerEvents(this.response.headers),
      this.idleTimeoutMs,
      this.signal,
      this.telemetry,
    );
  }
}

/**
 * Client of the Responses endpoint over HTTP + SSE: `POST {provider.baseUrl}/responses`
 * (`urlForPath`, W-1) with a JSON body serialised once ({@link serializeResponsesRequest}), so every
 * retry is byte-identical.
 *
 * Headers, in this order: `provider.headers`, `extraHeaders` (replacing), `accept:
 * text/event-stream`, `content-type: application/json` (unless set), the auth headers (fetched per
 * attempt from the {@link AuthProvider}, replacing), then `defaultHeaders` where absent
 * (observed-cli §3, W-4, W-63).
 *
 * Retries (W-17): `runWithRetry(provider.retry)` covers only getting a 2xx; a 401 calls
 * `auth.onUnauthorized()` once and, when it resolves true, sends the request again (with a fresh
 * retry budget). Failures reject with an {@link ApiError} (see `apiErrorFromTransport`).
 */
export class ResponsesClient {
  private readonly provider: Provider;
  private readonly auth: AuthProvider;
  private readonly transport: HttpTransport;
  private readonly ownsTransport: boolean;
  private readonly defaultHeaders: Record<string, string>;
  private readonly requestTelemetry: RequestTelemetry | undefined;
  private readonly sseTelemetry: SseTelemetry | undefined;

  constructor(options: ResponsesClientOptions) {
    this.provider = options.provider;
    this.auth = options.auth;
    this.ownsTransport = options.transport === undefined;
    this.transport = options.transport ?? new HttpTransport();
    this.defaultHeaders = options.defaultHeaders ?? {};
    this.requestTelemetry = options.requestTelemetry;
    this.sseTelemetry = options.sseTelemetry;
  }

  /**
   * Sends one Responses request and resolves once a 2xx arrived, with the stream of its events.
   * Rejects with an {@link ApiError} (HTTP status mapping W-50…W-52, `request_timeout`,
   * `connection_failed`, `aborted`, …) after the transport retries.
   */
  async stream(request: ResponsesApiRequest, options: ResponsesStreamOptions = {}): Promise<ResponseStream> {
    const body = serializeResponsesRequest(request);
    const url = urlForPath(this.provider, 'responses');
    const signal = options.signal;
    const extraHeaders = options.extraHeaders;
    const send = (): Promise<StreamingResponse> =>
      runWithRetry(
        this.provider.retry,
        async (attempt) => {
          const authHeaders = await this.auth.authHeaders(signal);
          return this.transport.stream({
            method: 'POST',
            url,
            headers: this.buildHeaders(extraHeaders, authHeaders),
            body,
            ...(signal ? { signal } : {}),
            ...(this.requestTelemetry ? { telemetry: this.requestTelemetry } : {}),
            attempt,
          });
        },
        signal ? { signal } : undefined,
      );

    let response: StreamingResponse;
    let refreshed = false;
    for (;;) {
      try {
        response = await send();
        break;
      } catch (error) {
        if (signal?.aborted) throw new ApiError('aborted', ErrorTexts.aborted, { cause: error });
        if (
          !refreshed &&
          HttpStatusError.isInstance(error) &&
          error.status === 401 &&
          this.auth.onUnauthorized
        ) {
          refreshed = true;
          let retry = false;
          try {
            retry = await this.auth.onUnauthorized(signal);
          } catch {
            retry = false;
          }
          if (retry) continue;
        }
        throw apiErrorFromTransport(error, { phase: 'request' });
      }
    }
    return new HttpResponseStream(response, this.provider.streamIdleTimeoutMs, signal, this.sseTelemetry);
  }

  /** Closes the transport when this client created it. */
  async close(): Promise<void> {
    if (this.ownsTransport) await this.transport.close();
  }

  private buildHeaders(
    extraHeaders: Record<string, string> | undefined,
    authHeaders: Record<string, string>,
  ): Record<string, string> {
    const headers: MutableHeaders = {};
    const index = new Map<string, string>();
    for (const [name, value] of Object.entries(this.provider.headers)) setHeader(headers, index, name, value);
    if (extraHeaders)
      for (const [name, value] of Object.entries(extraHeaders)) setHeader(headers, index, name, value);
    setHeader(headers, index, 'accept', 'text/event-stream');
    setIfAbsent(headers, index, 'content-type', 'application/json');
    for (const [name, value] of Object.entries(authHeaders)) setHeader(headers, index, name, value);
    for (const [name, value] of Object.entries(this.defaultHeaders)) setIfAbsent(headers, index, name, value);
    return headers;
  }
}
