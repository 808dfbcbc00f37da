import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { completed, outputTextDelta, responseCreated, textTurn } from '../events/builders.js';
import type { WsScenario } from '../scenario/types.js';
import { type ResponsesServer, startResponsesServer } from '../server/server.js';

const servers: ResponsesServer[] = [];
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(wsScenario?: WsScenario): Promise<ResponsesServer> {
  const server = await startResponsesServer(wsScenario ? { wsScenario } : {});
  servers.push(server);
  return server;
}

/** A ws client that queues messages and close events, with bounded waits. */
interface Client {
  ws: WebSocket;
  upgrade: IncomingMessage;
  next(timeoutMs?: number): Promise<{ text: string; binary: boolean; json: unknown }>;
  closed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  create(body: Record<string, unknown>): void;
}

function connect(server: ResponsesServer, headers: Record<string, string> = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.wsUrl}/responses`, {
      perMessageDeflate: true,
      headers,
      handshakeTimeout: 5000,
    });
    clients.push(ws);
    const messages: Array<{ text: string; binary: boolean; json: unknown }> = [];
    const wakeups: Array<() => void> = [];
    let closeInfo: { code: number; reason: string } | undefined;
    const wake = () => {
      for (const w of wakeups.splice(0)) w();
    };
    ws.on('message', (data, binary) => {
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      messages.push({ text, binary, json });
      wake();
    });
    ws.on('close', (code, reason) => {
      closeInfo = { code, reason: reason.toString() };
      wake();
    });
    ws.on('error', () => {});
    const waitFor = <T>(get: () => T | undefined, what: string, timeoutMs: number): Promise<T> =>
      new Promise<T>((res, rej) => {
        const deadline = setTimeout(() => rej(new Error(`timed out waiting for ${what}`)), timeoutMs);
        const check = () => {
          const v = get();
          if (v !== undefined) {
            clearTimeout(deadline);
            res(v);
          } else wakeups.push(check);
        };
        check();
      });
    let upgrade: IncomingMessage | undefined;
    ws.on('upgrade', (res) => {
      upgrade = res;
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () =>
        reject(Object.assign(new Error(`status ${res.statusCode}`), { response: res, body })),
      );
    });
    ws.on('open', () =>
      resolve({
        ws,
        upgrade: upgrade!,
        next: (timeoutMs = 3000) => waitFor(() => messages.shift(), 'a message', timeoutMs),
        closed: (timeoutMs = 3000) => waitFor(() => closeInfo, 'close', timeoutMs),
        create: (body) =>
          ws.send(JSON.stringify({ type: 'response.create', model: 'gpt-test', input: [], ...body })),
      }),
    );
  });
}

async function collectUntilCompleted(client: Client, max = 50): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < max; i++) {
    const msg = (await client.next()).json as Record<string, unknown>;
    out.push(msg);
    if (msg.type === 'response.completed' || msg.type === 'error') return out;
  }
  throw new Error('no response.completed within bound');
}

describe('WebSocket endpoint', () => {
  it('accepts with extra headers, negotiates permessage-deflate and records the handshake', async () => {
    const server = await start({
      handshakes: [
        {
          kind: 'accept',
          headers: {
            'x-codex-turn-state': 'ts_1',
            'openai-model': 'gpt-5.5',
            'x-reasoning-included': 'true',
          },
        },
      ],
      responses: [],
    });
    const client = await connect(server, {
      authorization: 'Bearer sk-test',
      'OpenAI-Beta': 'responses_websockets=2026-02-06',
    });
    expect(client.upgrade.headers['x-codex-turn-state']).toBe('ts_1');
    expect(client.upgrade.headers['openai-model']).toBe('gpt-5.5');
    expect(client.upgrade.headers['x-reasoning-included']).toBe('true');
    expect(client.ws.extensions).toContain('permessage-deflate');

    const [handshake] = await server.waitForHandshakes(1, 2000);
    expect(handshake).toMatchObject({ connection: 0, path: '/v1/responses', status: 101 });
    expect(handshake?.headerMap.authorization).toBe('Bearer sk-test');
    expect(handshake?.headers.find(([n]) => n === 'OpenAI-Beta')?.[1]).toBe(
      'responses_websockets=2026-02-06',
    );
    expect(handshake?.headerMap['sec-websocket-extensions']).toContain('permessage-deflate');
    expect(server.requests).toHaveLength(0);
  });

  it('declines permessage-deflate with websocketDeflate: false and still answers', async () => {
    const server = await startResponsesServer({
      websocketDeflate: false,
      wsScenario: { responses: [{ events: [responseCreated('resp_1'), completed('resp_1')] }] },
    });
    servers.push(server);
    const client = await connect(server);
    expect(client.upgrade.headers['sec-websocket-extensions']).toBeUndefined();
    expect(client.ws.extensions).toBe('');
    const [handshake] = await server.waitForHandshakes(1, 2000);
    expect(handshake?.headerMap['sec-websocket-extensions']).toContain('permessage-deflate');
    client.create({ model: 'gpt-5.5', input: [] });
    expect((await client.next()).json).toMatchObject({ type: 'response.created' });
    expect((await client.next()).json).toMatchObject({ type: 'response.completed' });
  });

  it('rejects handshakes with the scripted status, headers and body', async () => {
    const server = await start({
      handshakes: [
        { kind: 'reject', status: 426 },
        { kind: 'reject', status: 401, headers: { 'x-error-json': 'e30=' }, body: 'Unauthorized' },
      ],
      responses: [],
    });
    const first = (await connect(server).catch((e: unknown) => e)) as Error & {
      response: IncomingMessage;
      body: string;
    };
    expect(first.response.statusCode).toBe(426);
    expect(JSON.parse(first.body)).toMatchObject({ error: { type: 'server_error' } });
    const second = (await connect(server).catch((e: unknown) => e)) as Error & {
      response: IncomingMessage;
      body: string;
    };
    expect(second.response.statusCode).toBe(401);
    expect(second.response.headers['x-error-json']).toBe('e30=');
    expect(second.body).toBe('Unauthorized');
    // Queue empty: accepted by default.
    await connect(server);
    expect(server.handshakes.map((h) => h.status)).toEqual([426, 401, 101]);

    server.pushHandshakes({ kind: 'reject', status: 500 });
    const third = (await connect(server).catch((e: unknown) => e)) as Error & { response: IncomingMessage };
    expect(third.response.statusCode).toBe(500);
  });

  it('delays acceptance by delayMs', async () => {
    const server = await start({ handshakes: [{ kind: 'accept', delayMs: 80 }], responses: [] });
    const started = Date.now();
    await connect(server);
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
  });

  it('answers response.create with the next step and records frames', async () => {
    const turn = textTurn({ responseId: 'resp_1', text: 'Hi there' });
    const server = await start({ responses: [{ events: turn }] });
    const client = await connect(server);
    client.create({ model: 'gpt-5.5', input: [{ type: 'message', role: 'user', content: [] }] });
    const received = await collectUntilCompleted(client);
    expect(received).toEqual(turn);
    const [frame] = await server.waitForWsFrames(1, 2000);
    expect(frame).toMatchObject({ connection: 0, binary: false });
    expect(frame?.json).toMatchObject({ type: 'response.create', model: 'gpt-5.5' });
    expect(JSON.parse(frame!.text)).toEqual(frame!.json);

    // Non-create and invalid frames are recorded and ignored.
    client.ws.send('not json');
    client.ws.send(JSON.stringify({ type: 'response.append', input: [] }));
    const frames = await server.waitForWsFrames(3, 2000);
    expect(frames[1]?.json).toBeUndefined();
    expect(frames[2]?.json).toEqual({ type: 'response.append', input: [] });

    // Exhausted: a wrapped 500 error frame.
    client.create({});
    expect((await client.next()).json).toMatchObject({
      type: 'error',
      status: 500,
      error: { code: 'scenario_exhausted' },
    });
  });

  it('remembers completed response ids per connection for previous_response_id', async () => {
    const server = await start({
      responses: [
        { events: [responseCreated('resp_1'), completed('resp_1')] },
        { events: [responseCreated('resp_2'), completed('resp_2')] },
        { events: [responseCreated('resp_3'), completed('resp_3')] },
      ],
    });
    const client = await connect(server);
    client.create({});
    await collectUntilCompleted(client);
    client.create({ previous_response_id: 'resp_1' });
    expect((await collectUntilCompleted(client)).at(-1)).toEqual(completed('resp_2'));

    client.create({ previous_response_id: 'resp_unknown' });
    expect((await client.next()).json).toEqual({
      type: 'error',
      status: 400,
      error: {
        type: 'invalid_request_error',
        code: 'previous_response_not_found',
        message: "Previous response with id 'resp_unknown' not found.",
      },
    });

    // Another connection does not know resp_1; the error did not consume a step.
    const other = await connect(server);
    other.create({ previous_response_id: 'resp_1' });
    expect((await other.next()).json).toMatchObject({ error: { code: 'previous_response_not_found' } });
    other.create({});
    expect((await collectUntilCompleted(other)).at(-1)).toEqual(completed('resp_3'));
  });

  it('enforces connectionLimitMs: an old connection gets the limit error and is closed', async () => {
    const server = await start({
      connectionLimitMs: 150,
      responses: [
        { events: [responseCreated('resp_1'), completed('resp_1')] },
        { events: [responseCreated('resp_2'), completed('resp_2')] },
      ],
    });
    const client = await connect(server);
    client.create({});
    expect((await collectUntilCompleted(client)).at(-1)).toEqual(completed('resp_1'));
    await new Promise((r) => setTimeout(r, 200));
    client.create({ previous_response_id: 'resp_1' });
    expect((await client.next()).json).toMatchObject({
      type: 'error',
      status: 400,
      error: { type: 'invalid_request_error', code: 'websocket_connection_limit_reached' },
    });
    expect(await client.closed()).toMatchObject({ code: 1000 });
    // The limit did not consume a step: a fresh connection gets resp_2.
    const fresh = await connect(server);
    fresh.create({});
    expect((await collectUntilCompleted(fresh)).at(-1)).toEqual(completed('resp_2'));
  });

  it('answers generate:false prewarms automatically, from the prewarm queue, or from responses', async () => {
    const server = await start({
      responses: [{ events: [responseCreated('resp_turn'), completed('resp_turn')] }],
    });
    const client = await connect(server);
    client.create({ generate: false });
    const prewarm = await collectUntilCompleted(client);
    expect(prewarm).toEqual([responseCreated('resp_prewarm_1'), completed('resp_prewarm_1')]);
    client.create({ previous_response_id: 'resp_prewarm_1' });
    expect((await collectUntilCompleted(client)).at(-1)).toEqual(completed('resp_turn'));

    server.setWsScenario({
      prewarm: [{ events: [responseCreated('warm_a'), completed('warm_a')] }],
      responses: [{ events: [responseCreated('r_b'), completed('r_b')] }],
    });
    client.create({ generate: false });
    expect((await collectUntilCompleted(client)).at(-1)).toEqual(completed('warm_a'));

    server.setWsScenario({
      autoPrewarm: false,
      responses: [{ events: [responseCreated('r_c'), completed('r_c')] }],
    });
    client.create({ generate: false });
    expect((await collectUntilCompleted(client)).at(-1)).toEqual(completed('r_c'));
  });

  it('repeats the last response step with repeatLast', async () => {
    const server = await start({
      repeatLast: true,
      responses: [{ events: [responseCreated('r'), completed('r')] }],
    });
    const client = await connect(server);
    for (let i = 0; i < 3; i++) {
      client.create({});
      expect((await collectUntilCompleted(client)).at(-1)).toEqual(completed('r'));
    }
  });

  it('sends error frames, raw text and binary frames, and closes after a step', async () => {
    const server = await start({
      responses: [
        {
          errorFrame: {
            status: 429,
            error: { type: 'usage_limit_reached', message: 'The usage limit has been reached' },
            headers: { 'x-codex-primary-used-percent': '100.0' },
          },
        },
        {
          events: [{ raw: '{broken' }, { binary: true, data: 'bin' }, completed('r')],
          closeAfter: { code: 4000, reason: 'bye' },
        },
      ],
    });
    const client = await connect(server);
    client.create({});
    expect((await client.next()).json).toEqual({
      type: 'error',
      status: 429,
      error: { type: 'usage_limit_reached', message: 'The usage limit has been reached' },
      headers: { 'x-codex-primary-used-percent': '100.0' },
    });
    client.create({});
    expect(await client.next()).toEqual({ text: '{broken', binary: false, json: undefined });
    expect(await client.next()).toMatchObject({ text: 'bin', binary: true });
    expect((await client.next()).json).toEqual(completed('r'));
    expect(await client.closed()).toEqual({ code: 4000, reason: 'bye' });
  });

  it('dropAfter destroys the socket without a close frame (1006)', async () => {
    const server = await start({
      responses: [{ events: [responseCreated('r'), outputTextDelta('x'), completed('r')], dropAfter: 2 }],
    });
    const client = await connect(server);
    client.create({});
    expect((await client.next()).json).toEqual(responseCreated('r'));
    expect((await client.next()).json).toEqual(outputTextDelta('x'));
    expect((await client.closed()).code).toBe(1006);
  });

  it('stallAfter sends nothing more until the server closes', async () => {
    const server = await startResponsesServer({
      wsScenario: {
        responses: [{ events: [responseCreated('r'), completed('r')], stallAfter: 1, delayMs: 5 }],
      },
    });
    const client = await connect(server);
    client.create({});
    expect((await client.next()).json).toEqual(responseCreated('r'));
    await expect(client.next(150)).rejects.toThrow(/timed out/);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await client.closed()).code).toBe(1006);
  });

  it('closeAllWebSockets drops (1006) or closes with a code', async () => {
    const server = await start({ responses: [] });
    const a = await connect(server);
    server.closeAllWebSockets();
    expect((await a.closed()).code).toBe(1006);
    const b = await connect(server);
    server.closeAllWebSockets(1001, 'going away');
    expect(await b.closed()).toEqual({ code: 1001, reason: 'going away' });
    expect(server.handshakes.map((h) => h.connection)).toEqual([0, 1]);
  });

  it('answers one response.create at a time per connection', async () => {
    const server = await start({
      responses: [
        { events: [responseCreated('r1'), completed('r1')], delayMs: 20 },
        { events: [responseCreated('r2'), completed('r2')] },
      ],
    });
    const client = await connect(server);
    client.create({});
    client.create({});
    const ids = [];
    for (let i = 0; i < 4; i++)
      ids.push(((await client.next()).json as { response: { id: string } }).response.id);
    expect(ids).toEqual(['r1', 'r1', 'r2', 'r2']);
  });

  it('rejects upgrades on other paths with 404', async () => {
    const server = await start({ responses: [] });
    const err = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.wsUrl}/models`);
      clients.push(ws);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });
    expect(err).toBe(404);
    expect(server.handshakes[0]?.status).toBe(404);
  });

  it('validates WebSocket scenarios', async () => {
    const server = await start();
    expect(() => server.setWsScenario({ responses: [{ nope: 1 }] } as never)).toThrow(
      /wsScenario\.responses\[0\]/,
    );
    expect(() => server.pushHandshakes({ kind: 'reject' } as never)).toThrow(/pushHandshakes\[0\]\.status/);
    expect(() => server.pushWsResponses({ events: [{}] } as never)).toThrow(
      /pushWsResponses\[0\]\.events\[0\]/,
    );
  });
});
