import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { HttpTransport } from '@codex-ts/client';
import { calculatePKCECodeChallenge, generateRandomState } from 'oauth4webapi';
import { decodeJwtClaims } from '../../token/id-token.js';
import { LoginFlowError } from '../common/flow-error.js';
import { resolveOAuthEndpoints } from '../common/issuer.js';
import { checkWorkspace, persistChatgptLogin } from '../common/persist.js';
import {
  exchangeAuthorizationCode,
  exchangeIdTokenForApiKey,
  TokenEndpointError,
} from '../common/token-endpoint.js';
import { flowTransport } from '../common/transport.js';
import { bindCallbackPort, DEFAULT_CALLBACK_PORTS } from './bind-port.js';
import { errorPage, successPage } from './pages.js';

/** The scopes 0.169.0 asked for. */
export const LOGIN_SCOPES = 'openid profile email offline_access api.connectors.read api.connectors.invoke';

/** Options of {@link startBrowserLogin}. */
export interface BrowserLoginOptions {
  /** `$CODEX_HOME`: `auth.json` is written there before the success redirect. */
  codexHome: string;
  /** Issuer base URL; default: `CODEX_LOGIN_ISSUER_OVERRIDE`, else `https://auth.openai.com`. */
  issuer?: string | undefined;
  /** OAuth client id; default the Codex CLI's. */
  clientId?: string | undefined;
  /** `forced_chatgpt_workspace_id`: sent as `allowed_workspace_id` and checked after the exchange. */
  allowedWorkspaceIds?: readonly string[] | undefined;
  /** Callback ports [primary, fallback]; default [1455, 1457]. 0 = any free port (tests). */
  ports?: readonly [number, number] | undefined;
  /** `originator` query parameter; default `codex_cli_rs`. */
  originator?: string | undefined;
  /** Transport for the exchanges; default one trusting `CODEX_CA_CERTIFICATE` (closed at the end). */
  transport?: HttpTransport | undefined;
  /** Environment for the issuer override and the CA bundle; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Aborting ends the login (`LoginFlowError` `aborted`) and closes the server. */
  signal?: AbortSignal | undefined;
}

/** A successful sign-in. */
export interface LoginSuccess {
  /** The `auth.json` written. */
  readonly authFile: string;
  /** `chatgpt_account_id` of the ID token, when present. */
  readonly accountId: string | undefined;
  /** Whether the API-key exchange produced a key (stored as `OPENAI_API_KEY`). */
  readonly apiKeyStored: boolean;
}

/** A browser login in progress (see {@link startBrowserLogin}). */
export interface BrowserLogin {
  /** The URL to open in the browser (parameters in the original's order, §1.1). */
  readonly authorizeUrl: string;
  /** The bound callback port (1455, or 1457 after the fallback). */
  readonly port: number;
  /** Settles when the login ends: success after `/success` was served; a `LoginFlowError` otherwise. */
  readonly result: Promise<LoginSuccess>;
  /** Ends the login at once: `result` rejects with `LoginFlowError` `cancelled`, the server closes. */
  cancel(): void;
}

/**
 * Starts the browser sign-in with PKCE of 0.169.0 (observed-cli-0.169-login-flows.md §1,
 * upstream `codex-rs/login/src/server.rs`): binds the callback server on 127.0.0.1 (busy-port
 * behaviour in {@link bindCallbackPort}), makes a fresh `code_verifier` (64 random bytes,
 * base64url), its S256 `code_challenge` and a `state` (oauth4webapi), and returns the authorize URL.
 * The caller opens it. The server then answers `/auth/callback` (state checked first: a wrong one
 * gets 400 `State mismatch` and the wait goes on; then `error`, a missing `code`, the code
 * exchange, the workspace check, the API-key exchange, `auth.json`, and a 302 to `/success`),
 * `/success` (page, then `result` resolves), `/cancel` (`Login cancelled`), anything else 404.
 * There is no timeout on the browser: end it with `cancel()` or `signal`.
 *
 * @throws {LoginFlowError} `port_in_use` or `aborted` while binding.
 */
export async function startBrowserLogin(options: BrowserLoginOptions): Promise<BrowserLogin> {
  const env = options.env ?? process.env;
  const endpoints = resolveOAuthEndpoints(options, env);
  const codeVerifier = randomBytes(64).toString('base64url');
  const codeChallenge = await calculatePKCECodeChallenge(codeVerifier);
  const state = generateRandomState();
  let settle!: { resolve: (v: LoginSuccess) => void; reject: (e: LoginFlowError) => void };
  const result = new Promise<LoginSuccess>((resolve, reject) => {
    settle = { resolve, reject };
  });
  result.catch(() => undefined); // the caller may attach later
  let done = false;
  let success: LoginSuccess | undefined;
  const { transport, owned } = flowTransport(options.transport, env);
  const exchangeAbort = new AbortController();
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendText(res, 500, 'Internal Server Error');
      finish(asFlowError(error));
    });
  });
  const finish = (outcome: LoginSuccess | LoginFlowError, afterResponse?: ServerResponse) => {
    if (done) return;
    done = true;
    const close = () => {
      server.close();
      server.closeAllConnections();
      exchangeAbort.abort();
      if (owned) void transport.close();
    };
    if (afterResponse && !afterResponse.writableFinished) afterResponse.once('finish', close);
    else close();
    if (outcome instanceof LoginFlowError) settle.reject(outcome);
    else settle.resolve(outcome);
  };
  const onAbort = () => finish(new LoginFlowError('aborted', 'Login aborted'));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  void result.finally(() => options.signal?.removeEventListener('abort', onAbort)).catch(() => undefined);

  let port: number;
  try {
    port = await bindCallbackPort(server, options.ports ?? DEFAULT_CALLBACK_PORTS, options.signal);
  } catch (error) {
    finish(asFlowError(error));
    throw error;
  }
  const redirectUri = `http://127.0.0.1:${port}/auth/callback`;
  const params = new URLSearchParams([
    ['response_type', 'code'],
    ['client_id', endpoints.clientId],
    ['redirect_uri', redirectUri],
    ['code_challenge', codeChallenge],
    ['code_challenge_method', 'S256'],
    ['state', state],
    ['scope', LOGIN_SCOPES],
    ['id_token_add_organizations', 'true'],
    ['codex_cli_simplified_flow', 'true'],
    ['originator', options.originator ?? 'codex_cli_rs'],
  ]);
  const allowed = options.allowedWorkspaceIds ?? [];
  if (allowed.length > 0) params.append('allowed_workspace_id', allowed.join(','));
  const authorizeUrl = `${endpoints.issuer}/oauth/authorize?${params.toString()}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/cancel') {
      res.writeHead(200, { 'Content-Length': '15', Connection: 'close' }).end('Login cancelled');
      finish(new LoginFlowError('cancelled', 'Login cancelled'), res);
      return;
    }
    if (url.pathname === '/success') {
      const q = url.searchParams;
      sendHtml(res, successPage(q.get('needs_setup') === 'true', q.get('platform_url') ?? PLATFORM_URL));
      if (success) finish(success, res);
      return;
    }
    if (url.pathname !== '/auth/callback') {
      sendText(res, 404, 'Not Found');
      return;
    }
    const q = url.searchParams;
    if (q.get('state') !== state) {
      sendText(res, 400, 'State mismatch');
      return;
    }
    const error = q.get('error');
    if (error !== null) {
      const description = q.get('error_description');
      const entitlement = description === 'missing_codex_entitlement';
      const message = entitlement
        ? 'Codex is not enabled for your workspace. Contact your workspace administrator to request access to Codex.'
        : `Sign-in failed: ${description ?? error}`;
      sendHtml(
        res,
        entitlement
          ? errorPage(
              'This account is not currently authorized to use Codex in this workspace.',
              error,
              'Contact your workspace administrator to request access to Codex.',
            )
          : errorPage(message, error, description ?? error),
      );
      finish(
        new LoginFlowError('callback_error', message, { logLine: `OAuth callback error: ${message}` }),
        res,
      );
      return;
    }
    const code = q.get('code');
    if (code === null || code === '') {
      const message = 'Missing authorization code. Sign-in could not be completed.';
      sendHtml(res, errorPage(message, 'missing_authorization_code', message));
      finish(new LoginFlowError('missing_authorization_code', message), res);
      return;
    }
    const signal = exchangeAbort.signal;
    let tokens: Awaited<ReturnType<typeof exchangeAuthorizationCode>>;
    try {
      tokens = await exchangeAuthorizationCode({
        transport,
        endpoints,
        code,
        redirectUri,
        codeVerifier,
        signal,
      });
    } catch (e) {
      if (done) return;
      const detail = e instanceof TokenEndpointError ? e.message : 'OAuth token response is invalid';
      const message = `Token exchange failed: ${detail}`;
      sendHtml(res, errorPage(message, 'token_exchange_failed', message));
      finish(
        new LoginFlowError('token_exchange_failed', message, { logLine: `Token exchange error: ${detail}` }),
        res,
      );
      return;
    }
    try {
      checkWorkspace(tokens.idToken, allowed);
    } catch (e) {
      const flowError = asFlowError(e);
      sendHtml(res, errorPage(flowError.message, 'workspace_restriction', flowError.message));
      finish(flowError, res);
      return;
    }
    const apiKey = await exchangeIdTokenForApiKey({ transport, endpoints, idToken: tokens.idToken, signal });
    if (done) return;
    const authFile = await persistChatgptLogin(options.codexHome, tokens, apiKey, endpoints);
    const idClaims = claimsOf(tokens.idToken, 'id_token');
    success = { authFile, accountId: str(idClaims.chatgpt_account_id), apiKeyStored: apiKey !== undefined };
    const location = successUrl(port, tokens, idClaims);
    res.writeHead(302, { Location: location, 'Content-Length': '0' }).end();
  }

  return {
    authorizeUrl,
    port,
    result,
    cancel: () => finish(new LoginFlowError('cancelled', 'Login cancelled')),
  };
}

const PLATFORM_URL = 'https://platform.openai.com';

/** `compose_success_url` of upstream `success_page.rs` (platform URL always the public one). */
function successUrl(
  port: number,
  tokens: { idToken: string; accessToken: string },
  idClaims: Record<string, unknown>,
): string {
  const access = claimsOf(tokens.accessToken, 'access_token');
  const onboarded = idClaims.completed_platform_onboarding === true;
  const owner = idClaims.is_org_owner === true;
  const params = new URLSearchParams([
    ['id_token', tokens.idToken],
    ['needs_setup', String(!onboarded && owner)],
    ['org_id', str(idClaims.organization_id) ?? ''],
    ['project_id', str(idClaims.project_id) ?? ''],
    ['plan_type', str(access.chatgpt_plan_type) ?? ''],
    ['platform_url', PLATFORM_URL],
  ]);
  return `http://127.0.0.1:${port}/success?${params.toString()}`;
}

/** The `https://api.openai.com/auth` claims of a token (empty when it cannot be decoded). */
function claimsOf(token: string, kind: 'id_token' | 'access_token'): Record<string, unknown> {
  try {
    const auth = decodeJwtClaims(token, kind)['https://api.openai.com/auth'];
    return typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function sendText(res: ServerResponse, status: number, body: string): void {
  res
    .writeHead(status, {
      'Content-Type': 'text/plain; charset=UTF-8',
      'Content-Length': Buffer.byteLength(body),
    })
    .end(body);
}

function sendHtml(res: ServerResponse, body: string): void {
  res
    .writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      Connection: 'close',
      'Content-Length': Buffer.byteLength(body),
    })
    .end(body);
}

function asFlowError(error: unknown): LoginFlowError {
  if (error instanceof LoginFlowError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LoginFlowError('persist_failed', message, { cause: error });
}
