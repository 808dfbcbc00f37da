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
export {
  AuthFileError,
  type AuthFileErrorCode,
  LoginError,
  type LoginErrorCode,
} from './errors/login-error.js';
export { resolveCodexHome } from './home/codex-home.js';
export {
  accessTokenExpiry,
  decodeJwtClaims,
  type IdTokenClaims,
  KNOWN_PLAN_TYPES,
  type KnownPlanType,
  parseIdTokenClaims,
  type TokenKind,
} from './token/id-token.js';
