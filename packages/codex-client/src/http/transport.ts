/**
 * `HttpTransport`: unary and streaming HTTP requests on undici.
 */
import type { Readable } from 'node:stream';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import {
  AbortedError,
  BuildError,
  HttpStatusError,
  type ResponseHeaders,
  StreamError,
  TimeoutError,
  TransportError,
} from '../errors/transport-error.js';
import { reportRequest } from '../telemetry/telemetry.js';
import { clampTimerMs, IdleClock } from '../timers/idle-clock.js';
import { classifyBodyError, classifySendError } from './classify.js';
import { lazyCaConnector } from './lazy-ca-connector.js';
import type { HttpRequest, HttpResponse, StreamingResponse } from './types.js';

/** Options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  /**
   * The undici dispatcher to send through. The transport does not close a dispatcher it was given.
   * Default: a keep-alive `undici.Agent` owned (and closed) by the transport.
   */
  dispatcher?: Dispatcher;
  /**
   * Connect timeout of the default Agent, ms (undici default 10 000; clamped with `clampTimerMs`).
   * Ignored with `dispatcher`.
   */
  connectTimeoutMs?: number;
  /**
   * How long the default Agent keeps an idle connection, ms (undici default 4 000; clamped with
   * `clampTimerMs`). Ignored with `dispatcher`.
   */
  keepAliveTimeoutMs?: number;
  /**
   * Extra trusted CA certificates for HTTPS, PEM text (one string may hold several `CERTIFICATE`
   * blocks). The default Agent then trusts Node's bundled roots (`tls.rootCertificates`) **plus**
   * these, never these alone. Ignored with `dispatcher` (configure that one yourself). Default:
   * Node's roots only.
   */
  ca?: string | readonly string[];
}

/**
 * Node's bundled root certificates followed by `extra` (PEM text): the `ca` list of a TLS
 * connection that trusts an extra CA without dropping the usual roots (setting `ca` alone replaces
 * them).
 */
export function withSystemRoots(extra: string | readonly string[]): string[] {
  return [...rootCertificates, ...(typeof extra === 'string' ? [extra] : extra)];
}

/** Secure contexts built by {@link extraCaSecureContext}, by their PEM list (a handful at most). */
const secureContexts = new Map<string, SecureContext>();
const MAX_SECURE_CONTEXTS = 16;

/**
 * A TLS `SecureContext` trusting Node's bundled roots plus `extra` (PEM text), built once per
 * distinct `extra` and shared, for `tls.connect({ secureContext })`, undici's `connect` options
 * and `ws`. Passing the same list as `ca` instead makes Node parse all ~150 roots again for
 * every connection: about 27 ms per TLS handshake on loopback (`tools/bench` `bench:chatgpt`)
 * against about 2 ms with a shared context.
 *
 * @throws Error from `tls.createSecureContext` when a PEM block cannot be parsed.
 */
export function extraCaSecureContext(extra: string | readonly string[]): SecureContext {
  const list = withSystemRoots(extra);
  const key = list.slice(rootCertificates.length).join('\n');
  let context = secureContexts.get(key);
  if (context === undefined) {
    context = createSecureContext({ ca: list });
    if (secureContexts.size >= MAX_SECURE_CONTEXTS) secureContexts.clear();
    secureContexts.set(key, context);
  }
  return context;
}

/** The message of the `StreamError` for a request whose response headers did not arrive in time. */
export const HEADERS_TIMEOUT_MESSAGE = 'idle timeout waiting for response headers';

/**
 * Per-request state: our own abort controller, the deadline (`timeoutMs`), the headers timeout
 * (`headersTimeoutMs`), both on {@link IdleClock}, and why the request stopped.
 */
class RequestState {
  readonly controller = new AbortController();
  timedOut = false;
  headersTimedOut = false;
  cancelled = false;
  cancelReason: unknown = undefined;
  private readonly deadline: IdleClock | undefined;
  private readonly headersClock: IdleClock | undefined;
  private readonly userSignal: AbortSignal | undefined;
  private readonly onUserAbort: (() => void) | undefined;

  constructor(
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    headersTimeoutMs: number | undefined,
  ) {
    this.userSignal = signal;
    if (signal !== undefined) {
      this.onUserAbort = () => this.controller.abort(signal.reason);
      signal.addEventListener('abort', this.onUserAbort, { once: true });
    }
    if (timeoutMs !== undefined) {
      this.deadline = new IdleClock(timeoutMs, () => {
        this.timedOut = true;
        this.controller.abort(this.timeoutError());
      });
      this.deadline.start();
    }
    if (headersTimeoutMs !== undefined) {
      this.headersClock = new IdleClock(headersTimeoutMs, () => {
        this.headersTimedOut = true;
        this.controller.abort(this.headersTimeoutError());
      });
      this.headersClock.start();
    }
  }

  timeoutError(): TimeoutError {
    return new TimeoutError(`request timed out after ${this.deadline?.timeoutMs} ms`);
  }

  headersTimeoutError(): StreamError {
    return new StreamError(HEADERS_TIMEOUT_MESSAGE, { idleTimeout: true });
  }

  /** The error that explains a stop we caused (cancel, abort, deadline, headers timeout), if any. */
  stopError(): TransportError | undefined {
    if (this.cancelled) return new AbortedError(this.cancelReason);
    if (this.userSignal?.aborted) return new AbortedError(this.userSignal.reason);
    if (this.timedOut) return this.timeoutError();
    if (this.headersTimedOut) return this.headersTimeoutError();
    return undefined;
  }

  /** The response headers arrived: the headers timeout no longer applies. */
  headersArrived(): void {
    this.headersClock?.stop();
  }

  clearDeadline(): void {
    this.deadline?.stop();
  }

  dispose(): void {
    this.clearDeadline();
    this.headersArrived();
    if (this.onUserAbort !== undefined) this.userSignal?.removeEventListener('abort', this.onUserAbort);
  }
}

function toHeaders(raw: Record<string, string | string[] | undefined>): ResponseHeaders {
  const entries: [string, string][] = [];
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) continue;
    entries.push([name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value]);
  }
  return Object.fromEntries(entries);
}

const utf8 = new TextDecoder('utf-8');
const utf8Fatal = new TextDecoder('utf-8', { fatal: true });

function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    return undefined;
  }
}

class BufferedResponse implements HttpResponse {
  constructor(
    readonly status: number,
    readonly headers: ResponseHeaders,
    readonly body: Uint8Array,
  ) {}
  text(): string {
    return utf8.decode(this.body);
  }
  json(): unknown {
    return JSON.parse(this.text());
  }
}

type BodyStream = Readable & AsyncIterable<Uint8Array>;

function noop(): void {}

async function readAll(body: BodyStream, state: RequestState): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      total += chunk.length;
    }
  } catch (error) {
    throw state.stopError() ?? classifyBodyError(error);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  return Buffer.concat(chunks, total);
}

/**
 * Iterator over a streamed body: maps read failures to transport errors and, unlike Node's own
 * stream iterator, closes the connection at once on `return()` even while a read is pending.
 */
class BodyIterator implements AsyncIterator<Uint8Array> {
  private readonly inner: AsyncIterator<Uint8Array>;
  private returned = false;
  private readonly mapError = (error: unknown): IteratorResult<Uint8Array> => {
    // A read that was pending when return() closed the body just ends.
    if (this.returned) return { done: true, value: undefined };
    throw this.state.stopError() ?? classifyBodyError(error);
  };

  constructor(
    private readonly readable: BodyStream,
    private readonly state: RequestState,
  ) {
    this.inner = readable[Symbol.asyncIterator]();
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.returned) return Promise.resolve({ done: true, value: undefined });
    const stop = this.state.cancelled ? this.state.stopError() : undefined;
    if (stop !== undefined) return Promise.reject(stop);
    return this.inner.next().then(undefined, this.mapError);
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    this.returned = true;
    if (!this.readable.destroyed) this.readable.destroy();
    return Promise.resolve({ done: true, value: undefined });
  }
}

/**
 * HTTP/1.1 client on undici for unary and streaming requests. Knows nothing about any particular API.
 *
 * The default dispatcher is a keep-alive `undici.Agent` (connections are reused across requests).
 * undici's `headersTimeout` and `bodyTimeout` are set to 0 (off) on every request, also with a
 * caller's dispatcher: the caller's deadline (`timeoutMs`), headers timeout (`headersTimeoutMs`)
 * and the SSE idle timeout decide instead, all on one {@link IdleClock} implementation with
 * durations clamped to Node's timer range. Headers go out in insertion order with their names as
 * given.
 *
 * Errors (all {@link TransportError}s): non-2xx → {@link HttpStatusError}
 * with `url`, lower-cased response headers (repeated values joined with `", "`) and the body text;
 * could not connect (refused, DNS, connect timeout, TLS) → `ConnectionError`; `timeoutMs`
 * exceeded → `TimeoutError`; no response headers within `headersTimeoutMs` →
 * `StreamError("idle timeout waiting for response headers")` with `idleTimeout: true` (the
 * request is aborted and its connection closed); signal aborted → `AbortedError`; bad URL or header → `BuildError`;
 * failure while reading a body → `NetworkError("error decoding response body")`; any other
 * failure → `NetworkError` with the library's message. Request headers never appear in errors.
 */
export class HttpTransport {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private closed = false;

  constructor(options?: HttpTransportOptions) {
    if (options?.dispatcher !== undefined) {
      this.dispatcher = options.dispatcher;
      this.ownsDispatcher = false;
    } else {
      const agentOptions: Agent.Options = { headersTimeout: 0, bodyTimeout: 0 };
      if (options?.connectTimeoutMs !== undefined)
        agentOptions.connectTimeout = clampTimerMs(options.connectTimeoutMs);
      if (options?.keepAliveTimeoutMs !== undefined)
        agentOptions.keepAliveTimeout = clampTimerMs(options.keepAliveTimeoutMs);
      const ca = options?.ca;
      if (ca !== undefined) agentOptions.connect = lazyCaConnector(ca, agentOptions.connectTimeout);
      this.dispatcher = new Agent(agentOptions);
      this.ownsDispatcher = true;
    }
  }

  /**
   * Send `req` and read the whole body. Resolves with a 2xx {@link HttpResponse}; rejects
   * with {@link HttpStatusError} for any other status (after reading its body), or another
   * {@link TransportError} (see the class comment). `req.timeoutMs` bounds the whole exchange,
   * `req.headersTimeoutMs` the wait for the response headers. Calls `req.telemetry.onRequest` once (an exception it throws is ignored).
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const started = performance.now();
    let status: number | undefined;
    let failure: TransportError | undefined;
    const state = new RequestState(req.signal, req.timeoutMs, req.headersTimeoutMs);
    try {
      const response = await this.send(req, state);
      state.headersArrived();
      status = response.statusCode;
      const headers = toHeaders(response.headers);
      const body = await readAll(response.body as BodyStream, state);
      if (status < 200 || status > 299) {
        throw new HttpStatusError({ status, url: req.url, headers, body: utf8OrUndefined(body) });
      }
      return new BufferedResponse(status, headers, body);
    } catch (error) {
      failure = TransportError.isInstance(error) ? error : classifySendError(error);
      throw failure;
    } finally {
      state.dispose();
      reportRequest(req.telemetry, {
        attempt: req.attempt ?? 0,
        status,
        error: failure,
        durationMs: performance.now() - started,
      });
    }
  }

  /**
   * Send `req` and resolve as soon as a 2xx response's headers arrive; the body is streamed
   * (see {@link StreamingResponse}). A non-2xx response rejects with {@link HttpStatusError} after
   * its body was read. `req.timeoutMs` and `req.headersTimeoutMs` bound only the wait for the
   * headers (the body is then governed by the caller, e.g. the idle timeout of `sseEvents`).
   * `req.signal` keeps working while the body streams. Calls `req.telemetry.onRequest` once, when
   * the headers arrive or the request fails (an exception it throws is ignored: the stream is
   * returned all the same). Consume the body to its end or call `cancel()`, else the connection
   * stays busy.
   */
  async stream(req: HttpRequest): Promise<StreamingResponse> {
    const started = performance.now();
    let status: number | undefined;
    let failure: TransportError | undefined;
    const state = new RequestState(req.signal, req.timeoutMs, req.headersTimeoutMs);
    let streaming = false;
    try {
      const response = await this.send(req, state);
      state.headersArrived();
      status = response.statusCode;
      const headers = toHeaders(response.headers);
      const readable = response.body as BodyStream;
      if (status < 200 || status > 299) {
        let text: string | undefined;
        try {
          text = utf8OrUndefined(await readAll(readable, state));
        } catch {
          // The status is what matters; an unreadable body is reported as undefined unless we stopped it.
          const stop = state.stopError();
          if (stop !== undefined) throw stop;
        }
        throw new HttpStatusError({ status, url: req.url, headers, body: text });
      }
      state.clearDeadline();
      // A body that is cancelled (or whose connection fails) before anyone iterates it emits
      // 'error' with no listener, which would crash the process; the iterator still sees the error.
      readable.on('error', noop);
      readable.once('close', () => state.dispose());
      streaming = true;
      let iterated = false;
      const body: AsyncIterable<Uint8Array> = {
        [Symbol.asyncIterator]: () => {
          if (iterated) throw new TypeError('the response body can be iterated only once');
          iterated = true;
          return new BodyIterator(readable, state);
        },
      };
      return {
        status,
        headers,
        body,
        cancel(reason?: unknown) {
          if (state.cancelled) return;
          state.cancelled = true;
          state.cancelReason = reason;
          if (!readable.destroyed) readable.destroy();
        },
      };
    } catch (error) {
      failure = TransportError.isInstance(error) ? error : classifySendError(error);
      throw failure;
    } finally {
      if (!streaming) state.dispose();
      reportRequest(req.telemetry, {
        attempt: req.attempt ?? 0,
        status,
        error: failure,
        durationMs: performance.now() - started,
      });
    }
  }

  /**
   * Close the default Agent (waits for in-flight requests to finish). A dispatcher passed in the
   * options is left open. Later requests reject with `BuildError`.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private async send(req: HttpRequest, state: RequestState): Promise<Dispatcher.ResponseData> {
    if (req.signal?.aborted) throw new AbortedError(req.signal.reason);
    if (this.closed) throw new BuildError('the transport is closed');
    let url: URL;
    try {
      url = new URL(req.url);
    } catch (error) {
      throw new BuildError('invalid request URL', { cause: error });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new BuildError(`unsupported URL scheme ${url.protocol}`);
    }
    try {
      return await this.dispatcher.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: req.body ?? null,
        signal: state.controller.signal,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
    } catch (error) {
      throw state.stopError() ?? classifySendError(error);
    }
  }
}
