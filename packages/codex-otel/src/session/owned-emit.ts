/**
 * The hook through which a logger can take a record's attributes object without copying it
 * (`@codex-ts/otel-sdk`'s logger offers it; any other logger is used through `emit`).
 */

import type { Logger, LogRecord } from '@opentelemetry/api-logs';

/**
 * The key of {@link OwnedAttributesLogger}'s method on a logger:
 * `Symbol.for('@codex-ts/otel.emitOwnedAttributes')`, so any copy of the packages finds it.
 */
export const EMIT_OWNED_ATTRIBUTES: unique symbol = Symbol.for('@codex-ts/otel.emitOwnedAttributes');

/**
 * A logger that can keep the attributes object of an emitted record as the record's own.
 * `SessionTelemetry` builds a fresh attributes object for every log event (one per streamed SSE
 * event for `codex.sse_event`) and hands it over through this method when its logger has it.
 */
export interface OwnedAttributesLogger {
  /**
   * Emits `logRecord` as `Logger.emit` does (same record, same export), except that
   * `logRecord.attributes` is handed over: the caller built it for this call and never reads or
   * writes it afterwards, so the logger may use that very object as the record's attributes
   * instead of a copy (after the same validation and limits a copy would get). Throws nothing.
   */
  [EMIT_OWNED_ATTRIBUTES](logRecord: LogRecord): void;
}

/**
 * The emit function for records whose attributes are handed over: `logger`'s
 * {@link OwnedAttributesLogger} method when it has one, else its plain `emit`. Throws nothing.
 */
export function ownedAttributesEmit(logger: Logger): (logRecord: LogRecord) => void {
  const owned = (logger as Partial<OwnedAttributesLogger>)[EMIT_OWNED_ATTRIBUTES];
  if (typeof owned === 'function') return owned.bind(logger);
  return logger.emit.bind(logger);
}
