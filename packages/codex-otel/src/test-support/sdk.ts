// In-memory OpenTelemetry SDK wiring for tests (not part of the build).

import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

class TestMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface Point {
  attributes: Record<string, unknown>;
  /** Sum for counters, count for histograms. */
  value: number;
  /** Histogram sum (undefined for counters). */
  sum?: number;
}

export function createTestSdk() {
  const metricReader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [metricReader] });
  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor(logExporter)] });
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });

  async function metricPoints(name: string): Promise<Point[]> {
    const { resourceMetrics, errors } = await metricReader.collect();
    if (errors.length > 0) throw new Error(`metric collection failed: ${String(errors[0])}`);
    const points: Point[] = [];
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== name) continue;
        for (const dp of metric.dataPoints) {
          if (metric.dataPointType === DataPointType.HISTOGRAM) {
            const value = dp.value as { count: number; sum?: number };
            points.push({ attributes: { ...dp.attributes }, value: value.count, sum: value.sum ?? 0 });
          } else {
            points.push({ attributes: { ...dp.attributes }, value: dp.value as number });
          }
        }
      }
    }
    return points;
  }

  async function metricNames(): Promise<string[]> {
    const { resourceMetrics } = await metricReader.collect();
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name));
  }

  /** Everything exported so far as one JSON string (metric names and attributes, log records, spans). */
  async function exported(): Promise<string> {
    const { resourceMetrics } = await metricReader.collect();
    const metrics = resourceMetrics.scopeMetrics.flatMap((scope) =>
      scope.metrics.map((m) => ({
        name: m.descriptor.name,
        points: m.dataPoints.map((dp) => dp.attributes),
      })),
    );
    const logs = logExporter.getFinishedLogRecords().map((r) => ({ attributes: r.attributes, body: r.body }));
    const spans = spanExporter.getFinishedSpans().map((span) => ({
      name: span.name,
      attributes: span.attributes,
      status: span.status,
      events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    }));
    return JSON.stringify({ metrics, logs, spans });
  }

  return {
    exported,
    meterProvider,
    loggerProvider,
    tracerProvider,
    metricPoints,
    metricNames,
    logs: (): ReadableLogRecord[] => logExporter.getFinishedLogRecords(),
    spans: (): ReadableSpan[] => spanExporter.getFinishedSpans(),
    async shutdown() {
      await Promise.all([meterProvider.shutdown(), loggerProvider.shutdown(), tracerProvider.shutdown()]);
    },
  };
}

export type TestSdk = ReturnType<typeof createTestSdk>;
