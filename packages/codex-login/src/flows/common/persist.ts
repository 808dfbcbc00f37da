import { randomBytes } from 'node:crypto';
import { wallClockMs } from '@codex-ts/client';
import { type AuthDotJson, formatLastRefresh, writeAuthFile } from '../../auth-file/auth-file.js';
import { withAuthLock } from '../../manager/auth-lock.js';
import { parseIdTokenClaims } from '../../token/id-token.js';
import { LoginFlowError } from './flow-error.js';
import type { OAuthEndpoints } from './issuer.js';
import type { ExchangedTokens } from './token-endpoint.js';

/**
 * The workspace check of a fresh sign-in (`forced_chatgpt_workspace_id`): the ID token's
 * `chatgpt_account_id` must be one of `allowed` (nothing to check when `allowed` is empty).
 *
 * @throws {LoginFlowError} `workspace_restriction`: `Login is restricted to workspace id(s) <a, b>.`
 */
export function checkWorkspace(idToken: string, allowed: readonly string[] | undefined): void {
  if (allowed === undefined || allowed.length === 0) return;
  let accountId: string | undefined;
  try {
    accountId = parseIdTokenClaims(idToken).accountId;
  } catch {
    accountId = undefined;
  }
  if (accountId !== undefined && allowed.includes(accountId)) return;
  const message = `Login is restricted to workspace id(s) ${allowed.join(', ')}.`;
  throw new LoginFlowError('workspace_restriction', message, {
    logLine: `Workspace restriction error: ${message}`,
  });
}

/**
 * Writes `auth.json` after a ChatGPT sign-in in the 0.169.0 layout (§1.5): `auth_mode: "chatgpt"`,
 * `OPENAI_API_KEY` (the exchanged key or `null`), `tokens` { `id_token`, `access_token`,
 * `refresh_token`, `oauth_provenance` { `issuer`, `client_id` }, `login_owner_id` (43 random
 * base64url characters, new per sign-in), `account_id` (the ID token's `chatgpt_account_id`, or
 * `null`) }, `last_refresh` (now, UTC). Mode 0600, atomic, under the `auth.json` lock (see
 * {@link writeUnderAuthLock}), replaces any previous file (even an
 * invalid one).
 *
 * @param now sign-in time, ms since the epoch with a fraction (default: the high-resolution clock,
 *   so `last_refresh` carries sub-millisecond digits as the original's did).
 * @returns the path written.
 * @throws {LoginFlowError} `persist_failed` naming the path and errno code (never a token).
 */
export async function persistChatgptLogin(
  codexHome: string,
  tokens: ExchangedTokens,
  apiKey: string | undefined,
  endpoints: OAuthEndpoints,
  now: number = wallClockMs(),
): Promise<string> {
  let accountId: string | null = null;
  try {
    accountId = parseIdTokenClaims(tokens.idToken).accountId ?? null;
  } catch {
    accountId = null;
  }
  const auth: AuthDotJson = {
    auth_mode: 'chatgpt',
    OPENAI_API_KEY: apiKey ?? null,
    tokens: {
      id_token: tokens.idToken,
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      oauth_provenance: { issuer: endpoints.issuer, client_id: endpoints.clientId },
      login_owner_id: randomBytes(32).toString('base64url'),
      account_id: accountId,
    },
    last_refresh: formatLastRefresh(new Date(Math.floor(now)), Math.floor((now % 1) * 1_000_000)),
  };
  return writeUnderAuthLock(codexHome, auth, 'Failed to persist auth');
}

/** How long a sign-in waits for a token refresh of another process to release the auth.json lock, ms. */
const LOCK_TIMEOUT_MS = 30_000;

/**
 * Writes `auth` (replacing even an invalid file) while holding the cross-process `auth.json`
 * lock of the AuthManager, so a token refresh running in another codex process cannot write its
 * old-account tokens over the new login.
 *
 * @throws {LoginFlowError} `persist_failed`: `<prefix>: <reason>` (path and errno code, no secret).
 */
export async function writeUnderAuthLock(
  codexHome: string,
  auth: AuthDotJson,
  prefix: string,
): Promise<string> {
  try {
    return await withAuthLock(codexHome, LOCK_TIMEOUT_MS, () =>
      writeAuthFile(codexHome, auth, { overwriteInvalid: true }),
    );
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(
      /^Failed to refresh token: /,
      '',
    );
    throw new LoginFlowError('persist_failed', `${prefix}: ${message}`, { cause: error });
  }
}
