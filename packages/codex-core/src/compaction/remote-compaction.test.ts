// Remote compaction v2 through `Conversation` (`compaction: 'responses_compaction_v2'`), as
// codex-cli 0.169.0 ran it for the built-in `openai` provider (WebSocket) and an Azure one (HTTP):
// recorded against a local server with `model_auto_compact_token_limit = 1000`. Against the
// responses server on 127.0.0.1.
import { collect } from '@codex-ts/client/test';
import type { ResponseItem } from '@codex-ts/protocol';
import {
  completed,
  functionCall,
  outputItemDone,
  reasoningItem,
  responseCreated,
  textTurn,
  usage,
  type WsResponseStep,
} from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { echoTools, harness, THREAD_ID, testConversation } from '../test/index.js';
import { remoteCompactionV2OutputError } from './remote-compaction.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const V2_MID_TURN =
  '"compaction":{"trigger":"auto","reason":"context_limit","implementation":"responses_compaction_v2","phase":"mid_turn","strategy":"memento"}';
const COMPACTION_ITEM = { type: 'compaction', id: 'cmp_1', encrypted_content: 'ENC_COMPACTED' };

const toolCallEvents = (id: string) => [
  responseCreated(id),
  reasoningItem('rs_1', ['**Running a command**']),
  functionCall('call_1', 'exec_command', { cmd: 'echo hi' }, 'fc_1'),
  completed(id, usage({ input: 200_000, output: 100 })),
];
const v2Events = (id: string, items: object[] = [COMPACTION_ITEM]) => [
  responseCreated(id),
  ...items.map((item) => outputItemDone(item)),
  completed(id, usage({ input: 300, output: 50 })),
];
const answerEvents = (id: string) =>
  textTurn({ responseId: id, text: 'hi', usage: usage({ input: 400, output: 5 }) });

type Body = { input: ResponseItem[]; tools: unknown[]; parallel_tool_calls: boolean } & Record<
  string,
  unknown
>;
const kinds = (items: ResponseItem[]) =>
  items.map((i) => (i.type === 'message' ? (i as { role: string }).role : i.type));
const turnMetadata = (body: Body) =>
  (body.client_metadata as Record<string, string>)['x-codex-turn-metadata']!;

describe('remote compaction v2 over HTTP', () => {
  it('sends the turn request plus compaction_trigger, keeps developer+user messages and the compaction item', async () => {
    const h = await harness({
      steps: [
        { kind: 'sse', headers: { 'x-codex-turn-state': 'ts-1' }, events: toolCallEvents('resp_1') },
        { kind: 'sse', events: v2Events('resp_2') },
        { kind: 'sse', events: answerEvents('resp_3') },
      ],
    });
    closers.push(h.close);
    const { conversation } = testConversation(h.client, {
      tools: echoTools(),
      autoCompactTokenLimit: 1_000,
      compaction: 'responses_compaction_v2',
    });
    const events = await collect(conversation.runTurn('run echo'));
    // 0.169.0 left the compaction's usage out of turn.completed (200120 = first + last response).
    expect(events.at(-1)).toMatchObject({
      type: 'turn.completed',
      usage: { inputTokens: 200_400, outputTokens: 105 },
    });
    expect(events.filter((e) => e.type === 'item.completed').map((e) => kinds([e.item]))).toEqual([
      ['reasoning'],
      ['function_call'],
      ['function_call_output'],
      ['assistant'],
    ]);

    const { server } = h;
    expect(server.requests).toHaveLength(3);
    const [first, compaction, continuation] = server.requests.map((r) => r.json as Body);
    // The compaction request: the turn's own request (same tools and fields) + the trigger.
    expect(Object.keys(compaction!)).toEqual(Object.keys(first!));
    expect(compaction!.tools).toEqual(first!.tools);
    expect(compaction!.tools).not.toEqual([]);
    expect(compaction!.parallel_tool_calls).toBe(true);
    expect(kinds(compaction!.input)).toEqual([
      'developer',
      'user',
      'user',
      'reasoning',
      'function_call',
      'function_call_output',
      'compaction_trigger',
    ]);
    expect(compaction!.input.at(-1)).toEqual({ type: 'compaction_trigger' });
    const req = server.requests[1]!;
    expect(req.headerMap['x-codex-turn-state']).toBe('ts-1');
    expect(req.headerMap['x-codex-window-id']).toBe(`${THREAD_ID}:0`);
    expect(req.headerMap['x-codex-turn-metadata']).toContain(`"request_kind":"compaction"`);
    expect(req.headerMap['x-codex-turn-metadata']).toContain(`,${V2_MID_TURN}}`);
    expect(req.headerMap['x-codex-turn-metadata']).not.toContain('"model"');

    // The turn goes on in window 1 with [developer, user, user, compaction item].
    expect(kinds(continuation!.input)).toEqual(['developer', 'user', 'user', 'compaction']);
    expect(continuation!.input.at(-1)).toEqual(COMPACTION_ITEM);
    expect(continuation!.input.slice(0, 3)).toEqual(first!.input);
    expect(server.requests[2]!.headerMap['x-codex-window-id']).toBe(`${THREAD_ID}:1`);
    expect(server.requests[2]!.headerMap['x-codex-turn-state']).toBe('ts-1');
    expect(JSON.parse(turnMetadata(continuation!))).toMatchObject({ request_kind: 'turn', window_number: 1 });
    expect(conversation.history.filter((i) => i.type === 'compaction')).toEqual([COMPACTION_ITEM]);
  });

  it.each([
    [[], 0, 0],
    [[{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'x' }] }], 0, 1],
    [[COMPACTION_ITEM, { ...COMPACTION_ITEM, id: 'cmp_2' }], 2, 2],
  ])('an answer with %j fails the turn without a retry, as 0.169.0', async (items, found, total) => {
    const h = await harness({
      steps: [
        { kind: 'sse', events: toolCallEvents('resp_1') },
        { kind: 'sse', events: v2Events('resp_2', items) },
      ],
      repeatLast: true,
    });
    closers.push(h.close);
    const { conversation } = testConversation(h.client, {
      tools: echoTools(),
      autoCompactTokenLimit: 1_000,
      compaction: 'responses_compaction_v2',
    });
    const events = await collect(conversation.runTurn('run echo'));
    const message = remoteCompactionV2OutputError(found, total);
    expect(message).toBe(
      `Error running remote compact task: Fatal error: remote compaction v2 expected exactly one compaction output item, got ${found} from ${total} output items`,
    );
    expect(events.at(-1)).toMatchObject({ type: 'turn.failed', message });
    expect(events.some((e) => e.type === 'stream_error')).toBe(false);
    expect(h.server.requests).toHaveLength(2);
  });
});

describe('remote compaction v2 over WebSocket', () => {
  it("goes on the turn's socket with previous_response_id, then continues there in full", async () => {
    const h = await harness(
      { steps: [] },
      {
        client: { supportsWebsockets: true },
        ws: {
          responses: [
            { events: toolCallEvents('resp_1') },
            { events: v2Events('resp_2') },
            { events: answerEvents('resp_3') },
          ] satisfies WsResponseStep[],
        },
      },
    );
    closers.push(h.close);
    const { conversation } = testConversation(h.client, {
      tools: echoTools(),
      autoCompactTokenLimit: 1_000,
      compaction: 'responses_compaction_v2',
    });
    expect(await conversation.prewarm()).toBe('ready');
    const events = await collect(conversation.runTurn('run echo'));
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed', usage: { inputTokens: 200_400 } });

    const { server } = h;
    expect(server.requests).toHaveLength(0);
    expect(server.handshakes).toHaveLength(1);
    const frames = server.wsFrames.map((f) => ({ connection: f.connection, body: f.json as Body }));
    expect(frames).toHaveLength(4);
    const [prewarm, turn, compaction, continuation] = frames;
    expect(new Set(frames.map((f) => f.connection)).size).toBe(1);
    // Compaction: incremental on the same socket, only the tool output and the trigger.
    expect(compaction!.body.previous_response_id).toBe('resp_1');
    expect(kinds(compaction!.body.input)).toEqual(['function_call_output', 'compaction_trigger']);
    expect(compaction!.body.tools).toEqual(turn!.body.tools);
    const cm = compaction!.body.client_metadata as Record<string, string>;
    expect(cm['x-codex-turn-metadata']).toContain(`,${V2_MID_TURN}`);
    expect(cm['x-codex-window-id']).toBe(`${THREAD_ID}:0`);
    // Continuation: no previous_response_id, the full compacted input, window 1.
    expect(continuation!.body).not.toHaveProperty('previous_response_id');
    expect(kinds(continuation!.body.input)).toEqual(['developer', 'user', 'user', 'compaction']);
    expect((continuation!.body.client_metadata as Record<string, string>)['x-codex-window-id']).toBe(
      `${THREAD_ID}:1`,
    );
    expect(prewarm!.body.generate).toBe(false);
  });
});
