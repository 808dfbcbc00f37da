// The realtime endpoint with a plain `ws` client, and the compact / trace_summarize routes.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { compacted, traceSummaries } from '../scenario/chatgpt.js';
import { ScenarioError } from '../scenario/validate.js';
import { startResponsesServer } from '../server/server.js';

const server = await startResponsesServer();
afterAll(() => server.close());
afterEach(() => {
  server.setRealtimeScenario({ steps: [] });
  server.setChatgptScenario({});
  server.realtimeHandshakes.length = 0;
  server.realtimeFrames.length = 0;
});

interface Received {
  frames: Array<{ text: string; binary: boolean }>;
  close: Promise<number>;
  ws: WebSocket;
}

async function open(): Promise<Received> {
  const ws = new WebSocket(`${server.wsUrl}/realtime?intent=quicksilver`);
  const frames: Received['frames'] = [];
  ws.on('message', (data: Buffer, binary: boolean) => frames.push({ text: data.toString('utf8'), binary }));
  const close = new Promise<number>((resolve) => ws.on('close', (code: number) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { frames, close, ws };
}

describe('realtime endpoint', () => {
  it('answers the step whose `on` matches, then closes; other messages are only recorded', async () => {
    server.setRealtimeScenario({
      steps: [
        {
          on: 'session.update',
          send: [{ type: 'session.updated', session: { id: 's' } }, 'raw', { binary: 'AAEC' }],
          close: { code: 4000, reason: 'bye' },
        },
      ],
    });
    const { frames, close, ws } = await open();
    ws.send(JSON.stringify({ type: 'response.create' }));
    ws.send(JSON.stringify({ type: 'session.update', session: {} }));
    expect(await close).toBe(4000);
    expect(frames).toEqual([
      { text: '{"type":"session.updated","session":{"id":"s"}}', binary: false },
      { text: 'raw', binary: false },
      { text: '\u0000\u0001\u0002', binary: true },
    ]);
    expect(server.realtimeFrames.map((f) => (f.json as { type: string }).type)).toEqual([
      'response.create',
      'session.update',
    ]);
    expect(server.realtimeHandshakes[0]).toMatchObject({
      url: '/v1/realtime?intent=quicksilver',
      status: 101,
    });
    expect(server.handshakes).toHaveLength(0);
  });

  it('rejects upgrades from `rejections` first and validates scenarios', async () => {
    server.setRealtimeScenario({
      rejections: [{ status: 401, body: { error: { message: 'no' } } }],
      steps: [],
    });
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.wsUrl}/realtime`);
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('error', () => {});
    });
    expect(status).toBe(401);
    const { ws } = await open();
    ws.terminate();
    expect(server.realtimeHandshakes.map((h) => h.status)).toEqual([401, 101]);
    expect(() => server.setRealtimeScenario({ steps: [{ send: [] }] } as never)).toThrow(ScenarioError);
    expect(() => server.setRealtimeScenario({ rejections: [{ status: 101 }], steps: [] })).toThrow(
      ScenarioError,
    );
  });
});

describe('compact and trace_summarize routes', () => {
  it('answer their scripted replies and are recorded with their route', async () => {
    server.setChatgptScenario({
      compact: {
        replies: [compacted([{ type: 'compaction', encrypted_content: 'E' }], { 'x-codex-turn-state': 't' })],
      },
      traceSummarize: { replies: [traceSummaries({ traceSummary: 'a', memorySummary: 'b' })] },
    });
    const compact = await fetch(`${server.url}/responses/compact`, { method: 'POST', body: '{}' });
    expect(compact.headers.get('x-codex-turn-state')).toBe('t');
    expect(await compact.json()).toEqual({ output: [{ type: 'compaction', encrypted_content: 'E' }] });
    const memories = await fetch(`${server.url}/memories/trace_summarize`, { method: 'POST', body: '{}' });
    expect(await memories.json()).toEqual({ output: [{ trace_summary: 'a', memory_summary: 'b' }] });
    expect(server.requests.slice(-2).map((r) => r.route)).toEqual(['compact', 'traceSummarize']);
  });
});
