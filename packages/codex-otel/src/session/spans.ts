/**
 * The trace side of SessionTelemetry: which span receives span events, and running a function in a
 * new active span (telemetry.md §6). Internal to the package.
 */

import type { SecretRedactor } from '@codex-ts/client';
import { context as contextApi, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { errorMessage } from './values.js';

/** The active span when it is recording; span events go there. `undefined` otherwise. */
export function recordingSpan(): Span | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span : undefined;
}

/**
 * Runs `fn` with `span` made active (a child context of the active one) and ends the span when
 * `fn` settles. A thrown or rejected error sets status ERROR with its redacted `error.message`
 * and records an exception with its name and that message only (the stack would repeat the
 * unredacted message); the error is rethrown unchanged.
 */
export async function runInSpan<T>(
  span: Span,
  redactor: SecretRedactor,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  try {
    return await contextApi.with(trace.setSpan(contextApi.active(), span), () => fn(span));
  } catch (error) {
    const message = errorMessage(error, redactor);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    if (error instanceof Error) span.recordException({ name: error.name, message });
    throw error;
  } finally {
    span.end();
  }
}
