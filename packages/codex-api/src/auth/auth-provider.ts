import type { ApiError } from '../errors/api-error.js';

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
   * for ChatGPT accounts, `{ authorization: 'Bearer <access token>', 'chatgpt-account-id': '…' }`.
   * Called once per attempt (so a refreshed token is picked up by a retry) and before every
   * WebSocket handshake; may refresh credentials first (a ChatGPT access token past its `exp`).
   * Header names should be lower case. Rejects with an Error whose message names what is
   * missing (never the secret itself); an {@link ApiError}-shaped rejection (`refresh_token_failed`,
   * `auth_transient`) passes through the clients unchanged.
   */
  authHeaders(signal?: AbortSignal): Promise<Record<string, string>>;

  /**
   * Starts the recovery of one request the server answered 401 Unauthorized (HTTP status, a
   * WebSocket handshake status, or a WebSocket error frame with status 401). The caller asks
   * {@link UnauthorizedRecovery.hasNext} after each 401 of that request and, while it is true,
   * runs {@link UnauthorizedRecovery.next} and sends the request again with fresh
   * `authHeaders()`; when it is false the 401 is mapped as usual. Optional: without it a 401 is
   * final at this layer. Mirrors `UnauthorizedRecovery` of codex-rs `login/src/auth/manager.rs`.
   */
  unauthorizedRecovery?(): UnauthorizedRecovery;
}

/**
 * The steps one request may take after 401 answers (created by
 * {@link AuthProvider.unauthorizedRecovery}, used for that request only). For managed ChatGPT
 * tokens: `reload` (re-read auth.json, resend even with the same token), then `refresh_token`
 * (refresh with `refresh_reason: "unauthorized_recovery"`), then none. For command-backed tokens:
 * one `command` step (run the command again).
 */
export interface UnauthorizedRecovery {
  /**
   * Whether another step can be tried. False once the steps are used up (or none applies).
   * The clients ask it exactly once per 401 answer and pass that answer mapped as an `ApiError`
   * (status 401, its `requestId`, `cfRay` and response headers such as
   * `x-openai-authorization-error`, redacted): optional, for telemetry (`codex.auth_recovery`
   * with outcome `recovery_not_run` when this returns false); implementations may ignore it.
   */
  hasNext(unauthorized?: ApiError): boolean;
  /**
   * Runs the next step. Resolves with what it did when the request is worth sending again.
   * Rejects when recovery failed: with an `ApiError` `refresh_token_failed` (permanent: the
   * user must sign in again; not retried) or `auth_transient` (e.g. "Failed to refresh token:
   * 500 Internal Server Error"; the turn loop retries), or `aborted` when `signal` fired. Any
   * other rejection is mapped like an `authHeaders()` rejection. `unauthorized` is the 401 answer
   * this step recovers from (as for {@link hasNext}; optional, for telemetry).
   */
  next(signal?: AbortSignal, unauthorized?: ApiError): Promise<UnauthorizedRecoveryStep>;
  /** `managed` | `external` | `command` (the `auth.mode` attribute of `codex.auth_recovery`). */
  readonly mode: string;
}

/** What one {@link UnauthorizedRecovery.next} step did (for the `codex.auth_recovery` event). */
export interface UnauthorizedRecoveryStep {
  /** `reload` | `refresh_token` | `external_refresh` | `command`. */
  step: string;
  /** Whether the credentials changed (a reload that found the same tokens is false). */
  authChanged: boolean;
  /**
   * True when the step obtained new tokens from the authority (a refresh): a ChatGPT session
   * runs workspace routing discovery again before resending.
   */
  refreshed: boolean;
}

/** An {@link AuthProvider} that always sends `Authorization: Bearer <token>`. */
export function staticBearerAuth(token: string): AuthProvider {
  const headers = { authorization: `Bearer ${token}` };
  return { authHeaders: async () => ({ ...headers }) };
}
