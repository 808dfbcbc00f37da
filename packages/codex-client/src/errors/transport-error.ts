/**
 * Typed transport errors for `@codex-ts/client`.
 *
 * Every failure the transport reports is a {@link TransportError}. Subclasses carry the
 * details a caller needs to decide on a retry: {@link HttpStatusError} (a non-2xx
 * response, with status, headers and body), {@link TimeoutError}, {@link ConnectionError}
 * (could not connect), {@link NetworkError} (the connection failed after it was made),
 * {@link BuildError} (the request could not be built), {@link StreamError} (a streamed body failed
 * or stalled) and {@link AbortedError}; `code` tells them apart.
 *
 * Errors are recognised across duplicate package copies with the static `isInstance`
 * methods: each class has its own `Symbol.for('@codex-ts/client.<Class>')` marker on its prototype
 * (`markErrorClass` of `@codex-ts/protocol`), so `X.isInstance(e)` is true for X and its subclasses
 * only, never for a sibling (`TimeoutError.isInstance(new ConnectionError(…))` is false).
 */

import { STATUS_CODES } from 'node:http';
import { hasErrorMarker, markErrorClass } from '@codex-ts/protocol';

const TRANSPORT = Symbol.for('@codex-ts/client.TransportError');
const HTTP_STATUS = Symbol.for('@codex-ts/client.HttpStatusError');
const TIMEOUT = Symbol.for('@codex-ts/client.TimeoutError');
const CONNECTION = Symbol.for('@codex-ts/client.ConnectionError');
const NETWORK = Symbol.for('@codex-ts/client.NetworkError');
const BUILD = Symbol.for('@codex-ts/client.BuildError');
const STREAM = Symbol.for('@codex-ts/client.StreamError');
const ABORTED = Symbol.for('@codex-ts/client.AbortedError');

/**
 * Which transport failure an error is, one value per subclass of {@link TransportError}; stable
 * strings, safe to switch on and to log.
 */
export type TransportErrorCode =
  | 'http'
  | 'timeout'
  | 'connection'
  | 'network'
  | 'build'
  | 'stream'
  | 'aborted';

/** Base class of every error thrown or yielded by `@codex-ts/client`. */
export abstract class TransportError extends Error {
  /** Which failure this is; see {@link TransportErrorCode}. */
  abstract readonly code: TransportErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  static {
    markErrorClass(TransportError, TRANSPORT);
  }

  /** True when `value` is a TransportError (any subclass) from any copy of this package. */
  static isInstance(value: unknown): value is TransportError {
    return hasErrorMarker(value, TRANSPORT);
  }
}

/** Response headers as received: lower-cased names, repeated headers joined with `, `. */
export type ResponseHeaders = Readonly<Record<string, string>>;

/**
 * The server answered with a non-2xx status (HTTP semantics, RFC 9110 §15).
 * `body` is the response body decoded as UTF-8 (undefined when it was not valid UTF-8
 * or could not be read). The message never contains request headers.
 */
export class HttpStatusError extends TransportError {
  /** Always `'http'` (see {@link TransportErrorCode}). */
  readonly code = 'http' as const;
  /** HTTP status code, e.g. 429. */
  readonly status: number;
  /**
   * The reason phrase given to the constructor, else {@link httpReasonPhrase}`(status)` ("Too Many
   * Requests"), or "" when unknown.
   */
  readonly statusText: string;
  /** The request URL, when known (WebSocket error frames have none). */
  readonly url: string | undefined;
  /** Response headers (lower-cased names). */
  readonly headers: ResponseHeaders;
  /** Response body as text, when it was read and valid UTF-8. */
  readonly body: string | undefined;

  constructor(init: {
    status: number;
    statusText?: string;
    url?: string | undefined;
    headers?: ResponseHeaders;
    body?: string | undefined;
  }) {
    const statusText = init.statusText ?? httpReasonPhrase(init.status);
    super(`unexpected status ${init.status}${statusText ? ` ${statusText}` : ''}`);
    this.status = init.status;
    this.statusText = statusText;
    this.url = init.url;
    this.headers = init.headers ?? {};
    this.body = init.body;
  }

  static {
    markErrorClass(HttpStatusError, HTTP_STATUS);
  }

  /** True when `value` is an HttpStatusError from any copy of this package. */
  static override isInstance(value: unknown): value is HttpStatusError {
    return hasErrorMarker(value, HTTP_STATUS);
  }
}

/** A request (or connect) took longer than its deadline. */
export class TimeoutError extends TransportError {
  /** Always `'timeout'` (see {@link TransportErrorCode}). */
  readonly code = 'timeout' as const;

  static {
    markErrorClass(TimeoutError, TIMEOUT);
  }

  /** True when `value` is a TimeoutError from any copy of this package. */
  static override isInstance(value: unknown): value is TimeoutError {
    return hasErrorMarker(value, TIMEOUT);
  }
}

/** The connection could not be established (DNS, refused, reset during connect, TLS). */
export class ConnectionError extends TransportError {
  /** Always `'connection'` (see {@link TransportErrorCode}). */
  readonly code = 'connection' as const;

  static {
    markErrorClass(ConnectionError, CONNECTION);
  }

  /** True when `value` is a ConnectionError from any copy of this package. */
  static override isInstance(value: unknown): value is ConnectionError {
    return hasErrorMarker(value, CONNECTION);
  }
}

/** The connection failed after it was established (reset, socket closed mid-response). */
export class NetworkError extends TransportError {
  /** Always `'network'` (see {@link TransportErrorCode}). */
  readonly code = 'network' as const;

  static {
    markErrorClass(NetworkError, NETWORK);
  }

  /** True when `value` is a NetworkError from any copy of this package. */
  static override isInstance(value: unknown): value is NetworkError {
    return hasErrorMarker(value, NETWORK);
  }
}

/** The request could not be built (bad URL, conflicting headers, auth that cannot be applied). */
export class BuildError extends TransportError {
  /** Always `'build'` (see {@link TransportErrorCode}). */
  readonly code = 'build' as const;

  static {
    markErrorClass(BuildError, BUILD);
  }

  /** True when `value` is a BuildError from any copy of this package. */
  static override isInstance(value: unknown): value is BuildError {
    return hasErrorMarker(value, BUILD);
  }
}

/**
 * A streamed body failed: it stalled past the idle timeout, ended early, or the
 * connection dropped mid-body; or the response headers of a request did not arrive within its
 * `headersTimeoutMs`. `idleTimeout` is true for both timeouts ("idle timeout waiting for SSE",
 * "idle timeout waiting for response headers").
 */
export class StreamError extends TransportError {
  /** Always `'stream'` (see {@link TransportErrorCode}). */
  readonly code = 'stream' as const;
  /** True for the idle and headers timeouts, false for a failed or early-ended body. */
  readonly idleTimeout: boolean;
  constructor(message: string, options?: { cause?: unknown; idleTimeout?: boolean }) {
    super(message, options);
    this.idleTimeout = options?.idleTimeout ?? false;
  }

  static {
    markErrorClass(StreamError, STREAM);
  }

  /** True when `value` is a StreamError from any copy of this package. */
  static override isInstance(value: unknown): value is StreamError {
    return hasErrorMarker(value, STREAM);
  }
}

/** The caller's AbortSignal fired. `reason` is the signal's reason. */
export class AbortedError extends TransportError {
  /** Always `'aborted'` (see {@link TransportErrorCode}). */
  readonly code = 'aborted' as const;
  /** The signal's `reason` (also the `cause`). */
  readonly reason: unknown;
  constructor(reason?: unknown) {
    super('request aborted', { cause: reason });
    this.reason = reason;
  }

  static {
    markErrorClass(AbortedError, ABORTED);
  }

  /** True when `value` is an AbortedError from any copy of this package. */
  static override isInstance(value: unknown): value is AbortedError {
    return hasErrorMarker(value, ABORTED);
  }
}

/**
 * The canonical reason phrase for an HTTP status, from Node's `http.STATUS_CODES` ("Too Many
 * Requests" for 429; "" for a code it does not know). The one table used for every status text of
 * `@codex-ts/client` and `@codex-ts/api`, so HTTP and WebSocket-handshake errors read the same.
 */
export function httpReasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? '';
}
