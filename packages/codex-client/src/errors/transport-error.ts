/**
 * Typed transport errors for `@codex-ts/client`.
 *
 * Every failure the transport reports is a {@link TransportError}. Subclasses carry the
 * details a caller needs to decide on a retry: {@link HttpStatusError} (a non-2xx
 * response, with status, headers and body), {@link TimeoutError}, {@link ConnectionError}
 * (could not connect), {@link NetworkError} (the connection failed after it was made),
 * {@link RetryLimitError} (reserved, not thrown), {@link BuildError} (the request could not be built) and
 * {@link StreamError} (a streamed body failed or stalled).
 *
 * Errors are recognised across duplicate package copies with the static `isInstance`
 * methods, which check a `Symbol.for` marker instead of the prototype chain.
 */

import { STATUS_CODES } from 'node:http';

const MARKER = Symbol.for('@codex-ts/client.TransportError');

/** Which kind of transport failure an error is; stable strings, safe to log. */
export type TransportErrorKind =
  | 'http'
  | 'timeout'
  | 'connection'
  | 'network'
  | 'retry_limit'
  | 'build'
  | 'stream'
  | 'aborted';

/** Base class of every error thrown or yielded by `@codex-ts/client`. */
export abstract class TransportError extends Error {
  /** Which failure this is. */
  abstract readonly kind: TransportErrorKind;
  readonly [MARKER] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** True when `value` is a TransportError from any copy of this package. */
  static isInstance(value: unknown): value is TransportError {
    return typeof value === 'object' && value !== null && MARKER in value;
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
  readonly kind = 'http' as const;
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

  static override isInstance(value: unknown): value is HttpStatusError {
    return TransportError.isInstance(value) && value.kind === 'http';
  }
}

/** A request (or connect) took longer than its deadline. */
export class TimeoutError extends TransportError {
  readonly kind = 'timeout' as const;
}

/** The connection could not be established (DNS, refused, reset during connect, TLS). */
export class ConnectionError extends TransportError {
  readonly kind = 'connection' as const;
}

/** The connection failed after it was established (reset, socket closed mid-response). */
export class NetworkError extends TransportError {
  readonly kind = 'network' as const;
}

/**
 * Reserved: a retry loop that gave up, with `lastStatus` the last HTTP status seen. Nothing in
 * `@codex-ts/client` throws it (`runWithRetry` rejects with the last attempt's own error); the class
 * and its `'retry_limit'` kind are kept for API stability.
 */
export class RetryLimitError extends TransportError {
  readonly kind = 'retry_limit' as const;
  readonly lastStatus: number | undefined;
  constructor(message: string, options?: { cause?: unknown; lastStatus?: number }) {
    super(message, options);
    this.lastStatus = options?.lastStatus;
  }
}

/** The request could not be built (bad URL, conflicting headers, auth that cannot be applied). */
export class BuildError extends TransportError {
  readonly kind = 'build' as const;
}

/**
 * A streamed body failed: it stalled past the idle timeout, ended early, or the
 * connection dropped mid-body; or the response headers of a request did not arrive within its
 * `headersTimeoutMs`. `idleTimeout` is true for both timeouts ("idle timeout waiting for SSE",
 * "idle timeout waiting for response headers").
 */
export class StreamError extends TransportError {
  readonly kind = 'stream' as const;
  readonly idleTimeout: boolean;
  constructor(message: string, options?: { cause?: unknown; idleTimeout?: boolean }) {
    super(message, options);
    this.idleTimeout = options?.idleTimeout ?? false;
  }
}

/** The caller's AbortSignal fired. `reason` is the signal's reason. */
export class AbortedError extends TransportError {
  readonly kind = 'aborted' as const;
  readonly reason: unknown;
  constructor(reason?: unknown) {
    super('request aborted', { cause: reason });
    this.reason = reason;
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
