import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FlowFixture, flowFixture } from '../../test-support/flows.js';
import type { DeviceCodePrompt } from './device-login.js';
import { loginWithDeviceCode } from './device-login.js';

let fx: FlowFixture;
beforeEach(async () => {
  fx = await flowFixture();
});
afterEach(async () => {
  await fx.close();
});

function run(extra: Partial<Parameters<typeof loginWithDeviceCode>[0]> = {}) {
  const prompts: DeviceCodePrompt[] = [];
  const result = loginWithDeviceCode({
    codexHome: fx.home,
    issuer: `${fx.issuer.url}/`,
    transport: fx.transport,
    env: {},
    onPrompt: (p) => prompts.push(p),
    ...extra,
  });
  return { prompts, result };
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('loginWithDeviceCode', () => {
  it('requests a code, shows it, polls through pending answers, exchanges and writes auth.json', async () => {
    fx.issuer.userCodeAnswers.push({
      status: 200,
      body: { device_auth_id: 'deviceauth-fake-0001', usercode: 'FAKE-12345', interval: '1' },
    });
    fx.issuer.pollAnswers.push({ status: 403, body: 'pending' }, { status: 404, body: {} });
    const { prompts, result } = run();
    await expect(result).resolves.toMatchObject({ accountId: 'acct-fake-0000', apiKeyStored: false });
    expect(prompts).toEqual([{ verificationUrl: `${fx.issuer.url}/codex/device`, userCode: 'FAKE-12345' }]);
    const [usercode] = fx.issuer.requestsTo('/api/accounts/deviceauth/usercode');
    expect(usercode?.body).toBe('{"client_id":"app_EMoamEEZ73f0CkXaXp7hrann"}');
    expect(usercode?.headers.map(([n]) => n)).toEqual(['content-type', 'accept', 'host', 'content-length']);
    const polls = fx.issuer.requestsTo('/api/accounts/deviceauth/token');
    expect(polls).toHaveLength(3);
    expect(polls[0]?.body).toBe('{"device_auth_id":"deviceauth-fake-0001","user_code":"FAKE-12345"}');
    const [exchange] = fx.issuer.requestsTo('/oauth/token');
    expect(exchange?.body).toBe(
      `grant_type=authorization_code&client_id=app_EMoamEEZ73f0CkXaXp7hrann&code=fake-device-auth-code-0001&redirect_uri=${encodeURIComponent(`${fx.issuer.url}/deviceauth/callback`)}&code_verifier=fake-device-verifier`,
    );
    expect(fx.issuer.requestsTo('/oauth/token')).toHaveLength(1); // no API-key exchange
    const json = JSON.parse(await readFile(join(fx.home, 'auth.json'), 'utf8'));
    expect(json.OPENAI_API_KEY).toBeNull();
    expect(json.tokens.oauth_provenance).toEqual({
      issuer: fx.issuer.url,
      client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
    });
  }, 15_000);

  it('sends the given client id', async () => {
    const { result } = run({ clientId: 'app_custom' });
    await result;
    expect(fx.issuer.requestsTo('/api/accounts/deviceauth/usercode')[0]?.body).toBe(
      '{"client_id":"app_custom"}',
    );
  });

  it.each([
    [
      { status: 404, body: {} },
      'device code login is not enabled for this Codex server. Use the browser login or verify the server URL.',
    ],
    [{ status: 500, body: 'x' }, 'device code request failed with status 500 Internal Server Error'],
    [{ status: 200, body: { user_code: 'FAKE', interval: '1' } }, 'missing field `device_auth_id`'],
    [
      { status: 200, body: { device_auth_id: 'd', user_code: 'FAKE', interval: 1 } },
      'invalid type: integer `1`, expected a string',
    ],
  ])('fails the user-code request %j with the observed text and no prompt', async (answer, message) => {
    fx.issuer.userCodeAnswers.push(answer);
    const { prompts, result } = run();
    await expect(result).rejects.toThrow(message);
    expect(prompts).toEqual([]);
    expect(fx.issuer.requestsTo('/api/accounts/deviceauth/token')).toHaveLength(0);
  });

  it('ends on a denied poll (400) with the observed text', async () => {
    fx.issuer.pollAnswers.push({ status: 400, body: { error: 'access_denied' } });
    const { prompts, result } = run();
    await expect(result).rejects.toMatchObject({
      code: 'device_auth_failed',
      message: 'device auth failed with status 400 Bad Request',
    });
    expect(prompts).toHaveLength(1);
    expect(await exists(join(fx.home, 'auth.json'))).toBe(false);
  });

  it('expires after the wait limit while the code stays pending', async () => {
    fx.issuer.userCodeAnswers.push({
      status: 200,
      body: { device_auth_id: 'd', user_code: 'FAKE', interval: '1' },
    });
    for (let i = 0; i < 10; i += 1) fx.issuer.pollAnswers.push({ status: 403, body: {} });
    const { result } = run({ maxWaitMs: 1_500 });
    await expect(result).rejects.toMatchObject({
      code: 'device_timeout',
      message: 'device auth timed out after 15 minutes',
    });
    expect(fx.issuer.requestsTo('/oauth/token')).toHaveLength(0);
  }, 15_000);

  it('reports a failed code exchange and an approval without the verifier', async () => {
    fx.issuer.codeExchangeAnswers.push({
      status: 500,
      body: { error: { message: 'The server had an error while processing your request.' } },
    });
    await expect(run().result).rejects.toThrow(
      'device code exchange failed: token endpoint returned status 500 Internal Server Error: The server had an error while processing your request.',
    );
    fx.issuer.pollAnswers.push({ status: 200, body: { authorization_code: 'c' } });
    await expect(run().result).rejects.toThrow('error decoding response body');
  });

  it('checks forced_chatgpt_workspace_id after the exchange', async () => {
    await expect(run({ allowedWorkspaceIds: ['ws-fake-allowed'] }).result).rejects.toMatchObject({
      code: 'workspace_restriction',
      message: 'Login is restricted to workspace id(s) ws-fake-allowed.',
      logLine: undefined,
    });
    expect(await exists(join(fx.home, 'auth.json'))).toBe(false);
  });

  it('stops polling when the signal aborts', async () => {
    fx.issuer.userCodeAnswers.push({
      status: 200,
      body: { device_auth_id: 'd', user_code: 'FAKE', interval: '5' },
    });
    fx.issuer.pollAnswers.push({ status: 403, body: {} });
    const controller = new AbortController();
    const { result } = run({
      signal: controller.signal,
      onPrompt: () => setTimeout(() => controller.abort(), 50),
    });
    await expect(result).rejects.toMatchObject({ code: 'aborted' });
  }, 10_000);
});
