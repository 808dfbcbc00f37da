/**
 * @codex-ts/login: public entry point.
 *
 * Credentials for the Codex model client. {@link ApiKeyAuth} implements the
 * `AuthProvider` interface of `@codex-ts/api`; {@link resolveApiKeyAuth} finds the key the
 * way the original CLI does (provider `env_key` → `experimental_bearer_token` →
 * `CODEX_API_KEY` → `$CODEX_HOME/auth.json`). `auth.json` is read and written with
 * {@link readAuthFile} / {@link writeAuthFile} (atomic, mode 0600).
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
  KNOWN_AUTH_MODES,
  parseAuthDotJson,
  readAuthFile,
  type TokenData,
  TokenDataSchema,
  writeAuthFile,
} from './auth-file/auth-file.js';
export {
  AuthFileError,
  type AuthFileErrorCode,
  LoginError,
  type LoginErrorCode,
} from './errors/login-error.js';
export { resolveCodexHome } from './home/codex-home.js';
