// A LoggerProvider for `@opentelemetry/api-logs` that feeds the SDK's own processors (batching,
// exporters, resource) with CodexLogRecord: the emit path of `@opentelemetry/sdk-logs` 0.205 with
// less work per record. `codex.sse_event` emits one record per streamed event.

import { EMIT_OWNED_ATTRIBUTES, type OwnedAttributesLogger } from '@codex-ts/otel';
import { context, diag, type HrTime, isSpanContextValid, type SpanContext, trace } from '@opentelemetry/api';
import {
  type LoggerProvider as ApiLoggerProvider,
  type Logger,
  type LoggerOptions,
  type LogRecord,
  NOOP_LOGGER,
} from '@opentelemetry/api-logs';
import {
  callWithTimeout,
  getNumberFromEnv,
  type InstrumentationScope,
  timeInputToHrTime,
} from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { LogRecordLimits, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  CodexLogRecord,
  type LoggerShared,
  type LogRecordShared,
  type ResolvedLogRecordLimits,
} from './log-record.js';

/** Options of {@link CodexLoggerProvider} (those of the SDK's `LoggerProvider` it honours). */
export interface CodexLoggerProviderOptions {
  resource: Resource;
  processors: LogRecordProcessor[];
  /** Unset fields come from `OTEL_LOGRECORD_ATTRIBUTE_*` / `OTEL_ATTRIBUTE_*`, then 128 / no limit. */
  logRecordLimits?: LogRecordLimits | undefined;
  /** Bound of each processor's `forceFlush`, ms (default 30 000, as the SDK). */
  forceFlushTimeoutMillis?: number | undefined;
}

/** The limits of `limits`, filled from the environment as the SDK's `reconfigureLimits`. */
export function resolveLogRecordLimits(limits: LogRecordLimits | undefined): ResolvedLogRecordLimits {
  return {
    attributeCountLimit:
      limits?.attributeCountLimit ??
      getNumberFromEnv('OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT') ??
      getNumberFromEnv('OTEL_ATTRIBUTE_COUNT_LIMIT') ??
      128,
    attributeValueLengthLimit:
      limits?.attributeValueLengthLimit ??
      getNumberFromEnv('OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
      getNumberFromEnv('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
      Number.POSITIVE_INFINITY,
  };
}

/**
 * The HrTime of a time input, the last one kept: records emitted within the same ms (one cache
 * for the timestamps `SessionTelemetry` passes, one for the observed times taken here) share one
 * array, which records only read.
 */
class HrTimeCache {
  private lastMs = Number.NaN;
  private lastHrTime: HrTime = [0, 0];

  of(time: NonNullable<LogRecord['timestamp']>): HrTime {
    if (typeof time !== 'number') return timeInputToHrTime(time);
    if (time !== this.lastMs) {
      this.lastHrTime = timeInputToHrTime(time);
      this.lastMs = time;
    }
    return this.lastHrTime;
  }
}

class CodexLogger implements Logger, OwnedAttributesLogger {
  private readonly times = new HrTimeCache();
  private readonly observedTimes = new HrTimeCache();
  private readonly shared: LoggerShared;
  // The last span context seen and whether it is valid: the records of one stream share the
  // active span's, and span contexts do not change (the SDK's spans and the API's
  // `wrapSpanContext` never alter theirs), so it is checked once, not per record (two regular
  // expressions).
  private lastSpanContext: SpanContext | undefined;
  private lastSpanContextValid = false;

  constructor(
    shared: LogRecordShared,
    scope: InstrumentationScope,
    private readonly processors: readonly LogRecordProcessor[],
  ) {
    this.shared = { resource: shared.resource, limits: shared.limits, scope };
  }

  emit(logRecord: LogRecord): void {
    this.emitRecord(logRecord, false);
  }

  /** `emit`, keeping `logRecord.attributes` itself when a copy would equal it (see `OwnedAttributesLogger`). */
  [EMIT_OWNED_ATTRIBUTES](logRecord: LogRecord): void {
    this.emitRecord(logRecord, true);
  }

  private emitRecord(logRecord: LogRecord, ownsAttributes: boolean): void {
    const ctx = logRecord.context || context.active();
    const spanContext = trace.getSpanContext(ctx);
    const now = Date.now();
    const record = new CodexLogRecord(
      this.shared,
      this.times.of(logRecord.timestamp ?? now),
      this.observedTimes.of(logRecord.observedTimestamp ?? now),
      this.validSpanContext(spanContext),
      logRecord,
      ownsAttributes,
    );
    const processors = this.processors;
    for (let i = 0; i < processors.length; i++) (processors[i] as LogRecordProcessor).onEmit(record, ctx);
    record.makeReadonly();
  }

  /** `spanContext` when it is valid (`isSpanContextValid`), else undefined. */
  private validSpanContext(spanContext: SpanContext | undefined): SpanContext | undefined {
    if (spanContext === undefined) return undefined;
    if (spanContext !== this.lastSpanContext) {
      this.lastSpanContext = spanContext;
      this.lastSpanContextValid = isSpanContextValid(spanContext);
    }
    return this.lastSpanContextValid ? spanContext : undefined;
  }
}

/**
 * The logger provider `startOtelSdk` registers for log records: the `LoggerProvider` contract of
 * `@opentelemetry/sdk-logs` (loggers cached per name, version and schema URL; `forceFlush`
 * bounded per processor; `shutdown` once, a no-op logger afterwards; the record limits; the
 * trace context of the emitted or active context on each record), with records built by
 * {@link CodexLogRecord} and handed to the SDK's processors (`BatchLogRecordProcessor` and its
 * exporters). Throws nothing.
 */
export class CodexLoggerProvider implements ApiLoggerProvider {
  private readonly shared: LogRecordShared;
  private readonly processors: readonly LogRecordProcessor[];
  private readonly forceFlushTimeoutMillis: number;
  private readonly loggers = new Map<string, Logger>();
  private shutdownResult: Promise<void> | undefined;

  constructor(options: CodexLoggerProviderOptions) {
    this.shared = { resource: options.resource, limits: resolveLogRecordLimits(options.logRecordLimits) };
    this.processors = [...options.processors];
    this.forceFlushTimeoutMillis = options.forceFlushTimeoutMillis ?? 30_000;
  }

  getLogger(name: string, version?: string, options?: LoggerOptions): Logger {
    if (this.shutdownResult !== undefined) {
      diag.warn('A shutdown LoggerProvider cannot provide a Logger');
      return NOOP_LOGGER;
    }
    if (!name) diag.warn('Logger requested without instrumentation scope name.');
    const loggerName = name || 'unknown';
    const key = `${loggerName}@${version || ''}:${options?.schemaUrl || ''}`;
    let logger = this.loggers.get(key);
    if (logger === undefined) {
      const scope: InstrumentationScope = { name: loggerName, version, schemaUrl: options?.schemaUrl };
      logger = new CodexLogger(this.shared, scope, this.processors);
      this.loggers.set(key, logger);
    }
    return logger;
  }

  /** Flushes every processor, each within `forceFlushTimeoutMillis`; after shutdown, the shutdown's promise. */
  forceFlush(): Promise<void> {
    if (this.shutdownResult !== undefined) {
      diag.warn('invalid attempt to force flush after LoggerProvider shutdown');
      return this.shutdownResult;
    }
    const timeout = this.forceFlushTimeoutMillis;
    return Promise.all(this.processors.map((p) => callWithTimeout(p.forceFlush(), timeout))).then(() => {});
  }

  /** Shuts every processor down (flushing them); later calls return the first call's promise. */
  shutdown(): Promise<void> {
    if (this.shutdownResult !== undefined) {
      diag.warn('shutdown may only be called once per LoggerProvider');
      return this.shutdownResult;
    }
    this.shutdownResult = Promise.all(this.processors.map((p) => p.shutdown())).then(() => {});
    return this.shutdownResult;
  }
}
