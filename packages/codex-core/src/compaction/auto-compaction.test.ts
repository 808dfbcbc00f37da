// Automatic mid-turn compaction through `Conversation`, against the responses server on
// 127.0.0.1 over HTTP SSE and WebSocket (observed-cli-0.169-auth §16).
import { collect } from '@codex-ts/client/test';
import type { ResponseItem } from '@codex-ts/protocol';
import {
  completed,
  functionCall,
  reasoningItem,
  responseCreated,
  type Scenario,
  textTurn,
  usage,
  type WsResponseStep,
} from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { echoTools, harness, IDENTITY, THREAD_ID, testConversation } from '../test/index.js';
import type { TurnEvent } from '../turn/events.js';
import { COMPACTION_CHECKPOINT_PROMPT, COMPACTION_SUMMARY_PREFIX } from './prompts.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const COMPACTION_JSON =
  '"compaction":{"trigger":"auto","reason":"context_limit","implementation":"responses","phase":"mid_turn","strategy":"memento"}';
const SUMMARY = 'Ran echo hi; next: report the output.';
const MSG_V7 = /^msg_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The three responses of §16: a tool call over the limit, the summary, the answer. */
const toolCallEvents = (id: string) => [
  responseCreated(id),
  reasoningItem('rs_1', ['**Running a command**']),
  functionCall('call_1', 'exec_command', { cmd: 'echo hi' }, 'fc_1'),
  completed(id, usage({ input: 200_000, output: 100 })),
];
const summaryEvents = (id: string) =>
  textTurn({ responseId: id, text: SUMMARY, usage: usage({ input: 2_000, output: 50 }) });
const answerEvents = (id: string) =>
  textTurn({ responseId: id, text: 'hi', usage: usage({ input: 400, output: 5 }) });

type Body = { input: ResponseItem[]; tools: unknown[]; parallel_tool_calls: boolean } & Record<
  string,
  unknown
>;
const metaOf = (body: Record<string, unknown>) =>
  JSON.parse((body.client_metadata as Record<string, string>)['x-codex-turn-metadata']!) as Record<
    string,
    unknown
  >;
const roles = (items: ResponseItem[]) =>
  items.map((i) => (i.type === 'message' ? `${(i as { role: string }).role}` : i.type));
const textOf = (item: ResponseItem | undefined) =>
  (item as { content: { text: string }[] } | undefined)?.content[0]?.text;
const shownTexts = (events: TurnEvent[]) =>
  events.flatMap((e) =>
    e.type === 'output_text.delta' ? [e.delta] : e.type === 'item.completed' ? [JSON.stringify(e.item)] : [],
  );

async function httpSetup(steps: Scenario['steps'], limit: number | undefined) {
  const h = await harness({ steps });
  closers.push(h.close);
  const { conversation } = testConversation(h.client, { tools: echoTools(), autoCompactTokenLimit: limit });
  return { ...h, conversation };
}

describe('automatic mid-turn compaction over HTTP', () => {
  it('sends the compaction request, hides the summary, continues in window 1 and sums the usage', async () => {
    const { server, conversation, client } = await httpSetup(
      [
        { kind: 'sse', headers: { 'x-codex-turn-state': 'ts-1' }, events: toolCallEvents('resp_1') },
        { kind: 'sse', events: summaryEvents('resp_2') },
        { kind: 'sse', events: answerEvents('resp_3') },
        { kind: 'sse', events: textTurn({ responseId: 'resp_4', text: 'ok', usage: usage({ input: 500 }) }) },
      ],
      1_000,
    );
    const events = await collect(conversation.runTurn('run echo'));
    const end = events.at(-1);
    expect(end?.type).toBe('turn.completed');
    expect(end).toMatchObject({ usage: { inputTokens: 202_400, outputTokens: 155, totalTokens: 202_555 } });
    expect(shownTexts(events).join('')).not.toContain('Ran echo hi');
    expect(server.requests).toHaveLength(3);
    const [first, compaction, continuation] = server.requests.map((r) => r.json as Body);
    // The summary never reaches the caller; the answer does.
    expect(events.filter((e) => e.type === 'item.completed').map((e) => roles([e.item]))).toEqual([
      ['reasoning'],
      ['function_call'],
      ['function_call_output'],
      ['assistant'],
    ]);

    // The compaction request: an ordinary POST /responses, same headers, window 0.
    const req = server.requests[1]!;
    expect(req.path).toBe('/v1/responses');
    expect(Object.keys(compaction!)).toEqual(Object.keys(first!));
    expect(req.headers.map(([n]) => n.toLowerCase())).toEqual(
      server.requests[2]!.headers.map(([n]) => n.toLowerCase()),
    );
    expect(req.headerMap['x-codex-window-id']).toBe(`${THREAD_ID}:0`);
    expect(req.headerMap['x-codex-turn-state']).toBe('ts-1');
    expect(compaction!.tools).toEqual([]);
    expect(compaction!.parallel_tool_calls).toBe(false);
    expect(compaction!.model).toBe('gpt-5.5');
    const history = first!.input;
    expect(compaction!.input.slice(0, history.length)).toEqual(history);
    expect(roles(compaction!.input.slice(history.length))).toEqual([
      'reasoning',
      'function_call',
      'function_call_output',
      'user',
    ]);
    expect(compaction!.input.at(-1)).toEqual({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: COMPACTION_CHECKPOINT_PROMPT }],
    });
    const header = req.headerMap['x-codex-turn-metadata']!;
    expect(header).toContain(`,${COMPACTION_JSON}}`);
    expect(header).toBe((compaction!.client_metadata as Record<string, string>)['x-codex-turn-metadata']);
    const meta = metaOf(compaction!);
    const turnMeta = metaOf(first!);
    expect(meta).toMatchObject({ request_kind: 'compaction', turn_id: turnMeta.turn_id, window_number: 0 });
    expect(meta).not.toHaveProperty('model');
    expect(meta).not.toHaveProperty('reasoning_effort');
    expect(turnMeta).toMatchObject({ model: 'gpt-5.5', reasoning_effort: 'medium' });
    expect(Object.keys(meta)).toEqual([
      ...Object.keys(turnMeta).filter((k) => k !== 'model' && k !== 'reasoning_effort'),
      'compaction',
    ]);

    // The continuation: window 1, a new context window id, the compacted history.
    const next = server.requests[2]!;
    expect(next.headerMap['x-codex-window-id']).toBe(`${THREAD_ID}:1`);
    expect(next.headerMap['x-codex-turn-state']).toBe('ts-1');
    const nextMeta = metaOf(continuation!);
    expect(nextMeta).toMatchObject({
      request_kind: 'turn',
      turn_id: turnMeta.turn_id,
      window_id: `${THREAD_ID}:1`,
      window_number: 1,
    });
    expect(nextMeta.context_window_id).not.toBe(IDENTITY.contextWindowId);
    expect(nextMeta.context_window_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((continuation!.client_metadata as Record<string, string>)['x-codex-window-id']).toBe(
      `${THREAD_ID}:1`,
    );
    expect(continuation!.tools).toHaveLength(1);
    expect(continuation!.parallel_tool_calls).toBe(true);
    expect(roles(continuation!.input)).toEqual(['developer', 'user', 'user', 'user']);
    // As 0.169.0: the base instructions and the prompt keep their ids, the environment context is
    // rebuilt with a new one, the summary has one of its own.
    const [base, env, prompt] = first!.input as { id: string }[];
    expect(continuation!.input.slice(0, 3)).toEqual([
      base,
      { ...env, id: expect.stringMatching(MSG_V7) },
      prompt,
    ]);
    expect((continuation!.input[1] as { id: string }).id).not.toBe(env!.id);
    expect(continuation!.input[3]).toEqual({
      type: 'message',
      id: expect.stringMatching(MSG_V7),
      role: 'user',
      content: [{ type: 'input_text', text: `${COMPACTION_SUMMARY_PREFIX}\n${SUMMARY}` }],
    });
    expect(textOf(continuation!.input[3])).toMatch(/^Another language model started to solve this problem/);

    // The session stays in window 1; the caller's identity object is untouched.
    expect(client.options.identity.windowNumber).toBe(1);
    expect(IDENTITY.windowNumber).toBe(0);

    // The next turn stays in window 1 and goes on from the compacted history.
    expect((await collect(conversation.runTurn('again'))).at(-1)?.type).toBe('turn.completed');
    const fourth = server.requests[3]!;
    expect(fourth.headerMap['x-codex-window-id']).toBe(`${THREAD_ID}:1`);
    const fourthBody = fourth.json as Body;
    expect(metaOf(fourthBody).context_window_id).toBe(nextMeta.context_window_id);
    expect(fourthBody.input.slice(0, 4)).toEqual(continuation!.input);
    expect(roles(fourthBody.input.slice(4))).toEqual(['assistant', 'user']);
    expect(roles(conversation.history)).toEqual([
      'developer',
      'user',
      'user',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
  });

  it('does not compact below the limit, nor when the turn ends with the over-limit response', async () => {
    const below = await httpSetup(
      [
        { kind: 'sse', events: toolCallEvents('resp_1') },
        { kind: 'sse', events: answerEvents('resp_2') },
      ],
      300_000,
    );
    expect((await collect(below.conversation.runTurn('run echo'))).at(-1)?.type).toBe('turn.completed');
    expect(below.server.requests.map((r) => metaOf(r.json as Body).request_kind)).toEqual(['turn', 'turn']);

    const last = await httpSetup(
      [{ kind: 'sse', events: textTurn({ responseId: 'r1', text: 'hi', usage: usage({ input: 200_000 }) }) }],
      1_000,
    );
    expect((await collect(last.conversation.runTurn('hi'))).at(-1)?.type).toBe('turn.completed');
    expect(last.server.requests).toHaveLength(1);
  });

  it('a compacted context is not compacted again by the next turn when the follow-up failed', async () => {
    const { server, conversation } = await httpSetup(
      [
        { kind: 'sse', events: toolCallEvents('resp_1') },
        { kind: 'sse', events: summaryEvents('resp_2') }, // its usage (2 050) is over the limit too
        { kind: 'error', status: 400, body: 'bad request' },
        { kind: 'sse', events: answerEvents('resp_3') },
      ],
      1_000,
    );
    expect((await collect(conversation.runTurn('run echo'))).at(-1)?.type).toBe('turn.failed');
    expect((await collect(conversation.runTurn('again'))).at(-1)?.type).toBe('turn.completed');
    expect(server.requests.map((r) => metaOf(r.json as Body).request_kind)).toEqual([
      'turn',
      'compaction',
      'turn',
      'turn',
    ]);
  });

  it('retries a failed compaction request, then continues', async () => {
    const { server, conversation } = await httpSetup(
      [
        { kind: 'sse', events: toolCallEvents('resp_1') },
        { kind: 'error', status: 500, body: 'oops' },
        { kind: 'sse', events: summaryEvents('resp_2') },
        { kind: 'sse', events: answerEvents('resp_3') },
      ],
      1_000,
    );
    const events = await collect(conversation.runTurn('run echo'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(server.requests.map((r) => metaOf(r.json as Body).request_kind)).toEqual([
      'turn',
      'compaction',
      'compaction',
      'turn',
    ]);
  });
});

describe('automatic mid-turn compaction over WebSocket', () => {
  it('compacts on a new connection with the full input, then continues on the first socket in full', async () => {
    const h = await harness(
      { steps: [] },
      {
        client: { supportsWebsockets: true },
        ws: {
          responses: [
            { events: toolCallEvents('resp_1') },
            { events: summaryEvents('resp_2') },
            { events: answerEvents('resp_3') },
          ] satisfies WsResponseStep[],
        },
      },
    );
    closers.push(h.close);
    const { conversation } = testConversation(h.client, { tools: echoTools(), autoCompactTokenLimit: 1_000 });
    expect(await conversation.prewarm()).toBe('ready');
    const events = await collect(conversation.runTurn('run echo'));
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed', usage: { inputTokens: 202_400 } });
    expect(shownTexts(events).join('')).not.toContain('Ran echo hi');

    const { server } = h;
    expect(server.requests).toHaveLength(0);
    expect(server.handshakes).toHaveLength(2);
    const frames = server.wsFrames.map((f) => ({ connection: f.connection, body: f.json as Body }));
    expect(frames).toHaveLength(4);
    const [prewarm, turn, compaction, continuation] = frames;
    expect(prewarm!.body.generate).toBe(false);
    expect(turn!.connection).toBe(prewarm!.connection);
    expect(turn!.body.previous_response_id).toBeDefined();

    // Compaction: a new connection, no prewarm on it, full input, no previous_response_id.
    expect(compaction!.connection).not.toBe(prewarm!.connection);
    expect(compaction!.body).not.toHaveProperty('previous_response_id');
    expect(compaction!.body).not.toHaveProperty('generate');
    expect(compaction!.body.tools).toEqual([]);
    expect(compaction!.body.parallel_tool_calls).toBe(false);
    expect(roles(compaction!.body.input)).toEqual([
      'developer',
      'user',
      'user',
      'reasoning',
      'function_call',
      'function_call_output',
      'user',
    ]);
    expect(textOf(compaction!.body.input.at(-1))).toBe(COMPACTION_CHECKPOINT_PROMPT);
    const cm = compaction!.body.client_metadata as Record<string, string>;
    expect(cm['x-codex-turn-metadata']).toContain(`,${COMPACTION_JSON}`);
    expect(cm['x-codex-window-id']).toBe(`${THREAD_ID}:0`);
    expect(server.handshakes[1]!.headerMap['x-codex-window-id']).toBe(`${THREAD_ID}:0`);

    // Continuation: back on the first socket, full input, window 1.
    expect(continuation!.connection).toBe(prewarm!.connection);
    expect(continuation!.body).not.toHaveProperty('previous_response_id');
    expect(roles(continuation!.body.input)).toEqual(['developer', 'user', 'user', 'user']);
    expect(textOf(continuation!.body.input[3])).toBe(`${COMPACTION_SUMMARY_PREFIX}\n${SUMMARY}`);
    const meta = metaOf(continuation!.body);
    expect(meta).toMatchObject({ request_kind: 'turn', window_number: 1, window_id: `${THREAD_ID}:1` });
    expect((continuation!.body.client_metadata as Record<string, string>)['x-codex-window-id']).toBe(
      `${THREAD_ID}:1`,
    );
  });
});
