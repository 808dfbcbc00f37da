// A Conversation against the ChatGPT Codex backend (`ModelClientOptions.chatgpt`) on the local
// responses server over 127.0.0.1: headers in 0.169.0's order on HTTP and on the WebSocket upgrade,
// the routing override read per request, and the ChatGPT-mode body (observed-cli-0.169-auth §5, §6).
import type { AuthProvider } from '@codex-ts/api';
import { CHATGPT_HTTP_HEADER_ORDER, CHATGPT_WS_HANDSHAKE_HEADER_ORDER } from '@codex-ts/api/test';
import { collect } from '@codex-ts/client/test';
import type { ResponseItem } from '@codex-ts/protocol';
import { textTurn, type WsResponseStep } from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, THREAD_ID, testConversation } from '../test/index.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** A ChatGPT-login AuthProvider as `@codex-ts/login` builds it: bearer token, then the account. */
const chatgptAuth: AuthProvider = {
  authHeaders: async () => ({ authorization: 'Bearer at-fake-1', 'chatgpt-account-id': 'acct-fake-0000' }),
};

const sse = (id: string) => ({ kind: 'sse', events: textTurn({ responseId: id, text: 'Hi.' }) }) as const;
const wsText = (id: string): WsResponseStep => ({ events: textTurn({ responseId: id, text: 'Hi.' }) });
const WIRE_ONLY = new Set(['host', 'connection', 'content-length']);
const names = (headers: [string, string][]) =>
  headers.map(([name]) => name.toLowerCase()).filter((name) => !WIRE_ONLY.has(name));
const passthroughOf = (item: ResponseItem) =>
  (item as { internal_chat_message_metadata_passthrough?: Record<string, unknown> })
    .internal_chat_message_metadata_passthrough;

async function setup(override: { value: string | undefined }, ws?: WsResponseStep[]) {
  const h = await harness(
    { steps: [sse('resp_1'), sse('resp_2')] },
    {
      provider: { headers: { version: '0.1.0' } },
      client: {
        auth: chatgptAuth,
        mcpAttribution: true,
        chatgpt: { routingOverride: () => override.value },
        ...(ws ? { supportsWebsockets: true } : {}),
      },
      ...(ws ? { ws: { responses: ws } } : {}),
    },
  );
  closers.push(h.close);
  const times = [1788214171.128268, 1788214171.5, 1788214172.25, 1788214173.75];
  const { conversation } = testConversation(h.client, { clock: () => times.shift() ?? 0 });
  return { ...h, conversation };
}

describe('Conversation with the ChatGPT Codex backend', () => {
  it('sends the HTTP headers in 0.169.0 order and reads the routing override per request', async () => {
    const override: { value: string | undefined } = { value: 'us' };
    const { server, conversation } = await setup(override);
    expect((await collect(conversation.runTurn('Say hello.'))).at(-1)?.type).toBe('turn.completed');
    override.value = undefined;
    expect((await collect(conversation.runTurn('Again.'))).at(-1)?.type).toBe('turn.completed');

    const [first, second] = server.requests;
    // content-encoding is the api layer's zstd body (not enabled by this client).
    expect(names(first!.headers)).toEqual(CHATGPT_HTTP_HEADER_ORDER.filter((n) => n !== 'content-encoding'));
    expect(first!.headerMap).toMatchObject({
      version: '0.1.0',
      'x-openai-account-routing-override': 'us',
      'x-codex-routing-hint': 'model=gpt-5.5',
      'x-client-request-id': THREAD_ID,
      authorization: 'Bearer at-fake-1',
      'chatgpt-account-id': 'acct-fake-0000',
      originator: 'codex_exec',
    });
    expect(names(second!.headers)).toEqual(
      CHATGPT_HTTP_HEADER_ORDER.filter(
        (n) => n !== 'content-encoding' && n !== 'x-openai-account-routing-override',
      ),
    );
  });

  it('adds guardian_credits_requested and stamps every message once with its passthrough metadata', async () => {
    const { server, conversation } = await setup({ value: 'NO_CONSTRAINT' });
    await collect(conversation.runTurn('Say hello.'));
    await collect(conversation.runTurn('Again.'));
    const [first, second] = server.requests.map((r) => r.json as Record<string, unknown>);
    expect(server.requests[0]!.headerMap).not.toHaveProperty('x-openai-account-routing-override');
    const cm = first!.client_metadata as Record<string, string>;
    expect(cm.guardian_credits_requested).toBe('true');
    expect(cm.mcp_attribution).toBe('{"status":"none"}');

    const turnIds = [first, second].map(
      (b) => (b!.client_metadata as Record<string, string>).turn_id as string,
    );
    const input1 = first!.input as ResponseItem[];
    expect(input1.map(passthroughOf)).toEqual([
      { content_item_kinds: ['model.base_instructions'] },
      {
        turn_id: turnIds[0],
        create_time: 1788214171.128268,
        content_item_kinds: ['environments.environment_context'],
      },
      { turn_id: turnIds[0], create_time: 1788214171.5, content_item_kinds: ['user.text'] },
    ]);
    // Key order as observed: turn_id, create_time, content_item_kinds.
    expect(Object.keys(passthroughOf(input1[1]!)!)).toEqual(['turn_id', 'create_time', 'content_item_kinds']);
    // The next turn resends the earlier messages with the same metadata; the new prompt gets its own.
    const input2 = second!.input as ResponseItem[];
    expect(input2.slice(0, 3).map(passthroughOf)).toEqual(input1.map(passthroughOf));
    expect(passthroughOf(input2.at(-1)!)).toEqual({
      turn_id: turnIds[1],
      create_time: 1788214172.25,
      content_item_kinds: ['user.text'],
    });
  });

  it('sends the WebSocket upgrade in 0.169.0 order and the ChatGPT body on frames', async () => {
    const { server, conversation } = await setup({ value: 'us_cr' }, [wsText('resp_1')]);
    expect(await conversation.prewarm()).toBe('ready');
    expect((await collect(conversation.runTurn('Say hello.'))).at(-1)?.type).toBe('turn.completed');
    expect(server.requests).toHaveLength(0);
    const [hs] = server.handshakes;
    expect(hs!.headers.map(([n]) => n.toLowerCase()).slice(5)).toEqual([
      ...CHATGPT_WS_HANDSHAKE_HEADER_ORDER,
      'sec-websocket-extensions',
    ]);
    expect(hs!.headerMap).toMatchObject({
      'x-openai-account-routing-override': 'us_cr',
      'x-codex-routing-hint': 'model=gpt-5.5',
      'chatgpt-account-id': 'acct-fake-0000',
    });
    const [prewarm, turn] = server.wsFrames.map((f) => f.json as Record<string, unknown>);
    expect((prewarm!.input as ResponseItem[]).map(passthroughOf)).toEqual([
      { content_item_kinds: ['model.base_instructions'] },
    ]);
    expect((prewarm!.client_metadata as Record<string, string>).guardian_credits_requested).toBe('true');
    expect((turn!.client_metadata as Record<string, string>).guardian_credits_requested).toBe('true');
    expect((turn!.input as ResponseItem[]).map((i) => passthroughOf(i)?.content_item_kinds)).toEqual([
      ['environments.environment_context'],
      ['user.text'],
    ]);
  });

  it('opens a new socket when the routing override changes between turns', async () => {
    const override: { value: string | undefined } = { value: undefined };
    const { server, conversation } = await setup(override, [wsText('resp_1'), wsText('resp_2')]);
    await collect(conversation.runTurn('Say hello.'));
    override.value = 'us';
    await collect(conversation.runTurn('Again.'));
    expect(server.handshakes).toHaveLength(2);
    expect(server.handshakes[0]!.headerMap).not.toHaveProperty('x-openai-account-routing-override');
    expect(server.handshakes[1]!.headerMap['x-openai-account-routing-override']).toBe('us');
  });
});
