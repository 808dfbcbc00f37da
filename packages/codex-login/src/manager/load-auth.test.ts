import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthFileError, LoginError } from '../errors/login-error.js';
import {
  accessToken,
  chatgptAuthJson,
  cleanUpAfterEach,
  idToken,
  loadManager,
  type TempHome,
  tempHome,
} from '../test-support/chatgpt.js';

let home: TempHome;
cleanUpAfterEach();

describe('AuthManager.load: precedence and files (login.md §3)', () => {
  it('CODEX_API_KEY beats auth.json only when enabled', async () => {
    home = await tempHome();
    await home.write(chatgptAuthJson({ access: accessToken(3_600_000) }));
    const env = { CODEX_API_KEY: ' sk-env-key-123456 ' };
    const enabled = await loadManager(home, undefined, { env, enableCodexApiKeyEnv: true });
    expect(await enabled.manager.authHeaders()).toEqual({ authorization: 'Bearer sk-env-key-123456' });
    expect(enabled.manager.authCached()).toMatchObject({ mode: 'apikey', usesCodexBackend: false });
    const disabled = await loadManager(home, undefined, { env });
    expect(disabled.manager.authCached()?.mode).toBe('chatgpt');
  });

  it('external tokens beat auth.json', async () => {
    home = await tempHome();
    await home.write(chatgptAuthJson({ access: accessToken(3_600_000) }));
    const { manager } = await loadManager(home, undefined);
    manager.setExternalChatgptTokens({ accessToken: 'host-access-token', chatgptAccountId: 'acct-host' });
    expect((await manager.authHeaders())['chatgpt-account-id']).toBe('acct-host');
  });

  it('no auth.json: logged out, authHeaders rejects with no_credentials', async () => {
    home = await tempHome();
    const { manager } = await loadManager(home, undefined);
    expect(manager.authCached()).toBeUndefined();
    const error = await manager.authHeaders().catch((e: unknown) => e);
    expect(LoginError.isInstance(error) && error.code).toBe('no_credentials');
  });

  it('a corrupt auth.json is an AuthFileError naming the file, and stays as it is', async () => {
    home = await tempHome();
    await home.write('{"auth_mode":"chatgpt","tokens":{"access_token":"at-secret-partial');
    const error = await loadManager(home, undefined).catch((e: unknown) => e);
    expect(AuthFileError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(join(home.dir, 'auth.json'));
    expect((error as Error).message).not.toContain('at-secret-partial');
    expect(await home.read()).toContain('at-secret-partial');
  });

  it('reload reports a change, keeps the cached auth when the file turned corrupt', async () => {
    home = await tempHome();
    const first = accessToken(3_600_000, 'one');
    await home.write(chatgptAuthJson({ access: first }));
    const { manager } = await loadManager(home, undefined);
    expect(await manager.reload()).toBe(false);
    await home.write(
      chatgptAuthJson({ access: accessToken(3_600_000, 'two'), refresh: 'rt-fake-v2-reloaded' }),
    );
    expect(await manager.reload()).toBe(true);
    const current = (await manager.authHeaders()).authorization;
    await home.write('{"tokens": ');
    await expect(manager.reload()).rejects.toMatchObject({ name: 'AuthFileError', code: 'invalid_json' });
    expect((await manager.authHeaders()).authorization).toBe(current);
    expect(current).not.toBe(`Bearer ${first}`);
  });

  it('logout deletes auth.json', async () => {
    home = await tempHome();
    await home.write(chatgptAuthJson({ access: accessToken(3_600_000) }));
    const { manager } = await loadManager(home, undefined);
    expect(await manager.logout()).toBe(true);
    expect(existsSync(join(home.dir, 'auth.json'))).toBe(false);
    expect(manager.authCached()).toBeUndefined();
    expect(await manager.logout()).toBe(false);
  });
});

describe('login restrictions (login.md §9, upstream enforce_login_restrictions)', () => {
  const restricted = async (extra: Parameters<typeof loadManager>[2], file: string) => {
    home = await tempHome();
    await home.write(file);
    const error = await loadManager(home, undefined, extra).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error: error as LoginError, fileLeft: existsSync(join(home.dir, 'auth.json')) };
  };

  it('forced api with ChatGPT auth: logged out with the original text', async () => {
    const { error, fileLeft } = await restricted(
      { forcedLoginMethod: 'api' },
      chatgptAuthJson({ access: accessToken(3_600_000) }),
    );
    expect(error).toMatchObject({
      code: 'login_restricted',
      message: 'API key login is required, but ChatGPT is currently being used. Logging out.',
    });
    expect(fileLeft).toBe(false);
  });

  it('forced chatgpt with an API key: logged out', async () => {
    const { error, fileLeft } = await restricted(
      { forcedLoginMethod: 'chatgpt' },
      JSON.stringify({ OPENAI_API_KEY: 'sk-test-key-123456' }),
    );
    expect(error.message).toBe(
      'ChatGPT login is required, but an API key is currently being used. Logging out.',
    );
    expect(fileLeft).toBe(false);
  });

  it('workspace outside forced_chatgpt_workspace_id: logged out; inside: allowed', async () => {
    const { error, fileLeft } = await restricted(
      { forcedChatgptWorkspaceIds: ['ws-a', 'ws-b'] },
      chatgptAuthJson({ access: accessToken(3_600_000), id: idToken('acct-c') }),
    );
    expect(error.message).toBe(
      'Login is restricted to workspace(s) ws-a, ws-b, but current credentials belong to acct-c. Logging out.',
    );
    expect(fileLeft).toBe(false);
    await home.remove();
    const ok = await restricted(
      { forcedChatgptWorkspaceIds: ['acct-c'], forcedLoginMethod: 'chatgpt' },
      chatgptAuthJson({ access: accessToken(3_600_000), id: idToken('acct-c') }),
    );
    expect(ok.error).toBeUndefined();
    expect(ok.fileLeft).toBe(true);
  });

  it('external tokens outside the allowed workspaces are refused', async () => {
    home = await tempHome();
    const { manager } = await loadManager(home, undefined, { forcedChatgptWorkspaceIds: ['ws-a'] });
    expect(() =>
      manager.setExternalChatgptTokens({ accessToken: 'host-access-token', chatgptAccountId: 'ws-b' }),
    ).toThrow(
      'Login is restricted to workspace(s) ws-a, but current credentials belong to ws-b. Logging out.',
    );
    expect(manager.authCached()).toBeUndefined();
  });
});
