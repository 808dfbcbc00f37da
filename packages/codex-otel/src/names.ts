/**
 * Upstream-compatible telemetry names (telemetry.md §3–§4). Dashboards and queries built for the
 * Rust Codex CLI keep working because these strings are identical.
 */

/** Names of the log events and span events SessionTelemetry emits (telemetry.md §3). */
export const TelemetryEventNames = {
  /** One per HTTP attempt. */
  apiRequest: 'codex.api_request',
  /** One per SSE event read; the completion variant carries token counts. */
  sseEvent: 'codex.sse_event',
  /** One per WebSocket connect. */
  websocketConnect: 'codex.websocket_connect',
  /** One per WebSocket request sent. */
  websocketRequest: 'codex.websocket_request',
  /** One per auth recovery step. */
  authRecovery: 'codex.auth_recovery',
  /** The user's prompt, `[REDACTED]` unless `logUserPrompt`. */
  userPrompt: 'codex.user_prompt',
  /** Span event on every retry. */
  retry: 'codex.retry',
} as const;

/** Names of the metric instruments SessionTelemetry records (telemetry.md §4). */
export const TelemetryMetricNames = {
  /** Counter, tags `status`, `success`. */
  apiRequest: 'codex.api_request',
  /** Histogram (ms), tags `status`, `success`. */
  apiRequestDuration: 'codex.api_request.duration_ms',
  /** Counter, tags `kind`, `success`. */
  sseEvent: 'codex.sse_event',
  /** Histogram (ms), tags `kind`, `success`. */
  sseEventDuration: 'codex.sse_event.duration_ms',
  /** Counter, tag `success`. */
  websocketRequest: 'codex.websocket.request',
  /** Histogram (ms), tag `success`. */
  websocketRequestDuration: 'codex.websocket.request.duration_ms',
  /** Counter, tags `kind`, `success`. */
  websocketEvent: 'codex.websocket.event',
  /** Histogram (ms), tags `kind`, `success`. */
  websocketEventDuration: 'codex.websocket.event.duration_ms',
  /**
   * Counter, tag `kind`: WebSocket frames of another response than the one in flight (a late
   * duplicate `response.completed`, …) or read between requests, which were ignored. Ours (the
   * original client does not match frames to requests); not counted in `codex.websocket.event`.
   */
  websocketStaleEvent: 'codex.websocket.stale_event',
  /** Counter, tags `mode`, `reason`, `phase`. */
  websocketContinuation: 'codex.websocket.continuation',
  /** Counter, tag `from_wire_api`. */
  transportFallbackToHttp: 'codex.transport.fallback_to_http',
  /** Histograms (ms) fed from `responsesapi.websocket_timing` frames. */
  responsesApiOverheadDuration: 'codex.responses_api_overhead.duration_ms',
  responsesApiInferenceTimeDuration: 'codex.responses_api_inference_time.duration_ms',
  responsesApiEngineIapiTtftDuration: 'codex.responses_api_engine_iapi_ttft.duration_ms',
  responsesApiEngineServiceTtftDuration: 'codex.responses_api_engine_service_ttft.duration_ms',
  responsesApiEngineIapiTbtDuration: 'codex.responses_api_engine_iapi_tbt.duration_ms',
  responsesApiEngineServiceTbtDuration: 'codex.responses_api_engine_service_tbt.duration_ms',
} as const;

/** Instrumentation scope name used for the meter, tracer and logger. */
export const INSTRUMENTATION_SCOPE = '@codex-ts/otel';
