import { HttpStatusError } from '@codex-ts/client';
import { ApiError } from '../errors/api-error.js';
import { apiErrorFromHttpStatus } from '../errors/map-errors.js';
import { streamMessage } from '../errors/messages.js';
import { isObject, type JsonObject } from '../internal/json.js';

/**
 * The WebSocket-specific texts of the original client. Each is the detail of a
 * `stream` {@link ApiError}, shown as "stream disconnected before completion: <text>".
 */
export const WebsocketErrorTexts = {
  /** no frame within `provider.streamIdleTimeoutMs`. */
  idleTimeout: 'idle timeout waiting for websocket',
  /** the `response.create` frame could not be written within the idle timeout. */
  idleTimeoutSending: 'idle timeout sending websocket request',
  /** prefix of a send failure. */
  sendFailed: 'failed to send websocket request: ',
  /** a binary frame. */
  binaryFrame: 'unexpected binary websocket event',
  /** a close frame before `response.completed`. */
  closedByServer: 'websocket closed by server before response.completed',
  /** the socket ended (or was reset) before `response.completed`. */
  streamClosedEarly: 'stream closed before response.completed',
  /** A request on a connection that is already closed. */
  connectionClosed: 'websocket connection is closed',
  /** default message of `websocket_connection_limit_reached`. */
  connectionLimitReached:
    'Responses websocket connection limit reached (60 minutes). Create a new websocket connection to continue.',
  /** default message of `previous_response_not_found`. */
  previousResponseNotFound: 'Previous response was not found. Retrying the full request.',
} as const;

/** A retryable `stream` ApiError with "stream disconnected before completion: <detail>". */
export function websocketStreamError(detail: string, cause?: unknown): ApiError {
  return new ApiError('stream', streamMessage(detail), cause === undefined ? {} : { cause });
}

type Json = JsonObject;

/** Fields of an error object a flat error frame may carry at top level (`type` is the frame's own). */
const FLAT_ERROR_FIELDS = ['code', 'message', 'param', 'plan_type', 'resets_at'] as const;

/** `headers` of an error frame → HTTP-style headers (lower-cased; strings, numbers and booleans only). */
function frameHeaders(value: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!isObject(value)) return headers;
  for (const name in value) {
    const raw = value[name];
    if (typeof raw === 'string') headers[name.toLowerCase()] = raw;
    else if (typeof raw === 'number' || typeof raw === 'boolean') headers[name.toLowerCase()] = String(raw);
  }
  return headers;
}

/**
 * Maps a wrapped WebSocket error frame to the {@link ApiError} that ends the request, or
 * undefined when the frame is to be ignored. `frame` is the parsed event (its `type` is `"error"`),
 * `text` the frame as received.
 *
 * Shape: `{"type":"error","status"|"status_code":N,"error":{"type"?,"code"?,"message"?,…},"headers"?:{…}}`;
 * frames whose error fields sit at top level (`{"type":"error","status":N,"code":…,"message":…}`,
 * some third-party servers, §4) are accepted too.
 *
 * - `code` `websocket_connection_limit_reached` / `previous_response_not_found` → `stream`
 *   (retryable) with the frame's message or the default text, whatever the status.
 * - a non-2xx `status` → exactly as an HTTP response with that status, the frame's `headers` and the
 *   frame text as body (`apiErrorFromHttpStatus`): 429 `usage_limit_reached` reads its rate limits
 *   from the embedded headers, 400 keeps the server's message, 500 is "We’re currently experiencing
 *   high demand…", 401 is "unexpected status 401 Unauthorized: <message>".
 * - no status (or a 2xx) and no known code → undefined: ignored.
 */
export function apiErrorFromWebsocketErrorFrame(frame: Json, text: string): ApiError | undefined {
  const nested = isObject(frame.error);
  const error: Json = nested ? (frame.error as Json) : frame;
  const code = typeof error.code === 'string' ? error.code : undefined;
  const message = typeof error.message === 'string' ? error.message : undefined;
  const rawStatus = frame.status ?? frame.status_code;
  const status =
    typeof rawStatus === 'number' && Number.isInteger(rawStatus) && rawStatus >= 100 && rawStatus <= 999
      ? rawStatus
      : undefined;
  if (code === 'websocket_connection_limit_reached') {
    return new ApiError('stream', streamMessage(message ?? WebsocketErrorTexts.connectionLimitReached), {
      status,
      body: text,
    });
  }
  if (code === 'previous_response_not_found') {
    return new ApiError('stream', streamMessage(message ?? WebsocketErrorTexts.previousResponseNotFound), {
      status,
      body: text,
    });
  }
  if (status === undefined || (status >= 200 && status < 300)) return undefined;
  let body = text;
  if (!nested) {
    // Normalise a flat frame so the HTTP mapping finds its `error` object.
    const inner: Json = {};
    for (const field of FLAT_ERROR_FIELDS) if (frame[field] !== undefined) inner[field] = frame[field];
    body = JSON.stringify({ ...frame, error: inner });
  }
  return apiErrorFromHttpStatus(new HttpStatusError({ status, headers: frameHeaders(frame.headers), body }));
}
