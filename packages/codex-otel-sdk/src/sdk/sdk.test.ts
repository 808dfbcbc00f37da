// startOtelSdk against the local OTLP receivers: each exporter kind delivers logs, spans and
// metrics with the Codex resource; headers reach the collector; TRACEPARENT parents the root
// span; shutdown is bounded against collectors that never answer.
import {
  closedPortUrl,
  type OtlpCollected,
  startOtlpGrpcReceiver,
  startOtlpHttpReceiver,
  startStallingCollector,
} from '@codex-ts/otlp-receiver';
import { context, metrics, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { type OtelSdk, startOtelSdk } from './sdk.js';
import type { OtelExporterSettings, OtelSdkSettings } from './settings.js';

const started: OtelSdk[] = [];
afterEach(async () => {
  for (const sdk of started.splice(0)) await sdk.shutdown({ timeoutMs: 1000 });
});

function settings(
  exporter: (signal: 'logs' | 'traces' | 'metrics') => OtelExporterSettings,
  env = {},
): OtelSdkSettings {
  return {
    serviceName: 'codex_exec',
    serviceVersion: '9.9.9',
    environment: 'staging',
    logs: exporter('logs'),
    traces: exporter('traces'),
    metrics: exporter('metrics'),
    exportTimeoutMs: 2000,
    env,
  };
}

/** Records one span with a child, one log record and one counter through the globals, then shuts down. */
async function recordAndShutdown(sdk: OtelSdk): Promise<void> {
  const tracer = trace.getTracer('codex_exec');
  await tracer.startActiveSpan('codex.exec', {}, sdk.parentContext ?? context.active(), async (root) => {
    await new Promise((r) => setTimeout(r, 1));
    tracer.startSpan('child').end();
    logs.getLogger('codex_otel').emit({ body: 'hello', attributes: { 'event.name': 'codex.test_event' } });
    metrics.getMeter('codex').createCounter('codex.test.count').add(2, { model: 'm' });
    root.end();
  });
  const result = await sdk.shutdown({ timeoutMs: 5000 });
  expect(result.completed).toBe(true);
}

function expectDelivered(receiver: OtlpCollected): void {
  const [root] = receiver.spans('codex.exec');
  const [child] = receiver.spans('child');
  expect(root?.parentSpanId).toBe('');
  expect(child?.parentSpanId).toBe(root?.spanId);
  expect(root?.scope).toBe('codex_exec');
  expect(root?.resource).toMatchObject({
    'service.name': 'codex_exec',
    'service.version': '9.9.9',
    env: 'staging',
  });
  const [log] = receiver.logs('codex.test_event');
  expect(log?.body).toBe('hello');
  expect(log?.resource['host.name']).toBeTypeOf('string');
  expect(root?.resource).not.toHaveProperty('host.name');
  expect(root?.resource).not.toHaveProperty('os');
  const [metric] = receiver.metrics('codex.test.count');
  expect(metric?.resource.os).toBeTypeOf('string');
  expect(metric?.resource).not.toHaveProperty('host.name');
  expect(metric?.points).toEqual([{ attributes: { model: 'm' }, value: 2 }]);
}

describe('startOtelSdk', () => {
  for (const protocol of ['json', 'binary'] as const) {
    it(`exports logs, spans and metrics over OTLP/HTTP ${protocol} with the configured headers`, async () => {
      const receiver = await startOtlpHttpReceiver();
      try {
        const sdk = await startOtelSdk(
          settings((signal) => ({
            kind: 'otlp-http',
            endpoint: receiver.endpoints[signal],
            protocol,
            headers: { 'x-test': '1' },
          })),
        );
        started.push(sdk);
        await recordAndShutdown(sdk);
        expectDelivered(receiver);
        const requests = receiver.requests();
        expect(new Set(requests.map((r) => r.signal))).toEqual(new Set(['logs', 'traces', 'metrics']));
        for (const request of requests) {
          expect(request.transport).toBe(protocol === 'json' ? 'http/json' : 'http/protobuf');
          expect(request.headers['x-test']).toBe('1');
        }
      } finally {
        await receiver.close();
      }
    });
  }

  it('exports over OTLP/gRPC with the headers as metadata', async () => {
    const receiver = await startOtlpGrpcReceiver();
    try {
      const sdk = await startOtelSdk(
        settings(() => ({ kind: 'otlp-grpc', endpoint: receiver.url, headers: { 'x-test': '2' } })),
      );
      started.push(sdk);
      await recordAndShutdown(sdk);
      expectDelivered(receiver);
      expect(receiver.requests().every((r) => r.transport === 'grpc' && r.headers['x-test'] === '2')).toBe(
        true,
      );
    } finally {
      await receiver.close();
    }
  });

  it('TRACEPARENT becomes the remote parent of the root span', async () => {
    const receiver = await startOtlpHttpReceiver();
    try {
      const traceparent = '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01';
      const sdk = await startOtelSdk(
        settings(
          (signal) => ({
            kind: 'otlp-http',
            endpoint: receiver.endpoints[signal],
            protocol: 'json',
            headers: {},
          }),
          {
            TRACEPARENT: traceparent,
          },
        ),
      );
      started.push(sdk);
      await recordAndShutdown(sdk);
      const [root] = receiver.spans('codex.exec');
      expect(root?.traceId).toBe('0123456789abcdef0123456789abcdef');
      expect(root?.parentSpanId).toBe('0123456789abcdef');
    } finally {
      await receiver.close();
    }
  });

  it('a signal set to none gets no provider', async () => {
    const sdk = await startOtelSdk(settings(() => ({ kind: 'none' })));
    started.push(sdk);
    expect([sdk.tracerProvider, sdk.meterProvider, sdk.loggerProvider]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('shutdown resolves within its bound when the collector never answers or refuses', async () => {
    const stalling = await startStallingCollector();
    const closed = await closedPortUrl();
    try {
      for (const url of [stalling.url, closed]) {
        for (const kind of ['otlp-http', 'otlp-grpc'] as const) {
          const exporter = (signal: string): OtelExporterSettings =>
            kind === 'otlp-http'
              ? { kind, endpoint: `${url}/v1/${signal}`, protocol: 'binary', headers: {} }
              : { kind, endpoint: url, headers: {} };
          const sdk = await startOtelSdk({ ...settings(exporter), exportTimeoutMs: 30_000 });
          trace.getTracer('t').startSpan('s').end();
          metrics.getMeter('m').createCounter('c').add(1);
          const started = performance.now();
          const result = await sdk.shutdown({ timeoutMs: 300 });
          // Generous: the bound is 300 ms; the exporters alone would wait 30 s.
          expect(performance.now() - started).toBeLessThan(5000);
          expect(typeof result.completed).toBe('boolean');
        }
      }
      expect(stalling.connections()).toBeGreaterThan(0);
    } finally {
      await stalling.close();
    }
  });
});
