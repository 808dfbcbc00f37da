/**
 * @codex-ts/login: public entry point.
 *
 * Credentials for the Codex model client. {@link ApiKeyAuth} implements the
 * `AuthProvider` interface of `@codex-ts/api`; {@link resolveApiKeyAuth} finds the key the
 * way the original CLI does (provider `env_key` → `experimental_bearer_token` →
 * `CODEX_API_KEY` → `$CODEX_HOME/auth.json`). `auth.json` is read and written with
 * {@link readAuthFile} / {@link writeAuthFile} (atomic, mode 0600, the original's layout); the
 * ChatGPT tokens' claims are read, unverified, with {@link parseIdTokenClaims} and
 * {@link accessTokenExpiry}.
 */

export {
  ApiKeyAuth,
  type ApiKeySource,
  type ResolveApiKeyAuthOptions,
  resolveApiKeyAuth,
} from './api-key/api-key-auth.js';
export {
  AUTH_FILE_NAME,
  type AuthDotJson,
  AuthDotJsonSchema,
  authFilePath,
  formatLastRefresh,
  KNOWN_AUTH_MODES,
  parseAuthDotJson,
  readAuthFile,
  serializeAuthDotJson,
  type TokenData,
  TokenDataSchema,
  type WriteAuthFileOptions,
  writeAuthFile,
} from './auth-file/auth-file.js';
/**
 * Command-backed provider tokens (`[model_providers.<id>.auth]`): `CommandTokenAuth` runs the
 * command (no shell, stdin closed, killed after `timeoutMs`), sends its trimmed stdout as
 * `Bearer <token>`, caches it for `refreshIntervalMs` and reruns it after a 401; the defaults
 * `DEFAULT_TOKEN_COMMAND_TIMEOUT_MS` (5000 ms) and `DEFAULT_TOKEN_COMMAND_REFRESH_INTERVAL_MS`
 * (300000 ms). Upstream `login/src/auth/external_bearer.rs`.
 */
export {
  CommandTokenAuth,
  type CommandTokenAuthOptions,
  DEFAULT_TOKEN_COMMAND_REFRESH_INTERVAL_MS,
  DEFAULT_TOKEN_COMMAND_TIMEOUT_MS,
} from './command/command-token-auth.js';
export {
  AuthFileError,
  type AuthFileErrorCode,
  LoginError,
  type LoginErrorCode,
} from './errors/login-error.js';
// Sign-in and sign-out flows (observed-cli-0.169-login-flows.md): browser PKCE, device code, API key,
// status and logout, callable by a host app without the CLI.
export { loginWithApiKey } from './flows/api-key/api-key-login.js';
export { DEFAULT_CALLBACK_PORTS } from './flows/browser/bind-port.js';
export {
  type BrowserLogin,
  type BrowserLoginOptions,
  LOGIN_SCOPES,
  type LoginSuccess,
  startBrowserLogin,
} from './flows/browser/browser-login.js';
export { LoginFlowError, type LoginFlowErrorCode } from './flows/common/flow-error.js';
export {
  DEFAULT_ISSUER,
  LOGIN_ISSUER_OVERRIDE_ENV,
  type OAuthEndpoints,
  resolveOAuthEndpoints,
} from './flows/common/issuer.js';
export {
  type DeviceCodePrompt,
  type DeviceLoginOptions,
  loginWithDeviceCode,
} from './flows/device/device-login.js';
export {
  type LogoutOptions,
  type LogoutResult,
  logout,
  REVOKE_TOKEN_URL_OVERRIDE_ENV,
} from './flows/logout/logout.js';
export { type LoginStatus, loginStatus, maskApiKey } from './flows/status/login-status.js';
export { resolveCodexHome } from './home/codex-home.js';
/**
 * `AuthManager`: the ChatGPT + API-key credential layer and `AuthProvider` (load precedence
 * `CODEX_API_KEY` → external tokens → auth.json; proactive and 401 refresh, single flight in the
 * process and across processes under `$CODEX_HOME/auth.json.codex-ts-lock`; login restrictions), with its
 * options (`AuthManagerOptions`) and the host-app token hooks (`ExternalChatgptTokens`,
 * `ExternalChatgptRefresher`).
 */
export { AuthManager, type AuthManagerOptions } from './manager/auth-manager.js';
/**
 * The credential snapshot `CodexAuth` (no secret in `toString`/`toJSON`/`inspect`), its `AuthMode`
 * (`apikey` | `chatgpt` | `chatgptAuthTokens`) and the `accounts/check` entry `WorkspaceAccountEntry`.
 */
export type { AuthMode, CodexAuth, WorkspaceAccountEntry } from './manager/codex-auth.js';
/** Host-app tokens: `ExternalChatgptTokens` (access token, account id, plan) and the 401 hook `ExternalChatgptRefresher`. */
export type { ExternalChatgptRefresher, ExternalChatgptTokens } from './manager/external-auth.js';
/**
 * Login restrictions: `ForcedLoginMethod` (`chatgpt` | `api`) and `loginRestrictionViolation(auth,
 * restrictions)` (the original's "… Logging out." text, or undefined when allowed).
 */
export {
  type ForcedLoginMethod,
  type LoginRestrictions,
  loginRestrictionViolation,
} from './manager/load-auth.js';
/**
 * Token refresh: `requestTokenRefresh` (the observed request; rejects with `ApiError`
 * `refresh_token_failed` / `auth_transient`), `classifyRefreshFailure(status, body)`,
 * `RefreshFailureTexts` (the 0.169 texts by `RefreshFailureReason`), `RefreshReason`
 * (`proactive_expiry` | `unauthorized_recovery`), the endpoint constants
 * (`DEFAULT_REFRESH_TOKEN_URL`, `REFRESH_TOKEN_URL_OVERRIDE_ENV`) and `CODEX_OAUTH_CLIENT_ID`.
 */
export {
  CODEX_OAUTH_CLIENT_ID,
  classifyRefreshFailure,
  DEFAULT_REFRESH_TOKEN_URL,
  REFRESH_TOKEN_URL_OVERRIDE_ENV,
  type RefreshedTokens,
  type RefreshFailureReason,
  RefreshFailureTexts,
  type RefreshReason,
  type RefreshRequestOptions,
  requestTokenRefresh,
} from './refresh/refresh-token.js';
export {
  accessTokenExpiry,
  decodeJwtClaims,
  type IdTokenClaims,
  KNOWN_PLAN_TYPES,
  type KnownPlanType,
  parseIdTokenClaims,
  type TokenKind,
} from './token/id-token.js';
