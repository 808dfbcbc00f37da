// No SDK and no global provider is registered in this file: everything must be a near no-op.
import { context, metrics, trace } from '@opentelemetry/api';
import { logs, ProxyLoggerProvider } from '@opentelemetry/api-logs';
import { describe, expect, it } from 'vitest';
import { SessionTelemetry } from './session-telemetry.js';

const ITERATIONS = 100_000;

function telemetry(): SessionTelemetry {
  return new SessionTelemetry({
    conversationId: 'conv-noop',
    model: 'gpt-5.1-codex',
    authMode: 'apikey',
    originator: 'codex_exec',
    appVersion: '0.1.0',
    sessionSource: 'exec',
  });
}

function nsPerOp(fn: () => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) fn();
  return Number(process.hrtime.bigint() - start) / ITERATIONS;
}

describe('SessionTelemetry without an SDK', () => {
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

  it('finishes 100k calls of each hook and reports ns/op (informational, not asserted)', () => {
    const t = telemetry();
    const requestHook = t.requestTelemetry();
    const sseHook = t.sseTelemetry();
    const ok = { attempt: 0, status: 200, error: undefined, durationMs: 12 };
    const sse = {
      event: {
        event: 'response.output_text.delta',
        data: '{"type":"response.output_text.delta","delta":"x"}',
        id: undefined,
      },
      error: undefined,
      durationMs: 1,
    };
    const unnamedSse = {
      event: { event: 'message', data: '{"type":"response.created"}', id: undefined },
      error: undefined,
      durationMs: 1,
    };
    const retry = { attempt: 1, delayMs: 200, layer: 'http', operation: 'request' } as const;
    const wsEvent = { frame: 'text', kind: 'response.created', durationMs: 1 } as const;
    const continuation = { mode: 'incremental', reason: 'incremental', phase: 'generation' } as const;

    // Warm up so the JIT has compiled the paths.
    for (let i = 0; i < 10_000; i++) {
      requestHook.onRequest(ok);
      sseHook.onSseEvent(sse);
    }
    const results = {
      'requestTelemetry().onRequest': nsPerOp(() => requestHook.onRequest(ok)),
      'sseTelemetry().onSseEvent': nsPerOp(() => sseHook.onSseEvent(sse)),
      'onSseEvent (event: message)': nsPerOp(() => sseHook.onSseEvent(unnamedSse)),
      recordRetry: nsPerOp(() => t.recordRetry(retry)),
      recordWebsocketEvent: nsPerOp(() => t.recordWebsocketEvent(wsEvent)),
      recordContinuation: nsPerOp(() => t.recordContinuation(continuation)),
      recordFallbackToHttp: nsPerOp(() => t.recordFallbackToHttp()),
      userPrompt: nsPerOp(() => t.userPrompt('hello')),
      w3cTraceContext: nsPerOp(() => t.w3cTraceContext()),
    };
    const table = Object.entries(results)
      .map(([name, ns]) => `  ${name.padEnd(32)} ${ns.toFixed(1)} ns/op`)
      .join('\n');
    console.log(`no-op SessionTelemetry, ${ITERATIONS} calls each:\n${table}`);
    for (const ns of Object.values(results)) expect(Number.isFinite(ns)).toBe(true);
  });
});
