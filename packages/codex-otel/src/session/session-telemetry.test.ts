import { ApiError } from '@codex-ts/api';
import { AbortedError, ConnectionError, HttpStatusError, StreamError } from '@codex-ts/client';
import { context, type Span, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TelemetryEventNames, TelemetryMetricNames } from '../names.js';
import { type InMemoryOtel, inMemoryOtel } from '../test/index.js';
import { SessionTelemetry } from './session-telemetry.js';
import type { SessionTelemetryOptions } from './types.js';

const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const SESSION_TAGS = {
  auth_mode: 'apikey',
  session_source: 'exec',
  originator: 'codex_exec',
  model: 'gpt-5.1-codex',
  'app.version': '0.1.0',
};

let sdk: InMemoryOtel;

function session(overrides: Partial<SessionTelemetryOptions> = {}): SessionTelemetry {
  return new SessionTelemetry({
    conversationId: 'conv-123',
    model: 'gpt-5.1-codex',
    slug: 'gpt-5.1-codex-slug',
    accountId: 'acct-1',
    accountEmail: 'dev@example.com',
    authMode: 'apikey',
    originator: 'codex_exec',
    appVersion: '0.1.0',
    terminalType: 'xterm-256color',
    sessionSource: 'exec',
    meterProvider: sdk.meterProvider,
    loggerProvider: sdk.loggerProvider,
    tracerProvider: sdk.tracerProvider,
    ...overrides,
  });
}

function logsNamed(name: string) {
  return sdk.logs().filter((r) => r.eventName === name);
}

/** Runs `fn` with a recording span active and returns the finished span. */
function inSpan(telemetry: SessionTelemetry, fn: (span: Span) => void) {
  const span = telemetry.startSpan('test.span');
  context.with(trace.setSpan(context.active(), span), () => fn(span));
  span.end();
  const finished = sdk.spans().at(-1);
  if (finished === undefined) throw new Error('span not exported');
  return finished;
}

beforeAll(() => {
  context.setGlobalContextManager(new AsyncHooksContextManager().enable());
});
afterAll(() => {
  context.disable();
});
beforeEach(() => {
  sdk = inMemoryOtel();
});
afterEach(async () => {
  await sdk.shutdown();
});

describe('requestTelemetry (codex.api_request)', () => {
  it('records a successful attempt as counter, histogram and log event with the common attributes', async () => {
    const telemetry = session();
    telemetry.requestTelemetry().onRequest({ attempt: 0, status: 200, error: undefined, durationMs: 42.7 });

    const counts = await sdk.metricPoints(TelemetryMetricNames.apiRequest);
    expect(counts).toEqual([{ attributes: { ...SESSION_TAGS, status: '200', success: 'true' }, value: 1 }]);
    const durations = await sdk.metricPoints(TelemetryMetricNames.apiRequestDuration);
    expect(durations).toHaveLength(1);
    expect(durations[0]?.value).toBe(1);
    expect(durations[0]?.sum).toBe(42); // whole ms, as 0.169.0

    const [record] = logsNamed(TelemetryEventNames.apiRequest);
    expect(record).toBeDefined();
    const attrs = record!.attributes;
    expect(attrs).toMatchObject({
      'event.name': 'codex.api_request',
      'conversation.id': 'conv-123',
      'app.version': '0.1.0',
      auth_mode: 'apikey',
      originator: 'codex_exec',
      'user.account_id': 'acct-1',
      'user.email': 'dev@example.com',
      'terminal.type': 'xterm-256color',
      model: 'gpt-5.1-codex',
      slug: 'gpt-5.1-codex-slug',
      attempt: 0,
      // 0.169.0's types: duration_ms a string, status and attempt integers in logs.
      duration_ms: '42',
      'http.response.status_code': 200,
    });
    expect(attrs['event.timestamp']).toMatch(RFC3339_MS);
    expect(attrs).not.toHaveProperty('error.message');
    expect(attrs).not.toHaveProperty('endpoint');
  });

  it('tags failures with the status (or none) and success=false, and logs error.message', async () => {
    const telemetry = session();
    const hook = telemetry.requestTelemetry({ endpoint: '/responses' });
    hook.onRequest({
      attempt: 0,
      status: 429,
      error: new HttpStatusError({ status: 429, body: 'slow down' }),
      durationMs: 5,
    });
    hook.onRequest({
      attempt: 1,
      status: undefined,
      error: new ConnectionError('connection refused'),
      durationMs: 1,
    });
    hook.onRequest({ attempt: 2, status: 500, error: undefined, durationMs: 1 });

    const counts = await sdk.metricPoints(TelemetryMetricNames.apiRequest);
    const byStatus = Object.fromEntries(counts.map((p) => [p.attributes.status, p.attributes.success]));
    expect(byStatus).toEqual({ '429': 'false', none: 'false', '500': 'false' });

    const records = logsNamed(TelemetryEventNames.apiRequest);
    expect(records.map((r) => r.attributes.attempt)).toEqual([0, 1, 2]);
    expect(records[0]?.attributes['error.message']).toBe('unexpected status 429 Too Many Requests');
    expect(records[1]?.attributes).not.toHaveProperty('http.response.status_code');
    expect(records[1]?.attributes['error.message']).toBe('connection refused');
    expect(records.every((r) => r.attributes.endpoint === '/responses')).toBe(true);
  });

  it('records the auth fields given and never a header value, body or key', async () => {
    const telemetry = session();
    const secret = 'sk-proj-SECRET123';
    const error = new HttpStatusError({
      status: 401,
      url: 'http://127.0.0.1:1/v1/responses',
      headers: { 'www-authenticate': `Bearer ${secret}`, 'set-cookie': `session=${secret}` },
      body: `{"error":"bad key ${secret}"}`,
    });
    telemetry.recordApiRequest({
      attempt: 0,
      status: 401,
      error,
      durationMs: 3,
      endpoint: '/responses',
      auth: {
        headerAttached: true,
        headerName: 'authorization',
        retryAfterUnauthorized: false,
        requestId: 'req_1',
      },
    });
    inSpan(telemetry, () =>
      telemetry.requestTelemetry().onRequest({ attempt: 1, status: 401, error, durationMs: 1 }),
    );

    const [record] = logsNamed(TelemetryEventNames.apiRequest);
    expect(record?.attributes).toMatchObject({
      'auth.header_attached': true,
      'auth.header_name': 'authorization',
      'auth.retry_after_unauthorized': false,
      'auth.request_id': 'req_1',
    });
    const exported = JSON.stringify([
      sdk.logs().map((r) => [r.attributes, r.body]),
      sdk.spans().map((s) => [s.attributes, s.events]),
      await sdk.metricPoints(TelemetryMetricNames.apiRequest),
    ]);
    expect(exported).not.toContain(secret);
    expect(exported).not.toContain('Bearer');
  });

  it('adds a codex.api_request span event to the active span', () => {
    const telemetry = session();
    const span = inSpan(telemetry, () =>
      telemetry.requestTelemetry().onRequest({ attempt: 0, status: 200, error: undefined, durationMs: 9 }),
    );
    const event = span.events.find((e) => e.name === TelemetryEventNames.apiRequest);
    // 0.169.0's span events carried the unsigned integers as strings.
    expect(event?.attributes).toMatchObject({
      attempt: '0',
      'http.response.status_code': '200',
      duration_ms: '9',
      model: 'gpt-5.1-codex',
    });
    // The trace side never carries account details.
    expect(event?.attributes).not.toHaveProperty('user.email');
    expect(event?.attributes).not.toHaveProperty('user.account_id');
  });

  it('never throws from the hook, even when the exporter pipeline does', () => {
    const telemetry = session({
      loggerProvider: {
        getLogger: () => ({
          emit: () => {
            throw new Error('exporter exploded');
          },
        }),
      },
    });
    expect(() =>
      telemetry.requestTelemetry().onRequest({ attempt: 0, status: 200, error: undefined, durationMs: 1 }),
    ).not.toThrow();
    expect(() =>
      telemetry.sseTelemetry().onSseEvent({
        event: { event: 'response.created', data: '{}', id: undefined },
        error: undefined,
        durationMs: 1,
      }),
    ).not.toThrow();
  });
});

describe('sseTelemetry (codex.sse_event)', () => {
  it('counts events by kind from the SSE event: field and logs event.kind', async () => {
    const telemetry = session();
    const hook = telemetry.sseTelemetry();
    const poll = (event: string, data: string, durationMs = 2) =>
      hook.onSseEvent({ event: { event, data, id: undefined }, error: undefined, durationMs });
    poll('response.created', '{"type":"response.created","response":{}}');
    poll('response.output_text.delta', '{"type":"response.output_text.delta","delta":"a"}');
    poll('response.output_text.delta', '{"type":"response.output_text.delta","delta":"b"}');
    // No event: field: the kind comes from a leading "type" in data, without a JSON parse.
    poll('message', '{"type":"response.in_progress","response":{}}');
    poll('message', 'not json');
    poll('response.completed', '{"type":"response.completed","response":{}}');
    // Clean end of stream: nothing recorded.
    hook.onSseEvent({ event: undefined, error: undefined, durationMs: 0 });

    const counts = await sdk.metricPoints(TelemetryMetricNames.sseEvent);
    const byKind = Object.fromEntries(
      counts.map((p) => [`${p.attributes.kind}/${p.attributes.success}`, p.value]),
    );
    expect(byKind).toEqual({
      'response.created/true': 1,
      'response.output_text.delta/true': 2,
      'response.in_progress/true': 1,
      'message/true': 1,
      'response.completed/true': 1,
    });
    for (const p of counts) expect(p.attributes).toMatchObject(SESSION_TAGS);
    const durations = await sdk.metricPoints(TelemetryMetricNames.sseEventDuration);
    expect(durations.reduce((n, p) => n + p.value, 0)).toBe(6);

    const records = logsNamed(TelemetryEventNames.sseEvent);
    expect(records.map((r) => r.attributes['event.kind'])).toEqual([
      'response.created',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.in_progress',
      'message',
      'response.completed',
    ]);
    expect(records[0]?.attributes).toMatchObject({ duration_ms: '2', 'conversation.id': 'conv-123' });
    expect(records.some((r) => 'error.message' in r.attributes)).toBe(false);
  });

  it('records failures: read errors as kind unknown, response.failed without its data', async () => {
    const telemetry = session();
    const hook = telemetry.sseTelemetry();
    const span = inSpan(telemetry, () => {
      hook.onSseEvent({
        event: undefined,
        error: new StreamError('idle timeout waiting for SSE', { idleTimeout: true }),
        durationMs: 300,
      });
      hook.onSseEvent({
        event: {
          event: 'response.failed',
          data: '{"type":"response.failed","response":{"output":"private text"}}',
          id: undefined,
        },
        error: undefined,
        durationMs: 4,
      });
      hook.onSseEvent({
        event: { event: 'response.created', data: '{}', id: undefined },
        error: undefined,
        durationMs: 1,
      });
      // The consumer aborting is not an SSE event.
      hook.onSseEvent({ event: undefined, error: new AbortedError('user cancelled'), durationMs: 1 });
    });

    const counts = await sdk.metricPoints(TelemetryMetricNames.sseEvent);
    const byKind = Object.fromEntries(
      counts.map((p) => [`${p.attributes.kind}/${p.attributes.success}`, p.value]),
    );
    expect(byKind).toEqual({ 'unknown/false': 1, 'response.failed/false': 1, 'response.created/true': 1 });

    const records = logsNamed(TelemetryEventNames.sseEvent);
    expect(records[0]?.attributes).not.toHaveProperty('event.kind');
    expect(records[0]?.attributes['error.message']).toBe('idle timeout waiting for SSE');
    expect(records[1]?.attributes).toMatchObject({
      'event.kind': 'response.failed',
      'error.message': 'response.failed',
    });
    expect(JSON.stringify(sdk.logs().map((r) => r.attributes))).not.toContain('private text');
    // Only failures reach the trace side.
    expect(span.events.filter((e) => e.name === TelemetryEventNames.sseEvent)).toHaveLength(2);
  });

  it('records completion token counts', () => {
    const telemetry = session();
    telemetry.recordResponseCompleted({
      inputTokens: 10,
      outputTokens: 5,
      cachedInputTokens: 2,
      toolTokens: 0,
    });
    telemetry.recordResponseCompleted({
      inputTokens: 1843,
      outputTokens: 52,
      cachedInputTokens: 1024,
      cacheWriteInputTokens: 0,
      reasoningOutputTokens: 24,
      toolTokens: 1895,
      ttftMs: 3.7,
      reasoningEffort: 'medium',
    });
    const [record, full] = logsNamed(TelemetryEventNames.sseEvent);
    // 0.169.0's types: input / output / tool counts strings, the others integers.
    expect(record?.attributes).toMatchObject({
      'event.kind': 'response.completed',
      input_token_count: '10',
      output_token_count: '5',
      cached_token_count: 2,
      tool_token_count: '0',
    });
    expect(record?.attributes).not.toHaveProperty('reasoning_token_count');
    expect(record?.attributes).not.toHaveProperty('ttft_ms');
    expect(record?.attributes).not.toHaveProperty('model_reasoning_effort');
    expect(full?.attributes).toMatchObject({
      input_token_count: '1843',
      output_token_count: '52',
      cached_token_count: 1024,
      cache_write_token_count: 0,
      reasoning_token_count: 24,
      tool_token_count: '1895',
      ttft_ms: 3,
      model_reasoning_effort: 'medium',
    });
  });
});

describe('recordRetry (codex.retry)', () => {
  it('adds a codex.retry span event to the active span', () => {
    const telemetry = session();
    const span = inSpan(telemetry, () => {
      telemetry.recordRetry({ attempt: 1, delayMs: 212.9, layer: 'http', operation: 'request' });
      telemetry.recordRetry({ attempt: 2, delayMs: 400, layer: 'stream', operation: 'sampling' });
    });
    const events = span.events.filter((e) => e.name === 'codex.retry');
    expect(events.map((e) => e.attributes)).toEqual([
      expect.objectContaining({
        'event.name': 'codex.retry',
        'retry.attempt': 1,
        'retry.delay_ms': 212,
        'retry.layer': 'http',
        'retry.operation': 'request',
        'conversation.id': 'conv-123',
        model: 'gpt-5.1-codex',
      }),
      expect.objectContaining({ 'retry.attempt': 2, 'retry.layer': 'stream', 'retry.operation': 'sampling' }),
    ]);
    expect(events[0]?.attributes?.['event.timestamp']).toMatch(RFC3339_MS);
    expect(events[0]?.attributes).not.toHaveProperty('user.email');
  });

  it('records nothing (and does not throw) without an active span', () => {
    const telemetry = session();
    telemetry.recordRetry({ attempt: 1, delayMs: 10, layer: 'http', operation: 'request' });
    expect(sdk.spans()).toHaveLength(0);
    expect(sdk.logs()).toHaveLength(0);
  });
});

describe('recordAuthRecovery (codex.auth_recovery)', () => {
  it('logs the step with its auth.* attributes, the error text redacted', () => {
    const telemetry = session();
    const token = 'canary-access-token-0123456789';
    telemetry.redact(token);
    telemetry.recordAuthRecovery({
      mode: 'managed',
      step: 'reload',
      outcome: 'recovery_succeeded',
      requestId: 'req-401',
      cfRay: 'ray-401',
      error: `rejected Bearer ${token}`,
      errorCode: 'token_expired',
      stateChanged: false,
    });
    const [record] = sdk.logs('codex.auth_recovery');
    expect(record?.attributes).toMatchObject({
      'auth.mode': 'managed',
      'auth.step': 'reload',
      'auth.outcome': 'recovery_succeeded',
      'auth.request_id': 'req-401',
      'auth.cf_ray': 'ray-401',
      'auth.error': 'rejected Bearer ***',
      'auth.error_code': 'token_expired',
      'auth.state_changed': false,
    });
    expect(record?.attributes).not.toHaveProperty('auth.recovery_reason');
  });
});

describe('WebSocket telemetry', () => {
  it('records requests and events with kind/success tags; pings are ignored', async () => {
    const telemetry = session();
    telemetry.recordWebsocketRequest({ durationMs: 3, connectionReused: true });
    telemetry.recordWebsocketRequest({ durationMs: 1, error: new Error('socket closed') });
    telemetry.recordWebsocketEvent({ frame: 'text', kind: 'response.created', durationMs: 10 });
    telemetry.recordWebsocketEvent({ frame: 'text', kind: 'response.completed', durationMs: 20 });
    telemetry.recordWebsocketEvent({ frame: 'ping', durationMs: 1 });
    telemetry.recordWebsocketEvent({ frame: 'pong', durationMs: 1 });
    telemetry.recordWebsocketEvent({ frame: 'binary', durationMs: 1 });
    telemetry.recordWebsocketEvent({ frame: 'text', durationMs: 1 });
    telemetry.recordWebsocketEvent({ frame: 'text', kind: 'response.failed', durationMs: 1 });
    telemetry.recordWebsocketEvent({ frame: 'none', error: new Error('read failed'), durationMs: 1 });

    const requests = await sdk.metricPoints(TelemetryMetricNames.websocketRequest);
    expect(Object.fromEntries(requests.map((p) => [p.attributes.success, p.value]))).toEqual({
      true: 1,
      false: 1,
    });
    expect(requests[0]?.attributes).toMatchObject(SESSION_TAGS);
    const events = await sdk.metricPoints(TelemetryMetricNames.websocketEvent);
    const byKind = Object.fromEntries(
      events.map((p) => [`${p.attributes.kind}/${p.attributes.success}`, p.value]),
    );
    expect(byKind).toEqual({
      'response.created/true': 1,
      'response.completed/true': 1,
      'unknown/false': 2,
      'parse_error/false': 1,
      'response.failed/false': 1,
    });
    expect((await sdk.metricPoints(TelemetryMetricNames.websocketEventDuration)).length).toBe(5);

    const logs = logsNamed(TelemetryEventNames.websocketRequest);
    expect(logs.map((r) => [r.attributes.success, r.attributes['auth.connection_reused']])).toEqual([
      ['true', true],
      ['false', false],
    ]);
    expect(logs[1]?.attributes['error.message']).toBe('socket closed');
    // No API-request or SSE metrics for a WebSocket turn.
    const names = await sdk.metricNames();
    expect(names).not.toContain(TelemetryMetricNames.apiRequest);
    expect(names).not.toContain(TelemetryMetricNames.sseEvent);
  });

  it('websocketTelemetry() adapts the WebSocket client hooks and never throws', async () => {
    const hooks = session().websocketTelemetry();
    hooks.onWsRequest({ durationMs: 2, error: undefined, connectionReused: false });
    hooks.onWsRequest({
      durationMs: 2,
      error: new ApiError('connection_failed', 'send failed'),
      connectionReused: true,
    });
    for (const kind of ['response.created', 'response.completed']) {
      hooks.onWsEvent({ kind, error: undefined, durationMs: 5 });
    }
    hooks.onWsEvent({
      kind: 'error',
      error: new ApiError('internal_server_error', 'server_error'),
      durationMs: 1,
    });
    hooks.onWsEvent({ kind: 'unparsed', error: undefined, durationMs: 1 });
    hooks.onWsEvent({ kind: 'binary', error: new ApiError('stream', 'binary'), durationMs: 1 });
    hooks.onWsEvent({ kind: 'close', error: new ApiError('stream', 'closed'), durationMs: 1 });
    hooks.onWsEvent({ kind: 'end', error: new ApiError('stream', 'ended'), durationMs: 1 });
    hooks.onWsEvent({ kind: 'timeout', error: new ApiError('stream', 'idle'), durationMs: 1 });
    expect(() => hooks.onWsEvent(null as never)).not.toThrow();
    expect(() => hooks.onWsRequest(undefined as never)).not.toThrow();

    const requests = await sdk.metricPoints(TelemetryMetricNames.websocketRequest);
    expect(Object.fromEntries(requests.map((p) => [p.attributes.success, p.value]))).toEqual({
      true: 1,
      false: 1,
    });
    const events = await sdk.metricPoints(TelemetryMetricNames.websocketEvent);
    expect(
      Object.fromEntries(events.map((p) => [`${p.attributes.kind}/${p.attributes.success}`, p.value])),
    ).toEqual({
      'response.created/true': 1,
      'response.completed/true': 1,
      'error/false': 1,
      'parse_error/false': 1,
      'binary/false': 1,
      'close/false': 1,
      'end/false': 1,
      'timeout/false': 1,
    });
    expect(
      logsNamed(TelemetryEventNames.websocketRequest).map((r) => r.attributes['auth.connection_reused']),
    ).toEqual([false, true]);
  });

  it('counts stale WebSocket frames in codex.websocket.stale_event only', async () => {
    const hooks = session().websocketTelemetry();
    hooks.onWsEvent({ kind: 'response.created', error: undefined, durationMs: 1, stale: false });
    hooks.onWsEvent({ kind: 'response.completed', error: undefined, durationMs: 2, stale: true });
    hooks.onWsEvent({ kind: 'response.completed', error: undefined, durationMs: 0, stale: true });
    hooks.onWsEvent({ kind: 'response.failed', error: undefined, durationMs: 0, stale: true });
    hooks.onWsEvent({ kind: 'unparsed', error: undefined, durationMs: 0, stale: true });
    hooks.onWsEvent({ kind: 'response.completed', error: undefined, durationMs: 3 });

    const stale = await sdk.metricPoints(TelemetryMetricNames.websocketStaleEvent);
    expect(Object.fromEntries(stale.map((p) => [p.attributes.kind, p.value]))).toEqual({
      'response.completed': 2,
      'response.failed': 1,
      parse_error: 1,
    });
    expect(
      stale.every((p) => p.attributes.success === undefined && p.attributes.model === 'gpt-5.1-codex'),
    ).toBe(true);
    const events = await sdk.metricPoints(TelemetryMetricNames.websocketEvent);
    expect(
      Object.fromEntries(events.map((p) => [`${p.attributes.kind}/${p.attributes.success}`, p.value])),
    ).toEqual({ 'response.created/true': 1, 'response.completed/true': 1 });
  });

  it('maps responsesapi.websocket_timing frames to the six timing histograms', async () => {
    const telemetry = session();
    telemetry.recordWebsocketEvent({
      frame: 'text',
      kind: 'responsesapi.websocket_timing',
      durationMs: 1,
      payload: {
        type: 'responsesapi.websocket_timing',
        timing_metrics: {
          responses_duration_excl_engine_and_client_tool_time_ms: 11,
          engine_service_total_ms: 22,
          engine_iapi_ttft_total_ms: 33,
          engine_service_ttft_total_ms: 44,
          engine_iapi_tbt_across_engine_calls_ms: 55,
          engine_service_tbt_across_engine_calls_ms: 66,
        },
      },
    });
    telemetry.recordResponsesApiTiming({ engine_service_total_ms: -1, engine_iapi_ttft_total_ms: 'x' });
    const expected: Array<[string, number]> = [
      [TelemetryMetricNames.responsesApiOverheadDuration, 11],
      [TelemetryMetricNames.responsesApiInferenceTimeDuration, 22],
      [TelemetryMetricNames.responsesApiEngineIapiTtftDuration, 33],
      [TelemetryMetricNames.responsesApiEngineServiceTtftDuration, 44],
      [TelemetryMetricNames.responsesApiEngineIapiTbtDuration, 55],
      [TelemetryMetricNames.responsesApiEngineServiceTbtDuration, 66],
    ];
    for (const [name, sum] of expected) {
      const points = await sdk.metricPoints(name);
      expect(points, name).toEqual([{ attributes: SESSION_TAGS, value: 1, sum }]);
    }
  });

  it('logs websocket connects with status, success and auth details', () => {
    const telemetry = session();
    telemetry.recordWebsocketConnect({
      durationMs: 15,
      status: 101,
      endpoint: '/responses',
      auth: { headerAttached: true, headerName: 'authorization' },
    });
    telemetry.recordWebsocketConnect({ durationMs: 2, status: 426, error: 'upgrade required' });
    const records = logsNamed(TelemetryEventNames.websocketConnect);
    expect(records[0]?.attributes).toMatchObject({
      duration_ms: '15',
      'http.response.status_code': 101,
      'auth.reauth': false,
      success: 'true',
      endpoint: '/responses',
      'auth.connection_reused': false,
      'auth.header_name': 'authorization',
    });
    expect(records[1]?.attributes).toMatchObject({ success: 'false', 'error.message': 'upgrade required' });
    telemetry.recordWebsocketConnect({ durationMs: 2 });
    expect(logsNamed(TelemetryEventNames.websocketConnect)[2]?.attributes.success).toBe('true');
  });

  it('counts fallbacks to HTTP and continuation decisions', async () => {
    const telemetry = session();
    telemetry.recordFallbackToHttp();
    telemetry.recordContinuation({ mode: 'full', reason: 'no_previous_request', phase: 'warmup' });
    telemetry.recordContinuation({ mode: 'incremental', reason: 'incremental', phase: 'generation' });
    telemetry.recordContinuation({ mode: 'incremental', reason: 'incremental', phase: 'generation' });

    expect(await sdk.metricPoints(TelemetryMetricNames.transportFallbackToHttp)).toEqual([
      { attributes: { ...SESSION_TAGS, from_wire_api: 'responses_websocket' }, value: 1 },
    ]);
    const continuations = await sdk.metricPoints(TelemetryMetricNames.websocketContinuation);
    expect(
      Object.fromEntries(
        continuations.map((p) => [
          `${p.attributes.mode}/${p.attributes.reason}/${p.attributes.phase}`,
          p.value,
        ]),
      ),
    ).toEqual({ 'full/no_previous_request/warmup': 1, 'incremental/incremental/generation': 2 });
  });
});

describe('userPrompt (codex.user_prompt)', () => {
  it('logs [REDACTED] by default and never puts the text on the span', () => {
    const telemetry = session();
    const span = inSpan(telemetry, () =>
      telemetry.userPrompt('fix the bug in main.rs 🦀', { imageInputCount: 1 }),
    );
    const [record] = logsNamed(TelemetryEventNames.userPrompt);
    expect(record?.attributes).toMatchObject({ prompt: '[REDACTED]', prompt_length: '24' });
    const event = span.events.find((e) => e.name === TelemetryEventNames.userPrompt);
    expect(event?.attributes).toMatchObject({
      prompt_length: '24',
      text_input_count: 1,
      image_input_count: 1,
      local_image_input_count: 0,
    });
    expect(JSON.stringify([span.events, sdk.logs().map((r) => r.attributes)])).not.toContain('fix the bug');
  });

  it('logs the prompt text when logUserPrompt is true', () => {
    const telemetry = session({ logUserPrompt: true });
    telemetry.userPrompt('hello');
    expect(logsNamed(TelemetryEventNames.userPrompt)[0]?.attributes).toMatchObject({
      prompt: 'hello',
      prompt_length: '5',
    });
  });
});

describe('session tags and metadata', () => {
  it('bounds an unknown originator to "other" in metrics but keeps it in logs', async () => {
    const telemetry = session({
      originator: 'my custom app',
      serviceName: 'desktop_app',
      authMode: undefined,
    });
    telemetry.recordFallbackToHttp();
    telemetry.requestTelemetry().onRequest({ attempt: 0, status: 200, error: undefined, durationMs: 1 });
    const [point] = await sdk.metricPoints(TelemetryMetricNames.transportFallbackToHttp);
    expect(point?.attributes).toEqual({
      session_source: 'exec',
      originator: 'other',
      service_name: 'desktop_app',
      model: 'gpt-5.1-codex',
      'app.version': '0.1.0',
      from_wire_api: 'responses_websocket',
    });
    const [record] = logsNamed(TelemetryEventNames.apiRequest);
    expect(record?.attributes.originator).toBe('my custom app');
    expect(record?.attributes).not.toHaveProperty('auth_mode');
  });

  it('omits session tags when metricsMetadataTags is false', async () => {
    const telemetry = session({ metricsMetadataTags: false });
    telemetry.requestTelemetry().onRequest({ attempt: 0, status: 204, error: undefined, durationMs: 1 });
    expect(await sdk.metricPoints(TelemetryMetricNames.apiRequest)).toEqual([
      { attributes: { status: '204', success: 'true' }, value: 1 },
    ]);
  });

  it('setModel switches the model tag and attributes', async () => {
    const telemetry = session();
    telemetry.requestTelemetry().onRequest({ attempt: 0, status: 200, error: undefined, durationMs: 1 });
    telemetry.setModel('gpt-5.2', 'gpt-5.2-slug');
    telemetry.requestTelemetry().onRequest({ attempt: 0, status: 200, error: undefined, durationMs: 1 });
    const models = (await sdk.metricPoints(TelemetryMetricNames.apiRequest)).map((p) => p.attributes.model);
    expect(models.sort()).toEqual(['gpt-5.1-codex', 'gpt-5.2']);
    const last = logsNamed(TelemetryEventNames.apiRequest).at(-1);
    expect(last?.attributes).toMatchObject({ model: 'gpt-5.2', slug: 'gpt-5.2-slug' });
  });
});

describe('spans and trace context', () => {
  it('withSpan makes the span active, ends it and records a thrown error', async () => {
    const telemetry = session();
    const value = await telemetry.withSpan(
      'model_client.stream_responses_api',
      { attributes: { transport: 'responses_http' } },
      () => {
        const headers = telemetry.injectTraceHeaders({ 'content-type': 'application/json' });
        expect(Object.keys(headers).sort()).toEqual(['content-type', 'traceparent']);
        return telemetry.w3cTraceContext().traceparent;
      },
    );
    const [span] = sdk.spans();
    expect(span?.name).toBe('model_client.stream_responses_api');
    expect(span?.attributes.transport).toBe('responses_http');
    expect(value).toBe(`00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`);

    await expect(
      telemetry.withSpan('failing', undefined, () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const failing = sdk.spans().find((s) => s.name === 'failing');
    expect(failing?.status).toMatchObject({ code: 2, message: 'boom' });
  });
});
