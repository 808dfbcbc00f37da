// AuthManager as the AuthProvider of @codex-ts/api's ResponsesClient, over HTTPS to the local backend:
// the observed 401 flow (observed-cli-0.169-auth.md §8).
import { ApiError, ResponsesClient } from '@codex-ts/api';
import { testProvider, testTurnRequest } from '@codex-ts/api/test';
import { openAiError, textTurn, tokenRefreshed, tokenRefreshFailed } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { RefreshFailureTexts } from '../refresh/refresh-token.js';
import {
  accessToken,
  type Backend,
  chatgptAuthJson,
  cleanUpAfterEach,
  httpsBackend,
  loadManager,
  type TempHome,
  tempHome,
} from '../test-support/chatgpt.js';

let home: TempHome;
let backend: Backend | undefined;
cleanUpAfterEach();

const unauthorized = {
  kind: 'error' as const,
  status: 401,
  body: openAiError('invalid_request_error', 'invalid_api_key', 'Unauthorized'),
};

async function turn(b: Backend, manager: Awaited<ReturnType<typeof loadManager>>['manager']) {
  const client = new ResponsesClient({
    provider: testProvider(b.server.codexBaseUrl),
    auth: manager,
    transport: b.transport,
    defaultHeaders: { originator: 'codex_exec', 'user-agent': 'codex_exec/0.169.0' },
  });
  try {
    const stream = await client.stream(testTurnRequest('Say hello.'));
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    return { types, error: undefined };
  } catch (error) {
    return { types: [], error };
  }
}

describe('AuthManager with ResponsesClient (HTTPS)', () => {
  it('401 → resend with the same token (reload) → 401 → refresh (unauthorized_recovery) → resend with the new token', async () => {
    home = await tempHome();
    const first = accessToken(3_600_000, 'v1');
    const second = accessToken(3_600_000, 'v2');
    backend = await httpsBackend({
      scenario: {
        steps: [
          unauthorized,
          unauthorized,
          { kind: 'sse', events: textTurn({ responseId: 'r1', text: 'hi' }) },
        ],
      },
      chatgpt: { token: { replies: [tokenRefreshed({ accessToken: second, refreshToken: 'rt-fake-v2' })] } },
    });
    await home.write(chatgptAuthJson({ access: first }));
    const { manager, logs } = await loadManager(home, backend);
    const { types, error } = await turn(backend, manager);
    expect(error).toBeUndefined();
    expect(types.at(-1)).toBe('completed');
    expect(backend.server.requests.map((r) => [r.route, r.headerMap.authorization ?? r.json])).toEqual([
      ['responses', `Bearer ${first}`],
      ['responses', `Bearer ${first}`],
      [
        'token',
        expect.objectContaining({
          refresh_reason: 'unauthorized_recovery',
          refresh_token: 'rt-fake-v1-canary-refresh',
        }),
      ],
      ['responses', `Bearer ${second}`],
    ]);
    expect(backend.server.requests[0]?.headerMap['chatgpt-account-id']).toBe('acct-fake-0000');
    expect(JSON.parse(await home.read()).tokens).toMatchObject({
      access_token: second,
      refresh_token: 'rt-fake-v2',
    });
    expect(logs).toEqual([]);
  });

  it('permanent refresh failure after two 401s: refresh_token_failed with the observed text, auth.json unchanged', async () => {
    home = await tempHome();
    backend = await httpsBackend({
      scenario: { steps: [unauthorized], repeatLast: true },
      chatgpt: { token: { replies: [tokenRefreshFailed('refresh_token_reused')] } },
    });
    await home.write(chatgptAuthJson({ access: accessToken(3_600_000) }));
    const before = await home.read();
    const { manager, logs } = await loadManager(home, backend);
    const { error } = await turn(backend, manager);
    expect(ApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'refresh_token_failed', message: RefreshFailureTexts.reused });
    expect(backend.server.requests.map((r) => r.route)).toEqual(['responses', 'responses', 'token']);
    expect(logs).toEqual([['error', `Failed to refresh token: ${RefreshFailureTexts.reused}`]]);
    expect(await home.read()).toBe(before);
  });
});
