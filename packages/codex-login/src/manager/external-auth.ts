import { LoginError } from '../errors/login-error.js';
import { accessTokenExpiry } from '../token/id-token.js';
import { type CodexAuth, makeAuth, secretsOf, type WorkspaceAccountEntry } from './codex-auth.js';
import { loginRestrictionViolation } from './load-auth.js';

/** Tokens a host app supplies (upstream `ExternalAuthTokens::chatgpt`); kept in memory only. */
export interface ExternalChatgptTokens {
  accessToken: string;
  chatgptAccountId: string;
  chatgptPlanType?: string | undefined;
}

/** Asks the host app for new tokens after a 401 (`reason: 'unauthorized'`, the previous account id). */
export type ExternalChatgptRefresher = (
  context: { reason: 'unauthorized'; previousAccountId: string | undefined },
  signal?: AbortSignal,
) => Promise<ExternalChatgptTokens>;

const STALE_WITHOUT_EXP_MS = 8 * 24 * 60 * 60 * 1000;

/**
 * Upstream `is_stale_for_proactive_refresh`: the access token's `exp` is at or before `now`;
 * without a readable `exp`, `last_refresh` is older than 8 days; without either, not stale.
 */
export function isStaleForProactiveRefresh(auth: CodexAuth, now: Date): boolean {
  const token = secretsOf(auth).tokens?.access_token;
  if (!token) return false;
  let exp: Date | undefined;
  try {
    exp = accessTokenExpiry(token);
  } catch {
    exp = undefined;
  }
  if (exp !== undefined) return exp.getTime() <= now.getTime();
  const last = auth.lastRefresh ? Date.parse(auth.lastRefresh) : Number.NaN;
  return !Number.isNaN(last) && last < now.getTime() - STALE_WITHOUT_EXP_MS;
}

/**
 * The `chatgptAuthTokens` snapshot of host-supplied tokens (claims read from the access token).
 *
 * @throws {LoginError} `no_credentials` without an access token or account id; `login_restricted`
 *   when the account id is outside `allowed` (the restriction text of upstream).
 */
export function externalAuthSnapshot(
  tokens: ExternalChatgptTokens,
  workspace: WorkspaceAccountEntry | undefined,
  allowed: readonly string[] | undefined,
): CodexAuth {
  if (!tokens.accessToken || !tokens.chatgptAccountId) {
    throw new LoginError('no_credentials', 'external ChatGPT tokens need an access token and an account id');
  }
  if (allowed !== undefined && allowed.length > 0 && !allowed.includes(tokens.chatgptAccountId)) {
    const probe = { mode: 'chatgptAuthTokens', chatgptAccountId: tokens.chatgptAccountId } as CodexAuth;
    throw new LoginError(
      'login_restricted',
      loginRestrictionViolation(probe, { forcedChatgptWorkspaceIds: allowed }) ?? 'Login is restricted.',
    );
  }
  return makeAuth(
    'chatgptAuthTokens',
    {
      tokens: {
        id_token: '',
        access_token: tokens.accessToken,
        refresh_token: '',
        account_id: tokens.chatgptAccountId,
      },
    },
    workspace,
    { planType: tokens.chatgptPlanType },
  );
}
