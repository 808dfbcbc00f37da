// The ChatGPT-backend side routes over HTTPS: token refresh, routing discovery, models with ETag,
// and scripted 401s on /responses (once, then success) over HTTP and the WebSocket handshake.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { textTurn } from '../events/builders.js';
import { sseBody } from '../events/sse.js';
import { accountsCheck, modelsCatalog, tokenRefreshed, tokenRefreshFailed } from '../scenario/chatgpt.js';
import { ScenarioError } from '../scenario/validate.js';
import { type HttpsAnswer, httpsSend } from '../test-support/https-client.js';
import { type ResponsesServer, startResponsesServer } from './server.js';

let server: ResponsesServer;
beforeAll(async () => {
  server = await startResponsesServer({ tls: true });
}, 30_000);
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  server.setChatgptScenario({});
  server.setScenario({ steps: [] });
});

/** One HTTPS request trusting the server's CA; `headers` are sent in the given order. */
function send(
  method: string,
  url: string,
  headers: Array<[string, string]>,
  body?: string,
): Promise<HttpsAnswer> {
  return httpsSend(method, url, { headers, body, ca: server.caCert });
}

const refreshBody = (reason: string) =>
  JSON.stringify({
    client_id: 'app_test',
    grant_type: 'refresh_token',
    refresh_reason: reason,
    refresh_token: 'rt-canary-1',
  });

function refresh(reason = 'proactive_expiry'): Promise<HttpsAnswer> {
  const body = refreshBody(reason);
  return send(
    'POST',
    server.refreshTokenUrl,
    [
      ['content-type', 'application/json'],
      ['originator', 'codex_exec'],
      ['content-length', String(Buffer.byteLength(body))],
    ],
    body,
  );
}

describe('ChatGPT-backend URLs', () => {
  it('are on the same https origin', () => {
    const origin = `https://127.0.0.1:${server.port}`;
    expect(server.chatgptBaseUrl).toBe(`${origin}/backend-api/`);
    expect(server.codexBaseUrl).toBe(`${origin}/backend-api/codex`);
    expect(server.refreshTokenUrl).toBe(`${origin}/oauth/token`);
  });
});

describe('token refresh route', () => {
  it('answers scripted success, each permanent failure and 500, recording method, path, headers in order, body', async () => {
    server.setChatgptRoute('token', {
      replies: [
        tokenRefreshed({ idToken: 'id-2', accessToken: 'at-2', refreshToken: 'rt-2' }),
        tokenRefreshFailed('refresh_token_expired'),
        tokenRefreshFailed('refresh_token_reused'),
        tokenRefreshFailed('refresh_token_invalidated'),
        { status: 500, body: 'Internal Server Error' },
      ],
    });
    const first = await refresh();
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.text).toBe('{"id_token":"id-2","access_token":"at-2","refresh_token":"rt-2"}');

    const codes: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const failed = await refresh('unauthorized_recovery');
      expect(failed.status).toBe(401);
      const body = JSON.parse(failed.text) as { error: Record<string, unknown> };
      expect(Object.keys(body.error)).toEqual(['message', 'type', 'param', 'code']);
      expect(body.error.type).toBe('invalid_request_error');
      expect(body.error.param).toBeNull();
      codes.push(body.error.code);
    }
    expect(codes).toEqual(['refresh_token_expired', 'refresh_token_reused', 'refresh_token_invalidated']);

    const transient = await refresh();
    expect(transient.status).toBe(500);
    expect(transient.text).toBe('Internal Server Error');

    const exhausted = await refresh();
    expect(exhausted.status).toBe(500);
    expect(JSON.parse(exhausted.text).error.code).toBe('scenario_exhausted');

    const recorded = server.requests.filter((r) => r.route === 'token');
    expect(recorded.map((r) => r.step)).toEqual([0, 1, 2, 3, 4, undefined]);
    const r0 = recorded[0]!;
    expect(r0.method).toBe('POST');
    expect(r0.path).toBe('/oauth/token');
    expect(r0.headers.map(([n]) => n)).toEqual([
      'content-type',
      'originator',
      'content-length',
      'host',
      'Connection',
    ]);
    expect(r0.body).toBe(refreshBody('proactive_expiry'));
    expect(r0.json).toMatchObject({ refresh_reason: 'proactive_expiry', refresh_token: 'rt-canary-1' });
    expect(recorded[1]!.json).toMatchObject({ refresh_reason: 'unauthorized_recovery' });
  });
});

describe('routing discovery route', () => {
  it('answers GET …/wham/accounts/check with the scripted account entries', async () => {
    server.setChatgptRoute('accountsCheck', {
      replies: [
        { status: 401, body: { detail: 'Unauthorized' } },
        accountsCheck({
          id: 'acct-1',
          accountRoutingOverride: 'us',
          structure: 'workspace',
          role: 'account-owner',
        }),
      ],
    });
    const headers: Array<[string, string]> = [
      ['authorization', 'Bearer at-canary'],
      ['chatgpt-account-id', 'acct-1'],
      ['accept', '*/*'],
    ];
    const unauthorized = await send('GET', `${server.chatgptBaseUrl}wham/accounts/check`, headers);
    expect(unauthorized.status).toBe(401);
    const ok = await send('GET', `${server.chatgptBaseUrl}wham/accounts/check`, headers);
    expect(ok.status).toBe(200);
    const body = JSON.parse(ok.text);
    expect(body.default_account_id).toBe('acct-1');
    expect(body.account_ordering).toEqual(['acct-1']);
    expect(body.accounts[0]).toMatchObject({
      id: 'acct-1',
      structure: 'workspace',
      plan_type: 'pro',
      workspace_backend_origin: 'NO_CONSTRAINT',
      account_routing_override: 'us',
      role: 'account-owner',
    });
    const recorded = server.requests.filter((r) => r.route === 'accountsCheck');
    expect(recorded).toHaveLength(2);
    expect(recorded[1]!.path).toBe('/backend-api/wham/accounts/check');
    expect(recorded[1]!.headers.slice(0, 3)).toEqual(headers);
  });
});

describe('models route', () => {
  it('answers GET …/models?client_version=… with the catalog and its ETag', async () => {
    server.setChatgptRoute('models', {
      replies: [modelsCatalog([], '"models-etag-1"'), modelsCatalog([{ slug: 'gpt-x' }], '"models-etag-2"')],
      repeatLast: true,
    });
    const url = `${server.codexBaseUrl}/models?client_version=0.169.0`;
    const headers: Array<[string, string]> = [['version', '0.169.0']];
    const first = await send('GET', url, headers);
    expect(first.headers.etag).toBe('"models-etag-1"');
    expect(JSON.parse(first.text)).toEqual({ models: [] });
    for (let i = 0; i < 2; i++) {
      const later = await send('GET', url, headers);
      expect(later.headers.etag).toBe('"models-etag-2"');
      expect(JSON.parse(later.text)).toEqual({ models: [{ slug: 'gpt-x' }] });
    }
    const recorded = server.requests.filter((r) => r.route === 'models');
    expect(recorded.map((r) => [r.url, r.step])).toEqual([
      ['/backend-api/codex/models?client_version=0.169.0', 0],
      ['/backend-api/codex/models?client_version=0.169.0', 1],
      ['/backend-api/codex/models?client_version=0.169.0', 1],
    ]);
  });

  it('a /responses answer can carry x-models-etag', async () => {
    const events = textTurn({ responseId: 'resp_e', text: 'hi' });
    server.setScenario({ steps: [{ kind: 'sse', events, headers: { 'x-models-etag': '"models-etag-2"' } }] });
    const res = await send(
      'POST',
      `${server.codexBaseUrl}/responses`,
      [['content-type', 'application/json']],
      '{}',
    );
    expect(res.headers['x-models-etag']).toBe('"models-etag-2"');
    expect(res.text).toBe(sseBody(events));
    expect(server.requests.at(-1)!.route).toBe('responses');
  });
});

describe('scripted 401 on /responses', () => {
  it('over HTTP: 401 once, then the resend succeeds', async () => {
    const events = textTurn({ responseId: 'resp_2', text: 'after 401' });
    server.setScenario({
      steps: [
        { kind: 'error', status: 401, body: { error: { message: 'token expired', code: 'token_expired' } } },
        { kind: 'sse', events },
      ],
    });
    const url = `${server.codexBaseUrl}/responses`;
    const first = await send('POST', url, [['authorization', 'Bearer at-1']], '{}');
    expect(first.status).toBe(401);
    const second = await send('POST', url, [['authorization', 'Bearer at-1']], '{}');
    expect(second.status).toBe(200);
    expect(second.text).toBe(sseBody(events));
    expect(server.requests.slice(-2).map((r) => [r.route, r.step])).toEqual([
      ['responses', 0],
      ['responses', 1],
    ]);
  });

  it('over wss: the handshake is refused with 401 once, then accepted', async () => {
    server.setWsScenario({
      handshakes: [{ kind: 'reject', status: 401 }, { kind: 'accept' }],
      responses: [],
    });
    const open = () =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${server.codexBaseUrl.replace('https', 'wss')}/responses`, {
          ca: server.caCert,
          handshakeTimeout: 5000,
        });
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.once('open', () => {
          resolve(101);
          ws.close();
        });
        ws.once('error', () => resolve(-1));
      });
    expect(await open()).toBe(401);
    expect(await open()).toBe(101);
    expect(server.handshakes.slice(-2).map((h) => h.status)).toEqual([401, 101]);
  });
});

describe('scripted 401 error frame on a WebSocket', () => {
  it('the first response.create gets a wrapped 401 error frame, the resend completes', async () => {
    server.setWsScenario({
      responses: [
        { errorFrame: { status: 401, error: { type: 'invalid_request_error', code: 'token_expired' } } },
        { events: textTurn({ responseId: 'resp_ws2', text: 'after 401' }) },
      ],
      autoPrewarm: false,
    });
    const ws = new WebSocket(`${server.codexBaseUrl.replace('https', 'wss')}/responses`, {
      ca: server.caCert,
      handshakeTimeout: 5000,
    });
    const received: Array<{ type: string; status?: number }> = [];
    try {
      const completedOrError = (count: number) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`only ${received.length} frames`)), 5000);
          const check = () => {
            const ends = received.filter((f) => f.type === 'error' || f.type === 'response.completed');
            if (ends.length >= count) {
              clearTimeout(timer);
              ws.off('message', onMessage);
              resolve();
            }
          };
          const onMessage = (data: WebSocket.RawData) => {
            received.push(JSON.parse(String(data)));
            check();
          };
          ws.on('message', onMessage);
          check();
        });
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      ws.send(JSON.stringify({ type: 'response.create', model: 'm', input: [] }));
      await completedOrError(1);
      expect(received.at(-1)).toMatchObject({ type: 'error', status: 401 });
      ws.send(JSON.stringify({ type: 'response.create', model: 'm', input: [] }));
      await completedOrError(2);
      expect(received.at(-1)).toMatchObject({ type: 'response.completed' });
    } finally {
      ws.terminate();
    }
  });
});

describe('a route never scripted', () => {
  it('answers 404 like any unknown path and is recorded without a route', async () => {
    const res = await send('GET', `${server.codexBaseUrl}/models?client_version=1`, []);
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text).error.code).toBe('not_found');
    expect(server.requests.at(-1)).toMatchObject({ method: 'GET', route: undefined, step: undefined });
  });
});

describe('route scripts are validated', () => {
  it('rejects a malformed reply or an unknown route and keeps the current script', async () => {
    server.setChatgptRoute('models', { replies: [modelsCatalog()] });
    expect(() => server.pushChatgptReplies('models', { status: 42 })).toThrow(ScenarioError);
    expect(() => server.setChatgptScenario({ nope: { replies: [] } } as never)).toThrow(
      /chatgpt\.nope: unknown route/,
    );
    expect(() => server.setChatgptRoute('token', { replies: [{ headers: { etag: 1 } }] } as never)).toThrow(
      /chatgpt\.token\.replies\[0\]\.headers\.etag/,
    );
    const res = await send('GET', `${server.codexBaseUrl}/models`, []);
    expect(res.status).toBe(200);
  });
});
