import { type AuthDotJson, authFilePath, readAuthFile } from '../auth-file/auth-file.js';
import { LoginError } from '../errors/login-error.js';
import { rm } from '../internal/fs-async.js';
import { type AuthMode, type CodexAuth, makeAuth, type WorkspaceAccountEntry } from './codex-auth.js';

/** `forced_login_method` of config.toml. */
export type ForcedLoginMethod = 'chatgpt' | 'api';

/** The mode `auth.json` resolves to (login.md §2): explicit `auth_mode`, else API key when `OPENAI_API_KEY` is set, else ChatGPT. */
export function resolvedFileMode(file: AuthDotJson): string {
  if (file.auth_mode) return file.auth_mode;
  return file.OPENAI_API_KEY ? 'apikey' : 'chatgpt';
}

/**
 * The stored credentials of `$CODEX_HOME/auth.json` as a snapshot, or undefined when there is no
 * file. `chatgptAuthTokens` in the file is loaded as such (no refresh).
 *
 * @throws {AuthFileError} corrupt or unreadable file (names the file).
 * @throws {LoginError} `unsupported_auth_mode` for login kinds codex-ts cannot use
 *   (`agentIdentity`, `personalAccessToken`, Bedrock, …); `no_credentials` for an `apikey` file without a key.
 */
export async function loadFileAuth(
  codexHome: string,
  workspace: WorkspaceAccountEntry | undefined,
): Promise<CodexAuth | undefined> {
  const file = await readAuthFile(codexHome);
  if (file === undefined) return undefined;
  return authFromFile(codexHome, file, workspace);
}

/** See {@link loadFileAuth}. */
export function authFromFile(
  codexHome: string,
  file: AuthDotJson,
  workspace: WorkspaceAccountEntry | undefined,
): CodexAuth {
  const mode = resolvedFileMode(file);
  if (mode === 'apikey') {
    if (!file.OPENAI_API_KEY) {
      throw new LoginError(
        'no_credentials',
        `${authFilePath(codexHome)} selects API-key auth but holds no key`,
      );
    }
    return makeAuth('apikey', { apiKey: file.OPENAI_API_KEY, file });
  }
  if (mode === 'chatgpt' || mode === 'chatgptAuthTokens') {
    return makeAuth(mode as AuthMode, { ...(file.tokens ? { tokens: file.tokens } : {}), file }, workspace);
  }
  throw new LoginError(
    'unsupported_auth_mode',
    `${authFilePath(codexHome)} holds a "${mode}" login, which codex-ts cannot use; sign in with ChatGPT or an API key`,
  );
}

/** The restrictions of {@link enforceLoginRestrictions}. */
export interface LoginRestrictions {
  forcedLoginMethod?: ForcedLoginMethod | undefined;
  forcedChatgptWorkspaceIds?: readonly string[] | undefined;
}

/**
 * The violation message of upstream `enforce_login_restrictions` (codex-rs
 * `login/src/auth/manager.rs`) for `auth`, or undefined when it is allowed:
 * - `api` required, ChatGPT used: "API key login is required, but ChatGPT is currently being used. Logging out.";
 * - `chatgpt` required, API key used: "ChatGPT login is required, but an API key is currently being used. Logging out.";
 * - ChatGPT auth whose ID-token `chatgpt_account_id` is not in the list: "Login is restricted to
 *   workspace(s) <a, b>, but current credentials belong to <id>. Logging out." (or "… lack a
 *   workspace identifier. Logging out."). API-key auth passes the workspace check.
 */
export function loginRestrictionViolation(
  auth: CodexAuth,
  restrictions: LoginRestrictions,
): string | undefined {
  const method = restrictions.forcedLoginMethod;
  if (method === 'api' && auth.mode !== 'apikey') {
    return 'API key login is required, but ChatGPT is currently being used. Logging out.';
  }
  if (method === 'chatgpt' && auth.mode === 'apikey') {
    return 'ChatGPT login is required, but an API key is currently being used. Logging out.';
  }
  const allowed = restrictions.forcedChatgptWorkspaceIds;
  if (allowed === undefined || allowed.length === 0 || auth.mode === 'apikey') return undefined;
  const actual = auth.chatgptAccountId;
  if (actual !== undefined && allowed.includes(actual)) return undefined;
  const expected = allowed.join(', ');
  return actual !== undefined
    ? `Login is restricted to workspace(s) ${expected}, but current credentials belong to ${actual}. Logging out.`
    : `Login is restricted to workspace(s) ${expected}, but current credentials lack a workspace identifier. Logging out.`;
}

/**
 * Enforces the restrictions as `codex exec` 0.169 does at start: on a violation the stored login
 * is logged out (`auth.json` deleted) and a {@link LoginError} `login_restricted` with the
 * message is thrown (the CLI prints it and exits 1). When the file cannot be deleted the message
 * gains ". Failed to remove auth.json: <errno code>".
 */
export async function enforceLoginRestrictions(
  codexHome: string,
  auth: CodexAuth,
  restrictions: LoginRestrictions,
): Promise<void> {
  const message = loginRestrictionViolation(auth, restrictions);
  if (message === undefined) return;
  try {
    await rm(authFilePath(codexHome), { force: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new LoginError(
      'login_restricted',
      `${message}. Failed to remove auth.json: ${String(code ?? 'error')}`,
    );
  }
  throw new LoginError('login_restricted', message);
}
