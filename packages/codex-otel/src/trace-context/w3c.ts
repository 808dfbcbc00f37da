/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) for the active span, formatted without
 * a registered propagator (telemetry.md §7).
 */

import {
  type Context,
  context as contextApi,
  createTraceState,
  isSpanContextValid,
  ROOT_CONTEXT,
  type SpanContext,
  TraceFlags,
  trace,
} from '@opentelemetry/api';

/** The `traceparent` / `tracestate` pair of a span; both absent when there is no valid span. */
export interface W3cTraceContext {
  /** `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`. */
  traceparent?: string;
  /** The span's trace state (`key=value,…`), only when non-empty. */
  tracestate?: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

function formatTraceparent(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/**
 * The W3C trace context of the span active in `ctx` (default: the active context). Returns `{}`
 * when there is no span or its span context is invalid (e.g. no tracer SDK is registered).
 * Used for HTTP headers and for WebSocket `client_metadata.ws_request_header_traceparent` /
 * `ws_request_header_tracestate`.
 */
export function w3cTraceContext(ctx: Context = contextApi.active()): W3cTraceContext {
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return {};
  const result: W3cTraceContext = { traceparent: formatTraceparent(spanContext) };
  const tracestate = spanContext.traceState?.serialize();
  if (tracestate) result.tracestate = tracestate;
  return result;
}

/**
 * Sets `traceparent` (and `tracestate` when non-empty) on `headers` from the span active in `ctx`.
 * Leaves `headers` untouched when there is no valid span. Mutates and returns `headers`.
 * Never adds any other header.
 */
export function injectTraceHeaders<T extends Record<string, string>>(
  headers: T,
  ctx: Context = contextApi.active(),
): T {
  const { traceparent, tracestate } = w3cTraceContext(ctx);
  if (traceparent !== undefined) {
    (headers as Record<string, string>).traceparent = traceparent;
    if (tracestate !== undefined) (headers as Record<string, string>).tracestate = tracestate;
  }
  return headers;
}

/**
 * A context whose remote parent span is the given W3C trace context, e.g. from the `TRACEPARENT` /
 * `TRACESTATE` environment variables (telemetry.md §7). Returns undefined when `traceparent` is
 * missing or malformed (wrong shape, version `ff`, all-zero ids).
 */
export function contextFromW3cTraceContext(
  value: W3cTraceContext,
  parent: Context = ROOT_CONTEXT,
): Context | undefined {
  const match = value.traceparent === undefined ? null : TRACEPARENT.exec(value.traceparent.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const spanContext: SpanContext = {
    traceId: traceId!,
    spanId: spanId!,
    traceFlags: Number.parseInt(flags!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  if (value.tracestate) spanContext.traceState = createTraceState(value.tracestate);
  if (!isSpanContextValid(spanContext)) return undefined;
  return trace.setSpanContext(parent, spanContext);
}

/**
 * {@link contextFromW3cTraceContext} of `env.TRACEPARENT` / `env.TRACESTATE` (default `process.env`):
 * the process-level parent context, or undefined when `TRACEPARENT` is unset or invalid.
 */
export function parentContextFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Context | undefined {
  const traceparent = env.TRACEPARENT;
  if (!traceparent) return undefined;
  const tracestate = env.TRACESTATE;
  return contextFromW3cTraceContext(tracestate ? { traceparent, tracestate } : { traceparent });
}
