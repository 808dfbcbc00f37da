import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FlowFixture, flowFixture } from '../../test-support/flows.js';
import { LoginFlowError } from '../common/flow-error.js';
import { startBrowserLogin } from './browser-login.js';

let fx: FlowFixture;
beforeEach(async () => {
  fx = await flowFixture();
});
afterEach(async () => {
  await fx.close();
});

function start(extra: Partial<Parameters<typeof startBrowserLogin>[0]> = {}) {
  return startBrowserLogin({
    codexHome: fx.home,
    issuer: fx.issuer.url,
    transport: fx.transport,
    ports: [0, 0],
    env: {},
    ...extra,
  });
}

async function authJsonExists(): Promise<boolean> {
  return stat(join(fx.home, 'auth.json')).then(
    () => true,
    () => false,
  );
}

describe('startBrowserLogin', () => {
  it('signs in end to end: authorize URL, code and API-key exchanges, auth.json, success page', async () => {
    const login = await start();
    const url = new URL(login.authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${fx.issuer.url}/oauth/authorize`);
    expect([...url.searchParams.keys()]).toEqual([
      'response_type',
      'client_id',
      'redirect_uri',
      'code_challenge',
      'code_challenge_method',
      'state',
      'scope',
      'id_token_add_organizations',
      'codex_cli_simplified_flow',
      'originator',
    ]);
    const redirectUri = `http://127.0.0.1:${login.port}/auth/callback`;
    expect(login.authorizeUrl).toContain(`redirect_uri=${encodeURIComponent(redirectUri)}`);
    expect(login.authorizeUrl).toContain(
      'scope=openid+profile+email+offline_access+api.connectors.read+api.connectors.invoke',
    );
    expect(url.searchParams.get('client_id')).toBe('app_EMoamEEZ73f0CkXaXp7hrann');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const toIssuer = await fx.browse(login.authorizeUrl);
    expect(toIssuer.status).toBe(302);
    const callback = await fx.browse(toIssuer.location ?? '');
    expect(callback.status).toBe(302);
    const success = new URL(callback.location ?? '');
    expect(`${success.origin}${success.pathname}`).toBe(`http://127.0.0.1:${login.port}/success`);
    expect([...success.searchParams.keys()]).toEqual([
      'id_token',
      'needs_setup',
      'org_id',
      'project_id',
      'plan_type',
      'platform_url',
    ]);
    expect(success.searchParams.get('plan_type')).toBe('pro');
    expect(success.searchParams.get('needs_setup')).toBe('false');
    const page = await fx.browse(callback.location ?? '');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Signed in to Codex');
    const result = await login.result;
    expect(result).toMatchObject({ accountId: 'acct-fake-0000', apiKeyStored: true });

    // the two token requests, as observed (§1.3, §1.4)
    const [exchange, apiKey] = fx.issuer.requestsTo('/oauth/token');
    expect(exchange?.headers.map(([n]) => n)).toEqual(['content-type', 'accept', 'host', 'content-length']);
    expect(exchange?.headers.find(([n]) => n === 'content-type')?.[1]).toBe(
      'application/x-www-form-urlencoded',
    );
    const verifier = new URLSearchParams(exchange?.body).get('code_verifier') ?? '';
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(exchange?.body).toBe(
      `grant_type=authorization_code&client_id=app_EMoamEEZ73f0CkXaXp7hrann&code=fake-auth-code-0001&redirect_uri=${encodeURIComponent(redirectUri)}&code_verifier=${verifier}`,
    );
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(
      url.searchParams.get('code_challenge'),
    );
    expect(apiKey?.body).toBe(
      `grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&client_id=app_EMoamEEZ73f0CkXaXp7hrann&requested_token=openai-api-key&subject_token=${fx.issuer.tokens.idToken}&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token`,
    );

    // auth.json as 0.169.0 wrote it (§1.5)
    const text = await readFile(join(fx.home, 'auth.json'), 'utf8');
    expect(text.endsWith('}')).toBe(true);
    const json = JSON.parse(text);
    expect(Object.keys(json)).toEqual(['auth_mode', 'OPENAI_API_KEY', 'tokens', 'last_refresh']);
    expect(Object.keys(json.tokens)).toEqual([
      'id_token',
      'access_token',
      'refresh_token',
      'oauth_provenance',
      'login_owner_id',
      'account_id',
    ]);
    expect(json).toMatchObject({
      auth_mode: 'chatgpt',
      OPENAI_API_KEY: 'sk-fake-exchanged-key-0000',
      tokens: {
        refresh_token: 'rt-fake-login-1',
        oauth_provenance: { issuer: fx.issuer.url, client_id: 'app_EMoamEEZ73f0CkXaXp7hrann' },
        account_id: 'acct-fake-0000',
      },
    });
    expect(json.tokens.login_owner_id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(json.last_refresh).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(text).toBe(JSON.stringify(json, null, 2));
    expect((await stat(join(fx.home, 'auth.json'))).mode & 0o777).toBe(0o600);
  });

  it('answers a wrong state with 400 "State mismatch" and keeps waiting for the right callback', async () => {
    const login = await start();
    const base = `http://127.0.0.1:${login.port}`;
    const wrong = await fx.browse(`${base}/auth/callback?code=x&state=wrong`);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toBe('State mismatch');
    expect(fx.issuer.requestsTo('/oauth/token')).toHaveLength(0);
    expect((await fx.browse(`${base}/other`)).status).toBe(404);
    const toIssuer = await fx.browse(login.authorizeUrl);
    const callback = await fx.browse(toIssuer.location ?? '');
    await fx.browse(callback.location ?? '');
    await expect(login.result).resolves.toMatchObject({ accountId: 'acct-fake-0000' });
  });

  it('ends with the denied texts and no auth.json when the issuer redirects with error=', async () => {
    fx.issuer.authorize = { error: 'access_denied', errorDescription: 'The user denied access' };
    const login = await start();
    const toIssuer = await fx.browse(login.authorizeUrl);
    const page = await fx.browse(toIssuer.location ?? '');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Sign-in failed: The user denied access');
    expect(page.body).toContain('access_denied');
    const error = await login.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginFlowError);
    expect(error).toMatchObject({
      code: 'callback_error',
      message: 'Sign-in failed: The user denied access',
      logLine: 'OAuth callback error: Sign-in failed: The user denied access',
    });
    expect(await authJsonExists()).toBe(false);
  });

  it('names a missing entitlement and a missing code as observed', async () => {
    fx.issuer.authorize = { error: 'access_denied', errorDescription: 'missing_codex_entitlement' };
    const first = await start();
    await fx.browse((await fx.browse(first.authorizeUrl)).location ?? '');
    await expect(first.result).rejects.toThrow(
      'Codex is not enabled for your workspace. Contact your workspace administrator to request access to Codex.',
    );
    fx.issuer.authorize = { omitCode: true };
    const second = await start();
    await fx.browse((await fx.browse(second.authorizeUrl)).location ?? '');
    await expect(second.result).rejects.toMatchObject({
      code: 'missing_authorization_code',
      message: 'Missing authorization code. Sign-in could not be completed.',
      logLine: undefined,
    });
  });

  it('reports an issuer 500 on the code exchange with its error.message and writes nothing', async () => {
    fx.issuer.codeExchangeAnswers.push({ status: 500, body: { error: { message: 'upstream failure' } } });
    const login = await start();
    const page = await fx.browse((await fx.browse(login.authorizeUrl)).location ?? '');
    expect(page.body).toContain('token_exchange_failed');
    await expect(login.result).rejects.toMatchObject({
      code: 'token_exchange_failed',
      message:
        'Token exchange failed: token endpoint returned status 500 Internal Server Error: upstream failure',
      logLine:
        'Token exchange error: token endpoint returned status 500 Internal Server Error: upstream failure',
    });
    expect(fx.issuer.requestsTo('/oauth/token')).toHaveLength(1);
    expect(await authJsonExists()).toBe(false);
  });

  it('uses error_description, raw text, and "OAuth token response is invalid" as observed', async () => {
    const cases = [
      [
        { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid authorization code' } },
        'token endpoint returned status 400 Bad Request: Invalid authorization code',
      ],
      [
        { status: 502, body: 'upstream connect error' },
        'token endpoint returned status 502 Bad Gateway: upstream connect error',
      ],
      [{ status: 200, body: { access_token: 'a' } }, 'OAuth token response is invalid'],
    ] as const;
    for (const [answer, detail] of cases) {
      fx.issuer.codeExchangeAnswers.push({ ...answer });
      const login = await start();
      await fx.browse((await fx.browse(login.authorizeUrl)).location ?? '');
      await expect(login.result).rejects.toThrow(`Token exchange failed: ${detail}`);
    }
  });

  it('still signs in with OPENAI_API_KEY null when the API-key exchange fails', async () => {
    fx.issuer.apiKeyExchangeAnswers.push({ status: 401, body: { error: { message: 'no' } } });
    const login = await start();
    const callback = await fx.browse((await fx.browse(login.authorizeUrl)).location ?? '');
    await fx.browse(callback.location ?? '');
    await expect(login.result).resolves.toMatchObject({ apiKeyStored: false });
    const json = JSON.parse(await readFile(join(fx.home, 'auth.json'), 'utf8'));
    expect(json.OPENAI_API_KEY).toBeNull();
  });

  it('refuses an account outside forced_chatgpt_workspace_id, skipping the API-key exchange', async () => {
    const login = await start({ allowedWorkspaceIds: ['ws-fake-allowed'] });
    expect(login.authorizeUrl).toContain('&allowed_workspace_id=ws-fake-allowed');
    await fx.browse((await fx.browse(login.authorizeUrl)).location ?? '');
    await expect(login.result).rejects.toMatchObject({
      code: 'workspace_restriction',
      message: 'Login is restricted to workspace id(s) ws-fake-allowed.',
      logLine: 'Workspace restriction error: Login is restricted to workspace id(s) ws-fake-allowed.',
    });
    expect(fx.issuer.requestsTo('/oauth/token')).toHaveLength(1);
    expect(await authJsonExists()).toBe(false);
    const listed = await start({ allowedWorkspaceIds: ['ws-fake-allowed', 'acct-fake-0000'] });
    expect(listed.authorizeUrl).toContain('&allowed_workspace_id=ws-fake-allowed%2Cacct-fake-0000');
    const callback = await fx.browse((await fx.browse(listed.authorizeUrl)).location ?? '');
    await fx.browse(callback.location ?? '');
    await expect(listed.result).resolves.toMatchObject({ accountId: 'acct-fake-0000' });
  });

  it('ends on GET /cancel, on cancel() and on the abort signal', async () => {
    const login = await start();
    const cancelled = await fx.browse(`http://127.0.0.1:${login.port}/cancel`);
    expect(cancelled.body).toBe('Login cancelled');
    await expect(login.result).rejects.toMatchObject({ code: 'cancelled', message: 'Login cancelled' });
    const second = await start();
    second.cancel();
    await expect(second.result).rejects.toMatchObject({ code: 'cancelled' });
    const controller = new AbortController();
    const third = await start({ signal: controller.signal });
    controller.abort();
    await expect(third.result).rejects.toMatchObject({ code: 'aborted' });
  });
});
