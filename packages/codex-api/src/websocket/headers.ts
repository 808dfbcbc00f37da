/** `OpenAI-Beta` value of the Responses WebSocket handshake. */
export const RESPONSES_WEBSOCKETS_BETA = 'responses_websockets=2026-02-06';

/** Names the WebSocket library owns on the upgrade request; callers cannot set them. */
const RESERVED = new Set([
  'host',
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
]);

/** The ChatGPT account header, sent first on the upgrade. */
const CHATGPT_ACCOUNT_ID = 'chatgpt-account-id';

/** Inputs of {@link handshakeHeaderList}. */
export interface HandshakeHeaderParts {
  /** From `AuthProvider.authHeaders()`: replace any other header of the same name. */
  auth: Readonly<Record<string, string>>;
  /** Client defaults (`user-agent`, `originator`, …): sent only when no other part names them. */
  defaults: Readonly<Record<string, string>>;
  /** Per-connection headers from the caller, in the order to send them; replace provider headers. */
  extra: Readonly<Record<string, string>>;
  /** `provider.headers`. */
  provider: Readonly<Record<string, string>>;
}

/**
 * The handshake's own headers as `[name, value]` pairs in send order (observed-cli §6):
 *
 * 1. auth headers: `chatgpt-account-id` first when present (observed-cli-0.169-auth §6; an HTTP
 *    request keeps the provider's order, `authorization` first), then the others in the
 *    provider's order (`authorization`, …);
 * 2. default headers not named by any other part (`user-agent`, `originator`);
 * 3. `openai-beta: responses_websockets=2026-02-06` (an `openai-beta` in `extra` replaces the value);
 * 4. `extra`, in the caller's order (`x-codex-turn-metadata`, `version`, `x-codex-beta-features`,
 *    `x-client-request-id`, `session-id`, `thread-id`, `x-codex-window-id`, …);
 * 5. provider headers not named in `extra` (so a caller that wants a provider header at a given
 *    position names it in `extra`).
 *
 * Precedence: provider < extra < auth; defaults only fill gaps. Names compare
 * case-insensitively and keep the spelling of the part that wins. `Host`, `Connection`, `Upgrade`
 * and `Sec-WebSocket-*` are the WebSocket library's and are dropped from every part.
 */
export function handshakeHeaderList(parts: HandshakeHeaderParts): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const seen = new Set<string>();
  const add = (name: string, value: string): void => {
    const lower = name.toLowerCase();
    if (seen.has(lower) || RESERVED.has(lower)) return;
    seen.add(lower);
    out.push([name, value]);
  };
  const named = new Set<string>();
  for (const name of Object.keys(parts.extra)) named.add(name.toLowerCase());
  for (const name of Object.keys(parts.provider)) named.add(name.toLowerCase());
  named.add('openai-beta');

  // Auth headers win over everything: emit them first (last spelling of a repeated name wins).
  const auth = new Map<string, [string, string]>();
  for (const [name, value] of Object.entries(parts.auth)) auth.set(name.toLowerCase(), [name, value]);
  const accountId = auth.get(CHATGPT_ACCOUNT_ID);
  if (accountId) add(accountId[0], accountId[1]);
  for (const [name, value] of auth.values()) add(name, value);
  for (const [name, value] of Object.entries(parts.defaults)) {
    if (!named.has(name.toLowerCase())) add(name, value);
  }
  let beta: [string, string] = ['openai-beta', RESPONSES_WEBSOCKETS_BETA];
  for (const [name, value] of Object.entries(parts.extra)) {
    if (name.toLowerCase() === 'openai-beta') beta = [name, value];
  }
  add(beta[0], beta[1]);
  for (const [name, value] of Object.entries(parts.extra)) add(name, value);
  for (const [name, value] of Object.entries(parts.provider)) add(name, value);
  return out;
}
