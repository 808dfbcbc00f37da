// The OpenTelemetry SDK of a Codex process: providers with OTLP exporters, registered globally,
// and a flush that never outlives its bound.
import { hostname, type as osType, release } from 'node:os';
import { clampTimerMs } from '@codex-ts/client';
import { parentContextFromEnv } from '@codex-ts/otel';
import {
  type MeterProvider as ApiMeterProvider,
  type TracerProvider as ApiTracerProvider,
  type Context,
  context,
  metrics,
  propagation,
  trace,
} from '@opentelemetry/api';
import { type LoggerProvider as ApiLoggerProvider, logs } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { EagerBatchLogRecordProcessor } from '../logs/batch-processor.js';
import { CodexLoggerProvider } from '../logs/logger-provider.js';
import { CodexMeterProvider, CodexMetricReader } from '../metrics/aggregated-histograms.js';
import { logExporter, metricExporter, spanExporter } from './exporters.js';
import type { OtelSdkSettings } from './settings.js';

/** Default per-request export timeout, ms. */
export const DEFAULT_EXPORT_TIMEOUT_MS = 5000;
/**
 * Records a batch processor holds before it drops new ones (logs and spans each). The SDK default
 * (2048) drops most `codex.sse_event` records of one long streamed answer; this bounds the
 * memory at a few MB instead.
 */
export const BATCH_QUEUE_SIZE = 16_384;
/** Default bound of {@link OtelSdk.shutdown}, ms. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 3000;

/** Exporter instances that replace the configured ones (benchmarks, tests: in-memory exporters). */
export interface OtelSdkExporters {
  logs?: LogRecordExporter | undefined;
  traces?: SpanExporter | undefined;
  metrics?: PushMetricExporter | undefined;
}

/** Options of {@link startOtelSdk} beyond the settings. */
export interface StartOtelSdkOptions {
  /** Use these exporters instead of building them from the settings (a signal set here is enabled). */
  exporters?: OtelSdkExporters | undefined;
  /**
   * Register the providers, an AsyncLocalStorage context manager and the W3C trace-context
   * propagator as the process-wide OpenTelemetry globals (default true). A global that is already
   * registered (an application's own SDK) is left in place.
   */
  registerGlobals?: boolean | undefined;
}

/** What {@link OtelSdk.shutdown} reports. */
export interface OtelShutdownResult {
  /** True when every provider flushed and shut down within the bound. */
  completed: boolean;
  /** Time spent, ms. */
  elapsedMs: number;
}

/** A started SDK: the providers of the enabled signals and the process parent context. */
export interface OtelSdk {
  /** Tracer provider, when traces are exported. */
  readonly tracerProvider: ApiTracerProvider | undefined;
  /** Meter provider, when metrics are exported. */
  readonly meterProvider: ApiMeterProvider | undefined;
  /** Logger provider, when log records are exported. */
  readonly loggerProvider: ApiLoggerProvider | undefined;
  /** The resource of all signals together (each signal carries its part, see {@link codexResource}). */
  readonly resource: Resource;
  /**
   * The remote parent of the process's root span, from `TRACEPARENT` / `TRACESTATE` (see
   * `parentContextFromEnv` of `@codex-ts/otel`); undefined when unset or malformed.
   */
  readonly parentContext: Context | undefined;
  /**
   * Flushes every signal and shuts the providers down, resolving within `timeoutMs` (default
   * {@link DEFAULT_SHUTDOWN_TIMEOUT_MS}, clamped as every timer) whatever the collector does: a
   * refused, stalled or failing export only makes `completed` false. Never rejects; later calls
   * return the first call's result. Unregisters the globals it registered.
   */
  shutdown(options?: { timeoutMs?: number | undefined }): Promise<OtelShutdownResult>;
}

/**
 * The resource of one signal, as 0.169.0 exports it (otel-capture 2026-12-03): `service.name`,
 * `service.version`, `env` on every signal, over the SDK's default `telemetry.sdk.*` attributes;
 * logs add `host.name`, metrics add `os` and `os_version` (`os.type()` / `os.release()`), spans
 * add nothing. `signal` omitted: all of them (one resource for every signal).
 */
export function codexResource(
  settings: Pick<OtelSdkSettings, 'serviceName' | 'serviceVersion' | 'environment'>,
  signal?: 'traces' | 'logs' | 'metrics',
): Resource {
  return defaultResource().merge(
    resourceFromAttributes({
      'service.name': settings.serviceName,
      'service.version': settings.serviceVersion,
      env: settings.environment,
      ...(signal === undefined || signal === 'logs' ? { 'host.name': hostname() } : {}),
      ...(signal === undefined || signal === 'metrics' ? { os: osType(), os_version: release() } : {}),
    }),
  );
}

/**
 * Builds the OpenTelemetry SDK of {@link OtelSdkSettings} (codex-rs `otel` provider setup): a
 * logger provider with the SDK's `BatchLogRecordProcessor`, which also exports as soon as a batch
 * (512 records) is full instead of only every 5 s, so a fast stream does not fill its queue of
 * {@link BATCH_QUEUE_SIZE} records and drop the rest (our own provider: the contract of
 * `@opentelemetry/sdk-logs`' `LoggerProvider` and its records — limits, trace context, read-only
 * after emit — with less work per record, since every streamed SSE event is one
 * `codex.sse_event` record), a `BasicTracerProvider` with a batch span processor and
 * a `MeterProvider` with a periodic reader (60 s interval; the rest is flushed by
 * {@link OtelSdk.shutdown}) that also takes `SessionTelemetry`'s SSE duration histogram as
 * batches (`AggregatedHistogramProvider` of `@codex-ts/otel`; exported as the SDK's own histogram), each only for a signal whose exporter is not `none`; OTLP/HTTP JSON,
 * OTLP/HTTP protobuf or OTLP/gRPC exporters (their packages are imported only when used) with the
 * configured headers, TLS files and `exportTimeoutMs`. Registers them as the global providers
 * (see {@link StartOtelSdkOptions.registerGlobals}) so `SessionTelemetry` records to them.
 *
 * Export failures (collector down, refused, slow) are never thrown or printed: OpenTelemetry's
 * diagnostics stay off unless the application enables them.
 *
 * @throws an Error from reading a TLS file or building a gRPC credential (bad PEM): the message
 *   names the file, never a header value.
 */
export async function startOtelSdk(
  settings: OtelSdkSettings,
  options: StartOtelSdkOptions = {},
): Promise<OtelSdk> {
  const timeout = clampTimerMs(settings.exportTimeoutMs ?? DEFAULT_EXPORT_TIMEOUT_MS);
  const custom = options.exporters ?? {};
  const spans =
    custom.traces ??
    (settings.traces.kind === 'none' ? undefined : await spanExporter(settings.traces, timeout));
  const records =
    custom.logs ?? (settings.logs.kind === 'none' ? undefined : await logExporter(settings.logs, timeout));
  const points =
    custom.metrics ??
    (settings.metrics.kind === 'none' ? undefined : await metricExporter(settings.metrics, timeout));

  const tracerProvider = spans
    ? new BasicTracerProvider({
        resource: codexResource(settings, 'traces'),
        spanProcessors: [
          new BatchSpanProcessor(spans, { exportTimeoutMillis: timeout, maxQueueSize: BATCH_QUEUE_SIZE }),
        ],
      })
    : undefined;
  const loggerProvider = records
    ? new CodexLoggerProvider({
        resource: codexResource(settings, 'logs'),
        processors: [
          new EagerBatchLogRecordProcessor(records, {
            exportTimeoutMillis: timeout,
            maxQueueSize: BATCH_QUEUE_SIZE,
          }),
        ],
      })
    : undefined;
  const meterProvider = points
    ? new CodexMeterProvider({
        resource: codexResource(settings, 'metrics'),
        reader: new CodexMetricReader({
          exporter: points,
          exportIntervalMillis: 60_000,
          exportTimeoutMillis: timeout,
        }),
      })
    : undefined;

  const unregister: (() => void)[] = [];
  if (options.registerGlobals !== false) {
    const manager = new AsyncLocalStorageContextManager().enable();
    if (context.setGlobalContextManager(manager)) unregister.push(() => context.disable());
    else manager.disable();
    if (propagation.setGlobalPropagator(new W3CTraceContextPropagator()))
      unregister.push(() => propagation.disable());
    if (tracerProvider && trace.setGlobalTracerProvider(tracerProvider))
      unregister.push(() => trace.disable());
    if (meterProvider && metrics.setGlobalMeterProvider(meterProvider))
      unregister.push(() => metrics.disable());
    if (loggerProvider) {
      logs.setGlobalLoggerProvider(loggerProvider);
      unregister.push(() => logs.disable());
    }
  }

  let result: Promise<OtelShutdownResult> | undefined;
  const shutdown = (timeoutMs: number): Promise<OtelShutdownResult> => {
    const start = performance.now();
    const work = Promise.allSettled([
      tracerProvider?.shutdown(),
      loggerProvider?.shutdown(),
      meterProvider?.shutdown(),
    ]);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), clampTimerMs(timeoutMs));
    });
    return Promise.race([work.then(() => true), bound]).then((completed) => {
      clearTimeout(timer);
      for (const undo of unregister.splice(0)) undo();
      return { completed, elapsedMs: performance.now() - start };
    });
  };

  return {
    tracerProvider,
    meterProvider,
    loggerProvider,
    resource: codexResource(settings),
    parentContext: parentContextFromEnv(settings.env ?? process.env),
    shutdown(shutdownOptions = {}) {
      result ??= shutdown(shutdownOptions.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
      return result;
    },
  };
}
