import { hasErrorMarker, markErrorClass, type RateLimitSnapshot } from '@codex-ts/protocol';
import { streamMessage } from './messages.js';

const MARKER = Symbol.for('@codex-ts/api.ApiError');

/**
 * What went wrong, as the original client classifies it (`CodexErr` in codex-rs). Stable
 * strings, safe to switch on and to log.
 *
 * | code | from | retried by the turn loop |
 * |---|---|---|
 * | `context_window_exceeded` | `response.failed` code `context_length_exceeded` | no |
 * | `quota_exceeded` | code/type `insufficient_quota` (event or HTTP 429 body) | no |
 * | `usage_not_included` | code/type `usage_not_included` | no |
 * | `usage_limit_reached` | HTTP 429 body `error.type = usage_limit_reached` (also inside a WebSocket error frame), `response.failed` code/type `usage_limit_reached` | no |
 * | `server_overloaded` | code `server_is_overloaded` / `slow_down` (event or HTTP 503) | no |
 * | `invalid_request` | HTTP 400; HTTP 404 `error.code` `model_not_found`; `response.failed` code `invalid_prompt` / `bio_policy` | no |
 * | `invalid_image_request` | HTTP 400 about image data | no |
 * | `cyber_policy` | code `cyber_policy` | no |
 * | `misalignment_policy_violation` | code `misalignment_policy_violation` | no |
 * | `retry_limit` | any other HTTP 429 | only when `retryAfterMs` is set (`Retry-After` header) |
 * | `internal_server_error` | HTTP 500 | yes |
 * | `unexpected_status` | any other non-2xx status | yes |
 * | `unexpected_content_type` | a 2xx streaming response whose `content-type` is not `text/event-stream` (e.g. an HTML page from a proxy) | no |
 * | `response_incomplete` | `response.incomplete`: "Incomplete response returned, reason: <reason>" (`incomplete_details.reason`, else `unknown`); the output items already streamed stand (0.169.0) | no |
 * | `stream` | stream failures: early close, idle timeout, other `response.failed` codes, transport network errors | yes |
 * | `rate_limit_exceeded` | `response.failed` code `rate_limit_exceeded` | yes, after `retryDelayMs` when the message says "try again in N s" |
 * | `request_timeout` | transport timeout | yes |
 * | `connection_failed` | could not connect | yes |
 * | `refresh_token_failed` | a permanent ChatGPT token refresh failure (refresh token expired, reused, revoked, another account): "Your access token could not be refreshed … Please log out and sign in again." | no |
 * | `auth_transient` | credentials temporarily unavailable: a transient refresh failure ("Failed to refresh token: 500 Internal Server Error"), a failed token command | yes |
 * | `auth` | `AuthProvider.authHeaders()` rejected, or returned a header that cannot be sent (HTTP attempt or WebSocket handshake): "could not get credentials: <its message>" | no |
 * | `aborted` | the caller's AbortSignal | no |
 */
export type ApiErrorCode =
  | 'context_window_exceeded'
  | 'quota_exceeded'
  | 'usage_not_included'
  | 'usage_limit_reached'
  | 'server_overloaded'
  | 'invalid_request'
  | 'invalid_image_request'
  | 'cyber_policy'
  | 'misalignment_policy_violation'
  | 'retry_limit'
  | 'internal_server_error'
  | 'unexpected_status'
  | 'unexpected_content_type'
  | 'response_incomplete'
  | 'stream'
  | 'rate_limit_exceeded'
  | 'request_timeout'
  | 'connection_failed'
  | 'refresh_token_failed'
  | 'auth_transient'
  | 'auth'
  | 'aborted';

/** Optional details an {@link ApiError} may carry. */
export interface ApiErrorDetails {
  /** HTTP status (or the `status` of a WebSocket error frame). */
  status?: number | undefined;
  /**
   * Request URL as sent, when the error came from an HTTP response or a WebSocket handshake. It
   * includes provider query values; messages show them all masked as `***`, and the clients mask
   * the credential ones (`key`, `api-key`, `token`, …) here too.
   */
  url?: string | undefined;
  /** Response body text (HTTP errors), never request data. */
  body?: string | undefined;
  /** Response headers (lower-cased names). */
  headers?: Readonly<Record<string, string>> | undefined;
  /** `x-request-id` / `x-oai-request-id` response header. */
  requestId?: string | undefined;
  /** `cf-ray` response header. */
  cfRay?: string | undefined;
  /** Server-advised wait before retrying, in ms: "try again in N s" hint or `Retry-After`. */
  retryDelayMs?: number | undefined;
  /** Plan type of a usage-limit error (`plus`, `pro`, …). */
  planType?: string | undefined;
  /** Unix seconds when a usage limit resets. */
  resetsAt?: number | undefined;
  /** Rate limits reported with a usage-limit error (`x-codex-active-limit` family). */
  rateLimits?: RateLimitSnapshot | undefined;
  /** `x-codex-promo-message` of a usage-limit error. */
  promoMessage?: string | undefined;
  /** `x-codex-rate-limit-reached-type` of a usage-limit error. */
  rateLimitReachedType?: string | undefined;
  /** The underlying error (a `TransportError`, a JSON parse error, …). */
  cause?: unknown;
}

const RETRYABLE: ReadonlySet<ApiErrorCode> = new Set<ApiErrorCode>([
  'internal_server_error',
  'unexpected_status',
  'stream',
  'rate_limit_exceeded',
  'request_timeout',
  'connection_failed',
  'auth_transient',
]);

/**
 * The one error type `@codex-ts/api` throws (from `stream()` and from the event iterator).
 * `message` is the user-visible text the original CLI prints for the same failure, e.g.
 * "Quota exceeded. Check your plan and billing details." or
 * "stream disconnected before completion: idle timeout waiting for SSE". It never contains
 * request headers or URL query values (written as `***`).
 *
 * Credentials: an error thrown by `ResponsesClient`, `ResponsesWebsocketClient` or a WebSocket
 * connection has every secret registered with that client's `SecretRedactor` (the auth header
 * values it sent, credential-named provider headers and query values) written `***` in `message`,
 * `body`, `headers`, `url`, `stack` and the whole `cause` chain, even when the server echoed the key
 * (a 401 body, `x-openai-authorization-error`, an error frame, a `response.failed` message). The
 * mapping functions (`apiErrorFromHttpStatus`, `apiErrorFromResponseFailed`, …) know no
 * credentials and do not redact; the clients do.
 */
export class ApiError extends Error {
  /** The classification; see {@link ApiErrorCode}. */
  readonly code: ApiErrorCode;
  readonly status: number | undefined;
  /** See {@link ApiErrorDetails.url}: only registered secrets are masked, so do not log it; `message` masks every query value. */
  readonly url: string | undefined;
  readonly body: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly requestId: string | undefined;
  readonly cfRay: string | undefined;
  /** Server-advised delay before a retry, in ms (see {@link ApiErrorDetails.retryDelayMs}). */
  readonly retryDelayMs: number | undefined;
  readonly planType: string | undefined;
  readonly resetsAt: number | undefined;
  readonly rateLimits: RateLimitSnapshot | undefined;
  readonly promoMessage: string | undefined;
  readonly rateLimitReachedType: string | undefined;

  constructor(code: ApiErrorCode, message: string, details: ApiErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = details.status;
    this.url = details.url;
    this.body = details.body;
    this.headers = details.headers ?? {};
    this.requestId = details.requestId;
    this.cfRay = details.cfRay;
    this.retryDelayMs = details.retryDelayMs;
    this.planType = details.planType;
    this.resetsAt = details.resetsAt;
    this.rateLimits = details.rateLimits;
    this.promoMessage = details.promoMessage;
    this.rateLimitReachedType = details.rateLimitReachedType;
  }

  /**
   * Whether the turn loop should try again, with the 0.169.0 exception that an
   * HTTP 429 carrying `Retry-After` is retried after that delay.
   */
  get retryable(): boolean {
    if (this.code === 'retry_limit') return this.retryDelayMs !== undefined;
    return RETRYABLE.has(this.code);
  }

  /**
   * The retryable `stream` error "stream disconnected before completion: <detail>" (codex-rs
   * `CodexErr::Stream`, the text of {@link streamMessage}), e.g.
   * `ApiError.streamDisconnected(ErrorTexts.streamClosedEarly)` for a stream that ended without
   * `response.completed`. The one place this text is built for callers outside the api, so
   * the turn loop prints what the original prints.
   */
  static streamDisconnected(detail: string, details?: ApiErrorDetails): ApiError {
    return new ApiError('stream', streamMessage(detail), details);
  }

  static {
    markErrorClass(ApiError, MARKER);
  }

  /** True when `value` is an ApiError from any copy of this package (not a transport error). */
  static isInstance(value: unknown): value is ApiError {
    return hasErrorMarker(value, MARKER);
  }
}
