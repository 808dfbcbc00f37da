import { AbortedError, type HttpStatusError, httpReasonPhrase, TransportError } from '@codex-ts/client';
import { isObject } from '../internal/json.js';
import { redactUrlQuery } from '../internal/url.js';
import { parsePromoMessage, parseRateLimitForLimit } from '../rate-limits/headers.js';
import { parseRetryAfterHeader } from '../rate-limits/retry-after.js';
import { ApiError } from './api-error.js';
import { ErrorTexts, streamMessage, usageLimitMessage } from './messages.js';

/** Where a transport failure happened: before a 2xx arrived, or while reading the SSE body. */
export interface MapErrorContext {
  phase: 'request' | 'stream';
}

/**
 * Longest `Retry-After` honoured on an HTTP 429, in ms. 0.169.0 waited for `retry-after: 2` and `3`;
 * nothing bigger was observed. A value above this cap (or unparseable) leaves
 * `retryDelayMs` undefined, which makes the 429 fatal instead of stalling a turn for minutes.
 */
export const MAX_RETRY_AFTER_MS = 60_000;

const UNEXPECTED_BODY_MAX_BYTES = 1000;
const INVALID_IMAGE_TEXT = 'The image data you provided does not represent a valid image';
const EMPTY_IMAGE_TEXT =
  'Expected a base64-encoded data URL with an image MIME type, but got empty base64-encoded bytes.';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorObject(body: string): Record<string, unknown> | undefined {
  const parsed = parseJson(body);
  if (!isObject(parsed)) return undefined;
  return isObject(parsed.error) ? parsed.error : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * `401 Unauthorized`: the status with `statusText`, else its canonical reason phrase
 * (`httpReasonPhrase` of `@codex-ts/client`, as Rust's `StatusCode` prints it), else
 * `<unknown status code>`.
 */
export function statusLine(status: number, statusText?: string): string {
  const reason = statusText || httpReasonPhrase(status) || '<unknown status code>';
  return `${status} ${reason}`;
}

/** `x-request-id`, else `x-oai-request-id`. */
export function requestIdFromHeaders(headers: Readonly<Record<string, string>>): string | undefined {
  return headers['x-request-id'] ?? headers['x-oai-request-id'];
}

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let cut = maxBytes;
  // step back to a character boundary (never split a multi-byte sequence)
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return `${bytes.subarray(0, cut).toString('utf8')}...`;
}

function identityErrorCode(headers: Readonly<Record<string, string>>): string | undefined {
  const encoded = headers['x-error-json'];
  if (!encoded) return undefined;
  try {
    const decoded = Buffer.from(encoded.trim(), 'base64').toString('utf8');
    const error = errorObject(decoded);
    return str(error?.code);
  } catch {
    return undefined;
  }
}

function unexpectedStatus(err: HttpStatusError, body: string): ApiError {
  const headers = err.headers;
  const cfRay = headers['cf-ray'];
  const requestId = requestIdFromHeaders(headers);
  const authError = headers['x-openai-authorization-error'];
  const authErrorCode = identityErrorCode(headers);
  let suffix = '';
  // Query values (provider query params may hold keys) are masked in the message, kept in `url`.
  if (err.url !== undefined) suffix += `, url: ${redactUrlQuery(err.url)}`;
  if (cfRay !== undefined) suffix += `, cf-ray: ${cfRay}`;
  if (requestId !== undefined) suffix += `, request id: ${requestId}`;
  if (authError !== undefined) suffix += `, auth error: ${authError}`;
  if (authErrorCode !== undefined) suffix += `, auth error code: ${authErrorCode}`;
  const status = statusLine(err.status, err.statusText);
  let message: string;
  if (err.status === 403 && body.includes('Cloudflare') && body.includes('blocked')) {
    message = `${ErrorTexts.cloudflareBlocked} (status ${status})${suffix}`;
  } else {
    const fromJson = str(errorObject(body)?.message)?.trim();
    let shown: string;
    if (fromJson) shown = fromJson;
    else {
      const trimmed = body.trim();
      shown = trimmed === '' ? 'Unknown error' : truncateUtf8(trimmed, UNEXPECTED_BODY_MAX_BYTES);
    }
    message = `unexpected status ${status}: ${shown}${suffix}`;
  }
  return new ApiError('unexpected_status', message, {
    status: err.status,
    url: err.url,
    body,
    headers,
    requestId,
    cfRay,
    cause: err,
  });
}

/**
 * Maps a non-2xx HTTP response to an {@link ApiError} (0.169.0 where it differs):
 *
 * | status / body | code | message |
 * |---|---|---|
 * | 503, `error.code` `server_is_overloaded` / `slow_down` | `server_overloaded` | "Selected model is at capacity. Please try a different model." |
 * | 400/403, `error.code` `misalignment_policy_violation` | `misalignment_policy_violation` | `error.message` or the default |
 * | 400, `error.code` `cyber_policy` | `cyber_policy` | `error.message` or the default |
 * | 400 about image data | `invalid_image_request` | "Image poisoning" |
 * | 400/404, `error.code` `model_not_found` with an `error.message` (0.169.0) | `invalid_request` (not retried) | `error.message` |
 * | other 400 | `invalid_request` | the body text |
 * | 500 | `internal_server_error` | "We’re currently experiencing high demand, which may cause temporary errors." |
 * | 429 `error.type` `usage_limit_reached` | `usage_limit_reached` | per plan ({@link usageLimitMessage}) |
 * | 429 `error.type` `usage_not_included` | `usage_not_included` | upgrade text |
 * | 429 `error.type`/`code` `insufficient_quota` (0.169.0) | `quota_exceeded` | "Quota exceeded. Check your plan and billing details." |
 * | other 429 | `retry_limit` | "exceeded retry limit, last status: 429 Too Many Requests[, request id: …]" |
 * | anything else | `unexpected_status` | "unexpected status 401 Unauthorized: <error.message or body>, url: …[, cf-ray: …][, request id: …]" |
 *
 * In the `url: …` part of a message every query value is written as `***`
 * (`…/v1/responses?api-version=***`), since provider query params may carry secrets; a URL without
 * a query is shown as is. The `url` property keeps the URL as sent.
 *
 * A `retry_limit` 429 carries `retryDelayMs` from its `Retry-After` header (seconds or HTTP-date)
 * when 0 ≤ delay ≤ {@link MAX_RETRY_AFTER_MS}; otherwise `retryDelayMs` stays undefined and the
 * error is fatal (0.169.0: a 429 without the header was fatal). The message hint alone ("try again
 * in 2s") does not make an HTTP 429 retryable (unverified for 0.169.0).
 */
export function apiErrorFromHttpStatus(err: HttpStatusError): ApiError {
  const body = err.body ?? '';
  const headers = err.headers;
  const status = err.status;
  const error = errorObject(body);
  const code = str(error?.code);
  const type = str(error?.type);
  const base = {
    status,
    url: err.url,
    body,
    headers,
    requestId: requestIdFromHeaders(headers),
    cfRay: headers['cf-ray'],
    cause: err,
  };

  if (status === 503 && (code === 'server_is_overloaded' || code === 'slow_down')) {
    return new ApiError('server_overloaded', ErrorTexts.serverOverloaded, base);
  }
  if ((status === 400 || status === 403) && code === 'misalignment_policy_violation') {
    const message = str(error?.message)?.trim()
      ? (error?.message as string)
      : ErrorTexts.misalignmentFallback;
    return new ApiError('misalignment_policy_violation', message, base);
  }
  // 0.169.0 stopped at once on an unknown model, printing the API's own message.
  const modelNotFound = code === 'model_not_found' ? str(error?.message)?.trim() : undefined;
  if ((status === 400 || status === 404) && modelNotFound) {
    return new ApiError('invalid_request', error?.message as string, base);
  }
  if (status === 400) {
    if (code === 'cyber_policy') {
      const message = str(error?.message)?.trim()
        ? (error?.message as string)
        : ErrorTexts.cyberPolicyFallback;
      return new ApiError('cyber_policy', message, base);
    }
    const param = str(error?.param);
    if (
      body.includes(INVALID_IMAGE_TEXT) ||
      body.includes(EMPTY_IMAGE_TEXT) ||
      (code === 'invalid_value' && param !== undefined && param.endsWith('.image_url'))
    ) {
      return new ApiError('invalid_image_request', ErrorTexts.invalidImageRequest, base);
    }
    return new ApiError('invalid_request', body, base);
  }
  if (status === 500) {
    return new ApiError('internal_server_error', ErrorTexts.internalServerError, base);
  }
  if (status === 429) {
    if (type === 'usage_limit_reached') {
      const limitId = headers['x-codex-active-limit'];
      const rateLimits = parseRateLimitForLimit(headers, limitId);
      const promoMessage = parsePromoMessage(headers);
      const planType = str(error?.plan_type);
      const resetsAt = typeof error?.resets_at === 'number' ? error.resets_at : undefined;
      const rateLimitReachedType = headers['x-codex-rate-limit-reached-type']?.trim() || undefined;
      const info = { planType, resetsAt, rateLimits, promoMessage, rateLimitReachedType };
      return new ApiError('usage_limit_reached', usageLimitMessage(info), { ...base, ...info });
    }
    if (type === 'usage_not_included') {
      return new ApiError('usage_not_included', ErrorTexts.usageNotIncluded, base);
    }
    if (type === 'insufficient_quota' || code === 'insufficient_quota') {
      return new ApiError('quota_exceeded', ErrorTexts.quotaExceeded, base);
    }
    const trackingId = requestIdFromHeaders(headers) ?? headers['cf-ray'];
    const delay = parseRetryAfterHeader(headers['retry-after']);
    const retryDelayMs = delay !== undefined && delay >= 0 && delay <= MAX_RETRY_AFTER_MS ? delay : undefined;
    const message = `exceeded retry limit, last status: ${statusLine(status, err.statusText)}${trackingId ? `, request id: ${trackingId}` : ''}`;
    return new ApiError('retry_limit', message, { ...base, retryDelayMs });
  }
  return unexpectedStatus(err, body);
}

/**
 * Turns anything a transport call threw into an {@link ApiError}. An `ApiError`
 * passes through unchanged.
 *
 * - `HttpStatusError` → {@link apiErrorFromHttpStatus}.
 * - `TimeoutError` → `request_timeout` "request timed out".
 * - `ConnectionError` → `connection_failed` "Connection failed: <transport message>".
 * - `NetworkError`: phase `stream` → `stream` "stream disconnected before completion: Transport error:
 *   network error: <msg>" (the observed mid-body drop text); phase `request` → `stream`
 *   "stream disconnected before completion: <msg>".
 * - `StreamError` → `stream` "stream disconnected before completion: <msg>", e.g. "…: idle timeout
 *   waiting for SSE" or "…: idle timeout waiting for response headers" (no headers within
 *   the stream idle timeout).
 * - `BuildError` → `stream` "stream disconnected before completion: <msg>".
 * - `AbortedError` → `aborted` "request aborted".
 * - anything else → `stream` with the error's message. (`AuthProvider` rejections are mapped by
 *   the clients to `auth` before this.)
 *
 * Messages are built from response data and transport error texts only, never request headers.
 */
export function apiErrorFromTransport(err: unknown, context: MapErrorContext): ApiError {
  if (ApiError.isInstance(err)) return err;
  if (TransportError.isInstance(err)) {
    switch (err.code) {
      case 'http':
        return apiErrorFromHttpStatus(err as HttpStatusError);
      case 'timeout':
        return new ApiError('request_timeout', ErrorTexts.requestTimeout, { cause: err });
      case 'connection':
        return new ApiError('connection_failed', `Connection failed: ${err.message}`, { cause: err });
      case 'network':
        return new ApiError(
          'stream',
          streamMessage(
            context.phase === 'stream' ? `Transport error: network error: ${err.message}` : err.message,
          ),
          { cause: err },
        );
      case 'stream':
        return new ApiError('stream', streamMessage(err.message), { cause: err });
      case 'aborted':
        return new ApiError('aborted', ErrorTexts.aborted, { cause: err });
      default:
        return new ApiError('stream', streamMessage(err.message), { cause: err });
    }
  }
  if (err instanceof Error && err.name === 'AbortError') {
    return new ApiError('aborted', ErrorTexts.aborted, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError('stream', streamMessage(message), { cause: err });
}

/**
 * Maps a rejection of `AuthProvider.authHeaders()` (HTTP attempt or WebSocket handshake): an
 * `ApiError` passes through unchanged; an abort (`AbortedError`, a DOM `AbortError`, or any rejection
 * once `signal` has aborted) → `aborted`; anything else → the non-retryable `auth` "could not get
 * credentials: <the provider error's message>" with the rejection as `cause`. Core uses it for the
 * credentials it reads to key its WebSocket connection.
 */
export function apiErrorFromAuthFailure(err: unknown, signal?: AbortSignal): ApiError {
  if (ApiError.isInstance(err)) return err;
  if (signal?.aborted) return new ApiError('aborted', ErrorTexts.aborted, { cause: err });
  if (AbortedError.isInstance(err)) return apiErrorFromTransport(err, { phase: 'request' });
  if (err instanceof Error && err.name === 'AbortError')
    return apiErrorFromTransport(err, { phase: 'request' });
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError('auth', `${ErrorTexts.authFailedPrefix}${message}`, { cause: err });
}
