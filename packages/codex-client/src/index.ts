/**
 * @codex-ts/client: a generic HTTP transport for streaming APIs. It knows nothing about OpenAI.
 *
 * - `errors/`: {@link TransportError} and its subclasses, recognised across package copies with
 *   the static `isInstance()` methods.
 * - `retry/`: {@link runWithRetry}, {@link shouldRetry}, {@link backoffMs}, {@link sleep}
 *  .
 * - `http/`: {@link HttpTransport} on `node:http` / `node:https` (or a caller's undici dispatcher), unary and streaming.
 * - `sse/`: {@link SseDecoder} (WHATWG event-stream decoding) and {@link sseEvents} (decoding with
 *   an idle timeout and abort).
 * - `timers/`: {@link clampTimerMs} and {@link IdleClock}, the one timer implementation;
 *   {@link monotonicMs} / {@link wallClockMs}, the clocks (without `node:perf_hooks`).
 * - `telemetry/`: the {@link RequestTelemetry} and {@link SseTelemetry} hooks.
 * - `redact/`: {@link SecretRedactor}, the one implementation of masking known secrets (`***`) in
 *   text, error objects (with their `cause` chain) and streamed output.
 *
 * Units: every duration is in milliseconds, every body in bytes (`Uint8Array`) or UTF-8 text.
 */

/**
 * zstd request-body compression: `zstdCompress(bytes, level = 3, implementation?)` → one standard
 * zstd frame (any decoder restores `bytes` exactly); `node:zlib`'s `zstdCompressSync` where the
 * runtime has it, else the WebAssembly build (`@bokuweb/zstd-wasm`, loaded on first use).
 * `zstdImplementation()` tells which one this runtime uses (`ZstdImplementation`: `'node:zlib'` |
 * `'wasm'`); `DEFAULT_ZSTD_LEVEL` = 3.
 */
export {
  DEFAULT_ZSTD_LEVEL,
  type ZstdImplementation,
  zstdCompress,
  zstdImplementation,
} from './compress/zstd.js';
/**
 * Transport errors. `TransportError` (abstract base; `code`, a `TransportErrorCode`: `http`,
 * `timeout`, `connection`, `network`, `build`, `stream`, `aborted`); `HttpStatusError` (`http`,
 * non-2xx: `status`, `statusText`, `url`, lower-cased `headers`, `body` text);
 * `TimeoutError` (a deadline passed); `ConnectionError` (could not connect); `NetworkError`
 * (failed after connecting; a body read failure has the message "error decoding response body");
 * `BuildError` (request could not be built); `StreamError` (stream stalled or
 * failed; `idleTimeout: true` for "idle timeout waiting for SSE", and "idle timeout waiting
 * for response headers"); `AbortedError` (the caller's signal fired; `reason`). Each class's static
 * `isInstance(value)` is true for that class and its subclasses only (never a sibling), across
 * duplicate copies of this package. `httpReasonPhrase(status)` gives the reason phrase (Node's
 * `http.STATUS_CODES`).
 * `ResponseHeaders` is `Readonly<Record<string, string>>` with lower-cased names.
 */
export {
  AbortedError,
  BuildError,
  ConnectionError,
  HttpStatusError,
  httpReasonPhrase,
  NetworkError,
  type ResponseHeaders,
  StreamError,
  TimeoutError,
  TransportError,
  type TransportErrorCode,
} from './errors/transport-error.js';
/**
 * `HttpDispatcher`: what `HttpTransportOptions.dispatcher` must offer, the promise form of undici's
 * `Dispatcher.request()` (`HttpDispatcherRequest` in: `origin`, `path`, `method`, `headers`,
 * `body`, `signal`, `headersTimeout`/`bodyTimeout` always 0; `HttpDispatcherResponse` out:
 * `statusCode`, lower-cased `headers`, `body` as a Node `Readable`). Any undici `Agent`, `Pool` or
 * `ProxyAgent` fits; the transport imports no undici for it (only `sender: 'undici'` loads undici's
 * internal files, on its first request).
 */
export type { HttpDispatcher, HttpDispatcherRequest, HttpDispatcherResponse } from './http/sender.js';
/**
 * `HttpTransport` (`node:http` / `node:https` keep-alive agents, `request()` / `stream()` /
 * `close()`) and its options (`ca`: extra trusted CA PEMs on top of Node's roots; `dispatcher`: an
 * undici dispatcher to send through instead, e.g. a proxy agent; `sender`: `'node:http'` (default) or
 * `'undici'`, undici's `Agent` from its own files, no `index.js`, undici 7.30.2 as optional peer); `withSystemRoots(pem)` → `[...tls.rootCertificates,
 * ...pem]`, the `ca` list that adds a CA without dropping the system roots, and
 * `extraCaSecureContext(pem)`, the same trust as one shared TLS `SecureContext` (built once, not per
 * connection).
 * Non-2xx → `HttpStatusError`; connect failure → `ConnectionError`; `timeoutMs` → `TimeoutError`;
 * no response headers within `headersTimeoutMs` → `StreamError(HEADERS_TIMEOUT_MESSAGE)` =
 * "idle timeout waiting for response headers" (`idleTimeout: true`); abort → `AbortedError`; body
 * read failure → `NetworkError("error decoding response body")`.
 */
export {
  extraCaSecureContext,
  HEADERS_TIMEOUT_MESSAGE,
  HttpTransport,
  type HttpTransportOptions,
  withSystemRoots,
} from './http/transport.js';

/**
 * Shapes of a request (`HttpRequest`: method, url, headers in insertion order, body as string or
 * bytes, `signal`, `timeoutMs` and `headersTimeoutMs` in ms, `telemetry`, `attempt`) and of responses (`HttpResponse`:
 * whole body as bytes with `text()`/`json()`; `StreamingResponse`: body as an async iterable of
 * byte chunks plus `cancel()`).
 */
export type { HttpMethod, HttpRequest, HttpResponse, StreamingResponse } from './http/types.js';

/**
 * Secret redaction: `SecretRedactor` (`add(secret)`, `addCredential(headerValue)` — also the bare
 * token of `Bearer <token>` —, `redact(text)`, `redactError(error)` → a copy of the error, its
 * `cause` chain and fields with every registered secret written `***`, or the error itself when it
 * holds none; `writer(sink)` redacts streamed text, also a secret split across writes),
 * `REDACTION_MASK` (`***`), `MIN_SECRET_LENGTH` (8 UTF-16 units), `isCredentialName(name)` (header,
 * query or variable names that conventionally carry credentials: `authorization`, `x-api-key`,
 * `*_TOKEN`, …) and the `TextSink` / `RedactingWriter` shapes. Instances are independent; share one
 * to redact the same credentials everywhere.
 */
export {
  isCredentialName,
  MIN_SECRET_LENGTH,
  REDACTION_MASK,
  type RedactingWriter,
  SecretRedactor,
  type TextSink,
} from './redact/secret-redactor.js';
/**
 * Retry: `RetryPolicy` (`maxAttempts` retries after the first try, `baseDelayMs` in ms,
 * `retryOn`), `RetryOn` (`retry429`, `retry5xx`, `retryTransport`), `RetryInfo` (what `onRetry`
 * receives), `backoffMs()`, `shouldRetry()`, `sleep()` (abort-aware, rejects with
 * `AbortedError`) and `runWithRetry()` (rejects with the original error of the last attempt).
 */
export {
  backoffMs,
  type RetryInfo,
  type RetryOn,
  type RetryPolicy,
  runWithRetry,
  shouldRetry,
  sleep,
} from './retry/retry.js';

/**
 * SSE: `SseEvent` (`event` — `'message'` by default —, `data` joined with "\n", last `id`),
 * `SseDecoder` (incremental WHATWG decoder over strings or UTF-8 bytes; a final event without a
 * blank line is flushed at `end()`; `reset()` drops a half-decoded stream for reuse), `sseEvents()` (async generator over a byte stream with an
 * idle timeout in ms, restarted by every event and by bytes of a partly received event → `StreamError("idle timeout waiting for SSE", {idleTimeout: true})`,
 * read failure → `NetworkError("error decoding response body")`, abort → `AbortedError`),
 * `sseEventBatches()` (the same, one array of events per received chunk, for consumers that
 * re-yield events themselves) and their `SseEventsOptions`.
 */
export { SseDecoder, type SseEvent } from './sse/decoder.js';
export { type SseEventsOptions, sseEventBatches, sseEvents } from './sse/events.js';
/**
 * Telemetry hooks: `RequestTelemetry.onRequest({attempt, status, error, durationMs})` once per
 * HTTP request and `SseTelemetry.onSseEvent({event, error, durationMs})` once per SSE event
 * or failure, with their info shapes. An exception thrown by a hook is caught and ignored.
 */
export type {
  RequestTelemetry,
  RequestTelemetryInfo,
  SseTelemetry,
  SseTelemetryInfo,
} from './telemetry/telemetry.js';
/**
 * Timers: `clampTimerMs(ms)` clamps a duration to what a Node timer can wait, [0,
 * `MAX_TIMER_MS` = 2^31 − 1] ms (NaN and negatives → 0, +Infinity → the maximum), so no duration
 * overflows into a 1 ms timer with a `TimeoutOverflowWarning`. `IdleClock(timeoutMs, onExpire)`:
 * the one idle-timeout / deadline implementation (`start()`, `touch()` on activity, `hold()`,
 * `stop()`; one lazily re-armed timer; 0 expires on the next timer tick), used for the HTTP
 * deadline and headers timeout, the SSE idle timeout and the WebSocket handshake and frame timeouts.
 */
export { clampTimerMs, IdleClock, MAX_TIMER_MS } from './timers/idle-clock.js';
export { monotonicMs, wallClockMs } from './timers/monotonic-clock.js';
