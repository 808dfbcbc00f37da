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
  /** Once per session: provider, policies, auth env flags. */
  conversationStarts: 'codex.conversation_starts',
  /** A coarse start-up phase (`startup.phase`, `startup.status`, `duration_ms`). */
  startupPhase: 'codex.startup_phase',
  /** Time from the turn's start to its first output. */
  turnTtft: 'codex.turn_ttft',
  /** A tool call's approval decision (log only). */
  toolDecision: 'codex.tool_decision',
  /** One finished tool call. */
  toolResult: 'codex.tool_result',
  /** The sandbox stopped a tool's command (log and span event). */
  sandboxOutcome: 'codex.sandbox_outcome',
  /** Span event on `session_task.turn` when the turn ends (trace only). */
  turnProfile: 'codex.turn_profile',
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
  /** Counter, tags `mode`, `reason`, `phase`, `after_prewarm`, `previous_item_type`, `current_item_type`. */
  websocketContinuation: 'codex.websocket.continuation',
  /** Counter, tags `reauth`, `success`. */
  websocketConnect: 'codex.websocket.connect',
  /** Histogram (ms), tags `reauth`, `success`. */
  websocketConnectDuration: 'codex.websocket.connect.duration_ms',
  /** Counter, tag `originator` only (no session tags): once per process. */
  processStart: 'codex.process.start',
  /** Counter, tags `is_git`, `is_worktree`. */
  threadStarted: 'codex.thread.started',
  /** Histogram (ms), tags `phase`, `status` (when known). */
  startupPhaseDuration: 'codex.startup.phase.duration_ms',
  /** Histogram (ms), tags `input`, `status`. */
  startupPrewarmDuration: 'codex.startup_prewarm.duration_ms',
  /** Histogram (ms), tag `status` (`consumed`, `failed`, `join_failed`, `timed_out`, `not_scheduled`, `cancelled`). */
  startupPrewarmAgeAtFirstTurn: 'codex.startup_prewarm.age_at_first_turn_ms',
  /** Counter, tags `input`, `outcome`. */
  startupPrewarmWebsocketCheck: 'codex.startup_prewarm.websocket_check',
  /** Counter: a model reroute warning was shown. */
  modelWarning: 'codex.model_warning',
  /** Histogram (ms): turn start to its end. */
  turnE2eDuration: 'codex.turn.e2e_duration_ms',
  /** Histogram (ms): turn start to the first output (text or reasoning delta). */
  turnTtftDuration: 'codex.turn.ttft.duration_ms',
  /** Histogram (ms): turn start to the first assistant message completed. */
  turnTtfmDuration: 'codex.turn.ttfm.duration_ms',
  /** Histogram (tokens), tags `token_type` (`input`, `cached_input`, `cache_write_input`, `output`, `reasoning_output`, `total`), `tmp_mem_enabled`. */
  turnTokenUsage: 'codex.turn.token_usage',
  /** Histogram: tool calls in the turn, tag `tmp_mem_enabled`. */
  turnToolCall: 'codex.turn.tool.call',
  /** Counter, tags `tool`, `success`. */
  toolCall: 'codex.tool.call',
  /** Histogram (ms), tags `tool`, `success`. */
  toolCallDuration: 'codex.tool.call.duration_ms',
  /** Counter: turns started in the conversation. */
  conversationTurnCount: 'codex.conversation.turn.count',
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

/**
 * Names of the spans 0.169.0 opened around a turn, each HTTP request and each WebSocket
 * connection / request (otel-capture 2026-12-03); `@codex-ts/core` opens them.
 */
export const TelemetrySpanNames = {
  /** One turn: `turn.id`, `model`, `codex.turn.reasoning_effort`, `codex.turn.token_usage.*`; event `codex.turn_profile`. */
  sessionTaskTurn: 'session_task.turn',
  /** Child of the turn: `conversation.id`, `turn.id`. */
  runTurn: 'run_turn',
  /** The turn's user input was recorded (`codex.user_prompt`). */
  runHooksAndRecordInputs: 'run_hooks_and_record_inputs',
  /** One sampling request with its retries: `turn_id`, `model`, `cwd`. */
  runSamplingRequest: 'run_sampling_request',
  /** One attempt: `turn_id`, `model`; event `codex.turn_ttft`. */
  tryRunSamplingRequest: 'try_run_sampling_request',
  /** Sending the request until its stream is open. */
  streamRequest: 'stream_request',
  /** Reading the stream. */
  receivingStream: 'receiving_stream',
  /** HTTP: `model`, `wire_api`, `transport = responses_http`, `http.method`, `api.path`, `turn.has_metadata_header`. */
  modelClientStreamResponsesApi: 'model_client.stream_responses_api',
  /** HTTP: `transport`, `http.method`, `api.path`. */
  responsesStreamRequest: 'responses.stream_request',
  /** HTTP: `http.method`, `api.path`; event `codex.api_request`. */
  endpointSessionStreamEncodedJsonWith: 'endpoint_session.stream_encoded_json_with',
  /** The startup prewarm: `prewarm.input`; events `codex.startup_phase`. */
  startupPrewarm: 'startup_prewarm',
  /** WebSocket: `provider`, `wire_api`, `transport`, `api.path`, `turn.has_metadata_header`; event `codex.websocket_connect`. */
  modelClientWebsocketConnection: 'model_client.websocket_connection',
  /** WebSocket handshake: `transport`, `api.path`. */
  responsesWebsocketConnect: 'responses_websocket.connect',
  /** WebSocket request: `model`, `wire_api`, `transport`, `turn.has_metadata_header`, `websocket.warmup`, `api.path`. */
  modelClientStreamResponsesWebsocket: 'model_client.stream_responses_websocket',
  /** WebSocket send: `transport`, `api.path`; event `codex.websocket_request`. */
  responsesWebsocketStreamRequest: 'responses_websocket.stream_request',
} as const;

/**
 * Historical instrumentation scope name of this package. The exported scopes follow 0.169.0
 * instead: {@link METER_SCOPE}, {@link LOG_SCOPE}, and the originator (e.g. `codex_exec`) for spans.
 */
export const INSTRUMENTATION_SCOPE = '@codex-ts/otel';

/** Scope of every metric, as 0.169.0 exports it (`codex`, no version). */
export const METER_SCOPE = 'codex';

/**
 * Scope of every log record, as 0.169.0 exports it (`codex_otel.log_only`, no version: the
 * tracing target of the log-side events). Spans use the originator (`codex_exec` for exec) as
 * scope name, also without a version.
 */
export const LOG_SCOPE = 'codex_otel.log_only';
