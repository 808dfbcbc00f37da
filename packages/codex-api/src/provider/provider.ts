import type { RetryPolicy } from '@codex-ts/client';

/**
 * Where and how to reach a Responses API deployment: one `[model_providers.<id>]` entry
 * of Codex's config.toml after it has been resolved (core builds it).
 */
export interface Provider {
  /** Display name; `"OpenAI"` marks the built-in OpenAI provider. */
  name: string;
  /** Base URL without the endpoint path, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  /**
   * Query parameters appended to every URL as `?k=v&k2=v2`, in insertion order and
   * **not** URL-encoded (the original client sends them verbatim).
   */
  queryParams?: Readonly<Record<string, string>> | undefined;
  /** Static headers sent first on every request (`http_headers` + `env_http_headers`). */
  headers: Readonly<Record<string, string>>;
  /** Transport-level retry of one HTTP request (`request_max_retries`, 200 ms base). */
  retry: RetryPolicy;
  /**
   * Longest silence before a stream fails, in ms (`stream_idle_timeout_ms`): between two SSE events
   * or WebSocket frames (bytes of a partly received SSE event count), and, over HTTP, from sending
   * the request to its response headers. Clamped to [0, 2^31 − 1]; 0 expires at once.
   */
  streamIdleTimeoutMs: number;
  /**
   * Deadline for a WebSocket handshake, in ms (`websocket_connect_timeout_ms`). Clamped to
   * [0, 2^31 − 1]; 0 expires at once.
   */
  websocketConnectTimeoutMs: number;
}

/**
 * `{baseUrl}/{path}` plus the provider's query string: one `/` between the two, an
 * empty path gives the base URL unchanged, and query values are not URL-encoded.
 */
export function urlForPath(provider: Pick<Provider, 'baseUrl' | 'queryParams'>, path: string): string {
  const base = provider.baseUrl.replace(/\/+$/, '');
  const trimmed = path.replace(/^\/+/, '');
  let url = trimmed === '' ? base : `${base}/${trimmed}`;
  const params = provider.queryParams ? Object.entries(provider.queryParams) : [];
  if (params.length > 0) {
    url += `${url.includes('?') ? '&' : '?'}${params.map(([k, v]) => `${k}=${v}`).join('&')}`;
  }
  return url;
}

/** {@link urlForPath} with `http` → `ws` and `https` → `wss`; other schemes unchanged. */
export function websocketUrlForPath(
  provider: Pick<Provider, 'baseUrl' | 'queryParams'>,
  path: string,
): string {
  const url = urlForPath(provider, path);
  if (url.startsWith('https://')) return `wss://${url.slice('https://'.length)}`;
  if (url.startsWith('http://')) return `ws://${url.slice('http://'.length)}`;
  return url;
}
