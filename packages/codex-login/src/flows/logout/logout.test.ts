import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withAuthLock } from '../../manager/auth-lock.js';
import { chatgptAuthJson, fakeJwt } from '../../test-support/chatgpt.js';
import { type FlowFixture, flowFixture } from '../../test-support/flows.js';
import { loginWithApiKey } from '../api-key/api-key-login.js';
import { loginStatus, maskApiKey } from '../status/login-status.js';
import { logout } from './logout.js';

let fx: FlowFixture;
beforeEach(async () => {
  fx = await flowFixture();
});
afterEach(async () => {
  await fx.close();
});

const UA = 'codex_cli_rs/0.1.0 (Linux; x86_64) xterm';
const authPath = () => join(fx.home, 'auth.json');
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
const writeChatgpt = () =>
  writeFile(authPath(), chatgptAuthJson({ access: fakeJwt({ tag: 'a' }), refresh: 'rt-fake-v1' }), {
    mode: 0o600,
  });

describe('logout', () => {
  it('revokes the refresh token at CODEX_REVOKE_TOKEN_URL_OVERRIDE, then deletes auth.json', async () => {
    await writeChatgpt();
    const result = await logout({
      codexHome: fx.home,
      originator: 'codex_cli_rs',
      userAgent: UA,
      transport: fx.transport,
      env: { CODEX_REVOKE_TOKEN_URL_OVERRIDE: `${fx.issuer.url}/oauth/revoke` },
    });
    expect(result).toEqual({ wasLoggedIn: true, revokeAttempted: true });
    const [revoke] = fx.issuer.requestsTo('/oauth/revoke');
    expect(revoke?.body).toBe(
      '{"token":"rt-fake-v1","token_type_hint":"refresh_token","client_id":"app_EMoamEEZ73f0CkXaXp7hrann"}',
    );
    expect(revoke?.headers.filter(([n]) => n !== 'host' && n !== 'connection')).toEqual([
      ['content-type', 'application/json'],
      ['originator', 'codex_cli_rs'],
      ['user-agent', UA],
      ['accept', '*/*'],
      ['content-length', '99'],
    ]);
    expect(await exists(authPath())).toBe(false);
  });

  it('logs out although the revoke answered 500 or never answered (bounded)', async () => {
    await writeChatgpt();
    fx.issuer.revokeAnswers.push({ status: 500, body: 'boom' });
    const options = {
      codexHome: fx.home,
      originator: 'o',
      userAgent: UA,
      transport: fx.transport,
      issuer: fx.issuer.url,
      env: {},
    };
    await expect(logout(options)).resolves.toEqual({ wasLoggedIn: true, revokeAttempted: true });
    expect(await exists(authPath())).toBe(false);
    await writeChatgpt();
    fx.issuer.revokeAnswers.push({ status: 200, hang: true });
    await expect(logout({ ...options, revokeTimeoutMs: 300 })).resolves.toMatchObject({ wasLoggedIn: true });
    expect(await exists(authPath())).toBe(false);
    expect(fx.issuer.requestsTo('/oauth/revoke')).toHaveLength(2);
  });

  it('deletes an API-key login without a request and reports "not logged in" without a file', async () => {
    await loginWithApiKey({ codexHome: fx.home, apiKey: '  sk-fake-login-key-0000000000001\n' });
    const options = {
      codexHome: fx.home,
      originator: 'o',
      userAgent: UA,
      transport: fx.transport,
      issuer: fx.issuer.url,
      env: {},
    };
    await expect(logout(options)).resolves.toEqual({ wasLoggedIn: true, revokeAttempted: false });
    await expect(logout(options)).resolves.toEqual({ wasLoggedIn: false, revokeAttempted: false });
    expect(fx.issuer.requests).toHaveLength(0);
  });
});

describe('loginWithApiKey and loginStatus', () => {
  it('writes the two-key auth.json, masks the key in status, refuses blank keys and forced chatgpt', async () => {
    await expect(loginStatus(fx.home)).resolves.toEqual({ kind: 'none' });
    await loginWithApiKey({ codexHome: fx.home, apiKey: 'sk-fake-login-key-0000000000001\n' });
    expect(await readFile(authPath(), 'utf8')).toBe(
      '{\n  "auth_mode": "apikey",\n  "OPENAI_API_KEY": "sk-fake-login-key-0000000000001"\n}',
    );
    expect((await stat(authPath())).mode & 0o777).toBe(0o600);
    await expect(loginStatus(fx.home)).resolves.toEqual({ kind: 'apikey', maskedKey: 'sk-fake-***00001' });
    await expect(loginStatus(fx.home, { forcedLoginMethod: 'chatgpt' })).resolves.toEqual({ kind: 'none' });
    await expect(loginWithApiKey({ codexHome: fx.home, apiKey: ' \n\n' })).rejects.toMatchObject({
      code: 'no_api_key',
      message: 'No API key provided via stdin.',
    });
    await expect(
      loginWithApiKey({ codexHome: fx.home, apiKey: 'sk-x', forcedLoginMethod: 'chatgpt' }),
    ).rejects.toThrow('API key login is disabled. Use ChatGPT login instead.');
    expect(maskApiKey('sk-short-1')).toBe('***');
    expect(maskApiKey('1234567890123')).toBe('***');
    expect(maskApiKey('12345678901234')).toBe('12345678***01234');
  });

  it('reports a ChatGPT login, and none when the workspace or method restriction is violated', async () => {
    await writeChatgpt();
    await expect(loginStatus(fx.home)).resolves.toEqual({ kind: 'chatgpt', accountId: 'acct-fake-0000' });
    await expect(loginStatus(fx.home, { forcedChatgptWorkspaceIds: ['ws-fake-allowed'] })).resolves.toEqual({
      kind: 'none',
    });
    await expect(loginStatus(fx.home, { forcedLoginMethod: 'api' })).resolves.toEqual({ kind: 'none' });
    expect(await exists(authPath())).toBe(true);
  });
});

describe('sign-in writes under the auth.json lock', () => {
  it('waits for a refresh holding the lock in another writer before writing auth.json', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let lockHeld!: () => void;
    const held = new Promise<void>((resolve) => {
      lockHeld = resolve;
    });
    const holder = withAuthLock(fx.home, 5_000, async () => {
      lockHeld();
      await released;
    });
    await held;
    const login = loginWithApiKey({ codexHome: fx.home, apiKey: 'sk-fake-login-key-0000000000001' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await exists(authPath())).toBe(false);
    release();
    await holder;
    await login;
    expect(JSON.parse(await readFile(authPath(), 'utf8')).auth_mode).toBe('apikey');
  });
});
