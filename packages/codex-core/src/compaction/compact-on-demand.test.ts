// Pre-turn compaction (0.169.0 on `exec resume` when the thread's last usage was over the limit,
// recorded against a local server), `Conversation.compact()` between turns, and the
// `/responses/compact` implementation. Against the responses server on 127.0.0.1 over HTTP.
import { collect } from '@codex-ts/client/test';
import type { ResponseItem } from '@codex-ts/protocol';
import {
  compacted,
  completed,
  functionCall,
  outputItemDone,
  responseCreated,
  textTurn,
  usage,
} from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { echoTools, harness, THREAD_ID, testConversation } from '../test/index.js';
import type { TurnEvent } from '../turn/events.js';
import { COMPACTION_CHECKPOINT_PROMPT, COMPACTION_SUMMARY_PREFIX } from './prompts.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

type Body = { input: ResponseItem[]; tools: unknown[] } & Record<string, unknown>;
const kinds = (items: ResponseItem[]) =>
  items.map((i) => (i.type === 'message' ? (i as { role: string }).role : i.type));
const textOf = (item: ResponseItem | undefined) =>
  (item as { content: { text: string }[] } | undefined)?.content[0]?.text;
const metaOf = (headers: Record<string, string>) =>
  JSON.parse(headers['x-codex-turn-metadata'] ?? '{}') as Record<string, unknown>;
const big = (id: string, text: string) =>
  ({
    kind: 'sse',
    events: textTurn({ responseId: id, text, usage: usage({ input: 200_000, output: 10 }) }),
  }) as const;
const small = (id: string, text: string) =>
  ({
    kind: 'sse',
    events: textTurn({ responseId: id, text, usage: usage({ input: 120, output: 2 }) }),
  }) as const;
const COMPACTION_ITEM = { type: 'compaction', id: 'cmp_1', encrypted_content: 'ENC_COMPACTED' };

async function setup(
  steps: Parameters<typeof harness>[0]['steps'],
  options: Parameters<typeof testConversation>[1],
) {
  const h = await harness({ steps });
  closers.push(h.close);
  return { ...h, ...testConversation(h.client, options) };
}

describe('pre-turn compaction', () => {
  it('responses: compacts the history without the new prompt after turn.started, then sends the prompt after the summary', async () => {
    const { server, conversation } = await setup(
      [big('resp_1', 'First answer.'), small('resp_2', 'SUMMARY TEXT'), small('resp_3', 'Second answer.')],
      { autoCompactTokenLimit: 1_000 },
    );
    expect((await collect(conversation.runTurn('First.'))).at(-1)?.type).toBe('turn.completed');
    expect(server.requests).toHaveLength(1);
    const events: TurnEvent[] = await collect(conversation.runTurn('Second.'));
    expect(events[0]?.type).toBe('turn.started');
    // The summary is not delivered; the usage sums the compaction and the turn.
    expect(events.filter((e) => e.type === 'item.completed').map((e) => textOf(e.item))).toEqual([
      'Second answer.',
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'turn.completed',
      usage: { inputTokens: 240, outputTokens: 4 },
    });

    const [first, compaction, turn] = server.requests;
    const cBody = compaction!.json as Body;
    expect(cBody.tools).toEqual([]);
    expect(cBody.input.slice(0, 3)).toEqual((first!.json as Body).input);
    expect(kinds(cBody.input)).toEqual(['developer', 'user', 'user', 'assistant', 'user']);
    expect(textOf(cBody.input.at(-1))).toBe(COMPACTION_CHECKPOINT_PROMPT);
    const cMeta = metaOf(compaction!.headerMap);
    expect(cMeta.compaction).toEqual({
      trigger: 'auto',
      reason: 'context_limit',
      implementation: 'responses',
      phase: 'pre_turn',
      strategy: 'memento',
    });
    const tMeta = metaOf(turn!.headerMap);
    expect(cMeta.turn_id).toBe(tMeta.turn_id);
    expect(cMeta.turn_id).not.toBe(metaOf(first!.headerMap).turn_id);
    expect(compaction!.headerMap['x-codex-window-id']).toBe(`${THREAD_ID}:0`);
    expect(turn!.headerMap['x-codex-window-id']).toBe(`${THREAD_ID}:1`);
    const tBody = turn!.json as Body;
    expect(kinds(tBody.input)).toEqual(['developer', 'user', 'user', 'user', 'user']);
    expect(textOf(tBody.input[3])).toBe(`${COMPACTION_SUMMARY_PREFIX}\nSUMMARY TEXT`);
    expect(textOf(tBody.input[4])).toBe('Second.');
  });

  it('responses_compaction_v2: the history without the new prompt plus compaction_trigger, then [..., compaction, prompt]', async () => {
    const v2 = {
      kind: 'sse' as const,
      events: [
        responseCreated('resp_2'),
        outputItemDone(COMPACTION_ITEM),
        completed('resp_2', usage({ input: 300 })),
      ],
    };
    const { server, conversation } = await setup(
      [big('resp_1', 'First answer.'), v2, small('resp_3', 'Second answer.')],
      {
        autoCompactTokenLimit: 1_000,
        compaction: 'responses_compaction_v2',
      },
    );
    await collect(conversation.runTurn('First.'));
    const events = await collect(conversation.runTurn('Second.'));
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed', usage: { inputTokens: 120 } });
    const [, compaction, turn] = server.requests;
    expect(kinds((compaction!.json as Body).input)).toEqual([
      'developer',
      'user',
      'user',
      'assistant',
      'compaction_trigger',
    ]);
    expect(metaOf(compaction!.headerMap).compaction).toMatchObject({
      implementation: 'responses_compaction_v2',
      phase: 'pre_turn',
    });
    expect(kinds((turn!.json as Body).input)).toEqual(['developer', 'user', 'user', 'compaction', 'user']);
    expect(turn!.headerMap['x-codex-window-id']).toBe(`${THREAD_ID}:1`);
  });

  it('contextTokens (a resumed thread) triggers it on the first turn; below the limit nothing happens', async () => {
    const history = [
      {
        type: 'message',
        role: 'developer',
        content: [{ type: 'input_text', text: 'You are a test agent.' }],
      },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'First.' }] },
    ] as ResponseItem[];
    const over = await setup([small('resp_1', 'SUMMARY'), small('resp_2', 'ok')], {
      autoCompactTokenLimit: 1_000,
      history,
      contextTokens: 1_000,
    });
    await collect(over.conversation.runTurn('Second.'));
    expect(over.server.requests.map((r) => metaOf(r.headerMap).request_kind)).toEqual(['compaction', 'turn']);

    const under = await setup([small('resp_1', 'ok')], {
      autoCompactTokenLimit: 1_000,
      history,
      contextTokens: 999,
    });
    await collect(under.conversation.runTurn('Second.'));
    expect(under.server.requests.map((r) => metaOf(r.headerMap).request_kind)).toEqual(['turn']);
  });
});

describe('Conversation.compact()', () => {
  it('responses: a standalone manual compaction with its own turn id; the next turn goes on from the summary without compacting again', async () => {
    const { server, conversation } = await setup(
      [big('resp_1', 'First answer.'), small('resp_2', 'SUMMARY TEXT'), small('resp_3', 'Second answer.')],
      { autoCompactTokenLimit: 1_000 },
    );
    await collect(conversation.runTurn('First.'));
    const result = await conversation.compact();
    expect(result).toMatchObject({ compacted: true, implementation: 'responses', summary: 'SUMMARY TEXT' });
    expect(result.usage).toMatchObject({ inputTokens: 120 });
    expect(kinds(conversation.history)).toEqual(['developer', 'user', 'user', 'user']);

    const events = await collect(conversation.runTurn('Second.'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    const [first, compaction, turn] = server.requests;
    expect(server.requests).toHaveLength(3);
    const cMeta = metaOf(compaction!.headerMap);
    expect(cMeta).toMatchObject({
      request_kind: 'compaction',
      compaction: {
        trigger: 'manual',
        reason: 'user_requested',
        implementation: 'responses',
        phase: 'standalone_turn',
        strategy: 'memento',
      },
    });
    expect(cMeta.turn_id).not.toBe(metaOf(first!.headerMap).turn_id);
    expect(cMeta.turn_id).not.toBe(metaOf(turn!.headerMap).turn_id);
    expect(textOf((compaction!.json as Body).input.at(-1))).toBe(COMPACTION_CHECKPOINT_PROMPT);
    expect(metaOf(turn!.headerMap)).toMatchObject({ request_kind: 'turn', window_number: 1 });
    expect(kinds((turn!.json as Body).input)).toEqual(['developer', 'user', 'user', 'user', 'user']);
  });

  it('responses_compact: POST /responses/compact with the turn headers; its output replaces all but the developer messages', async () => {
    const { server, conversation, client } = await setup(
      [small('resp_1', 'First answer.'), small('resp_2', 'ok')],
      {},
    );
    server.setChatgptRoute('compact', {
      replies: [
        compacted([
          { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'dropped' }] },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'First.' }] },
          COMPACTION_ITEM,
        ]),
      ],
    });
    await collect(conversation.runTurn('First.'));
    const before = conversation.history;
    const result = await conversation.compact({ implementation: 'responses_compact' });
    expect(result).toEqual({
      compacted: true,
      implementation: 'responses_compact',
      summary: undefined,
      usage: undefined,
    });

    const request = server.requests[1]!;
    expect(request.path).toBe('/v1/responses/compact');
    expect(request.headerMap.accept).toBeUndefined();
    expect(request.headerMap['x-codex-window-id']).toBe(`${THREAD_ID}:0`);
    expect(request.headerMap['session-id']).toBe(THREAD_ID);
    expect(request.headerMap['x-codex-beta-features']).toBe('remote_compaction_v2');
    expect(metaOf(request.headerMap).compaction).toMatchObject({
      trigger: 'manual',
      implementation: 'responses_compact',
      phase: 'standalone_turn',
    });
    const body = request.json as Body;
    expect(Object.keys(body)).toEqual([
      'model',
      'input',
      'tools',
      'parallel_tool_calls',
      'reasoning',
      'prompt_cache_key',
      'text',
    ]);
    expect(body.input).toEqual(JSON.parse(JSON.stringify(before)));
    expect(body).toMatchObject({
      model: 'gpt-5.5',
      reasoning: { effort: 'medium' },
      text: { verbosity: 'low' },
    });

    expect(kinds(conversation.history)).toEqual(['developer', 'user', 'compaction']);
    expect(conversation.history[0]).toEqual(before[0]);
    await collect(conversation.runTurn('Second.'));
    expect(server.requests[2]!.headerMap['x-codex-window-id']).toBe(`${THREAD_ID}:1`);
    expect(kinds((server.requests[2]!.json as Body).input)).toEqual([
      'developer',
      'user',
      'compaction',
      'user',
    ]);
    expect(client.options.identity.windowNumber).toBe(1);
  });

  it('retries a retryable failure; an empty conversation sends nothing', async () => {
    const { server, conversation, delays } = await setup(
      [small('resp_1', 'First answer.'), { kind: 'error', status: 500 }, small('resp_2', 'SUMMARY')],
      {},
    );
    expect(await conversation.compact()).toMatchObject({ compacted: false });
    expect(server.requests).toHaveLength(0);
    await collect(conversation.runTurn('First.'));
    expect(await conversation.compact()).toMatchObject({ compacted: true, summary: 'SUMMARY' });
    expect(server.requests).toHaveLength(3);
    expect(delays).toHaveLength(1);
  });

  it('a non-retryable failure rejects and leaves the history as it was', async () => {
    const { conversation } = await setup(
      [small('resp_1', 'First answer.'), { kind: 'error', status: 400, body: { error: { message: 'bad' } } }],
      {},
    );
    await collect(conversation.runTurn('First.'));
    const before = conversation.history;
    await expect(conversation.compact()).rejects.toMatchObject({ code: 'invalid_request' });
    expect(conversation.history).toEqual(before);
  });
});

describe('responses_compact mid-turn', () => {
  it("compacts through /responses/compact before the follow-up and latches the answer's turn state", async () => {
    const { server, conversation } = await setup(
      [
        {
          kind: 'sse',
          events: [
            responseCreated('resp_1'),
            functionCall('call_1', 'exec_command', {}, 'fc_1'),
            completed('resp_1', usage({ input: 200_000 })),
          ],
        },
        small('resp_2', 'Done.'),
      ],
      { autoCompactTokenLimit: 1_000, compaction: 'responses_compact', tools: echoTools() },
    );
    server.setChatgptRoute('compact', {
      replies: [compacted([COMPACTION_ITEM], { 'x-codex-turn-state': 'ts-compact' })],
    });
    const events = await collect(conversation.runTurn('run echo'));
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed', usage: { inputTokens: 200_120 } });
    expect(server.requests.map((r) => r.path)).toEqual([
      '/v1/responses',
      '/v1/responses/compact',
      '/v1/responses',
    ]);
    const [first, compact, continuation] = server.requests;
    expect(compact!.headerMap['x-codex-turn-state']).toBeUndefined();
    expect(metaOf(compact!.headerMap)).toMatchObject({
      turn_id: metaOf(first!.headerMap).turn_id,
      compaction: { trigger: 'auto', implementation: 'responses_compact', phase: 'mid_turn' },
    });
    expect((compact!.json as Body).tools).toEqual((first!.json as Body).tools);
    expect(kinds((compact!.json as Body).input)).toEqual([
      'developer',
      'user',
      'user',
      'function_call',
      'function_call_output',
    ]);
    expect(continuation!.headerMap['x-codex-turn-state']).toBe('ts-compact');
    expect(continuation!.headerMap['x-codex-window-id']).toBe(`${THREAD_ID}:1`);
    expect(kinds((continuation!.json as Body).input)).toEqual(['developer', 'compaction']);
  });
});

describe('fallback model metadata', () => {
  it('yields the warning before turn.started of every turn', async () => {
    const { conversation } = await setup([small('resp_1', 'a'), small('resp_2', 'b')], {
      model: 'some-unknown-model',
      fallbackModelMetadata: true,
    });
    const warning = {
      type: 'warning',
      message:
        'Model metadata for `some-unknown-model` not found. Defaulting to fallback metadata; this can degrade performance and cause issues.',
    };
    for (const prompt of ['one', 'two']) {
      const events = await collect(conversation.runTurn(prompt));
      expect(events.slice(0, 2).map((e) => e.type)).toEqual(['warning', 'turn.started']);
      expect(events[0]).toEqual(warning);
      expect(events.filter((e) => e.type === 'warning')).toHaveLength(1);
    }
  });
});
