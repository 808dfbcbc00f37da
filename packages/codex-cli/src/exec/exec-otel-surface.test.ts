// What `codex-ts exec --json` exports for whole turns, compared with what 0.169.0 exported for the
// same runs (the lead's otel-capture of 2026-12-03, `codex exec --json` with `[otel]` OTLP/HTTP JSON
// exporters): scopes and resources, the span tree from the root `codex.exec` down to the request
// spans, the span events, the log records and metrics with their attribute types and tags, the
// W3C trace context the responses server received, and no secret in any exported byte.
import type { OtlpCollected, ReceivedSpan } from '@codex-ts/otlp-receiver';
import {
  completed,
  functionCall,
  openAiError,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HELLO_TURN_LINES, helloTurn } from '../test-support/hello-turn.js';
import {
  attributeTypes,
  EXPORTER_HEADER_SECRET,
  exportedBytes,
  onlySpan,
  otelToml,
  otlpReceiver,
  parentage,
} from '../test-support/otel-exec.js';
import { type CliResult, runCli, tempHomes } from '../test-support/run-cli.js';
import { CLI_VERSION } from '../version.js';

let server: ResponsesServer;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
});
afterEach(() => server.close());

const PROMPT = 'Say hello to the secret garden.';
const KEY = 'sk-local-test';
const FULL_ACCESS = ['-c', 'sandbox_mode="danger-full-access"'];

/** Runs one `exec --json` against a fresh JSON receiver; returns what it collected. */
async function exportRun(
  providerExtra: string,
  args: string[] = [],
): Promise<{ got: OtlpCollected; r: CliResult }> {
  const got = await otlpReceiver('http/json');
  try {
    const home = newHome(server.url, `${providerExtra}\n${otelToml('http/json', got.endpoint)}`);
    const r = await runCli(['exec', '--json', ...args, PROMPT], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(EXPORTER_HEADER_SECRET);
    return { got, r };
  } finally {
    await got.close();
  }
}

/** Scopes, resources, trace ids, tags and secrets every exec export shares (0.169.0's shapes). */
function expectShared(got: OtlpCollected, threadId: string): ReceivedSpan {
  const root = onlySpan(got, 'codex.exec');
  expect(root.parentSpanId).toBe('');
  expect(root.attributes['thread.id']).toBe(threadId);
  const base = { 'service.name': 'codex_exec', 'service.version': CLI_VERSION, env: 'staging' };
  // Scopes: one trace scope named after the originator; metrics `codex`; logs `codex_otel.log_only`.
  for (const span of got.spans()) {
    expect([span.name, span.scope, span.traceId]).toEqual([span.name, 'codex_exec', root.traceId]);
    expect(span.resource).toMatchObject(base);
    expect(span.resource).not.toHaveProperty('host.name');
  }
  for (const log of got.logs()) {
    expect([log.eventName, log.scope, log.traceId]).toEqual([
      log.eventName,
      'codex_otel.log_only',
      root.traceId,
    ]);
    // As 0.169.0's records: no body, severity INFO.
    expect(log.body).toBeNull();
    expect(log.resource).toMatchObject({ ...base, 'host.name': expect.any(String) });
    expect(log.resource).not.toHaveProperty('os');
    // Session metadata on every record; no auth_mode: the provider's env_key supplies the key.
    expect(log.attributes).toMatchObject({ 'conversation.id': threadId, originator: 'codex_exec' });
    expect(log.attributes).not.toHaveProperty('auth_mode');
  }
  for (const metric of got.metrics()) {
    expect([metric.name, metric.scope]).toEqual([metric.name, 'codex']);
    expect(metric.resource).toMatchObject({
      ...base,
      os: expect.any(String),
      os_version: expect.any(String),
    });
    expect(metric.resource).not.toHaveProperty('host.name');
    for (const point of metric.points) expect(point.attributes).not.toHaveProperty('auth_mode');
    // As 0.169.0: every duration histogram holds whole ms.
    if (
      metric.type === 'histogram' &&
      /duration_ms$/.test(metric.name) &&
      !metric.name.startsWith('codex.responses_api_')
    )
      for (const point of metric.points)
        expect([metric.name, Number.isInteger(point.sum)]).toEqual([metric.name, true]);
  }
  const tags = {
    'app.version': CLI_VERSION,
    model: 'gpt-5.5',
    originator: 'codex_exec',
    session_source: 'exec',
  };
  expect(got.metrics('codex.turn.e2e_duration_ms')[0]?.points[0]?.attributes).toEqual(tags);

  // The prompt is redacted in the log and absent from the span event (trace-safe: counts only).
  const [prompt] = got.logs('codex.user_prompt');
  expect(prompt?.attributes).toMatchObject({
    prompt: '[REDACTED]',
    prompt_length: String([...PROMPT].length),
  });
  const inputs = onlySpan(got, 'run_hooks_and_record_inputs');
  const promptEvent = inputs.events.find((e) => e.name === 'codex.user_prompt');
  expect(promptEvent?.attributes).toMatchObject({ text_input_count: 1, image_input_count: 0 });
  expect(promptEvent?.attributes).not.toHaveProperty('prompt');

  // Turn: the token usage as integer attributes, codex.turn_profile on it.
  const turn = onlySpan(got, 'session_task.turn');
  expect(turn.attributes['turn.id']).toBe(root.attributes['turn.id']);
  expect(turn.attributes).toMatchObject({
    model: 'gpt-5.5',
    'codex.turn.token_usage.input_tokens': 1200,
    'codex.turn.token_usage.cached_input_tokens': 1024,
    'codex.turn.token_usage.non_cached_input_tokens': 176,
    'codex.turn.token_usage.output_tokens': 42,
    'codex.turn.token_usage.reasoning_output_tokens': 16,
    'codex.turn.token_usage.total_tokens': 1242,
  });
  expect(turn.events.map((e) => e.name)).toContain('codex.turn_profile');

  const bytes = exportedBytes(got);
  for (const secret of [KEY, EXPORTER_HEADER_SECRET, PROMPT]) expect(bytes).not.toContain(secret);
  for (const request of got.requests())
    expect(request.headers.authorization).toBe(`Bearer ${EXPORTER_HEADER_SECRET}`);
  return root;
}

const TURN_TREE = {
  'session_task.turn': ['codex.exec'],
  run_turn: ['session_task.turn'],
  run_hooks_and_record_inputs: ['run_turn'],
  run_sampling_request: ['run_turn'],
  try_run_sampling_request: ['run_sampling_request'],
  stream_request: ['try_run_sampling_request'],
  receiving_stream: ['try_run_sampling_request'],
};

describe('codex-ts exec --json exports the 0.169.0 telemetry surface', () => {
  it('HTTP turn: span tree, events, logs and metrics, traceparent of the request span', async () => {
    server.pushSteps({ kind: 'sse', events: helloTurn() });
    const { got, r } = await exportRun('');
    expect(r.lines.slice(1)).toEqual(HELLO_TURN_LINES);
    const root = expectShared(got, (JSON.parse(r.lines[0]!) as { thread_id: string }).thread_id);

    const http = {
      'model_client.stream_responses_api': ['stream_request'],
      'responses.stream_request': ['model_client.stream_responses_api'],
      'endpoint_session.stream_encoded_json_with': ['responses.stream_request'],
    };
    expect(parentage(got, [...Object.keys(TURN_TREE), ...Object.keys(http)])).toEqual({
      ...TURN_TREE,
      ...http,
    });
    expect(onlySpan(got, 'model_client.stream_responses_api').attributes).toMatchObject({
      model: 'gpt-5.5',
      wire_api: 'responses',
      transport: 'responses_http',
      'api.path': '/responses',
    });
    const endpoint = onlySpan(got, 'endpoint_session.stream_encoded_json_with');
    expect(endpoint.events.map((e) => e.name)).toEqual(['codex.api_request']);
    expect(root.events.map((e) => e.name)).toEqual([
      'codex.conversation_starts',
      'codex.startup_phase',
      'codex.startup_phase',
    ]);
    // The traceparent the server received is the exported request span's.
    expect(server.requests[0]?.headerMap.traceparent).toBe(`00-${root.traceId}-${endpoint.spanId}-01`);

    const names = new Set(got.logs().map((l) => l.eventName));
    for (const name of [
      'conversation_starts',
      'startup_phase',
      'user_prompt',
      'api_request',
      'sse_event',
      'turn_ttft',
    ])
      expect(names).toContain(`codex.${name}`);
    const [api] = got.logs('codex.api_request');
    expect(attributeTypes(api!.attributes, ['duration_ms', 'http.response.status_code', 'attempt'])).toEqual({
      duration_ms: 'string',
      'http.response.status_code': 'number',
      attempt: 'number',
    });
    expect(api?.attributes).toMatchObject({ endpoint: '/responses', 'auth.header_attached': true });
    const done = got.logs('codex.sse_event').find((l) => l.attributes.input_token_count !== undefined);
    expect(done?.attributes).toMatchObject({ input_token_count: '1200', output_token_count: '42' });
    const metrics = new Set(got.metrics().map((m) => m.name));
    for (const name of [
      'codex.api_request',
      'codex.api_request.duration_ms',
      'codex.sse_event',
      'codex.process.start',
      'codex.thread.started',
      'codex.startup.phase.duration_ms',
      'codex.turn.ttft.duration_ms',
      'codex.turn.ttfm.duration_ms',
      'codex.turn.token_usage',
      'codex.conversation.turn.count',
    ])
      expect(metrics).toContain(name);
    expect(got.metrics('codex.api_request')[0]?.points[0]?.attributes).toMatchObject({
      status: '200',
      success: 'true',
    });
  });

  it('WebSocket turn with prewarm: the prewarm spans under codex.exec, client_metadata traceparents', async () => {
    server.setWsScenario({ responses: [{ events: helloTurn() }] });
    const { got, r } = await exportRun('supports_websockets = true');
    expect(r.lines.slice(1)).toEqual(HELLO_TURN_LINES);
    const root = expectShared(got, (JSON.parse(r.lines[0]!) as { thread_id: string }).thread_id);
    expect(parentage(got, [...Object.keys(TURN_TREE), 'startup_prewarm'])).toEqual({
      ...TURN_TREE,
      startup_prewarm: ['codex.exec'],
    });
    const streams = got.spans('model_client.stream_responses_websocket');
    const warmup = streams.find((s) => s.attributes['websocket.warmup'] === true);
    const regular = streams.find((s) => s.attributes['websocket.warmup'] === false);
    expect(streams).toHaveLength(2);
    expect(
      parentage(got, ['model_client.stream_responses_websocket', 'responses_websocket.connect']),
    ).toEqual({
      'model_client.stream_responses_websocket': ['startup_prewarm', 'stream_request'],
      'responses_websocket.connect': ['model_client.websocket_connection'],
    });
    const requests = got.spans('responses_websocket.stream_request');
    expect(requests.map((s) => s.parentSpanId).sort()).toEqual([warmup!.spanId, regular!.spanId].sort());
    for (const s of requests) expect(s.events.map((e) => e.name)).toEqual(['codex.websocket_request']);
    expect(onlySpan(got, 'startup_prewarm').attributes).toMatchObject({ 'prewarm.input': 'base' });
    // Each response.create carries the trace context of its own exported request span.
    const creates = server.wsFrames
      .map((f) => f.json as { type?: string; client_metadata?: Record<string, string> } | undefined)
      .filter((j) => j?.type === 'response.create');
    expect(creates.map((j) => j?.client_metadata?.ws_request_header_traceparent)).toEqual([
      `00-${root.traceId}-${warmup!.spanId}-01`,
      `00-${root.traceId}-${regular!.spanId}-01`,
    ]);
    const names = new Set(got.logs().map((l) => l.eventName));
    for (const name of ['codex.websocket_connect', 'codex.websocket_request', 'codex.sse_event'])
      expect(names).toContain(name);
    expect(got.logs('codex.api_request')).toHaveLength(0);
    const metrics = new Set(got.metrics().map((m) => m.name));
    for (const name of [
      'codex.websocket.connect',
      'codex.websocket.request',
      'codex.websocket.event',
      'codex.startup_prewarm.duration_ms',
      'codex.startup_prewarm.age_at_first_turn_ms',
    ])
      expect(metrics).toContain(name);
  });

  it('a retried 500 and a tool call: both attempts logged, the tool result in the turn’s trace', async () => {
    server.pushSteps(
      { kind: 'error', status: 500, body: openAiError('server_error', 'server_error', `boom ${KEY}`) },
      {
        kind: 'sse',
        events: [
          responseCreated('r0'),
          functionCall('call_1', 'exec_command', { cmd: 'echo hi' }, 'fc_1'),
          completed('r0'),
        ],
      },
      { kind: 'sse', events: helloTurn() },
    );
    const { got, r } = await exportRun('', FULL_ACCESS);
    expect(r.lines.at(-1)).toContain('"turn.completed"');
    const root = onlySpan(got, 'codex.exec');
    expect(got.logs('codex.api_request').map((l) => l.attributes['http.response.status_code'])).toEqual([
      500, 200, 200,
    ]);
    expect(got.spans('run_sampling_request')).toHaveLength(2);
    const [result] = got.logs('codex.tool_result');
    expect(result?.attributes).toMatchObject({
      tool_name: 'exec_command',
      call_id: 'call_1',
      success: 'true',
    });
    // The tool ran with the turn active: its span event is on run_turn, not on the root span.
    const carrier = got.spans().find((s) => s.events.some((e) => e.name === 'codex.tool_result'));
    expect(carrier?.name).toBe('run_turn');
    expect(root.events.map((e) => e.name)).not.toContain('codex.tool_result');
    const calls = got.metrics('codex.tool.call')[0]?.points[0]?.attributes;
    expect(calls).toMatchObject({ tool: 'exec_command', success: 'true' });
    expect(exportedBytes(got)).not.toContain(KEY);
  });
});
