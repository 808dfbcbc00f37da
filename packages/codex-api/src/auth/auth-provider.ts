/**
 * The auth hook `@codex-ts/api` consumes. `@codex-ts/login` implements it; callers may
 * implement their own (a static key, a token vault, a signing proxy).
 *
 * Implementations must never put secrets in error messages or logs.
 *
 * The clients register every value `authHeaders()` returns (and the token of `Bearer <token>`)
 * with their `SecretRedactor` before sending it, so a refreshed OAuth token or a token printed by a
 * command is masked (`***`) in every later error without the provider doing anything. A rejection
 * of `authHeaders()` is redacted with what was registered so far.
 */
export interface AuthProvider {
  /**
   * Headers that authenticate one request, e.g. `{ authorization: 'Bearer sk-…' }` and,
   * for ChatGPT accounts, `{ 'chatgpt-account-id': '…' }`. Called once per attempt (so a
   * refreshed token is picked up by a retry) and before every WebSocket handshake.
   * Header names should be lower case. Rejects with an Error whose message names what is
   * missing (never the secret itself).
   */
  authHeaders(signal?: AbortSignal): Promise<Record<string, string>>;

  /**
   * Called after the server answered 401 Unauthorized. Resolves true when the provider
   * changed its credentials (refreshed a token, re-ran a command) so the request is worth
   * sending once more; false when nothing can be done. Optional: without it a 401 is final
   * at this layer.
   */
  onUnauthorized?(signal?: AbortSignal): Promise<boolean>;
}

/** An {@link AuthProvider} that always sends `Authorization: Bearer <token>`. */
export function staticBearerAuth(token: string): AuthProvider {
  const headers = { authorization: `Bearer ${token}` };
  return { authHeaders: async () => ({ ...headers }) };
}
