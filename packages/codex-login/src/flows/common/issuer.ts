import { CODEX_OAUTH_CLIENT_ID } from '../../refresh/refresh-token.js';

/** The OAuth issuer of every sign-in flow unless overridden (`https://auth.openai.com`). */
export const DEFAULT_ISSUER = 'https://auth.openai.com';

/**
 * Environment variable that moves the issuer of **every** sign-in flow of codex-ts (browser, device
 * code, the code and API-key exchanges, and the revoke URL of logout unless
 * `CODEX_REVOKE_TOKEN_URL_OVERRIDE` is set). A codex-ts addition: 0.169.0 had no override for the
 * browser flow and only the hidden `--experimental_issuer` flag for the device flow
 * (observed-cli-0.169-login-flows.md §0). The explicit `issuer` option (the CLI's
 * `--experimental_issuer`) wins over it. One env name covers all flows so a host or a test can point
 * sign-in at a local issuer without a flag per flow.
 */
export const LOGIN_ISSUER_OVERRIDE_ENV = 'CODEX_LOGIN_ISSUER_OVERRIDE';

/** The issuer and client id a flow talks to. */
export interface OAuthEndpoints {
  /** Issuer base URL without a trailing `/`, e.g. `https://auth.openai.com`. */
  readonly issuer: string;
  /** OAuth client id, default `app_EMoamEEZ73f0CkXaXp7hrann`. */
  readonly clientId: string;
}

/**
 * Picks the issuer: `explicit` (e.g. `--experimental_issuer`), else `env[CODEX_LOGIN_ISSUER_OVERRIDE]`,
 * else {@link DEFAULT_ISSUER}; one trailing `/` is removed as the original does. The client id is
 * `clientId` or the Codex CLI's public client id.
 *
 * @throws {TypeError} when the chosen issuer is not an absolute `http:`/`https:` URL.
 */
export function resolveOAuthEndpoints(
  explicit: { issuer?: string | undefined; clientId?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
): OAuthEndpoints {
  const chosen = nonEmpty(explicit.issuer) ?? nonEmpty(env[LOGIN_ISSUER_OVERRIDE_ENV]) ?? DEFAULT_ISSUER;
  const issuer = chosen.replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(issuer);
  } catch {
    throw new TypeError(`invalid OAuth issuer URL: ${issuer}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`invalid OAuth issuer URL (http or https expected): ${issuer}`);
  }
  return { issuer, clientId: nonEmpty(explicit.clientId) ?? CODEX_OAUTH_CLIENT_ID };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}
