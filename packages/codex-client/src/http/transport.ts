/**
 * `HttpTransport`: unary and streaming HTTP requests on `node:http` / `node:https` (or a caller's
 * undici dispatcher).
 */
import type * as Tls from 'node:tls';
import type { SecureContext } from 'node:tls';
import {
  AbortedError,
  BuildError,
  HttpStatusError,
  type ResponseHeaders,
  TransportError,
} from '../errors/transport-error.js';
import { reportRequest } from '../telemetry/telemetry.js';
import { monotonicMs } from '../timers/monotonic-clock.js';
import { BodyIterator } from './body-iterator.js';
import { classifyBodyError, classifySendError } from './classify.js';
import { NodeSender } from './node-sender.js';
import { RequestState } from './request-state.js';
import {
  type BodyStream,
  DispatcherSender,
  type Exchange,
  type HttpDispatcher,
  type Sender,
} from './sender.js';
import type { HttpRequest, HttpResponse, StreamingResponse } from './types.js';
import { UndiciSender } from './undici-sender.js';

export { HEADERS_TIMEOUT_MESSAGE } from './request-state.js';

/** Options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  /**
   * An undici dispatcher to send through instead of `node:http` (e.g. `new undici.ProxyAgent(…)` for
   * a proxy; any object with undici's promise `request()`). The transport does not close a
   * dispatcher it was given, and `connectTimeoutMs`, `keepAliveTimeoutMs` and `ca` do not apply.
   * Default: the transport's own keep-alive `node:http` / `node:https` agents, closed by `close()`.
   */
  dispatcher?: HttpDispatcher;
  /**
   * The transport's own sender when no `dispatcher` is given: `'node:http'` (default) sends with
   * `node:http` / `node:https` (native parser, nothing compiled); `'undici'` with an undici `Agent`
   * loaded from undici's internal files, not its `index.js` (no global side effects; llhttp is
   * compiled to WebAssembly at the first connection), which needs `undici` 7.30.2 installed beside
   * this package (an optional peer dependency; a missing one rejects the first request with a
   * `NetworkError`). Both honour `connectTimeoutMs`, `keepAliveTimeoutMs` and `ca`, and are closed by
   * `close()`. See the README's transport decision for what each costs.
   */
  sender?: 'node:http' | 'undici';
  /**
   * Connect timeout of a new connection (TCP connect plus TLS handshake), ms (default 10 000;
   * clamped with `clampTimerMs`); exceeding it is a `ConnectionError`. Ignored with `dispatcher`.
   */
  connectTimeoutMs?: number;
  /**
   * How long an idle keep-alive connection is kept, ms (default 4 000; clamped with
   * `clampTimerMs`). A response's `keep-alive: timeout=<s>` overrides it for that connection with
   * `s` minus 2 s (at most 600 s; not reused when nothing is left), as undici does. Ignored with
   * `dispatcher`.
   */
  keepAliveTimeoutMs?: number;
  /**
   * Extra trusted CA certificates for HTTPS, PEM text (one string may hold several `CERTIFICATE`
   * blocks). The default sender then trusts Node's bundled roots (`tls.rootCertificates`) **plus**
   * these, never these alone (one shared `extraCaSecureContext`). Ignored with `dispatcher`
   * (configure that one yourself). Default:
   * Node's roots only.
   */
  ca?: string | readonly string[];
}

/** `node:tls`, loaded when trust is first set up, not at start-up (a plain-HTTP run never needs it). */
function tls(): typeof Tls {
  return process.getBuiltinModule('node:tls') as typeof Tls;
}

/**
 * Node's bundled root certificates followed by `extra` (PEM text): the `ca` list of a TLS
 * connection that trusts an extra CA without dropping the usual roots (setting `ca` alone replaces
 * them).
 */
export function withSystemRoots(extra: string | readonly string[]): string[] {
  return [...tls().rootCertificates, ...(typeof extra === 'string' ? [extra] : extra)];
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
  const key = list.slice(tls().rootCertificates.length).join('\n');
  let context = secureContexts.get(key);
  if (context === undefined) {
    context = tls().createSecureContext({ ca: list });
    if (secureContexts.size >= MAX_SECURE_CONTEXTS) secureContexts.clear();
    secureContexts.set(key, context);
  }
  return context;
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
 * HTTP/1.1 client for unary and streaming requests. Knows nothing about any particular API.
 *
 * By default it sends with `node:http` / `node:https` on keep-alive agents of its own
 * (connections are reused across requests; Node's native parser, no WebAssembly, no global
 * side effects); with `options.sender: 'undici'` on an undici `Agent` loaded from undici's own
 * files (no `index.js`, so no global side effects either); with `options.dispatcher` it sends through that undici dispatcher instead, with
 * undici's `headersTimeout` and `bodyTimeout` set to 0 (off). Either way the caller's deadline
 * (`timeoutMs`), headers timeout (`headersTimeoutMs`) and the SSE idle timeout decide, all on one
 * `IdleClock` implementation with durations clamped to Node's timer range. On the wire: `host`,
 * `connection: keep-alive`, then the caller's headers in insertion order with their names as given
 * (values as Latin-1 bytes), then `content-length`.
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
  private readonly sender: Sender;
  private closed = false;

  constructor(options?: HttpTransportOptions) {
    if (options?.dispatcher !== undefined) {
      this.sender = new DispatcherSender(options.dispatcher);
    } else {
      const ca = options?.ca;
      const senderOptions = {
        connectTimeoutMs: options?.connectTimeoutMs,
        keepAliveTimeoutMs: options?.keepAliveTimeoutMs,
        // Built on the first https: connection: a plain-HTTP provider never parses the ~150 roots (~100 ms).
        secureContext: ca === undefined ? undefined : () => extraCaSecureContext(ca),
      };
      this.sender =
        options?.sender === 'undici' ? new UndiciSender(senderOptions) : new NodeSender(senderOptions);
    }
  }

  /**
   * Send `req` and read the whole body. Resolves with a 2xx {@link HttpResponse}; rejects
   * with {@link HttpStatusError} for any other status (after reading its body), or another
   * {@link TransportError} (see the class comment). `req.timeoutMs` bounds the whole exchange,
   * `req.headersTimeoutMs` the wait for the response headers. Calls `req.telemetry.onRequest` once (an exception it throws is ignored).
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const started = monotonicMs();
    let status: number | undefined;
    let failure: TransportError | undefined;
    const state = new RequestState(req.signal, req.timeoutMs, req.headersTimeoutMs);
    try {
      const response = await this.send(req, state);
      state.headersArrived();
      status = response.status;
      const headers = response.headers;
      const body = await readAll(response.body, state);
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
        durationMs: monotonicMs() - started,
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
    const started = monotonicMs();
    let status: number | undefined;
    let failure: TransportError | undefined;
    const state = new RequestState(req.signal, req.timeoutMs, req.headersTimeoutMs);
    let streaming = false;
    try {
      const response = await this.send(req, state);
      state.headersArrived();
      status = response.status;
      const headers = response.headers;
      const readable = response.body;
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
        durationMs: monotonicMs() - started,
      });
    }
  }

  /**
   * Waits for in-flight requests (streamed bodies included) to finish, then closes the
   * transport's own connections. A dispatcher passed in the options is left open. Later requests
   * reject with `BuildError`.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sender.close();
  }

  private async send(req: HttpRequest, state: RequestState): Promise<Exchange> {
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
      return await this.sender.send(req, url, state.controller.signal);
    } catch (error) {
      throw state.stopError() ?? classifySendError(error);
    }
  }
}
