// No SDK and no global provider is registered when each SessionTelemetry here is built:
// every recorder must be a no-op. (Its cost is measured by bench/noop.ts, not here.)
import { ApiError } from '@codex-ts/api';
import { ConnectionError, HttpStatusError, StreamError } from '@codex-ts/client';
import { context, createNoopMeter, metrics, ProxyTracerProvider, trace } from '@opentelemetry/api';
import { logs, NOOP_LOGGER_PROVIDER, ProxyLoggerProvider } from '@opentelemetry/api-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { type InMemoryOtel, inMemoryOtel } from '../test/index.js';
import { SessionTelemetry } from './session-telemetry.js';
import type { SessionTelemetryOptions } from './types.js';

function telemetry(extra: Partial<SessionTelemetryOptions> = {}): SessionTelemetry {
  return new SessionTelemetry({
    conversationId: 'conv-noop',
    model: 'gpt-5.1-codex',
    authMode: 'apikey',
    originator: 'codex_exec',
    appVersion: '0.1.0',
    sessionSource: 'exec',
    logUserPrompt: true,
    ...extra,
  });
}

/** Calls every recorder and hook of `t`, with successes and failures, outside any span. */
async function exerciseEveryRecorder(t: SessionTelemetry): Promise<void> {
  const request = t.requestTelemetry();
  request.onRequest({ attempt: 0, status: 200, error: undefined, durationMs: 12 });
  request.onRequest({
    attempt: 1,
    status: 401,
    error: new HttpStatusError({ status: 401, body: 'bad key' }),
    durationMs: 3,
  });
  t.requestTelemetry({ endpoint: '/responses/compact' }).onRequest({
    attempt: 0,
    status: undefined,
    error: new ConnectionError('connection refused'),
    durationMs: 1,
  });
  const sse = t.sseTelemetry();
  sse.onSseEvent({
    event: { event: 'response.output_text.delta', data: '{"delta":"x"}', id: undefined },
    error: undefined,
    durationMs: 1,
  });
  sse.onSseEvent({
    event: { event: 'message', data: '{"type":"response.created"}', id: undefined },
    error: undefined,
    durationMs: 1,
  });
  sse.onSseEvent({
    event: { event: 'response.failed', data: '{}', id: undefined },
    error: undefined,
    durationMs: 1,
  });
  sse.onSseEvent({ event: undefined, error: new StreamError('idle', { idleTimeout: true }), durationMs: 1 });
  const ws = t.websocketTelemetry();
  ws.onWsRequest({ durationMs: 2, error: undefined, connectionReused: false });
  ws.onWsRequest({
    durationMs: 2,
    error: new ApiError('connection_failed', 'send failed'),
    connectionReused: true,
  });
  ws.onWsEvent({ kind: 'response.completed', error: undefined, durationMs: 1 });
  ws.onWsEvent({ kind: 'close', error: new ApiError('stream', 'closed'), durationMs: 1 });
  t.recordApiRequest({ attempt: 0, status: 500, error: 'boom', durationMs: 4, endpoint: '/responses' });
  t.recordSsePoll({ event: undefined, error: new StreamError('reset'), durationMs: 2 });
  t.recordResponseCompleted({
    inputTokens: 10,
    outputTokens: 5,
    cachedInputTokens: 2,
    reasoningOutputTokens: 1,
  });
  t.recordRetry({ attempt: 1, delayMs: 200, layer: 'http', operation: 'request' });
  t.recordRetry({ attempt: 1, delayMs: 200, layer: 'stream', operation: 'sampling' });
  t.recordWebsocketConnect({ durationMs: 5, status: 101, connectionReused: false });
  t.recordWebsocketConnect({ durationMs: 5, status: 426, error: 'upgrade required' });
  t.recordWebsocketRequest({ durationMs: 1, error: 'send failed', connectionReused: true });
  t.recordWebsocketEvent({ frame: 'text', kind: 'response.created', durationMs: 1 });
  t.recordWebsocketEvent({
    frame: 'text',
    kind: 'responsesapi.websocket_timing',
    durationMs: 1,
    payload: { type: 'responsesapi.websocket_timing', timing_metrics: { engine_service_total_ms: 22 } },
  });
  t.recordWebsocketEvent({ frame: 'close', kind: 'close', error: 'closed', durationMs: 1 });
  t.recordResponsesApiTiming({ engine_iapi_ttft_total_ms: 33 });
  t.recordFallbackToHttp();
  t.recordContinuation({ mode: 'incremental', reason: 'incremental', phase: 'generation' });
  t.recordContinuation({ mode: 'full', reason: 'connection_closed', phase: 'warmup' });
  t.recordAuthRecovery({ mode: 'apikey', step: 'reload', outcome: 'recovery_not_run' });
  t.userPrompt('hello', { textInputCount: 1 });
  t.setModel('gpt-5.2', 'gpt-5.2');
  expect(t.w3cTraceContext()).toEqual({});
  expect(t.injectTraceHeaders({ accept: 'text/event-stream' })).toEqual({ accept: 'text/event-stream' });
}

const NOOP_METER_CLASS = createNoopMeter().constructor;

describe('SessionTelemetry without an SDK', () => {
  let sdk: InMemoryOtel | undefined;
  afterEach(async () => {
    metrics.disable();
    trace.disable();
    logs.disable();
    await sdk?.shutdown();
    sdk = undefined;
  });

  it('runs on the global no-op providers', () => {
    expect(logs.getLoggerProvider()).toBeInstanceOf(ProxyLoggerProvider);
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(metrics.getMeterProvider().getMeter('x').createCounter('y')).toBeDefined();
    const t = telemetry();
    expect(t.w3cTraceContext()).toEqual({});
    const headers = { accept: 'text/event-stream' };
    expect(t.injectTraceHeaders(headers)).toEqual({ accept: 'text/event-stream' });
    const span = t.startSpan('noop');
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(context.active()).toBeDefined();
  });

  it('records nothing, even into an SDK registered after construction', async () => {
    // Nothing is registered: the API hands out its no-op meter and a delegate-less tracer proxy.
    expect(metrics.getMeter('x')).toBeInstanceOf(NOOP_METER_CLASS);
    const tracerProvider = trace.getTracerProvider();
    expect(tracerProvider).toBeInstanceOf(ProxyTracerProvider);
    expect((tracerProvider as ProxyTracerProvider).getDelegateTracer('x')).toBeUndefined();
    expect(logs.getLoggerProvider()).toBeInstanceOf(ProxyLoggerProvider);

    const t = telemetry();
    // The tracer is the API's proxy, which would follow a later registration: spans only before it.
    const span = t.startSpan('noop');
    expect(span.isRecording()).toBe(false);
    span.end();
    await expect(t.withSpan('noop', undefined, (s) => s.isRecording())).resolves.toBe(false);

    sdk = inMemoryOtel();
    expect(metrics.setGlobalMeterProvider(sdk.meterProvider)).toBe(true);
    expect(trace.setGlobalTracerProvider(sdk.tracerProvider)).toBe(true);
    expect(logs.setGlobalLoggerProvider(sdk.loggerProvider)).toBeDefined();

    await expect(exerciseEveryRecorder(t)).resolves.toBeUndefined();
    expect(await sdk.metricNames()).toEqual([]);
    expect(sdk.logs()).toEqual([]);
    expect(sdk.spans()).toEqual([]);

    // Control: the same calls on a session built now (on the registered SDK) do reach it.
    await exerciseEveryRecorder(telemetry());
    expect((await sdk.metricNames()).length).toBeGreaterThan(0);
    expect(sdk.logs().length).toBeGreaterThan(0);
  });

  it('records nothing with the API no-op providers passed explicitly', async () => {
    sdk = inMemoryOtel();
    metrics.setGlobalMeterProvider(sdk.meterProvider);
    trace.setGlobalTracerProvider(sdk.tracerProvider);
    logs.setGlobalLoggerProvider(sdk.loggerProvider);
    const t = telemetry({
      meterProvider: { getMeter: () => createNoopMeter() },
      // A proxy of its own, never given a delegate (unlike the global one).
      tracerProvider: new ProxyTracerProvider(),
      loggerProvider: NOOP_LOGGER_PROVIDER,
    });
    await expect(exerciseEveryRecorder(t)).resolves.toBeUndefined();
    const span = t.startSpan('noop');
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(await sdk.metricNames()).toEqual([]);
    expect(sdk.logs()).toEqual([]);
    expect(sdk.spans()).toEqual([]);
  });
});
