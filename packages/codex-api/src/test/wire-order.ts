// The orders codex-cli 0.169.0 writes on the wire, for tests that check a body's keys or a
// handshake's headers: one list per fact, so each order is written down once.

/**
 * Every top-level key a Responses HTTP body can carry, in the order 0.169.0 writes them
 * (wire-protocol §3.1, observed-cli §5.1; `serializeResponsesRequest`).
 */
export const HTTP_BODY_KEY_ORDER: readonly string[] = [
  'model',
  'instructions',
  'stream',
  'input',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning',
  'store',
  'stream_options',
  'include',
  'service_tier',
  'prompt_cache_key',
  'text',
  'client_metadata',
];

/**
 * Every top-level key a WebSocket `response.create` frame can carry, in 0.169.0's order
 * (wire-protocol §3.2, observed-cli §6; `serializeResponseCreate`): the HTTP body's keys plus
 * `type` first, `previous_response_id` after `stream` and `generate` before `client_metadata`.
 */
export const WS_FRAME_KEY_ORDER: readonly string[] = [
  'type',
  ...HTTP_BODY_KEY_ORDER.slice(0, 3),
  'previous_response_id',
  ...HTTP_BODY_KEY_ORDER.slice(3, -1),
  'generate',
  'client_metadata',
];

/** `order` without the keys `absent`: the exact key list of a body that carries all the others. */
export function keysWithout(order: readonly string[], ...absent: string[]): string[] {
  const unknown = absent.filter((key) => !order.includes(key));
  if (unknown.length > 0) throw new Error(`not in the order: ${unknown.join(', ')}`);
  return order.filter((key) => !absent.includes(key));
}

/**
 * The WebSocket handshake headers 0.169.0 sends, in wire order, after the WebSocket library's own
 * five (`Host` … `Sec-WebSocket-Key`) and before `sec-websocket-extensions` (observed-cli §6).
 */
export const WS_HANDSHAKE_HEADER_ORDER: readonly string[] = [
  'authorization',
  'user-agent',
  'originator',
  'openai-beta',
  'x-codex-turn-metadata',
  'version',
  'x-codex-beta-features',
  'x-client-request-id',
  'session-id',
  'thread-id',
  'x-codex-window-id',
];

/**
 * The headers of a `POST …/responses` with ChatGPT login, in 0.169.0's wire order before `host`
 * and `content-length` (observed-cli-0.169-auth §5), when every optional one is present
 * (`x-openai-account-routing-override`; `content-encoding` is the api layer's zstd body).
 */
export const CHATGPT_HTTP_HEADER_ORDER: readonly string[] = [
  'version',
  'x-openai-account-routing-override',
  'x-codex-beta-features',
  'x-codex-window-id',
  'x-codex-turn-metadata',
  'x-codex-routing-hint',
  'x-client-request-id',
  'session-id',
  'thread-id',
  'accept',
  'content-encoding',
  'content-type',
  'authorization',
  'chatgpt-account-id',
  'originator',
  'user-agent',
];

/**
 * The WebSocket handshake headers with ChatGPT login, in 0.169.0's wire order after the WebSocket
 * library's own five and before `sec-websocket-extensions` (observed-cli-0.169-auth §6), with
 * `x-openai-account-routing-override` present.
 */
export const CHATGPT_WS_HANDSHAKE_HEADER_ORDER: readonly string[] = [
  'chatgpt-account-id',
  'authorization',
  'user-agent',
  'originator',
  'openai-beta',
  'version',
  'x-openai-account-routing-override',
  'x-codex-beta-features',
  'x-client-request-id',
  'session-id',
  'thread-id',
  'x-codex-window-id',
  'x-codex-turn-metadata',
  'x-codex-routing-hint',
];
