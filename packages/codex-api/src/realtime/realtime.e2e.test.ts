// The realtime WebSocket end to end against the responses server's realtime endpoint, like the
// original's `realtime_websocket_e2e.rs`: session.update on connect, the event flow, unknown events
// ignored, a single disconnect; plus handshake errors, auth recovery, abort and TLS.
import { startResponsesServer } from '@codex-ts/responses-server';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type AuthProvider, staticBearerAuth } from '../auth/auth-provider.js';
import { apiRejection, testProvider } from '../test/index.js';
import { RealtimeWebsocketClient, type RealtimeWebsocketClientOptions } from './client.js';
import type { RealtimeConnection } from './connection.js';
import type { RealtimeEvent } from './events.js';

const server = await startResponsesServer();
const open: RealtimeConnection[] = [];
/**
 * Waits (bounded) until the session.update of every accepted connection reached the server, so a
 * late frame of one test cannot trigger a step of the next (steps are shared by connections).
 */
async function settleFrames(): Promise<void> {
  const accepted = server.realtimeHandshakes.filter((h) => h.status === 101).map((h) => h.connection);
  for (let i = 0; i < 200; i++) {
    const seen = new Set(server.realtimeFrames.map((f) => f.connection));
    if (accepted.every((id) => seen.has(id))) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

afterEach(async () => {
  await settleFrames();
  for (const connection of open.splice(0)) await connection.close();
  server.setRealtimeScenario({ steps: [] });
  server.realtimeHandshakes.length = 0;
  server.realtimeFrames.length = 0;
});
afterAll(() => server.close());

function client(overrides: Partial<RealtimeWebsocketClientOptions> = {}): RealtimeWebsocketClient {
  return new RealtimeWebsocketClient({
    provider: testProvider(server.url),
    auth: staticBearerAuth('sk-realtime-secret'),
    ...overrides,
  });
}

async function connect(
  config: Parameters<RealtimeWebsocketClient['connect']>[0] = { instructions: 'backend prompt' },
  options: Parameters<RealtimeWebsocketClient['connect']>[1] = {},
  c: RealtimeWebsocketClient = client(),
): Promise<RealtimeConnection> {
  const connection = await c.connect(config, options);
  open.push(connection);
  return connection;
}

async function next(connection: RealtimeConnection): Promise<RealtimeEvent | undefined> {
  return connection.nextEvent();
}

describe('realtime websocket e2e (v1)', () => {
  it('sends session.update on connect, then events flow both ways; unknown events are ignored', async () => {
    server.setRealtimeScenario({
      steps: [
        {
          on: 'session.update',
          send: [
            { type: 'response.something_new', response: { id: 'resp_unknown' } },
            'not json',
            { type: 'session.updated', session: { id: 'sess_mock', instructions: 'backend prompt' } },
          ],
        },
        {
          on: 'input_audio_buffer.append',
          send: [
            { type: 'conversation.output_audio.delta', delta: 'AQID', sample_rate: 48000, channels: 1 },
            { type: 'conversation.input_transcript.delta', delta: 'delegate ' },
            { type: 'conversation.input_transcript.delta', delta: 'this' },
            { type: 'conversation.output_transcript.delta', delta: 'on it' },
            {
              type: 'conversation.handoff.requested',
              handoff_id: 'handoff_1',
              item_id: 'item_1',
              input_transcript: 'delegate this',
            },
          ],
        },
      ],
    });
    const connection = await connect(
      { instructions: 'backend prompt', sessionId: 'conv_123', model: 'gpt-realtime' },
      { extraHeaders: { originator: 'codex_exec' } },
    );
    expect(await next(connection)).toEqual({
      type: 'sessionUpdated',
      realtimeSessionId: 'sess_mock',
      instructions: 'backend prompt',
    });
    const [handshake] = server.realtimeHandshakes;
    expect(handshake?.url).toBe('/v1/realtime?intent=quicksilver&model=gpt-realtime');
    expect(handshake?.headerMap['x-session-id']).toBe('conv_123');
    expect(handshake?.headerMap.authorization).toBe('Bearer sk-realtime-secret');
    expect(handshake?.headerMap.originator).toBe('codex_exec');
    expect(handshake?.headerMap['sec-websocket-extensions']).toBeUndefined();
    expect(server.realtimeFrames[0]?.json).toEqual({
      type: 'session.update',
      session: {
        type: 'quicksilver',
        instructions: 'backend prompt',
        audio: { input: { format: { type: 'audio/pcm', rate: 24000 } }, output: { voice: 'cove' } },
      },
    });

    await connection.sendAudioFrame({ data: 'AQID' });
    const events: RealtimeEvent[] = [];
    for await (const event of connection) {
      events.push(event);
      if (event.type === 'handoffRequested') break;
    }
    expect(events).toEqual([
      {
        type: 'audioOut',
        frame: {
          data: 'AQID',
          sampleRate: 48000,
          numChannels: 1,
          samplesPerChannel: undefined,
          itemId: undefined,
        },
      },
      { type: 'inputTranscriptDelta', delta: 'delegate ' },
      { type: 'inputTranscriptDelta', delta: 'this' },
      { type: 'outputTranscriptDelta', delta: 'on it' },
      {
        type: 'handoffRequested',
        handoffId: 'handoff_1',
        itemId: 'item_1',
        inputTranscript: 'delegate this',
        activeTranscript: [
          { role: 'user', text: 'delegate this' },
          { role: 'assistant', text: 'on it' },
        ],
      },
    ]);

    await connection.sendHandoffOutput('handoff_1', 'done');
    await connection.sendSessionUpdate({ instructions: 'new prompt' });
    await connection.sendText('hello');
    await connection.sendResponseCreate();
    const frames = await server.waitForRealtimeFrames(6);
    expect(frames.slice(1).map((f) => f.json)).toEqual([
      { type: 'input_audio_buffer.append', audio: 'AQID' },
      {
        type: 'conversation.handoff.append',
        handoff_id: 'handoff_1',
        output_text: '"Agent Final Message":\n\ndone',
      },
      {
        type: 'session.update',
        session: {
          type: 'quicksilver',
          instructions: 'new prompt',
          audio: { input: { format: { type: 'audio/pcm', rate: 24000 } }, output: { voice: 'cove' } },
        },
      },
      {
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
      },
      { type: 'response.create' },
    ]);
  });

  it('lets a send complete while a read waits', async () => {
    server.setRealtimeScenario({
      steps: [
        { on: 'session.update' },
        {
          on: 'input_audio_buffer.append',
          send: [{ type: 'session.updated', session: { id: 'sess_after_send' } }],
        },
      ],
    });
    const connection = await connect();
    const pending = next(connection);
    await connection.sendAudioFrame({ data: 'AQID' });
    expect(await pending).toEqual({
      type: 'sessionUpdated',
      realtimeSessionId: 'sess_after_send',
      instructions: undefined,
    });
  });

  it('reports a disconnect once: every later read is the end and sends fail', async () => {
    server.setRealtimeScenario({
      steps: [
        {
          on: 'session.update',
          send: [{ type: 'session.updated', session: { id: 'sess_1' } }],
          close: { code: 1000 },
        },
      ],
    });
    const connection = await connect();
    expect((await next(connection))?.type).toBe('sessionUpdated');
    expect(await next(connection)).toBeUndefined();
    expect(await next(connection)).toBeUndefined();
    expect(connection.closed).toBe(true);
    const error = await apiRejection(connection.sendAudioFrame({ data: 'AQID' }));
    expect([error.code, error.message]).toEqual(['stream', 'realtime websocket connection is closed']);
  });

  it('ends the events when the server drops the socket without a close frame', async () => {
    server.setRealtimeScenario({ steps: [{ on: 'session.update', close: 'drop' }] });
    const connection = await connect();
    const events: RealtimeEvent[] = [];
    for await (const event of connection) events.push(event);
    expect(events).toEqual([]);
    expect(await next(connection)).toBeUndefined();
  });

  it('yields an error event for a binary frame and keeps reading; `error` events carry their message', async () => {
    server.setRealtimeScenario({
      steps: [
        {
          on: 'session.update',
          send: [
            { binary: 'AAEC' },
            { type: 'error', error: { message: 'bad audio' } },
            { type: 'session.updated', session: { id: 's' } },
          ],
        },
      ],
    });
    const connection = await connect();
    expect(await next(connection)).toEqual({
      type: 'error',
      message: 'unexpected binary realtime websocket event',
    });
    expect(await next(connection)).toEqual({ type: 'error', message: 'bad audio' });
    expect((await next(connection))?.type).toBe('sessionUpdated');
  });

  it('close() ends the events at once and sends a close frame', async () => {
    server.setRealtimeScenario({
      steps: [{ on: 'session.update', send: [{ type: 'session.updated', session: { id: 's' } }] }],
    });
    const connection = await connect();
    const pending = next(connection);
    await connection.close();
    await connection.close();
    // The event may or may not have arrived before close(); after close() reads end.
    await pending;
    expect(await next(connection)).toBeUndefined();
    expect(await apiRejection(connection.sendText('late'))).toMatchObject({ code: 'stream' });
  });

  it('an abort after connect ends the session with `aborted`', async () => {
    server.setRealtimeScenario({ steps: [{ on: 'session.update' }] });
    const controller = new AbortController();
    const connection = await connect({ instructions: 'p' }, { signal: controller.signal });
    const pending = next(connection);
    controller.abort();
    expect((await apiRejection(pending)).code).toBe('aborted');
    expect(await next(connection)).toBeUndefined();
  });
});

describe('realtime websocket e2e (v2)', () => {
  it('maps v2 events: audio defaults, response ids, background_agent handoff, remain_silent', async () => {
    server.setRealtimeScenario({
      steps: [
        {
          on: 'session.update',
          send: [
            { type: 'session.updated', session: { id: 'sess_v2' } },
            { type: 'input_audio_buffer.speech_started', item_id: 'item_in' },
            { type: 'response.created', response: { id: 'resp_1' } },
            { type: 'response.output_audio.delta', delta: 'AQID', item_id: 'item_out' },
            { type: 'response.output_text.done', text: 'full text' },
            {
              type: 'conversation.item.done',
              item: {
                type: 'function_call',
                name: 'background_agent',
                call_id: 'call_1',
                id: 'item_fc',
                arguments: '{"prompt":"  fix the bug  "}',
              },
            },
            {
              type: 'conversation.item.done',
              item: { type: 'function_call', name: 'remain_silent', call_id: 'call_2', id: 'item_s' },
            },
            { type: 'conversation.item.done', item: { type: 'message', id: 'item_m' } },
            { type: 'response.done', response_id: 'resp_1' },
          ],
        },
      ],
    });
    const connection = await connect({ instructions: 'v2 prompt', version: 'v2' });
    const events: RealtimeEvent[] = [];
    for await (const event of connection) {
      events.push(event);
      if (event.type === 'responseDone') break;
    }
    expect(events).toEqual([
      { type: 'sessionUpdated', realtimeSessionId: 'sess_v2', instructions: undefined },
      { type: 'inputAudioSpeechStarted', itemId: 'item_in' },
      { type: 'responseCreated', responseId: 'resp_1' },
      {
        type: 'audioOut',
        frame: {
          data: 'AQID',
          sampleRate: 24000,
          numChannels: 1,
          samplesPerChannel: undefined,
          itemId: 'item_out',
        },
      },
      { type: 'outputTranscriptDone', text: 'full text' },
      {
        type: 'handoffRequested',
        handoffId: 'call_1',
        itemId: 'item_fc',
        inputTranscript: 'fix the bug',
        activeTranscript: [],
      },
      { type: 'noopRequested', callId: 'call_2', itemId: 'item_s' },
      { type: 'conversationItemDone', itemId: 'item_m' },
      { type: 'responseDone', responseId: 'resp_1' },
    ]);
    expect(server.realtimeHandshakes[0]?.url).toBe('/v1/realtime');
    const session = (server.realtimeFrames[0]?.json as { session: Record<string, unknown> } | undefined)
      ?.session as Record<string, unknown>;
    expect(session.type).toBe('realtime');
    expect(session.instructions).toBe('v2 prompt');
    expect((session.tools as Array<{ name: string }>).map((t) => t.name)).toEqual([
      'background_agent',
      'remain_silent',
    ]);
    await connection.sendHandoffOutput('call_1', 'fixed');
    const frames = await server.waitForRealtimeFrames(2);
    expect(frames[1]?.json).toEqual({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_1', output: 'fixed' },
    });
  });
});

describe('realtime handshake', () => {
  it('a rejected upgrade is `realtime websocket handshake failed` with its status; the key never shows', async () => {
    server.setRealtimeScenario({
      rejections: [{ status: 403, body: { error: { message: 'no access for sk-realtime-secret' } } }],
      steps: [],
    });
    const error = await apiRejection(client().connect({ instructions: 'p' }));
    expect([error.code, error.message, error.status]).toEqual([
      'unexpected_status',
      'realtime websocket handshake failed',
      403,
    ]);
    expect(error.body).not.toContain('sk-realtime-secret');
    expect(error.body).toContain('***');
  });

  it('runs the unauthorized recovery after a 401 upgrade and connects with fresh credentials', async () => {
    let token = 'old';
    const auth: AuthProvider = {
      authHeaders: async () => ({ authorization: `Bearer ${token}` }),
      unauthorizedRecovery: () => {
        let left = 1;
        return {
          mode: 'managed',
          hasNext: () => left > 0,
          next: async () => {
            left--;
            token = 'new';
            return { step: 'refresh_token', authChanged: true, refreshed: true };
          },
        };
      },
    };
    server.setRealtimeScenario({ rejections: [{ status: 401 }], steps: [] });
    await connect({ instructions: 'p' }, {}, client({ auth }));
    expect(server.realtimeHandshakes.map((h) => [h.status, h.headerMap.authorization])).toEqual([
      [401, 'Bearer old'],
      [101, 'Bearer new'],
    ]);
  });

  it('maps a refused connection, an unsupported scheme and an aborted signal', async () => {
    const refused = await apiRejection(
      client({ provider: testProvider('http://127.0.0.1:1/v1') }).connect({ instructions: 'p' }),
    );
    expect(refused.code).toBe('connection_failed');
    const scheme = await apiRejection(
      client({ provider: testProvider('ftp://127.0.0.1/v1') }).connect({ instructions: 'p' }),
    );
    expect([scheme.code, scheme.message]).toEqual([
      'stream',
      'failed to build realtime websocket url: unsupported realtime api_url scheme: ftp',
    ]);
    const aborted = await apiRejection(
      client().connect({ instructions: 'p' }, { signal: AbortSignal.abort() }),
    );
    expect(aborted.code).toBe('aborted');
  });

  it('connects over wss with the `ca` option', async () => {
    const tls = await startResponsesServer({ tls: true });
    try {
      tls.setRealtimeScenario({
        steps: [{ on: 'session.update', send: [{ type: 'session.updated', session: { id: 'tls' } }] }],
      });
      const untrusted = await apiRejection(
        client({ provider: testProvider(tls.url) }).connect({ instructions: 'p' }),
      );
      expect(untrusted.code).toBe('connection_failed');
      const connection = await connect(
        { instructions: 'p' },
        {},
        client({ provider: testProvider(tls.url), ca: tls.caCert as string }),
      );
      expect(await next(connection)).toMatchObject({ type: 'sessionUpdated', realtimeSessionId: 'tls' });
      expect(tls.realtimeHandshakes.map((h) => h.status)).toEqual([101]);
      await connection.close();
    } finally {
      await tls.close();
    }
  });
});
