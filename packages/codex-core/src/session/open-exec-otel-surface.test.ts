// The telemetry surface of an exec session against 0.169.0's real export (otel-capture
// 2026-12-03): one HTTP turn and one WebSocket turn (prewarm + turn) through openExecConversation,
// with in-memory SDK providers registered globally (as an application's SDK would be) and the
// responses server on 127.0.0.1. Asserts event / metric / span names, key attributes with their
// OTLP value types, span parentage, and that the provider key never reaches telemetry.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '@codex-ts/client/test';
import { TelemetryMetricNames as M, TelemetrySpanNames as S } from '@codex-ts/otel';
import { enableAsyncContext, type InMemoryOtel, inMemoryOtel } from '@codex-ts/otel/test';
import { type ResponsesServer, startResponsesServer, textTurn } from '@codex-ts/responses-server';
import { context, metrics, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localProviderToml } from '../test/index.js';
import { openExecConversation } from './open-exec.js';

type ReadableSpan = ReturnType<InMemoryOtel['spans']>[number];

const KEY = 'sk-surface-secret-0123456789';
let server: ResponsesServer;
let home: string;
let otel: InMemoryOtel;
let disableContext: () => void;

beforeAll(() => {
  disableContext = enableAsyncContext();
});
afterAll(() => disableContext());
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'codex-ts-otel-surface-'));
  otel = inMemoryOtel();
  metrics.setGlobalMeterProvider(otel.meterProvider);
  logs.setGlobalLoggerProvider(otel.loggerProvider);
  trace.setGlobalTracerProvider(otel.tracerProvider);
});
afterEach(async () => {
  metrics.disable();
  logs.disable();
  trace.disable();
  await otel.shutdown();
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

/** Runs one exec turn under a root span `codex.exec` (engineer C's CLI opens the real one). */
async function execTurn(websocket: boolean): Promise<void> {
  writeFileSync(
    join(home, 'config.toml'),
    localProviderToml(server.url, websocket ? ['supports_websockets = true'] : []),
  );
  const root = trace.getTracer('test').startSpan('codex.exec');
  await context.with(trace.setSpan(context.active(), root), async () => {
    const opened = await openExecConversation({
      version: '0.1.0-test',
      env: { CODEX_HOME: home, LOCAL_API_KEY: KEY, TERM: 'xterm', SHELL: '/bin/bash' },
      cwd: home,
    });
    try {
      const events = await collect(opened.conversation.runTurn('Say hello.'));
      expect(events.at(-1)?.type).toBe('turn.completed');
    } finally {
      await opened.close();
    }
  });
  root.end();
}

function span(name: string, index = 0): ReadableSpan {
  const found = otel.spans().filter((s) => s.name === name)[index];
  if (found === undefined) throw new Error(`no span ${name} #${index}`);
  return found;
}
const parentName = (child: ReadableSpan) =>
  otel.spans().find((s) => s.spanContext().spanId === child.parentSpanContext?.spanId)?.name;
const logAttrs = (name: string) => otel.logs(name).map((r) => r.attributes);
const spanEvent = (s: ReadableSpan, name: string) => s.events.find((e) => e.name === name)?.attributes;

const AUTH_ENV = {
  'auth.env_openai_api_key_present': false,
  'auth.env_codex_api_key_present': false,
  'auth.env_codex_api_key_enabled': true,
  'auth.env_provider_key_name': 'configured',
  'auth.env_provider_key_present': true,
  'auth.env_refresh_token_url_override_present': false,
};

describe('0.169.0 telemetry surface of an exec session', () => {
  it('HTTP turn: events, metrics and the span tree as captured', async () => {
    server = await startResponsesServer({
      scenario: { steps: [{ kind: 'sse', events: textTurn({ responseId: 'resp_1', text: 'Hello!' }) }] },
    });
    await execTurn(false);

    // Log events, with 0.169.0's value types.
    expect(logAttrs('codex.conversation_starts')).toEqual([
      expect.objectContaining({
        ...AUTH_ENV,
        provider_name: 'local',
        approval_policy: 'never',
        sandbox_policy: 'read-only',
        mcp_servers: '',
        'config.legacy_multi_agent_disabled_sources': 'none',
      }),
    ]);
    expect(logAttrs('codex.startup_phase').map((a) => [a['startup.phase'], a['startup.status']])).toEqual([
      ['thread_start_create_thread', 'ready'],
      ['thread_start_total', 'ready'],
    ]);
    expect(logAttrs('codex.user_prompt')).toEqual([
      expect.objectContaining({ prompt: '[REDACTED]', prompt_length: '10' }),
    ]);
    expect(logAttrs('codex.api_request')).toEqual([
      expect.objectContaining({
        ...AUTH_ENV,
        duration_ms: expect.stringMatching(/^\d+$/),
        'http.response.status_code': 200,
        attempt: 0,
        'auth.header_attached': true,
        'auth.header_name': 'authorization',
        endpoint: '/responses',
      }),
    ]);
    expect(logAttrs('codex.turn_ttft')).toEqual([
      expect.objectContaining({ duration_ms: expect.stringMatching(/^\d+$/) }),
    ]);
    const completion = logAttrs('codex.sse_event').find((a) => 'input_token_count' in a);
    expect(completion).toMatchObject({
      'event.kind': 'response.completed',
      input_token_count: expect.any(String),
      output_token_count: expect.any(String),
      cached_token_count: expect.any(Number),
      cache_write_token_count: expect.any(Number),
      reasoning_token_count: expect.any(Number),
      tool_token_count: expect.any(String),
      ttft_ms: expect.any(Number),
    });

    // Metrics of the model client.
    const names = await otel.metricNames();
    for (const name of [
      M.processStart,
      M.threadStarted,
      M.startupPhaseDuration,
      M.apiRequest,
      M.apiRequestDuration,
      M.turnTtftDuration,
      M.turnTtfmDuration,
      M.turnE2eDuration,
      M.turnToolCall,
      M.turnTokenUsage,
      M.conversationTurnCount,
    ]) {
      expect(names, name).toContain(name);
    }
    expect((await otel.metricPoints(M.threadStarted))[0]?.attributes).toMatchObject({
      is_git: 'false',
      is_worktree: 'unknown',
      session_source: 'exec',
      originator: 'codex_exec',
      model: 'gpt-5.5',
    });
    const tokenTypes = (await otel.metricPoints(M.turnTokenUsage)).map((p) => p.attributes.token_type);
    expect(new Set(tokenTypes)).toEqual(
      new Set(['input', 'cached_input', 'cache_write_input', 'output', 'reasoning_output', 'total']),
    );

    // The span tree: codex.exec > session_task.turn > run_turn > run_sampling_request >
    // try_run_sampling_request > stream_request > model_client.stream_responses_api >
    // responses.stream_request > endpoint_session.stream_encoded_json_with.
    expect(parentName(span(S.sessionTaskTurn))).toBe('codex.exec');
    expect(parentName(span(S.runTurn))).toBe(S.sessionTaskTurn);
    expect(parentName(span(S.runHooksAndRecordInputs))).toBe(S.runTurn);
    expect(parentName(span(S.runSamplingRequest))).toBe(S.runTurn);
    expect(parentName(span(S.tryRunSamplingRequest))).toBe(S.runSamplingRequest);
    expect(parentName(span(S.streamRequest))).toBe(S.tryRunSamplingRequest);
    expect(parentName(span(S.receivingStream))).toBe(S.tryRunSamplingRequest);
    expect(parentName(span(S.modelClientStreamResponsesApi))).toBe(S.streamRequest);
    expect(parentName(span(S.responsesStreamRequest))).toBe(S.modelClientStreamResponsesApi);
    expect(parentName(span(S.endpointSessionStreamEncodedJsonWith))).toBe(S.responsesStreamRequest);
    expect(span(S.modelClientStreamResponsesApi).attributes).toEqual({
      model: 'gpt-5.5',
      wire_api: 'responses',
      transport: 'responses_http',
      'http.method': 'POST',
      'turn.has_metadata_header': true,
      'api.path': '/responses',
    });
    const turn = span(S.sessionTaskTurn);
    expect(turn.attributes).toMatchObject({
      model: 'gpt-5.5',
      'turn.id': expect.any(String),
      'codex.turn.token_usage.input_tokens': expect.any(Number),
      'codex.turn.token_usage.non_cached_input_tokens': expect.any(Number),
      'codex.turn.token_usage.total_tokens': expect.any(Number),
    });
    expect(spanEvent(turn, 'codex.turn_profile')).toMatchObject({
      sampling_request_count: '1',
      sampling_retry_count: '0',
      critical_path_status: 'disabled',
    });
    // The trace-side mirrors, on the spans 0.169.0 put them on (unsigned integers as strings).
    expect(spanEvent(span(S.endpointSessionStreamEncodedJsonWith), 'codex.api_request')).toMatchObject({
      'http.response.status_code': '200',
      attempt: '0',
      ...AUTH_ENV,
    });
    expect(spanEvent(span(S.runHooksAndRecordInputs), 'codex.user_prompt')).toMatchObject({
      prompt_length: '10',
      text_input_count: 1,
    });
    expect(spanEvent(span(S.tryRunSamplingRequest), 'codex.turn_ttft')).toBeDefined();
    // The HTTP request's traceparent is the endpoint span's.
    const header = server.requests[0]?.headerMap.traceparent;
    const ctx = span(S.endpointSessionStreamEncodedJsonWith).spanContext();
    expect(header).toBe(`00-${ctx.traceId}-${ctx.spanId}-01`);

    // The key reached the server, never telemetry.
    expect(server.requests[0]?.headerMap.authorization).toBe(`Bearer ${KEY}`);
    const exported = await otel.exported();
    expect(exported).not.toContain(KEY);
    expect(exported).not.toContain('Say hello.');
  });

  it('WebSocket prewarm + turn: connect / request events, prewarm phases and metrics, span tree, client_metadata trace', async () => {
    server = await startResponsesServer({
      scenario: { steps: [] },
      wsScenario: { responses: [{ events: textTurn({ responseId: 'resp_1', text: 'Hello!' }) }] },
    });
    await execTurn(true);

    expect(logAttrs('codex.websocket_connect')).toEqual([
      expect.objectContaining({
        ...AUTH_ENV,
        success: 'true',
        duration_ms: expect.stringMatching(/^\d+$/),
        'auth.connection_reused': false,
        'auth.reauth': false,
        'auth.header_name': 'authorization',
      }),
    ]);
    expect(logAttrs('codex.websocket_request').map((a) => a['auth.connection_reused'])).toEqual([
      false,
      true,
    ]);
    const phases = logAttrs('codex.startup_phase').map((a) => a['startup.phase']);
    expect(phases).toEqual(
      expect.arrayContaining([
        'thread_start_create_thread',
        'thread_start_total',
        'startup_prewarm_websocket_warmup',
        'startup_prewarm_total',
        'startup_prewarm_resolve',
      ]),
    );
    // Completion events: the warm-up's and the turn's (only the turn's has ttft_ms).
    const completions = logAttrs('codex.sse_event').filter((a) => 'input_token_count' in a);
    expect(completions).toHaveLength(2);
    expect(completions.filter((a) => 'ttft_ms' in a)).toHaveLength(1);
    expect(await otel.metricPoints(M.apiRequest)).toEqual([]);

    expect(await otel.total(M.websocketConnect, { reauth: 'false', success: 'true' })).toBe(1);
    expect(await otel.total(M.websocketRequest, { success: 'true' })).toBe(2);
    expect(
      await otel.total(M.startupPrewarmWebsocketCheck, { input: 'base', outcome: 'needs_prewarm' }),
    ).toBe(1);
    expect(await otel.total(M.startupPrewarmDuration, { input: 'base', status: 'ready' })).toBe(1);
    expect(await otel.total(M.startupPrewarmAgeAtFirstTurn, { status: 'consumed' })).toBe(1);
    expect(await otel.total(M.websocketContinuation, { phase: 'warmup', after_prewarm: 'false' })).toBe(1);
    expect(
      await otel.total(M.websocketContinuation, {
        phase: 'generation',
        mode: 'incremental',
        after_prewarm: 'true',
      }),
    ).toBe(1);

    // startup_prewarm > model_client.stream_responses_websocket (warm-up) >
    // model_client.websocket_connection > responses_websocket.connect; the turn's request reuses the socket.
    const prewarm = span(S.startupPrewarm);
    expect(prewarm.attributes).toEqual({ 'prewarm.input': 'base' });
    expect(parentName(prewarm)).toBe('codex.exec');
    const [warmup, request] = otel.spans().filter((s) => s.name === S.modelClientStreamResponsesWebsocket);
    expect(warmup?.attributes).toMatchObject({ 'websocket.warmup': true, transport: 'responses_websocket' });
    expect(request?.attributes).toMatchObject({ 'websocket.warmup': false, model: 'gpt-5.5' });
    expect(warmup && parentName(warmup)).toBe(S.startupPrewarm);
    expect(request && parentName(request)).toBe(S.streamRequest);
    const connection = span(S.modelClientWebsocketConnection);
    expect(parentName(connection)).toBe(S.modelClientStreamResponsesWebsocket);
    expect(connection.attributes).toMatchObject({ provider: 'local', transport: 'responses_websocket' });
    expect(spanEvent(connection, 'codex.websocket_connect')).toMatchObject({ success: 'true', ...AUTH_ENV });
    expect(parentName(span(S.responsesWebsocketConnect))).toBe(S.modelClientWebsocketConnection);
    expect(otel.spans().filter((s) => s.name === S.responsesWebsocketConnect)).toHaveLength(1);
    const sends = otel.spans().filter((s) => s.name === S.responsesWebsocketStreamRequest);
    expect(sends.map((s) => parentName(s))).toEqual([
      S.modelClientStreamResponsesWebsocket,
      S.modelClientStreamResponsesWebsocket,
    ]);
    expect(sends.map((s) => spanEvent(s, 'codex.websocket_request')?.success)).toEqual(['true', 'true']);
    expect(prewarm.events.map((e) => e.attributes?.['startup.phase'])).toEqual([
      'startup_prewarm_websocket_warmup',
      'startup_prewarm_total',
    ]);

    // Each response.create carries its own request span's trace context.
    const traceparents = server.wsFrames.map(
      (f) =>
        (f.json as { client_metadata?: Record<string, string> }).client_metadata
          ?.ws_request_header_traceparent,
    );
    const expected = [warmup, request].map(
      (s) => `00-${s?.spanContext().traceId}-${s?.spanContext().spanId}-01`,
    );
    expect(traceparents).toEqual(expected);
    expect(await otel.exported()).not.toContain(KEY);
  });
});
