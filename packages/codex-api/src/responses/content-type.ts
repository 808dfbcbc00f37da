import type { StreamingResponse } from '@codex-ts/client';
import { ApiError } from '../errors/api-error.js';
import { requestIdFromHeaders, statusLine } from '../errors/map-errors.js';
import { redactUrlQuery } from '../internal/url.js';

/** Longest part of a `content-type` value quoted in an error message, in characters. */
const SHOWN_CONTENT_TYPE_MAX = 200;

/** True when `contentType`'s media type (before any `;` parameter) is `text/event-stream`, in any case. */
export function isEventStreamContentType(contentType: string): boolean {
  const semicolon = contentType.indexOf(';');
  const mediaType = semicolon === -1 ? contentType : contentType.slice(0, semicolon);
  return mediaType.trim().toLowerCase() === 'text/event-stream';
}

/**
 * Checks the `content-type` of a 2xx streaming Responses response before its body is parsed as SSE
 * (issue 7a: an HTTP 200 `text/html` page from a proxy or captive portal was parsed as SSE and
 * retried as "stream closed before response.completed"). `text/event-stream` (any case, with or
 * without parameters) and a missing header (parsed as SSE, as codex-rs does) pass. Anything else
 * cancels the response (closing its connection) and throws the non-retryable
 * `ApiError('unexpected_content_type')`:
 * `unexpected content type "<value>" in a 200 OK response (expected text/event-stream), url: <url>[, request id: <id>]`
 * (the value cut at 200 characters, URL query values as `***`), carrying `status`, `url`,
 * `headers` and `requestId`. The body is not read.
 */
export function ensureEventStream(response: StreamingResponse, url: string): void {
  const contentType = response.headers['content-type'];
  if (contentType === undefined || isEventStreamContentType(contentType)) return;
  response.cancel();
  const shown =
    contentType.length > SHOWN_CONTENT_TYPE_MAX
      ? `${contentType.slice(0, SHOWN_CONTENT_TYPE_MAX)}…`
      : contentType;
  const requestId = requestIdFromHeaders(response.headers);
  const message =
    `unexpected content type ${JSON.stringify(shown)} in a ${statusLine(response.status)} response ` +
    `(expected text/event-stream), url: ${redactUrlQuery(url)}${requestId ? `, request id: ${requestId}` : ''}`;
  throw new ApiError('unexpected_content_type', message, {
    status: response.status,
    url,
    headers: response.headers,
    requestId,
  });
}
