import { tokenRefreshed, tokenRefreshFailed } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { RefreshFailureTexts } from '../refresh/refresh-token.js';
import {
  accessToken,
  type Backend,
  chatgptAuthJson,
  cleanUpAfterEach,
  httpsBackend,
  idToken,
  loadManager,
  type TempHome,
  tempHome,
} from '../test-support/chatgpt.js';

let home: TempHome;
let backend: Backend | undefined;

cleanUpAfterEach();

const tokenRequests = () => backend?.server.requests.filter((r) => r.route === 'token') ?? [];

describe('unauthorizedRecovery (login.md §7)', () => {
  it('managed: reload (same token, no network) → refresh_token (unauthorized_recovery) → none', async () => {
    home = await tempHome();
    const newAccess = accessToken(3_600_000, 'v2');
    backend = await httpsBackend({
      chatgpt: { token: { replies: [tokenRefreshed({ accessToken: newAccess })] } },
    });
    const first = accessToken(3_600_000);
    await home.write(chatgptAuthJson({ access: first }));
    const { manager } = await loadManager(home, backend);
    const recovery = manager.unauthorizedRecovery();
    expect(recovery.mode).toBe('managed');
    expect(recovery.hasNext()).toBe(true);
    expect(await recovery.next()).toEqual({ step: 'reload', authChanged: false, refreshed: false });
    expect(tokenRequests()).toHaveLength(0);
    expect((await manager.authHeaders()).authorization).toBe(`Bearer ${first}`);
    expect(recovery.hasNext()).toBe(true);
    expect(await recovery.next()).toEqual({ step: 'refresh_token', authChanged: true, refreshed: true });
    expect(tokenRequests()).toHaveLength(1);
    expect(tokenRequests()[0]?.json).toMatchObject({ refresh_reason: 'unauthorized_recovery' });
    expect((await manager.authHeaders()).authorization).toBe(`Bearer ${newAccess}`);
    expect(recovery.hasNext()).toBe(false);
    await expect(recovery.next()).rejects.toMatchObject({
      code: 'refresh_token_failed',
      message: 'No more recovery steps available.',
    });
  });

  it('managed reload reports a token another process wrote as authChanged', async () => {
    home = await tempHome();
    await home.write(chatgptAuthJson({ access: accessToken(3_600_000) }));
    const { manager } = await loadManager(home, undefined);
    const other = accessToken(3_600_000, 'other');
    await home.write(chatgptAuthJson({ access: other, refresh: 'rt-fake-v2-other-proc' }));
    const recovery = manager.unauthorizedRecovery();
    expect(await recovery.next()).toMatchObject({ step: 'reload', authChanged: true });
    expect((await manager.authHeaders()).authorization).toBe(`Bearer ${other}`);
  });

  it('managed reload with another account stored stops with the account-mismatch error', async () => {
    home = await tempHome();
    await home.write(chatgptAuthJson({ access: accessToken(3_600_000) }));
    const { manager } = await loadManager(home, undefined);
    await home.write(
      chatgptAuthJson({ access: accessToken(3_600_000), accountId: 'acct-b', id: idToken('acct-b') }),
    );
    const recovery = manager.unauthorizedRecovery();
    await expect(recovery.next()).rejects.toMatchObject({
      code: 'refresh_token_failed',
      message: RefreshFailureTexts.account_mismatch,
    });
    expect(recovery.hasNext()).toBe(false);
  });

  it('managed refresh_token step rejects with the permanent failure and ends', async () => {
    home = await tempHome();
    backend = await httpsBackend({
      chatgpt: { token: { replies: [tokenRefreshFailed('refresh_token_expired')] } },
    });
    await home.write(chatgptAuthJson({ access: accessToken(3_600_000) }));
    const { manager } = await loadManager(home, backend);
    const recovery = manager.unauthorizedRecovery();
    await recovery.next();
    await expect(recovery.next()).rejects.toMatchObject({
      code: 'refresh_token_failed',
      message: RefreshFailureTexts.expired,
    });
    expect(recovery.hasNext()).toBe(false);
  });

  it('API key: no steps', async () => {
    home = await tempHome();
    await home.write(JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: 'sk-test-key-123456' }));
    const { manager } = await loadManager(home, undefined);
    expect(await manager.authHeaders()).toEqual({ authorization: 'Bearer sk-test-key-123456' });
    expect(manager.unauthorizedRecovery().hasNext()).toBe(false);
  });

  it('external tokens: external_refresh asks the host with the previous account id; without refresher no steps', async () => {
    home = await tempHome();
    await home.write(chatgptAuthJson({ access: accessToken(3_600_000) }));
    const { manager } = await loadManager(home, undefined);
    manager.setExternalChatgptTokens({ accessToken: 'host-access-token-1', chatgptAccountId: 'acct-host' });
    expect(manager.authCached()).toMatchObject({
      mode: 'chatgptAuthTokens',
      accountId: 'acct-host',
      usesCodexBackend: true,
    });
    expect(manager.unauthorizedRecovery().hasNext()).toBe(false);
    const calls: unknown[] = [];
    manager.setExternalChatgptTokens(
      { accessToken: 'host-access-token-1', chatgptAccountId: 'acct-host' },
      async (ctx) => {
        calls.push(ctx);
        return { accessToken: 'host-access-token-2', chatgptAccountId: 'acct-host', chatgptPlanType: 'team' };
      },
    );
    const recovery = manager.unauthorizedRecovery();
    expect(recovery.mode).toBe('external');
    expect(await recovery.next()).toEqual({ step: 'external_refresh', authChanged: true, refreshed: true });
    expect(calls).toEqual([{ reason: 'unauthorized', previousAccountId: 'acct-host' }]);
    expect(await manager.authHeaders()).toEqual({
      authorization: 'Bearer host-access-token-2',
      'chatgpt-account-id': 'acct-host',
    });
    expect(manager.authCached()?.planType).toBe('team');
    expect(recovery.hasNext()).toBe(false);
    manager.setExternalChatgptTokens(undefined);
    expect(manager.authCached()?.mode).toBe('chatgpt');
  });

  it('external refresh returning a workspace outside forced_chatgpt_workspace_id fails (transient, upstream text)', async () => {
    home = await tempHome();
    const { manager } = await loadManager(home, undefined, { forcedChatgptWorkspaceIds: ['acct-host'] });
    manager.setExternalChatgptTokens(
      { accessToken: 'host-access-token-1', chatgptAccountId: 'acct-host' },
      async () => ({
        accessToken: 'host-access-token-2',
        chatgptAccountId: 'acct-elsewhere',
      }),
    );
    await expect(manager.unauthorizedRecovery().next()).rejects.toMatchObject({
      code: 'auth_transient',
      message: 'external auth refresh returned workspace "acct-elsewhere", expected one of ["acct-host"]',
    });
    expect((await manager.authHeaders()).authorization).toBe('Bearer host-access-token-1');
  });
});
