import type { RequestTelemetry, SseTelemetry } from '@codex-ts/client';
import { type HttpTransport, SecretRedactor, zstdCompress } from '@codex-ts/client';
import type { AuthProvider } from '../auth/auth-provider.js';
import type { ApiError } from '../errors/api-error.js';
import { sendAuthorized } from '../internal/authorized-send.js';
import { HeaderMerge } from '../internal/header-merge.js';
import { ownedTransport } from '../internal/owned-transport.js';
import { registerProviderSecrets } from '../internal/secrets.js';
import type { Provider } from '../provider/provider.js';
import { urlForPath } from '../provider/provider.js';
import { ensureEventStream } from './content-type.js';
import type { ResponseEvent } from './events.js';
import { HttpResponseStream } from './http-response-stream.js';
import { type ResponsesApiRequest, serializeResponsesRequest } from './request.js';

/** Options of {@link ResponsesClient}. */
export interface ResponsesClientOptions {
  provider: Provider;
  auth: AuthProvider;
  /** Shared transport; by default the client creates one (closed by {@link ResponsesClient.close}). */
  transport?: HttpTransport;
  /**
   * Client-wide default headers, e.g. `{ originator: 'codex_exec', 'user-agent': '…' }`: added after
   * the auth headers, and only when no header of that name (any case) is already set.
   */
  defaultHeaders?: Record<string, string>;
  /** Called once per HTTP attempt. */
  requestTelemetry?: RequestTelemetry;
  /** Called once per SSE poll. */
  sseTelemetry?: SseTelemetry;
  /**
   * Registers the credentials sent and redacts every error thrown or reported (see {@link
   * ResponsesClient}); share one with a session's telemetry and output. Default: the client's own.
   */
  redactor?: SecretRedactor;
  /**
   * `'zstd'`: every request body is sent as one zstd frame at level 3 (`zstdCompress`) with
   * `content-encoding: zstd` right after `accept` and `content-length` the compressed size, as
   * the original does for the ChatGPT backend (observed-cli-auth §5). Default: uncompressed JSON.
   */
  requestCompression?: 'zstd';
  /**
   * Extra trusted CA certificates (PEM) for the transport the client creates (ignored with
   * `transport`; give that one `HttpTransport({ ca })`): trusted in addition to Node's roots.
   */
  ca?: string | readonly string[];
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
 * An open Responses stream, the same type over both transports: `ResponsesClient.stream()` (HTTP +
 * SSE) and `ResponsesWebsocketConnection.stream()` (WebSocket). Iterate it once with `for await`; it
 * yields {@link ResponseEvent}s, starting with the synthetic header events, and ends right after
 * `completed`. Iteration throws an {@link ApiError}; leaving the loop early (`break`) stops
 * the response.
 *
 * HTTP: `headers` are the response headers and `requestId` their `x-request-id` /
 * `x-oai-request-id`. Iteration throws the stored `response.failed` / `response.incomplete` error or
 * "stream disconnected before completion: stream closed before response.completed" at EOF,
 * "…: idle timeout waiting for SSE" after `provider.streamIdleTimeoutMs` without an event,
 * "…: Transport error: network error: …" when the connection drops mid-body, `aborted` on
 * abort. `break` closes the connection; a stream that is never iterated keeps its connection busy
 * until the caller's signal aborts, so iterate it (or call `return()` on its iterator).
 *
 * WebSocket: `headers` are the 101 handshake response headers (the same object for every stream on
 * the connection) and `requestId` is always undefined. Errors as the original's WebSocket client: `response.failed` /
 * `response.incomplete` throw at once, "…: idle timeout waiting for websocket", "…: websocket
 * closed by server before response.completed", "…: stream closed before response.completed",
 * "…: unexpected binary websocket event", wrapped error frames mapped like HTTP statuses,
 * `aborted`. Every terminal error, and a `break` before `completed`, drops the socket; after
 * `completed` it stays open for the next request.
 */
export interface ResponseStream extends AsyncIterable<ResponseEvent> {
  /** Response headers (HTTP) or handshake response headers (WebSocket), lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** HTTP: `x-request-id`, else `x-oai-request-id`. WebSocket: always undefined. */
  readonly requestId: string | undefined;
}

/**
 * Client of the Responses endpoint over HTTP + SSE: `POST {provider.baseUrl}/responses`
 * (`urlForPath`) with a JSON body serialised once ({@link serializeResponsesRequest}), so every
 * retry is byte-identical.
 *
 * Headers, in this order: `provider.headers`, `extraHeaders` (replacing), `accept:
 * text/event-stream`, `content-encoding: zstd` (with `requestCompression: 'zstd'`), `content-type: application/json` (unless set), the auth headers (fetched per
 * attempt from the {@link AuthProvider}, replacing), then `defaultHeaders` where absent
 * (observed-cli §3).
 *
 * Retries: `runWithRetry(provider.retry)` covers only getting a 2xx; after a 401 the request's
 * `auth.unauthorizedRecovery()` runs its next step and the request is sent again with fresh auth
 * headers (and a fresh retry budget), while steps remain; a failed step rejects with its error
 * (`refresh_token_failed`, `auth_transient`, …). Failures reject with an {@link ApiError} (see `apiErrorFromTransport`); an
 * `authHeaders()` rejection is the non-retryable `auth` "could not get credentials: <message>" (not
 * retried; an `ApiError` it rejects with passes through, an abort is `aborted`), and so is an auth
 * header that cannot be sent (a value with CR, LF or a character above U+00FF), before sending.
 *
 * Secrets: the `authHeaders()` values (and the token of `Bearer <token>`) and the provider's
 * credential-named header / query values (`isCredentialName`) are registered with {@link redactor}
 * before they are sent; every error thrown (by `stream()` or iteration) or given to
 * `requestTelemetry` has them written `***` in its message, `cause` chain, `body`, `headers` and
 * `url` (`SecretRedactor.redactError`), so a server echoing the key cannot carry it into an error.
 */
export class ResponsesClient {
  private readonly provider: Provider;
  private readonly auth: AuthProvider;
  private readonly transport: HttpTransport;
  private readonly closeTransport: () => Promise<void>;
  private readonly defaultHeaders: Record<string, string>;
  private readonly requestTelemetry: RequestTelemetry | undefined;
  private readonly sseTelemetry: SseTelemetry | undefined;
  private readonly requestCompression: 'zstd' | undefined;
  /** The redactor of {@link ResponsesClientOptions.redactor} (or the client's own). */
  readonly redactor: SecretRedactor;

  constructor(options: ResponsesClientOptions) {
    this.provider = options.provider;
    this.auth = options.auth;
    const owned = ownedTransport(options);
    this.transport = owned.transport;
    this.closeTransport = owned.close;
    this.requestCompression = options.requestCompression;
    this.defaultHeaders = options.defaultHeaders ?? {};
    const redactor = options.redactor ?? new SecretRedactor();
    this.redactor = redactor;
    registerProviderSecrets(redactor, options.provider);
    const hook = options.requestTelemetry;
    // An HttpStatusError carries the response body and headers. SSE failures carry neither.
    this.requestTelemetry = hook && {
      onRequest: (info) =>
        hook.onRequest(
          info.error === undefined ? info : { ...info, error: redactor.redactError(info.error) },
        ),
    };
    this.sseTelemetry = options.sseTelemetry;
  }

  /**
   * Sends one Responses request and resolves once a 2xx arrived, with the stream of its events.
   * Rejects with an {@link ApiError} (HTTP status mapping `request_timeout`,
   * `connection_failed`, `aborted`, …) after the transport retries, redacted with {@link redactor}.
   * Each attempt waits at most `provider.streamIdleTimeoutMs` for the response headers, then
   * rejects with the retryable `stream` "stream disconnected before completion: idle timeout waiting
   * for response headers" (not retried by the transport retry; the turn loop retries it as a stream
   * error). A 2xx whose `content-type` is present and not `text/event-stream` rejects with the
   * non-retryable `unexpected_content_type` naming it (see `ensureEventStream`), without reading the body.
   */
  async stream(request: ResponsesApiRequest, options: ResponsesStreamOptions = {}): Promise<ResponseStream> {
    try {
      return await this.open(request, options);
    } catch (error) {
      throw this.redactor.redactError(error);
    }
  }

  private async open(request: ResponsesApiRequest, options: ResponsesStreamOptions): Promise<ResponseStream> {
    const json = serializeResponsesRequest(request);
    // Compressed once: every retry and 401 resend carries the same complete frame.
    const body =
      this.requestCompression === 'zstd' ? await zstdCompress(new TextEncoder().encode(json)) : json;
    const url = urlForPath(this.provider, 'responses');
    const signal = options.signal;
    const extraHeaders = options.extraHeaders;
    const response = await sendAuthorized({
      auth: this.auth,
      redactor: this.redactor,
      retry: this.provider.retry,
      signal,
      send: (authHeaders, attempt) =>
        this.transport.stream({
          method: 'POST',
          url,
          headers: this.buildHeaders(extraHeaders, authHeaders),
          body,
          ...(signal ? { signal } : {}),
          ...(this.requestTelemetry ? { telemetry: this.requestTelemetry } : {}),
          // The stream idle timeout also bounds the wait for the response headers.
          headersTimeoutMs: this.provider.streamIdleTimeoutMs,
          attempt,
        }),
    });
    ensureEventStream(response, url);
    return new HttpResponseStream(
      response,
      this.provider.streamIdleTimeoutMs,
      signal,
      this.sseTelemetry,
      this.redactor,
    );
  }

  /** Closes the transport when this client created it. */
  async close(): Promise<void> {
    await this.closeTransport();
  }

  private buildHeaders(
    extraHeaders: Record<string, string> | undefined,
    authHeaders: Record<string, string>,
  ): Record<string, string> {
    const merge = new HeaderMerge();
    merge.setAll(this.provider.headers);
    merge.setAll(extraHeaders);
    merge.set('accept', 'text/event-stream');
    if (this.requestCompression === 'zstd') merge.set('content-encoding', 'zstd');
    merge.setIfAbsent('content-type', 'application/json');
    merge.setAll(authHeaders);
    merge.setAllIfAbsent(this.defaultHeaders);
    return merge.headers;
  }
}
