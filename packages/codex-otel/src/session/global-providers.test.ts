// Registers global providers (this file only): a SessionTelemetry built afterwards uses them.
import { context, metrics, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelemetryEventNames, TelemetryMetricNames } from '../names.js';
import { inMemoryOtel } from '../test/index.js';
import { SessionTelemetry } from './session-telemetry.js';

const sdk = inMemoryOtel();

beforeAll(() => {
  context.setGlobalContextManager(new AsyncHooksContextManager().enable());
  metrics.setGlobalMeterProvider(sdk.meterProvider);
  logs.setGlobalLoggerProvider(sdk.loggerProvider);
  trace.setGlobalTracerProvider(sdk.tracerProvider);
});
afterAll(async () => {
  context.disable();
  metrics.disable();
  logs.disable();
  trace.disable();
  await sdk.shutdown();
});

describe('default (global) providers', () => {
  it('records metrics, logs and spans through the globally registered SDK', async () => {
    const telemetry = new SessionTelemetry({
      conversationId: 'conv-global',
      model: 'gpt-5.1-codex',
      originator: 'codex_exec',
      appVersion: '0.1.0',
      sessionSource: 'exec',
    });
    await telemetry.withSpan('turn', undefined, () => {
      telemetry.requestTelemetry().onRequest({ attempt: 0, status: 200, error: undefined, durationMs: 3 });
      telemetry.recordRetry({ attempt: 1, delayMs: 5, layer: 'stream', operation: 'sampling' });
    });
    expect(await sdk.metricPoints(TelemetryMetricNames.apiRequest)).toHaveLength(1);
    expect(sdk.logs().map((r) => r.eventName)).toEqual([TelemetryEventNames.apiRequest]);
    const [span] = sdk.spans();
    expect(span?.events.map((e) => e.name)).toEqual(['codex.api_request', 'codex.retry']);
    expect(span?.events[0]?.attributes?.['terminal.type']).toBe('unknown');
  });
});
