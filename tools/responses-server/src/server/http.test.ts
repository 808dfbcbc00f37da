import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { completed, openAiError, outputTextDelta, responseCreated, textTurn } from '../events/builders.js';
import { sseBody } from '../events/sse.js';
import { ScenarioError } from '../scenario/validate.js';
import { type ResponsesServer, startResponsesServer } from './server.js';

const servers: ResponsesServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(...args: Parameters<typeof startResponsesServer>): Promise<ResponsesServer> {
  const server = await startResponsesServer(...args);
  servers.push(server);
  return server;
}

function post(
  server: ResponsesServer,
  body: unknown = { model: 'gpt-test' },
  init: RequestInit = {},
): Promise<Response> {
  return fetch(`${server.url}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', 'X-Custom': 'one' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
    ...init,
  });
}

/** Raw node:http POST collecting body chunks as they arrive; resolves on end or error. */
function rawPost(
  server: ResponsesServer,
): Promise<{ status: number; chunks: Buffer[]; error: Error | undefined; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}/responses`, { method: 'POST', timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      const done = (error?: Error) =>
        resolve({
          status: res.statusCode ?? 0,
          chunks,
          error,
          headers: res.headers as Record<string, unknown>,
        });
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done());
      res.on('error', (e) => done(e));
      res.on('aborted', () => done(new Error('aborted')));
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end('{}');
  });
}

describe('HTTP server', () => {
  it('listens on 127.0.0.1 with a /v1 base URL', async () => {
    const server = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/v1`);
    expect(server.wsUrl).toBe(`ws://127.0.0.1:${server.port}/v1`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('streams an sse step and records the request', async () => {
    const events = textTurn({ responseId: 'resp_1', text: 'Hello world', reasoning: 'Plan' });
    const server = await start({
      scenario: {
        steps: [{ kind: 'sse', events, headers: { 'x-request-id': 'req_1', 'openai-model': 'gpt-x' } }],
      },
    });
    const before = Date.now();
    const res = await post(server, { model: 'gpt-test', input: [] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('x-request-id')).toBe('req_1');
    expect(res.headers.get('openai-model')).toBe('gpt-x');
    expect(await res.text()).toBe(sseBody(events));

    expect(server.requests).toHaveLength(1);
    const recorded = server.requests[0]!;
    expect(recorded.method).toBe('POST');
    expect(recorded.path).toBe('/v1/responses');
    expect(recorded.json).toEqual({ model: 'gpt-test', input: [] });
    expect(recorded.body).toBe('{"model":"gpt-test","input":[]}');
    expect(recorded.headerMap.authorization).toBe('Bearer sk-test');
    expect(recorded.headerMap['x-custom']).toBe('one');
    expect(recorded.headers.map(([n]) => n.toLowerCase())).toContain('x-custom');
    expect(recorded.headers.find(([n]) => n.toLowerCase() === 'host')?.[1]).toBe(`127.0.0.1:${server.port}`);
    expect(recorded.step).toBe(0);
    expect(recorded.receivedAt).toBeGreaterThanOrEqual(before - 1);
  });

  it('keeps header order and case from the wire', async () => {
    const server = await start({ scenario: { steps: [{ kind: 'sse', events: [completed('r')] }] } });
    const res = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${server.url}/responses?x=1`, {
        method: 'POST',
        headers: [
          ['Host', `127.0.0.1:${server.port}`],
          ['Zeta', '1'],
          ['alpha', '2'],
          ['Accept', 'text/event-stream'],
          ['alpha', '3'],
        ] as unknown as Record<string, string>,
      });
      req.on('response', (r) => {
        r.resume();
        r.on('end', () => resolve(r.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
    expect(res).toBe(200);
    const recorded = server.requests[0]!;
    const names = recorded.headers.map(([n]) => n);
    expect(names.slice(0, 5)).toEqual(['Host', 'Zeta', 'alpha', 'Accept', 'alpha']);
    expect(recorded.headerMap.alpha).toBe('2, 3');
    expect(recorded.url).toBe('/v1/responses?x=1');
    expect(recorded.path).toBe('/v1/responses');
    expect(recorded.json).toBeUndefined();
  });

  it('answers error steps with status, headers and OpenAI-style bodies', async () => {
    const server = await start({
      scenario: {
        steps: [
          {
            kind: 'error',
            status: 429,
            headers: { 'retry-after': '2' },
            body: openAiError(
              'rate_limit_error',
              'rate_limit_exceeded',
              'Rate limit reached. Try again in 2s.',
            ),
          },
          { kind: 'error', status: 401, body: 'Incorrect API key provided.' },
          { kind: 'error', status: 503 },
        ],
      },
    });
    const r1 = await post(server);
    expect(r1.status).toBe(429);
    expect(r1.headers.get('retry-after')).toBe('2');
    expect(await r1.json()).toEqual({
      error: {
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        message: 'Rate limit reached. Try again in 2s.',
      },
    });
    const r2 = await post(server);
    expect(r2.status).toBe(401);
    expect(await r2.text()).toBe('Incorrect API key provided.');
    const r3 = await post(server);
    expect(r3.status).toBe(503);
    expect(((await r3.json()) as { error: { type: string } }).error.type).toBe('server_error');
  });

  it('sends non-200 sse steps and custom status', async () => {
    const server = await start({
      scenario: { steps: [{ kind: 'sse', status: 201, events: [completed('r')] }] },
    });
    const res = await post(server);
    expect(res.status).toBe(201);
    expect(await res.text()).toContain('response.completed');
  });

  it('repeats the last step with repeatLast, else answers 500 scenario_exhausted', async () => {
    const server = await start({
      scenario: {
        steps: [
          { kind: 'error', status: 500 },
          { kind: 'sse', events: [completed('r')] },
        ],
        repeatLast: true,
      },
    });
    expect((await post(server)).status).toBe(500);
    for (let i = 0; i < 3; i++) {
      const res = await post(server);
      expect(res.status).toBe(200);
      await res.text();
    }
    expect(server.requests.map((r) => r.step)).toEqual([0, 1, 1, 1]);

    server.setScenario({ steps: [{ kind: 'sse', events: [completed('r2')] }] });
    expect((await post(server)).status).toBe(200);
    const exhausted = await post(server);
    expect(exhausted.status).toBe(500);
    const body = (await exhausted.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error.code).toBe('scenario_exhausted');
    expect(body.error.type).toBe('server_error');
    expect(body.error.message).toMatch(/scenario exhausted/);
    expect(server.requests.at(-1)?.step).toBeUndefined();
  });

  it('pushSteps appends; malformed steps throw ScenarioError and change nothing', async () => {
    const server = await start();
    expect((await post(server)).status).toBe(500);
    server.pushSteps({ kind: 'sse', events: [completed('a')] }, { kind: 'error', status: 418 });
    expect((await post(server)).status).toBe(200);
    expect((await post(server)).status).toBe(418);
    expect(() => server.pushSteps({ kind: 'sse', events: [] }, { kind: 'nope' } as never)).toThrow(
      ScenarioError,
    );
    expect(() => server.pushSteps({ kind: 'sse', events: [] }, { kind: 'nope' } as never)).toThrow(
      /pushSteps\[1\]\.kind: unknown step kind "nope"/,
    );
    expect(() => server.setScenario({ steps: [{ kind: 'error', status: 42 }] })).toThrow(
      /steps\[0\]\.status/,
    );
    expect((await post(server)).status).toBe(500); // nothing was added
    await expect(startResponsesServer({ scenario: { steps: 'x' } as never })).rejects.toThrow(ScenarioError);
  });

  it('answers other paths with 404 and records them', async () => {
    const server = await start({ scenario: { steps: [{ kind: 'sse', events: [completed('r')] }] } });
    const res = await fetch(`${server.url}/models`, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models', step: undefined });
    // Any path ending in /responses is served.
    const other = await fetch(`http://127.0.0.1:${server.port}/backend-api/codex/responses`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(5000),
    });
    expect(other.status).toBe(200);
    await other.text();
  });

  it('writes raw events verbatim (comments, malformed data, CRLF)', async () => {
    const server = await start({
      scenario: {
        steps: [
          {
            kind: 'sse',
            events: [
              { raw: ': keep-alive\n\n' },
              { raw: 'data: {not json\n\n' },
              { raw: 'event: response.created\r\ndata: {"type":"response.created","response":{}}\r\n\r\n' },
              completed('r'),
            ],
          },
        ],
      },
    });
    const text = await (await post(server)).text();
    expect(text).toBe(
      ': keep-alive\n\ndata: {not json\n\n' +
        'event: response.created\r\ndata: {"type":"response.created","response":{}}\r\n\r\n' +
        sseBody([completed('r')]),
    );
  });

  it('splits writes per byte or per N bytes', async () => {
    const events = [responseCreated('r'), outputTextDelta('héllo 😀'), completed('r')];
    const server = await start({
      scenario: {
        steps: [
          { kind: 'sse', events, chunking: 'byte' },
          { kind: 'sse', events, chunking: 7 },
        ],
      },
    });
    const byByte = await rawPost(server);
    expect(Buffer.concat(byByte.chunks).toString('utf8')).toBe(sseBody(events));
    expect(byByte.chunks.length).toBeGreaterThan(1);
    const by7 = await rawPost(server);
    expect(Buffer.concat(by7.chunks).toString('utf8')).toBe(sseBody(events));
  });

  it('dropAfter destroys the socket mid-body without a final chunk', async () => {
    const events = [
      responseCreated('r'),
      outputTextDelta('partial'),
      outputTextDelta('never'),
      completed('r'),
    ];
    const server = await start({ scenario: { steps: [{ kind: 'sse', events, dropAfter: 2 }] } });
    const res = await rawPost(server);
    expect(res.status).toBe(200);
    expect(res.error).toBeDefined();
    expect(Buffer.concat(res.chunks).toString('utf8')).toBe(sseBody(events.slice(0, 2)));

    // fetch surfaces the drop as a body error.
    server.pushSteps({ kind: 'sse', events, dropAfter: 0 });
    const r2 = await post(server);
    expect(r2.status).toBe(200);
    await expect(r2.text()).rejects.toThrow();
  });

  it('stallAfter keeps the stream open until the client aborts', async () => {
    const events = [responseCreated('r'), outputTextDelta('never'), completed('r')];
    const server = await start({ scenario: { steps: [{ kind: 'sse', events, stallAfter: 1 }] } });
    const controller = new AbortController();
    const res = await post(server, {}, { signal: controller.signal });
    const reader = res.body!.getReader();
    let received = '';
    while (!received.endsWith('\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      received += Buffer.from(value).toString('utf8');
    }
    expect(received).toBe(sseBody(events.slice(0, 1)));
    const next = reader.read();
    const raced = await Promise.race([
      next.then(() => 'data'),
      new Promise((r) => setTimeout(() => r('stalled'), 150)),
    ]);
    expect(raced).toBe('stalled');
    controller.abort();
    await expect(next).rejects.toThrow();
  });

  it('honours per-event delays', async () => {
    const events = [responseCreated('r'), { data: completed('r'), delayMs: 60 }];
    const server = await start({ scenario: { steps: [{ kind: 'sse', events }] } });
    const started = Date.now();
    const text = await (await post(server)).text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(text).toBe(sseBody([responseCreated('r'), completed('r')]));
  });

  it('hang records the request and never answers', async () => {
    const server = await start({ scenario: { steps: [{ kind: 'hang' }] } });
    const controller = new AbortController();
    const pending = post(server, { hello: 1 }, { signal: controller.signal });
    const [recorded] = await server.waitForRequests(1, 2000);
    expect(recorded?.json).toEqual({ hello: 1 });
    const raced = await Promise.race([
      pending.then(() => 'answered'),
      new Promise((r) => setTimeout(() => r('hung'), 150)),
    ]);
    expect(raced).toBe('hung');
    controller.abort();
    await expect(pending).rejects.toThrow();
  });

  it('decodes gzip request bodies and keeps the raw bytes', async () => {
    const server = await start({ scenario: { steps: [{ kind: 'sse', events: [completed('r')] }] } });
    const raw = gzipSync(Buffer.from('{"model":"gz"}'));
    const res = await fetch(`${server.url}/responses`, {
      method: 'POST',
      headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' },
      body: raw,
      signal: AbortSignal.timeout(5000),
    });
    await res.text();
    expect(server.requests[0]?.json).toEqual({ model: 'gz' });
    expect(server.requests[0]?.bodyBytes.equals(raw)).toBe(true);
  });

  it('waitForRequests resolves once n requests arrived and rejects after the timeout', async () => {
    const server = await start({
      scenario: { steps: [{ kind: 'sse', events: [completed('r')] }], repeatLast: true },
    });
    const waiting = server.waitForRequests(2, 3000);
    await (await post(server)).text();
    await (await post(server)).text();
    expect(await waiting).toHaveLength(2);
    await expect(server.waitForRequests(3, 50)).rejects.toThrow(
      /timed out after 50 ms waiting for 3 HTTP requests \(have 2\)/,
    );
  });

  it('close() ends stalled streams, hanging requests and keep-alive sockets promptly', async () => {
    const server = await startResponsesServer({
      scenario: {
        steps: [
          { kind: 'sse', events: [completed('r')] },
          { kind: 'sse', events: [responseCreated('r')], stallAfter: 1 },
          { kind: 'hang' },
        ],
      },
    });
    await (await post(server)).text(); // leaves an idle keep-alive connection
    const stalled = await post(server);
    const stalledBody = stalled.text().catch((e: unknown) => e);
    const hanging = post(server).catch((e: unknown) => e);
    await server.waitForRequests(3, 2000);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await stalledBody).toBeInstanceOf(Error);
    expect(await hanging).toBeInstanceOf(Error);
    await server.close(); // idempotent
    await expect(post(server)).rejects.toThrow();
  });

  it('logs one line per request', async () => {
    const lines: string[] = [];
    const server = await start({
      scenario: { steps: [{ kind: 'error', status: 500 }] },
      log: (l) => lines.push(l),
    });
    await (await post(server)).text();
    await (await post(server)).text();
    expect(lines).toEqual([
      'POST /v1/responses → step 0: error 500',
      'POST /v1/responses → 500 scenario exhausted',
    ]);
  });
});
