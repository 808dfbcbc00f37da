// Telemetry wired through ModelClient / runTurn into a real SessionTelemetry with an in-memory
// OpenTelemetry SDK, against the responses server on 127.0.0.1.
import type { Provider } from '@codex-ts/api';
import { collect } from '@codex-ts/client/test';
import { TelemetryMetricNames as M } from '@codex-ts/otel';
import { enableAsyncContext, type InMemoryOtel, inMemoryOtel } from '@codex-ts/otel/test';
import { functionCallOutput } from '@codex-ts/protocol';
import {
  completed,
  functionCall,
  openAiError,
  responseCreated,
  type Scenario,
  textTurn,
  type WsResponseStep,
  type WsScenario,
} from '@codex-ts/responses-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { harness, recordingSleep, THREAD_ID, testTelemetry } from '../test/index.js';
import type { ToolHandler } from '../tools/tool-handler.js';
import type { TurnEvent } from '../turn/events.js';
import { Conversation } from './conversation.js';

let disableContext: () => void;
beforeAll(() => {
  disableContext = enableAsyncContext();
});
afterAll(() => disableContext());

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function setup(opts: {
  http?: Scenario['steps'];
  ws?: WsScenario;
  streamMaxRetries?: number;
  provider?: Partial<Provider>;
  logUserPrompt?: boolean;
  tools?: ToolHandler;
}) {
  const otel = inMemoryOtel();
  const telemetry = testTelemetry({
    authMode: 'apikey',
    terminalType: 'xterm-256color',
    logUserPrompt: opts.logUserPrompt ?? false,
    meterProvider: otel.meterProvider,
    loggerProvider: otel.loggerProvider,
    tracerProvider: otel.tracerProvider,
  });
  const h = await harness(
    { steps: opts.http ?? [] },
    {
      ...(opts.ws ? { ws: opts.ws } : {}),
      client: { supportsWebsockets: opts.ws !== undefined, telemetry },
      ...(opts.provider ? { provider: opts.provider } : {}),
    },
  );
  closers.push(async () => {
    await h.close();
    await otel.shutdown();
  });
  const sleeper = recordingSleep();
  const conversation = new Conversation({
    client: h.client,
    model: 'gpt-5.5',
    baseInstructions: 'You are a test agent.',
    streamMaxRetries: opts.streamMaxRetries ?? 5,
    sleep: sleeper.sleep,
    random: () => 0.5,
    ...(opts.tools ? { tools: opts.tools } : {}),
  });
  const frames = () => h.server.wsFrames.map((f) => f.json as Record<string, unknown>);
  return { ...h, otel, telemetry, conversation, delays: sleeper.delays, frames };
}

const sessionTags = {
  auth_mode: 'apikey',
  session_source: 'exec',
  originator: 'codex_exec',
  model: 'gpt-5.5',
  'app.version': '0.1.0',
};

const text = (id: string, words = 'Hello there!'): WsResponseStep => ({
  events: textTurn({ responseId: id, text: words }),
});
const sse = (id: string, words = 'Hello there!') =>
  ({ kind: 'sse', events: textTurn({ responseId: id, text: words }) }) as const;

/** `{ kind: count }` of the data points of a per-kind metric. */
async function byKind(otel: InMemoryOtel, name: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of await otel.metricPoints(name)) {
    const kind = String(p.attributes.kind);
    out[kind] = (out[kind] ?? 0) + p.value;
  }
  return out;
}

/** `mode|reason|phase` → count of `codex.websocket.continuation`. */
async function continuations(otel: InMemoryOtel): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of await otel.metricPoints(M.websocketContinuation)) {
    const a = p.attributes;
    const key = `${a.mode}|${a.reason}|${a.phase}`;
    out[key] = (out[key] ?? 0) + p.value;
  }
  return out;
}

const lastType = (events: TurnEvent[]) => events.at(-1)?.type;

describe('telemetry wired into the model client', () => {
  it('HTTP turn: one codex.api_request and the codex.sse_event of every event', async () => {
    const { otel, conversation, server } = await setup({ http: [sse('resp_1')] });
    expect(lastType(await collect(conversation.runTurn('Say hello.')))).toBe('turn.completed');
    expect(server.requests).toHaveLength(1);

    const apiRequests = await otel.metricPoints(M.apiRequest);
    expect(apiRequests).toEqual([
      { attributes: { ...sessionTags, status: '200', success: 'true' }, value: 1 },
    ]);
    expect(await otel.total(M.apiRequestDuration)).toBe(1);
    const [apiLog] = otel.logs('codex.api_request');
    expect(apiLog?.attributes).toMatchObject({
      'conversation.id': THREAD_ID,
      endpoint: '/responses',
      attempt: 0,
      'http.response.status_code': 200,
    });

    const kinds = await byKind(otel, M.sseEvent);
    expect(kinds['response.created']).toBe(1);
    expect(kinds['response.completed']).toBe(1);
    expect(kinds['response.output_text.delta']).toBeGreaterThanOrEqual(1);
    const sseSuccess = (await otel.metricPoints(M.sseEvent)).map((p) => p.attributes.success);
    expect(new Set(sseSuccess)).toEqual(new Set(['true']));
    // One log per SSE event, plus the completion variant with the token counts.
    const sseLogs = otel.logs('codex.sse_event');
    expect(await otel.total(M.sseEvent)).toBe(
      sseLogs.filter((r) => !('input_token_count' in r.attributes)).length,
    );
    expect(sseLogs.filter((r) => 'input_token_count' in r.attributes)).toHaveLength(1);
    for (const p of await otel.metricPoints(M.sseEvent)) expect(p.attributes).toMatchObject(sessionTags);

    // No WebSocket metrics on HTTP.
    expect(await otel.metricPoints(M.websocketRequest)).toEqual([]);
    expect(await otel.metricPoints(M.websocketEvent)).toEqual([]);
    expect(await otel.metricPoints(M.websocketContinuation)).toEqual([]);
  });

  it('records each tool call (codex.tool.call, codex.tool_result) and the turn metrics', async () => {
    const tools: ToolHandler = {
      specs: [{ type: 'function', name: 'exec_command' }],
      handle: async (call) => functionCallOutput((call as { call_id: string }).call_id, 'hi\nthere\n'),
    };
    const { otel, conversation } = await setup({
      tools,
      http: [
        {
          kind: 'sse',
          events: [
            responseCreated('resp_1'),
            functionCall('call_1', 'exec_command', { cmd: 'echo hi' }, 'fc_1'),
            completed('resp_1'),
          ],
        },
        sse('resp_2', 'done'),
      ],
    });
    expect(lastType(await collect(conversation.runTurn('run echo')))).toBe('turn.completed');
    expect(await otel.total(M.toolCall, { tool: 'exec_command', success: 'true' })).toBe(1);
    expect(await otel.total(M.toolCallDuration, { tool: 'exec_command' })).toBe(1);
    expect(otel.logs('codex.tool_result').map((r) => r.attributes)).toEqual([
      expect.objectContaining({
        tool_name: 'exec_command',
        call_id: 'call_1',
        arguments: '{"cmd":"echo hi"}',
        output: 'hi\nthere\n',
        success: 'true',
      }),
    ]);
    // One turn: one tool call, two sampling requests, e2e / ttft / ttfm once, the turn count once.
    expect((await otel.metricPoints(M.turnToolCall))[0]).toMatchObject({ value: 1, sum: 1 });
    for (const name of [M.turnE2eDuration, M.turnTtftDuration, M.turnTtfmDuration, M.conversationTurnCount])
      expect(await otel.total(name), name).toBe(1);
    const turn = otel.spans().find((s) => s.name === 'session_task.turn');
    expect(turn?.events.find((e) => e.name === 'codex.turn_profile')?.attributes).toMatchObject({
      sampling_request_count: '2',
      sampling_retry_count: '0',
    });
    expect(otel.spans().filter((s) => s.name === 'run_sampling_request')).toHaveLength(2);
  });

  it('records the user prompt redacted by default, verbatim with logUserPrompt', async () => {
    const redacted = await setup({ http: [sse('resp_1')] });
    await collect(redacted.conversation.runTurn('my secret plan'));
    expect(redacted.otel.logs('codex.user_prompt').map((r) => r.attributes)).toEqual([
      expect.objectContaining({ prompt: '[REDACTED]', prompt_length: '14' }),
    ]);

    const verbatim = await setup({ http: [sse('resp_1')], logUserPrompt: true });
    await collect(verbatim.conversation.runTurn('my secret plan'));
    expect(verbatim.otel.logs('codex.user_prompt')[0]?.attributes.prompt).toBe('my secret plan');
  });

  it('WebSocket turn: 0 api_request / 0 sse_event, 1 websocket.request and one event per frame', async () => {
    const { otel, conversation, server } = await setup({
      ws: { responses: [{ events: [responseCreated('resp_1'), completed('resp_1')] }] },
    });
    expect(lastType(await collect(conversation.runTurn('Say hello.')))).toBe('turn.completed');
    expect(server.handshakes).toHaveLength(1);
    expect(server.requests).toHaveLength(0);

    expect(await otel.metricPoints(M.apiRequest)).toEqual([]);
    expect(await otel.metricPoints(M.sseEvent)).toEqual([]);
    expect(await otel.metricPoints(M.websocketRequest)).toEqual([
      { attributes: { ...sessionTags, success: 'true' }, value: 1 },
    ]);
    expect(await byKind(otel, M.websocketEvent)).toEqual({ 'response.created': 1, 'response.completed': 1 });
    for (const p of await otel.metricPoints(M.websocketEvent)) {
      expect(p.attributes).toMatchObject({ ...sessionTags, success: 'true' });
    }
    expect(otel.logs('codex.websocket_request').map((r) => r.attributes)).toEqual([
      expect.objectContaining({ success: 'true', 'auth.connection_reused': false }),
    ]);
    const connects = otel.logs('codex.websocket_connect').map((r) => r.attributes);
    expect(connects).toEqual([
      expect.objectContaining({
        success: 'true',
        'http.response.status_code': 101,
        endpoint: '/responses',
        'auth.connection_reused': false,
        'auth.header_attached': true,
        'auth.header_name': 'authorization',
      }),
    ]);
    // Never the credential itself.
    expect(JSON.stringify(connects)).not.toContain('sk-test-key');
    expect(await continuations(otel)).toEqual({ 'full|no_previous_request|generation': 1 });
  });

  it('never exports the API key, even when a 401 echoes it in the body and headers (HTTP)', async () => {
    const echoed = {
      kind: 'error',
      status: 401,
      headers: { 'www-authenticate': 'Bearer sk-test-key', 'x-echoed-authorization': 'Bearer sk-test-key' },
      body: openAiError(
        'invalid_request_error',
        'invalid_api_key',
        'Incorrect API key provided: sk-test-key.',
      ),
    } as const;
    const { otel, conversation, server } = await setup({ http: [echoed], streamMaxRetries: 0 });
    const events = await collect(conversation.runTurn('hello'));
    expect(lastType(events)).toBe('turn.failed');
    // The request carried the key and the failure echoed it back: it was within telemetry's reach.
    expect(server.requests[0]?.headerMap.authorization).toBe('Bearer sk-test-key');
    expect(await otel.metricPoints(M.apiRequest)).toEqual([
      { attributes: { ...sessionTags, status: '401', success: 'false' }, value: 1 },
    ]);
    expect(otel.logs('codex.api_request')[0]?.attributes['error.message']).toEqual(expect.any(String));
    expect(await otel.exported()).not.toContain('sk-test-key');
  });

  it('never exports the API key, even when a 401 handshake echoes it in the body and headers (WebSocket)', async () => {
    const { otel, conversation, server } = await setup({
      streamMaxRetries: 0,
      ws: {
        handshakes: [
          {
            kind: 'reject',
            status: 401,
            headers: { 'x-echoed-authorization': 'Bearer sk-test-key' },
            body: openAiError('invalid_request_error', 'invalid_api_key', 'Incorrect API key: sk-test-key.'),
          },
        ],
        responses: [],
      },
    });
    await collect(conversation.runTurn('hello'));
    expect(server.handshakes[0]?.headerMap.authorization).toBe('Bearer sk-test-key');
    expect(otel.logs('codex.websocket_connect').map((r) => r.attributes)).toContainEqual(
      expect.objectContaining({ success: 'false', 'http.response.status_code': 401 }),
    );
    // The handshake error quotes the response body; the echoed key is cut out of it.
    expect(otel.logs('codex.websocket_connect')[0]?.attributes['error.message']).toContain(
      'Incorrect API key: ***',
    );
    expect(await otel.exported()).not.toContain('sk-test-key');
  });

  it('counts continuations of a prewarmed, then incremental session', async () => {
    const { otel, conversation, frames, server } = await setup({
      ws: { responses: [text('resp_1', 'one'), text('resp_2', 'two')] },
    });
    expect(await conversation.prewarm()).toBe('ready');
    expect(lastType(await collect(conversation.runTurn('first')))).toBe('turn.completed');
    expect(lastType(await collect(conversation.runTurn('second')))).toBe('turn.completed');
    expect(server.handshakes).toHaveLength(1);
    expect(frames().map((f) => f.previous_response_id)).toEqual([
      undefined,
      expect.stringMatching(/^resp_prewarm_/),
      'resp_1',
    ]);
    expect(await continuations(otel)).toEqual({
      'full|no_previous_request|warmup': 1,
      'incremental|incremental|generation': 2,
    });
    for (const p of await otel.metricPoints(M.websocketContinuation))
      expect(p.attributes).toMatchObject({
        ...sessionTags,
        previous_item_type: 'none',
        current_item_type: 'none',
      });
    // The first turn's request went on the prewarmed socket (after_prewarm), the second did not.
    expect(await otel.total(M.websocketContinuation, { phase: 'warmup', after_prewarm: 'false' })).toBe(1);
    expect(await otel.total(M.websocketContinuation, { phase: 'generation', after_prewarm: 'true' })).toBe(1);
    expect(await otel.total(M.websocketContinuation, { phase: 'generation', after_prewarm: 'false' })).toBe(
      1,
    );
    // Three requests on one reused socket.
    expect(await otel.total(M.websocketRequest, { success: 'true' })).toBe(3);
    expect(otel.logs('codex.websocket_request').map((r) => r.attributes['auth.connection_reused'])).toEqual([
      false,
      true,
      true,
    ]);
    expect(otel.logs('codex.websocket_connect')).toHaveLength(1);
  });

  it('reports connection_closed for the full request after a failed socket, and the failed frame', async () => {
    const { otel, conversation, server, frames } = await setup({
      ws: {
        responses: [
          { errorFrame: { status: 500, error: { type: 'server_error', message: 'boom' } } },
          text('resp_2'),
        ],
      },
    });
    await conversation.prewarm();
    expect(lastType(await collect(conversation.runTurn('hello')))).toBe('turn.completed');
    expect(server.handshakes).toHaveLength(2);
    expect(frames()[2]).not.toHaveProperty('previous_response_id');
    expect(await continuations(otel)).toEqual({
      'full|no_previous_request|warmup': 1,
      'incremental|incremental|generation': 1,
      'full|connection_closed|generation': 1,
    });
    expect(await otel.total(M.websocketEvent, { kind: 'error', success: 'false' })).toBe(1);
    expect(otel.logs('codex.websocket_connect')).toHaveLength(2);
  });

  it('counts fallback_to_http once after a 426 handshake, and records the failed connect', async () => {
    const { otel, conversation, client, server } = await setup({
      ws: { handshakes: [{ kind: 'reject', status: 426 }], responses: [] },
      http: [sse('resp_1'), sse('resp_2')],
    });
    expect(lastType(await collect(conversation.runTurn('hello')))).toBe('turn.completed');
    expect(lastType(await collect(conversation.runTurn('again')))).toBe('turn.completed');
    expect(client.websocketsEnabled).toBe(false);
    expect(server.requests).toHaveLength(2);
    expect(client.forceHttpFallback()).toBe(false);

    expect(await otel.metricPoints(M.transportFallbackToHttp)).toEqual([
      { attributes: { ...sessionTags, from_wire_api: 'responses_websocket' }, value: 1 },
    ]);
    expect(otel.logs('codex.websocket_connect').map((r) => r.attributes)).toEqual([
      expect.objectContaining({ success: 'false', 'http.response.status_code': 426 }),
    ]);
    expect(await otel.total(M.apiRequest, { status: '200' })).toBe(2);
    expect(await otel.metricPoints(M.websocketRequest)).toEqual([]);
  });

  it('records codex.retry per turn retry on the active span and falls back once after exhausted retries', async () => {
    const reject500 = { kind: 'reject', status: 500 } as const;
    const { otel, telemetry, conversation, server, delays } = await setup({
      ws: { handshakes: Array.from({ length: 10 }, () => reject500), responses: [] },
      http: [sse('resp_1')],
      streamMaxRetries: 2,
    });
    const events = await telemetry.withSpan('test.turn', undefined, () =>
      collect(conversation.runTurn('hello')),
    );
    expect(lastType(events)).toBe('turn.completed');
    expect(server.handshakes.map((h) => h.status)).toEqual([500, 500, 500]);
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([200, 400]);

    // On the sampling request's span (`run_sampling_request`), inside the turn started under test.turn.
    const [span] = otel.spans().filter((s) => s.name === 'run_sampling_request');
    const [outer] = otel.spans().filter((s) => s.name === 'test.turn');
    expect(span?.spanContext().traceId).toBe(outer?.spanContext().traceId);
    const retries = (span?.events ?? []).filter((e) => e.name === 'codex.retry').map((e) => e.attributes);
    expect(retries).toEqual([
      expect.objectContaining({
        'retry.attempt': 1,
        'retry.delay_ms': 200,
        'retry.layer': 'stream',
        'retry.operation': 'sampling',
      }),
      expect.objectContaining({ 'retry.attempt': 2, 'retry.delay_ms': 400 }),
    ]);
    expect(await otel.total(M.transportFallbackToHttp)).toBe(1);
    expect(otel.logs('codex.websocket_connect').map((r) => r.attributes.success)).toEqual([
      'false',
      'false',
      'false',
    ]);
    expect(await otel.total(M.apiRequest)).toBe(1);
  });

  it('puts the active span into each WebSocket request and the HTTP headers', async () => {
    const { otel, telemetry, conversation, frames } = await setup({
      ws: { responses: [text('resp_1', 'one'), text('resp_2', 'two')] },
    });
    await telemetry.withSpan('turn.one', undefined, () => collect(conversation.runTurn('first')));
    await telemetry.withSpan('turn.two', undefined, () => collect(conversation.runTurn('second')));
    const traceparent = (span: { spanContext(): { traceId: string; spanId: string } } | undefined) => {
      const ctx = span?.spanContext();
      return ctx ? `00-${ctx.traceId}-${ctx.spanId}-01` : undefined;
    };
    // Each request's own span (`model_client.stream_responses_websocket`), in its turn's trace.
    const requestSpans = otel.spans().filter((s) => s.name === 'model_client.stream_responses_websocket');
    const turns = ['turn.one', 'turn.two'].map((n) => otel.spans().find((s) => s.name === n));
    expect(requestSpans.map((s) => s.spanContext().traceId)).toEqual(
      turns.map((t) => t?.spanContext().traceId),
    );
    const metadata = frames().map((f) => f.client_metadata as Record<string, string>);
    expect(metadata.map((m) => m.ws_request_header_traceparent)).toEqual(requestSpans.map(traceparent));
    expect(metadata[0]!.ws_request_header_traceparent).not.toBe(metadata[1]!.ws_request_header_traceparent);
    for (const f of frames()) expect(f).not.toHaveProperty('trace');

    const http = await setup({ http: [sse('resp_1')] });
    await http.telemetry.withSpan('turn.http', undefined, () => collect(http.conversation.runTurn('hi')));
    const span = http.otel.spans().find((s) => s.name === 'endpoint_session.stream_encoded_json_with');
    const outer = http.otel.spans().find((s) => s.name === 'turn.http');
    expect(span?.spanContext().traceId).toBe(outer?.spanContext().traceId);
    const header = http.server.requests[0]?.headers.find(([n]) => n === 'traceparent')?.[1];
    expect(header).toBe(traceparent(span));
  });
});
