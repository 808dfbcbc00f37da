import { inspect } from 'node:util';
import { tokenRefreshFailed } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import {
  type Backend,
  chatgptAuthJson,
  cleanUpAfterEach,
  epochIn,
  fakeJwt,
  httpsBackend,
  idToken,
  loadManager,
  type TempHome,
  tempHome,
} from '../test-support/chatgpt.js';

// Canary values: none of them (nor the JWTs carrying them) may appear in any error or log line.
const CANARY_REFRESH = 'rt-CANARY-refresh-4f1d9e';
const CANARY_ACCESS = fakeJwt({ exp: epochIn(-60_000), canary: 'CANARY-access-8b2c71' });
const CANARY_ID = idToken('acct-fake-0000', { canary: 'CANARY-id-77aa01' });
const CANARY_HOST = 'host-CANARY-access-5e5e5e';
const CANARIES = [CANARY_REFRESH, CANARY_ACCESS, CANARY_ID, CANARY_HOST, 'CANARY-access-8b2c71'];

let home: TempHome;
let backend: Backend | undefined;
cleanUpAfterEach();

const seen: string[] = [];
function record(value: unknown): void {
  seen.push(inspect(value, { depth: 12, showHidden: true }));
  if (value instanceof Error) seen.push(value.message, String(value.stack));
  try {
    seen.push(JSON.stringify(value));
  } catch {
    // circular: inspect covers it
  }
}

async function failing(run: () => Promise<unknown>): Promise<void> {
  const outcome = await run().then(
    () => new Error('expected a failure'),
    (error: unknown) => error,
  );
  record(outcome);
}

describe('no token in errors or log lines (canary)', () => {
  it('every refresh, recovery, load and header failure path', async () => {
    home = await tempHome();
    const file = chatgptAuthJson({ access: CANARY_ACCESS, refresh: CANARY_REFRESH, id: CANARY_ID });
    backend = await httpsBackend({
      chatgpt: {
        token: {
          replies: [
            tokenRefreshFailed('refresh_token_expired'),
            tokenRefreshFailed('refresh_token_reused'),
            tokenRefreshFailed('refresh_token_invalidated'),
            tokenRefreshFailed('invalid_grant'),
            // a server echoing the refresh token in its message
            tokenRefreshFailed('server_error', 500, `bad refresh token ${CANARY_REFRESH}`),
            { status: 500, body: `Internal Server Error ${CANARY_ACCESS}` },
            { status: 200, body: `not json ${CANARY_REFRESH}` },
          ],
        },
      },
    });
    const logs: string[] = [];
    for (let i = 0; i < 7; i++) {
      // a fresh manager per reply (permanent failures are remembered per manager)
      await home.write(file);
      const loaded = await loadManager(home, backend);
      loaded.manager.setWorkspaceAccount({ id: 'acct-fake-0000', role: 'account-owner' });
      await loaded.manager.authHeaders(); // proactive refresh fails: logged, stale auth used
      await failing(() => loaded.manager.refreshToken('unauthorized_recovery'));
      const recovery = loaded.manager.unauthorizedRecovery();
      await recovery.next().catch(record);
      await recovery.next().catch(record);
      await recovery.next().catch(record);
      record(loaded.manager.authCached());
      logs.push(...loaded.logs.map(([, line]) => line));
    }
    // network failure
    await home.write(file);
    const down = await loadManager(home, undefined, { refreshTokenUrl: 'https://127.0.0.1:1/oauth/token' });
    await failing(() => down.manager.refreshToken('proactive_expiry'));
    logs.push(...down.logs.map(([, line]) => line));
    // account mismatch
    const mismatch = await loadManager(home, backend);
    await home.write(
      chatgptAuthJson({
        access: CANARY_ACCESS,
        refresh: CANARY_REFRESH,
        id: idToken('acct-b'),
        accountId: 'acct-b',
      }),
    );
    await failing(() => mismatch.manager.refreshToken('unauthorized_recovery'));
    await failing(() => mismatch.manager.unauthorizedRecovery().next());
    logs.push(...mismatch.logs.map(([, line]) => line));
    // external refresher failing with a token in its message; restricted external tokens
    const external = await loadManager(home, undefined, {
      forcedChatgptWorkspaceIds: ['acct-host', 'acct-b'],
    });
    external.manager.setExternalChatgptTokens(
      { accessToken: CANARY_HOST, chatgptAccountId: 'acct-host' },
      async () => {
        throw new Error(`host refused ${CANARY_HOST}`);
      },
    );
    await failing(() => external.manager.unauthorizedRecovery().next());
    await failing(async () =>
      external.manager.setExternalChatgptTokens({ accessToken: CANARY_HOST, chatgptAccountId: 'acct-x' }),
    );
    logs.push(...external.logs.map(([, line]) => line));
    // corrupt and partial files, restrictions, missing tokens
    await home.write(file.slice(0, file.length / 2));
    await failing(() => loadManager(home, undefined));
    await home.write(JSON.stringify({ auth_mode: 'chatgpt', tokens: { access_token: CANARY_ACCESS } }));
    await failing(() => loadManager(home, undefined));
    await home.write(file);
    await failing(() => loadManager(home, undefined, { forcedLoginMethod: 'api' }));
    await home.write(JSON.stringify({ OPENAI_API_KEY: CANARY_REFRESH }));
    await failing(() => loadManager(home, undefined, { forcedLoginMethod: 'chatgpt' }));
    await home.write(JSON.stringify({ auth_mode: 'chatgpt', OPENAI_API_KEY: null }));
    const empty = await loadManager(home, undefined);
    await failing(() => empty.manager.authHeaders());

    expect(logs.length).toBeGreaterThanOrEqual(14);
    expect(logs.some((line) => line.includes('500 Internal Server Error'))).toBe(true);
    const all = [...seen, ...logs].join('\n');
    for (const canary of CANARIES) expect(all).not.toContain(canary);
  });
});
