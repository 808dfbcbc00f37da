// The SSE duration histogram aggregated by CodexMeterProvider must export what the SDK's own
// MeterProvider exports for the same SessionTelemetry records (the plain Histogram.record path):
// same metrics in the same order, series, bucket counts, sum, min, max and count, across
// collections (cumulative); with delta temporality the plain instrument is used.
import { SessionTelemetry } from '@codex-ts/otel';
import type { MeterProvider as ApiMeterProvider } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type OtelSdk, startOtelSdk } from '../sdk/sdk.js';
import { CodexMetricReader } from './aggregated-histograms.js';

const started: OtelSdk[] = [];
afterEach(async () => {
  for (const sdk of started.splice(0)) await sdk.shutdown({ timeoutMs: 1000 });
});

const none = { kind: 'none' } as const;

async function codexSdk(exporter: InMemoryMetricExporter) {
  const sdk = await startOtelSdk(
    {
      serviceName: 'codex_exec',
      serviceVersion: '1.0.0',
      environment: 'test',
      logs: none,
      traces: none,
      metrics: none,
    },
    { exporters: { metrics: exporter }, registerGlobals: false },
  );
  started.push(sdk);
  return sdk.meterProvider as ApiMeterProvider & { forceFlush(): Promise<void> };
}

function plainSdk(exporter: InMemoryMetricExporter) {
  return new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
  });
}

function session(meterProvider: ApiMeterProvider) {
  return new SessionTelemetry({
    conversationId: 'c1',
    model: 'gpt-5.5',
    authMode: 'apikey',
    originator: 'codex_exec',
    appVersion: '1.0.0',
    sessionSource: 'exec',
    meterProvider,
  });
}

/** One stream: `durations` as delta events, then `response.completed` (0 ms). */
function stream(
  telemetry: SessionTelemetry,
  durations: readonly number[],
  kind = 'response.output_text.delta',
) {
  for (const durationMs of durations)
    telemetry.recordSsePoll({
      event: { event: kind, data: '{}', id: '' } as never,
      error: undefined,
      durationMs,
    });
  telemetry.recordSsePoll({
    event: { event: 'response.completed', data: '{}', id: '' } as never,
    error: undefined,
    durationMs: 0,
  });
}

/** The exported metrics without times (they differ by the ms the two SDKs ran in). */
function shape(exports: ResourceMetrics[]) {
  return exports.map((e) =>
    e.scopeMetrics.map((s) => ({
      scope: s.scope,
      metrics: s.metrics.map((m) => ({
        descriptor: m.descriptor,
        temporality: m.aggregationTemporality,
        type: m.dataPointType,
        points: m.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value })),
      })),
    })),
  );
}

describe('CodexMeterProvider aggregated SSE histogram', () => {
  it('exports what the SDK exports for the same streams, collection after collection', async () => {
    const ours = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const theirs = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const codex = await codexSdk(ours);
    const plain = plainSdk(theirs);
    for (const [provider] of [[codex], [plain]] as const) {
      const telemetry = session(provider);
      telemetry.recordApiRequest({ attempt: 1, status: 200, error: undefined, durationMs: 12 });
      stream(telemetry, [0, 0.4, 4.99, 5, 5.01, 74, 10_000, 10_001, 250, -3, Number.NaN]);
      await provider.forceFlush();
      stream(telemetry, [1, 2, 3], 'response.reasoning_summary_text.delta');
      telemetry.setModel('gpt-6');
      stream(telemetry, [7_500, 0.25]);
      await provider.forceFlush();
    }
    const got = shape(ours.getMetrics());
    expect(got).toEqual(shape(theirs.getMetrics()));
    const names = got[1]?.[0]?.metrics.map((m) => m.descriptor.name);
    expect(names).toEqual([
      'codex.api_request',
      'codex.api_request.duration_ms',
      'codex.sse_event',
      'codex.sse_event.duration_ms',
    ]);
    // The series start when their first value was recorded and end at the collection.
    const [first] = ours.getMetrics()[0]?.scopeMetrics[0]?.metrics[3]?.dataPoints ?? [];
    const [counter] = ours.getMetrics()[0]?.scopeMetrics[0]?.metrics[2]?.dataPoints ?? [];
    expect(first?.endTime).toEqual(counter?.endTime);
    expect(first?.startTime[0]).toBeGreaterThan(0);
  });

  it('exports what the SDK exports for any durations (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.double({ min: -1, max: 20_000, noNaN: false }), { maxLength: 40 }), {
          minLength: 1,
          maxLength: 4,
        }),
        async (streams) => {
          const ours = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
          const theirs = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
          const codex = await codexSdk(ours);
          const plain = plainSdk(theirs);
          for (const provider of [codex, plain]) {
            const telemetry = session(provider);
            for (const durations of streams) stream(telemetry, durations);
            await provider.forceFlush();
          }
          expect(shape(ours.getMetrics())).toEqual(shape(theirs.getMetrics()));
          await plain.shutdown();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('is not offered with delta temporality: the plain instrument exports the same', async () => {
    const ours = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const theirs = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const codex = await codexSdk(ours);
    const plain = plainSdk(theirs);
    const reader = new CodexMetricReader({ exporter: ours, exportIntervalMillis: 60_000 });
    expect(reader.histograms.histogram('codex_otel', 'x', { description: '', unit: 'ms' })).toBeUndefined();
    for (const provider of [codex, plain]) {
      const telemetry = session(provider);
      stream(telemetry, [1, 30, 700]);
      await provider.forceFlush();
      stream(telemetry, [2]);
      await provider.forceFlush();
    }
    expect(shape(ours.getMetrics())).toEqual(shape(theirs.getMetrics()));
    // Delta: the second collection holds the second stream's delta event only.
    expect(ours.getMetrics()[1]?.scopeMetrics[0]?.metrics[1]?.dataPoints[0]?.value).toMatchObject({
      count: 1,
      sum: 2,
    });
  });

  it('shares one histogram between the sessions of one provider', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const codex = await codexSdk(exporter);
    stream(session(codex), [1, 2]);
    stream(session(codex), [3]);
    await codex.forceFlush();
    const metrics = exporter.getMetrics()[0]?.scopeMetrics[0]?.metrics ?? [];
    expect(metrics.filter((m) => m.descriptor.name === 'codex.sse_event.duration_ms')).toHaveLength(1);
    expect(metrics[1]?.dataPoints[0]?.value).toMatchObject({ count: 3, sum: 6 });
  });
});
