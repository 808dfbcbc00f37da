// In-memory OpenTelemetry SDK for telemetry tests: explicit meter / logger / tracer providers to
// hand to a SessionTelemetry, and readers for what they recorded.
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** A pull-only reader: tests collect themselves. */
class ManualMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** One data point of a metric. */
export interface MetricPoint {
  attributes: Record<string, unknown>;
  /** Sum for counters, count for histograms. */
  value: number;
  /** Histogram sum (absent for counters). */
  sum?: number;
}

/** The SDK of one test: providers plus readers of the recorded metrics, log records and spans. */
export interface InMemoryOtel {
  meterProvider: MeterProvider;
  loggerProvider: LoggerProvider;
  tracerProvider: BasicTracerProvider;
  /** Data points of metric `name` (empty when it was never recorded). */
  metricPoints(name: string): Promise<MetricPoint[]>;
  /** Names of every metric recorded so far. */
  metricNames(): Promise<string[]>;
  /** Sum of the `value` of all data points of `name` whose attributes include `where`. */
  total(name: string, where?: Record<string, unknown>): Promise<number>;
  /** Every log record, or those whose `event.name` attribute is `name`. */
  logs(name?: string): ReadableLogRecord[];
  /** Finished spans. */
  spans(): ReadableSpan[];
  /**
   * Everything exported so far as one JSON string: every metric's name and data-point attributes,
   * every log record's attributes and body, every finished span's name, attributes, status and
   * events (for "this secret never reaches telemetry" checks).
   */
  exported(): Promise<string>;
  shutdown(): Promise<void>;
}

/** Builds an {@link InMemoryOtel}: nothing is registered globally. */
export function inMemoryOtel(): InMemoryOtel {
  const reader = new ManualMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor(logExporter)] });
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });

  const metricPoints = async (name: string): Promise<MetricPoint[]> => {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw new Error(`metric collection failed: ${String(errors[0])}`);
    const points: MetricPoint[] = [];
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
  };

  return {
    meterProvider,
    loggerProvider,
    tracerProvider,
    metricPoints,
    async metricNames() {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name));
    },
    async total(name, where = {}) {
      let sum = 0;
      for (const p of await metricPoints(name)) {
        if (Object.entries(where).every(([k, v]) => p.attributes[k] === v)) sum += p.value;
      }
      return sum;
    },
    logs: (name) =>
      logExporter
        .getFinishedLogRecords()
        .filter((r) => name === undefined || r.attributes['event.name'] === name),
    spans: () => spanExporter.getFinishedSpans(),
    async exported() {
      const { resourceMetrics } = await reader.collect();
      const metrics = resourceMetrics.scopeMetrics.flatMap((scope) =>
        scope.metrics.map((m) => ({
          name: m.descriptor.name,
          points: m.dataPoints.map((dp) => dp.attributes),
        })),
      );
      const logs = logExporter
        .getFinishedLogRecords()
        .map((r) => ({ attributes: r.attributes, body: r.body }));
      const spans = spanExporter.getFinishedSpans().map((span) => ({
        name: span.name,
        attributes: span.attributes,
        status: span.status,
        events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
      }));
      return JSON.stringify({ metrics, logs, spans });
    },
    async shutdown() {
      await Promise.all([meterProvider.shutdown(), loggerProvider.shutdown(), tracerProvider.shutdown()]);
    },
  };
}

/**
 * Registers an AsyncLocalStorage context manager as the global one so spans started with
 * `SessionTelemetry.withSpan` are active across awaits; returns the function that unregisters it.
 */
export function enableAsyncContext(): () => void {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  return () => {
    context.disable();
    manager.disable();
  };
}
