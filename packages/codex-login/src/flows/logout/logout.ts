import type { HttpTransport } from '@codex-ts/client';
import { readAuthFile } from '../../auth-file/auth-file.js';
import { removeAuthFile } from '../../manager/auth-lock.js';
import { resolvedFileMode } from '../../manager/load-auth.js';
import { resolveOAuthEndpoints } from '../common/issuer.js';
import { flowTransport } from '../common/transport.js';

/** Environment variable holding the full revoke URL (0.169.0 honoured it). */
export const REVOKE_TOKEN_URL_OVERRIDE_ENV = 'CODEX_REVOKE_TOKEN_URL_OVERRIDE';

/** Options of {@link logout}. */
export interface LogoutOptions {
  codexHome: string;
  /** `originator` header of the revoke request (e.g. `codex_cli_rs`). */
  originator: string;
  /** `user-agent` header of the revoke request. */
  userAgent: string;
  /** Issuer for the default revoke URL `{issuer}/oauth/revoke` (else `CODEX_LOGIN_ISSUER_OVERRIDE`, else the default). */
  issuer?: string | undefined;
  /** Transport; default one trusting `CODEX_CA_CERTIFICATE` (closed at the end). */
  transport?: HttpTransport | undefined;
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Deadline of the revoke request, ms (default 10 000, as observed). */
  revokeTimeoutMs?: number | undefined;
}

/** What {@link logout} did. */
export interface LogoutResult {
  /** False when there was no `auth.json` (the CLI prints `Not logged in`, exit 0). */
  readonly wasLoggedIn: boolean;
  /** Whether a revoke request was sent (ChatGPT logins with a refresh token). */
  readonly revokeAttempted: boolean;
}

/**
 * `codex logout` without the CLI (observed-cli-0.169-login-flows.md §5). For a ChatGPT login, one
 * `POST` to `CODEX_REVOKE_TOKEN_URL_OVERRIDE` or `{issuer}/oauth/revoke` with headers
 * `content-type: application/json`, `originator`, `user-agent`, `accept: *\/*` and body
 * `{"token":<refresh_token>,"token_type_hint":"refresh_token","client_id":<stored
 * oauth_provenance.client_id, else the Codex client id>}`; any failure or a 10 s timeout is
 * ignored. Then `auth.json` is deleted under the AuthManager's `auth.json` lock. An API-key login is deleted without a request.
 *
 * @throws {AuthFileError} when `auth.json` is unreadable; an errno error when it cannot be deleted.
 */
export async function logout(options: LogoutOptions): Promise<LogoutResult> {
  const env = options.env ?? process.env;
  let file: Awaited<ReturnType<typeof readAuthFile>>;
  try {
    file = await readAuthFile(options.codexHome);
  } catch (error) {
    // a corrupt file is still removed (no revoke possible)
    if ((error as { code?: string }).code === 'unreadable') throw error;
    await removeAuthFile(options.codexHome);
    return { wasLoggedIn: true, revokeAttempted: false };
  }
  if (file === undefined) return { wasLoggedIn: false, revokeAttempted: false };
  let revokeAttempted = false;
  const refreshToken = file.tokens?.refresh_token;
  if (resolvedFileMode(file) !== 'apikey' && typeof refreshToken === 'string' && refreshToken !== '') {
    revokeAttempted = true;
    const provenance = file.tokens?.oauth_provenance as { client_id?: unknown } | undefined;
    const endpoints = resolveOAuthEndpoints(
      {
        issuer: options.issuer,
        clientId: typeof provenance?.client_id === 'string' ? provenance.client_id : undefined,
      },
      env,
    );
    const url = env[REVOKE_TOKEN_URL_OVERRIDE_ENV]?.trim() || `${endpoints.issuer}/oauth/revoke`;
    const { transport, owned } = flowTransport(options.transport, env);
    try {
      await transport.request({
        method: 'POST',
        url,
        headers: {
          'content-type': 'application/json',
          originator: options.originator,
          'user-agent': options.userAgent,
          accept: '*/*',
        },
        body: JSON.stringify({
          token: refreshToken,
          token_type_hint: 'refresh_token',
          client_id: endpoints.clientId,
        }),
        timeoutMs: options.revokeTimeoutMs ?? 10_000,
      });
    } catch {
      // the original logs out whatever the revoke answered
    } finally {
      if (owned) await transport.close();
    }
  }
  await removeAuthFile(options.codexHome);
  return { wasLoggedIn: true, revokeAttempted };
}
