/**
 * Request and response shapes of {@link HttpTransport}.
 */
import type { ResponseHeaders } from '../errors/transport-error.js';
import type { RequestTelemetry } from '../telemetry/telemetry.js';

/** HTTP methods the transport sends. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** One HTTP request. */
export interface HttpRequest {
  method: HttpMethod;
  /** Absolute `http:` or `https:` URL; anything else is a `BuildError`. */
  url: string;
  /**
   * Request headers, sent in insertion order with their names as given. The transport adds only
   * what HTTP/1.1 needs (`host`, `connection`, `content-length`) unless given here.
   */
  headers: Readonly<Record<string, string>>;
  /** Request body: a string is sent as UTF-8; bytes are sent as given. */
  body?: string | Uint8Array;
  /** Aborting rejects with `AbortedError` (an already-aborted signal rejects without sending). */
  signal?: AbortSignal;
  /**
   * Deadline in ms, from the call until the whole body was read (`request()`) or until the
   * response headers arrived (`stream()`; the streamed body is then governed by the SSE idle
   * timeout). Exceeding it rejects with `TimeoutError`. Absent: no deadline. Clamped with
   * `clampTimerMs` to [0, 2^31 − 1]: 0 (or less, or NaN) expires at once, +Infinity waits ~24.8 days.
   */
  timeoutMs?: number;
  /**
   * Longest wait from the call until the response headers arrive, ms (covers connect, sending and
   * the server's time to first byte; meant to be the stream idle timeout, so a server that accepts
   * the request and never answers cannot hang the caller). Exceeding it aborts the request and
   * rejects with `StreamError("idle timeout waiting for response headers")`, `idleTimeout: true`
   * (code `stream`: `shouldRetry` does not retry it; the caller decides, like a body idle
   * timeout). Absent: not bounded. Clamped like `timeoutMs` (0 expires at once).
   */
  headersTimeoutMs?: number;
  /** Called once for this request. */
  telemetry?: RequestTelemetry;
  /** The retry attempt index, passed through to `telemetry` (default 0). */
  attempt?: number;
}

/** A fully read 2xx response. */
export interface HttpResponse {
  status: number;
  /** Lower-cased names; a repeated header's values joined with `", "`. */
  headers: ResponseHeaders;
  /** The whole body. */
  body: Uint8Array;
  /** The body decoded as UTF-8 (invalid bytes become U+FFFD). */
  text(): string;
  /** `JSON.parse(text())`; throws `SyntaxError` when the body is not JSON. */
  json(): unknown;
}

/** A 2xx response whose body is still being received. */
export interface StreamingResponse {
  status: number;
  /** Lower-cased names; a repeated header's values joined with `", "`. */
  headers: ResponseHeaders;
  /**
   * The body as byte chunks; iterate it once. Each chunk is everything received since the previous
   * read (e.g. all the HTTP chunks of one socket read), so chunk boundaries follow the network, not
   * the sender's writes; a consumer that does not read pauses the body after 64 KiB of read-ahead.
   * A read failure throws
   * `NetworkError("error decoding response body")`; an abort of the request's signal or
   * {@link StreamingResponse.cancel} throws `AbortedError`. The iterator's `return()` (e.g. a
   * `break`) closes the connection at once, even while a read is pending.
   */
  body: AsyncIterable<Uint8Array>;
  /** Stop receiving and close the connection; later reads throw `AbortedError(reason)`. Idempotent. */
  cancel(reason?: unknown): void;
}
