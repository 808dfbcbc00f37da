import { type HttpStatusError, type HttpTransport, sleep, TransportError } from '@codex-ts/client';
import { parseJsonObject, statusWithReason } from '../../internal/http-answer.js';
import { parseIdTokenClaims } from '../../token/id-token.js';
import type { LoginSuccess } from '../browser/browser-login.js';
import { LoginFlowError } from '../common/flow-error.js';
import { resolveOAuthEndpoints } from '../common/issuer.js';
import { checkWorkspace, persistChatgptLogin } from '../common/persist.js';
import { exchangeAuthorizationCode, TokenEndpointError } from '../common/token-endpoint.js';
import { flowTransport } from '../common/transport.js';

/** What the user must do: open `verificationUrl` and enter `userCode`. */
export interface DeviceCodePrompt {
  /** `{issuer}/codex/device`. */
  readonly verificationUrl: string;
  /** The one-time code, e.g. `FAKE-12345`. */
  readonly userCode: string;
}

/** Options of {@link loginWithDeviceCode}. */
export interface DeviceLoginOptions {
  /** `$CODEX_HOME`: `auth.json` is written there on success. */
  codexHome: string;
  /** Called once with the code to show, before polling starts. */
  onPrompt: (prompt: DeviceCodePrompt) => void;
  /** Issuer base URL; default: `CODEX_LOGIN_ISSUER_OVERRIDE`, else `https://auth.openai.com`. */
  issuer?: string | undefined;
  /** OAuth client id; default the Codex CLI's. */
  clientId?: string | undefined;
  /** `forced_chatgpt_workspace_id`, checked after the exchange. */
  allowedWorkspaceIds?: readonly string[] | undefined;
  /** Transport; default one trusting `CODEX_CA_CERTIFICATE` (closed at the end). */
  transport?: HttpTransport | undefined;
  /** Environment for the issuer override and the CA bundle; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Ends the flow with `LoginFlowError` `aborted` (also while waiting between polls). */
  signal?: AbortSignal | undefined;
  /** How long to poll, ms (default 15 minutes, as the original). */
  maxWaitMs?: number | undefined;
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: '*/*' } as const;
const MAX_WAIT_MS = 15 * 60 * 1000;

/**
 * The device-code sign-in of 0.169.0 (observed-cli-0.169-login-flows.md §2, upstream
 * `device_code_auth.rs`): `POST {issuer}/api/accounts/deviceauth/usercode` `{"client_id"}` →
 * `device_auth_id`, `user_code` (or `usercode`), `interval` (a string of digits, seconds; missing =
 * no pause); `onPrompt`; then `POST {issuer}/api/accounts/deviceauth/token`
 * `{"device_auth_id","user_code"}` at once and every `interval` seconds (403/404 = pending, 2xx =
 * approved with `authorization_code`, `code_challenge`, `code_verifier`); then the code exchange
 * with `redirect_uri={issuer}/deviceauth/callback`, the workspace check and `auth.json` with
 * `OPENAI_API_KEY: null` (no API-key exchange). Only `content-type` and `accept` headers are sent.
 *
 * @throws {LoginFlowError} with the original's text: `device_not_enabled` (404), `device_request_failed`
 *   (`device code request failed with status 500 Internal Server Error`), `device_invalid_response`,
 *   `device_auth_failed` (`device auth failed with status 400 Bad Request`), `device_timeout`
 *   (`device auth timed out after 15 minutes`), `device_exchange_failed`
 *   (`device code exchange failed: token endpoint returned status …`), `workspace_restriction`,
 *   `persist_failed`, `aborted`.
 */
export async function loginWithDeviceCode(options: DeviceLoginOptions): Promise<LoginSuccess> {
  const env = options.env ?? process.env;
  const endpoints = resolveOAuthEndpoints(options, env);
  const { transport, owned } = flowTransport(options.transport, env);
  const signal = options.signal;
  try {
    const issued = await post(
      transport,
      `${endpoints.issuer}/api/accounts/deviceauth/usercode`,
      {
        client_id: endpoints.clientId,
      },
      signal,
    );
    if (issued.status === 404) {
      throw new LoginFlowError(
        'device_not_enabled',
        'device code login is not enabled for this Codex server. Use the browser login or verify the server URL.',
      );
    }
    if (issued.status < 200 || issued.status > 299) {
      throw new LoginFlowError(
        'device_request_failed',
        `device code request failed with status ${statusWithReason(issued.status)}`,
      );
    }
    const code = parseUserCode(issued.body);
    options.onPrompt({ verificationUrl: `${endpoints.issuer}/codex/device`, userCode: code.userCode });
    const deadline = Date.now() + (options.maxWaitMs ?? MAX_WAIT_MS);
    let approved: Record<string, unknown> | undefined;
    for (;;) {
      const polled = await post(
        transport,
        `${endpoints.issuer}/api/accounts/deviceauth/token`,
        {
          device_auth_id: code.deviceAuthId,
          user_code: code.userCode,
        },
        signal,
      );
      if (polled.status >= 200 && polled.status <= 299) {
        approved = parseJsonObject(polled.body);
        break;
      }
      if (polled.status !== 403 && polled.status !== 404) {
        throw new LoginFlowError(
          'device_auth_failed',
          `device auth failed with status ${statusWithReason(polled.status)}`,
        );
      }
      if (Date.now() + code.intervalMs >= deadline) {
        throw new LoginFlowError('device_timeout', 'device auth timed out after 15 minutes');
      }
      // the client's sleep rejects only when the signal fires
      await sleep(code.intervalMs, signal).catch(() => {
        throw aborted();
      });
    }
    const authorizationCode = approved?.authorization_code;
    const codeVerifier = approved?.code_verifier;
    if (
      typeof authorizationCode !== 'string' ||
      typeof codeVerifier !== 'string' ||
      typeof approved?.code_challenge !== 'string'
    ) {
      throw new LoginFlowError('device_invalid_response', 'error decoding response body');
    }
    let tokens: Awaited<ReturnType<typeof exchangeAuthorizationCode>>;
    try {
      tokens = await exchangeAuthorizationCode({
        transport,
        endpoints,
        code: authorizationCode,
        redirectUri: `${endpoints.issuer}/deviceauth/callback`,
        codeVerifier,
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw aborted();
      const detail = error instanceof TokenEndpointError ? error.message : 'OAuth token response is invalid';
      throw new LoginFlowError('device_exchange_failed', `device code exchange failed: ${detail}`);
    }
    try {
      checkWorkspace(tokens.idToken, options.allowedWorkspaceIds);
    } catch (error) {
      // the device flow printed only the `Error logging in:` line
      throw new LoginFlowError('workspace_restriction', (error as Error).message);
    }
    const authFile = await persistChatgptLogin(options.codexHome, tokens, undefined, endpoints);
    let accountId: string | undefined;
    try {
      accountId = parseIdTokenClaims(tokens.idToken).accountId;
    } catch {
      accountId = undefined;
    }
    return { authFile, accountId, apiKeyStored: false };
  } finally {
    if (owned) await transport.close();
  }
}

interface UserCode {
  deviceAuthId: string;
  userCode: string;
  intervalMs: number;
}

function parseUserCode(body: string): UserCode {
  const json = parseJsonObject(body);
  if (!json) throw new LoginFlowError('device_invalid_response', 'error decoding response body');
  const deviceAuthId = json.device_auth_id;
  if (typeof deviceAuthId !== 'string') {
    throw new LoginFlowError('device_invalid_response', 'missing field `device_auth_id`');
  }
  const userCode = json.user_code ?? json.usercode;
  if (typeof userCode !== 'string')
    throw new LoginFlowError('device_invalid_response', 'missing field `user_code`');
  const interval = json.interval;
  let intervalMs = 0;
  if (interval !== undefined && interval !== null) {
    if (typeof interval !== 'string') {
      const kind =
        typeof interval === 'number'
          ? Number.isInteger(interval)
            ? 'integer'
            : 'floating point'
          : typeof interval;
      throw new LoginFlowError(
        'device_invalid_response',
        `invalid type: ${kind} \`${JSON.stringify(interval)}\`, expected a string`,
      );
    }
    if (!/^\d+$/.test(interval.trim()))
      throw new LoginFlowError('device_invalid_response', 'invalid digit found in string');
    intervalMs = Number(interval.trim()) * 1000;
  }
  return { deviceAuthId, userCode, intervalMs };
}

async function post(
  transport: HttpTransport,
  url: string,
  payload: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<{ status: number; body: string }> {
  try {
    const response = await transport.request({
      method: 'POST',
      url,
      headers: JSON_HEADERS,
      body: JSON.stringify(payload),
      timeoutMs: 30_000,
      ...(signal ? { signal } : {}),
    });
    return { status: response.status, body: response.text() };
  } catch (error) {
    if (TransportError.isInstance(error) && error.code === 'http') {
      const status = error as HttpStatusError;
      return { status: status.status, body: status.body ?? '' };
    }
    if (signal?.aborted) throw aborted();
    const reason = error instanceof Error ? error.message : String(error);
    throw new LoginFlowError('device_request_failed', `error sending request for url (${url}): ${reason}`);
  }
}

function aborted(): LoginFlowError {
  return new LoginFlowError('aborted', 'Login aborted');
}
