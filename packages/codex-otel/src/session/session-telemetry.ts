/**
 * SessionTelemetry: the session-scoped recorder of model-traffic telemetry (telemetry.md §1–§5).
 */

// The public class composes the internal parts: `events.ts` (log and span events), `metrics.ts`
// (instruments, tag sets), `hooks.ts` (transport hook adapters), `spans.ts` (the trace side).

import type { WebsocketTelemetry } from '@codex-ts/api';
import {
  type RequestTelemetry,
  SecretRedactor,
  type SseTelemetry,
  type SseTelemetryInfo,
} from '@codex-ts/client';
import {
  type Context,
  context as contextApi,
  metrics as metricsApi,
  type Span,
  type SpanOptions,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { injectTraceHeaders, type W3cTraceContext, w3cTraceContext } from '../trace-context/w3c.js';
import { SessionEvents } from './events.js';
import { requestHook, sseHook, websocketHooks } from './hooks.js';
import type {
  ConversationStartsInfo,
  SandboxOutcomeRecord,
  StartupPhaseRecord,
  StartupPrewarmAgeStatus,
  ToolDecisionRecord,
  ToolResultRecord,
  TurnProfileRecord,
  TurnTokenUsageRecord,
} from './lifecycle-types.js';
import { type SessionMeta, sessionMeta } from './meta.js';
import { SessionMetrics } from './metrics.js';
import { runInSpan } from './spans.js';
import { boundedOriginatorTagValue } from './tags.js';
import { recordSsePoll, recordWebsocketEvent } from './transport-records.js';
import type {
  ApiRequestInfo,
  AuthAttemptInfo,
  AuthRecoveryRecord,
  ContinuationRecord,
  ResponseCompletedRecord,
  RetryRecord,
  SessionTelemetryOptions,
  UserPromptCounts,
  WebsocketConnectInfo,
  WebsocketEventInfo,
  WebsocketRequestInfo,
} from './types.js';

/** `codex.process.start` is counted once per process. */
let processStartRecorded = false;

/**
 * Session-scoped telemetry on `@opentelemetry/api` (+ `@opentelemetry/api-logs`), the TypeScript
 * counterpart of the Rust `SessionTelemetry` (formerly `OtelManager`), reusing its event and metric
 * names (telemetry.md §1–§5).
 *
 * - **Log events** (`codex.api_request`, `codex.sse_event`, …) carry the common attributes
 *   `event.name`, `event.timestamp` (RFC 3339, ms), `conversation.id`, `app.version`, `auth_mode`,
 *   `originator`, `user.account_id`, `user.email`, `terminal.type`, `model`, `slug` (telemetry.md §2).
 * - **Span events** (the "trace side") go to the active span with the same common attributes
 *   minus `user.*`; nothing is recorded when no span is active.
 * - **Metrics** carry the session tags `auth_mode`, `session_source`, `originator` (bounded),
 *   `service_name`, `model`, `app.version` unless `metricsMetadataTags` is false.
 *
 * Providers default to the global ones, resolved once in the constructor: register the SDK first.
 * Instruments are created once; metric tag sets are cached, so with no SDK registered every call is
 * a near no-op. Nothing here records request headers, API keys or tokens. Recording methods never throw
 * for well-formed input; the transport hooks never throw at all.
 */
export class SessionTelemetry {
  /** Tracer of this session (from `tracerProvider` or the global provider). */
  readonly tracer: Tracer;
  /**
   * Masks the secrets it knows (`***`) in every recorded `error.message`: the one given in
   * {@link SessionTelemetryOptions.redactor}, or the session's own. Share it with the clients.
   */
  readonly redactor: SecretRedactor;

  private readonly meta: SessionMeta;
  private readonly events: SessionEvents;
  private readonly metrics: SessionMetrics;
  private readonly defaultRequestHook: RequestTelemetry;
  private readonly defaultSseHook: SseTelemetry;
  private readonly websocketHooks: WebsocketTelemetry;

  /** Builds the session recorder; see {@link SessionTelemetryOptions}. Throws nothing. */
  constructor(options: SessionTelemetryOptions) {
    this.redactor = options.redactor ?? new SecretRedactor();
    this.meta = sessionMeta(options);
    this.metrics = new SessionMetrics(
      options.meterProvider ?? metricsApi.getMeterProvider(),
      this.meta,
      options.metricsMetadataTags ?? true,
    );
    this.events = new SessionEvents(
      options.loggerProvider ?? logs.getLoggerProvider(),
      this.meta,
      this.redactor,
      options.logUserPrompt ?? false,
      options.authEnv,
    );
    this.tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(this.meta.originator);
    this.defaultRequestHook = requestHook(this, undefined);
    this.defaultSseHook = sseHook(this);
    this.websocketHooks = websocketHooks(this);
  }

  /**
   * Registers a secret (an API key, a bearer token, an `Authorization` header value) with
   * {@link redactor}: from now on every recorded `error.message` (logs, span events, span status)
   * has each occurrence replaced by `***`. Needed because error messages can quote a server's
   * response body, which may echo the credential back. Values shorter than 8 characters are ignored
   * (`SecretRedactor.add`).
   */
  redact(secret: string): void {
    this.redactor.add(secret);
  }

  /** The conversation id this session records under. */
  get conversationId(): string {
    return this.meta.conversationId;
  }

  /**
   * Switches the model and slug (upstream `with_model`); later records use the new `model` / `slug`
   * attributes and `model` metric tag.
   */
  setModel(model: string, slug: string = model): void {
    this.meta.model = model;
    this.meta.slug = slug;
    this.events.setMeta(this.meta);
    this.metrics.setMeta(this.meta);
  }

  // ---------------------------------------------------------------- transport hooks

  /**
   * A hook for `@codex-ts/client`'s `HttpRequest.telemetry` (`RequestTelemetry`): each attempt
   * becomes {@link recordApiRequest}. `endpoint` labels the `endpoint` attribute; `auth`, called
   * once per attempt, gives its `auth.*` details (header name, never a value). Never throws.
   */
  requestTelemetry(options?: {
    endpoint?: string;
    auth?: () => AuthAttemptInfo | undefined;
  }): RequestTelemetry {
    if (options?.endpoint === undefined && options?.auth === undefined) return this.defaultRequestHook;
    return requestHook(this, options.endpoint, options.auth);
  }

  /**
   * A hook for `@codex-ts/client`'s `sseEvents({ telemetry })` (`SseTelemetry`). Each poll
   * records `codex.sse_event` metrics (tags `kind`, `success`) and a log event with `event.kind`,
   * `duration_ms` and, on failure, `error.message`. The kind is the SSE `event:` field (no JSON parse).
   * A `response.failed` event counts as a failure (`error.message` is `response.failed`; its data is
   * not recorded). A poll with neither event nor error (clean end of stream) or with an
   * `AbortedError` (the consumer stopped) records nothing. Never throws.
   * Metric points are buffered per tag set until the stream ends and before every collection
   * (see `SessionMetrics.flushSseEvents`): exports equal recording each event at once.
   */
  sseTelemetry(): SseTelemetry {
    return this.defaultSseHook;
  }

  /**
   * Hooks for a WebSocket client (`@codex-ts/api`'s `WebsocketTelemetry`, telemetry.md §5):
   * `onWsRequest` → {@link recordWebsocketRequest}
   * (`codex.websocket.request`), `onWsEvent` → {@link recordWebsocketEvent}
   * (`codex.websocket.event`). Event kinds map to frames: a JSON `type` is a text frame of that
   * kind, `unparsed` a text frame that is not JSON (`parse_error`), `binary` / `close` those frames,
   * `end` / `timeout` a read with no frame; all but successful text frames count as failures.
   * Frames the client reports as `stale` (ignored: another response's, or read between requests)
   * go to `codex.websocket.stale_event` (tag `kind`) only.
   * The hook receives no frame payload, so `responsesapi.websocket_timing` values are
   * not recorded through it. Never throws.
   */
  websocketTelemetry(): WebsocketTelemetry {
    return this.websocketHooks;
  }

  // ---------------------------------------------------------------- HTTP

  /**
   * Records one HTTP attempt: counter `codex.api_request` and histogram
   * `codex.api_request.duration_ms` with tags `status` (code or `none`) and `success` (2xx and no
   * error); log and span event `codex.api_request` with `attempt`, `duration_ms`,
   * `http.response.status_code`, `error.message`, `endpoint` and the `auth.*` fields given.
   */
  recordApiRequest(info: ApiRequestInfo): void {
    this.metrics.apiRequest(info);
    this.events.apiRequest(info);
  }

  // ---------------------------------------------------------------- SSE

  /** Records one SSE poll (see {@link sseTelemetry}); what its hook calls. */
  recordSsePoll(info: SseTelemetryInfo): void {
    recordSsePoll(this.metrics, this.events, info);
  }

  /**
   * Records the token usage of a completed response: log event `codex.sse_event` (no span event,
   * as 0.169.0) with `event.kind = response.completed` and the fields of {@link ResponseCompletedRecord}.
   */
  recordResponseCompleted(usage: ResponseCompletedRecord): void {
    this.events.responseCompleted(usage);
  }

  // ---------------------------------------------------------------- retries

  /**
   * Records a retry: span event `codex.retry` on the active span with `retry.attempt`,
   * `retry.delay_ms`, `retry.layer` (`http` | `stream`) and `retry.operation` (`request` |
   * `sampling` | `remote_compaction_v2`). Trace-only, like upstream's `codex_otel.trace_safe`
   * target: nothing is recorded when no span is active.
   */
  recordRetry(info: RetryRecord): void {
    this.events.retry(info);
  }

  // ---------------------------------------------------------------- WebSocket

  /**
   * Records a WebSocket connect: log and span event `codex.websocket_connect` with
   * `duration_ms`, `http.response.status_code`, `success` (`true` | `false`; true without an error
   * and with no status, 101 or 2xx), `error.message`, `endpoint`, the `auth.*` fields given, the
   * `auth.env_*` flags, `auth.connection_reused` and `auth.reauth`; counter
   * `codex.websocket.connect` and histogram `….duration_ms` (tags `reauth`, `success`).
   */
  recordWebsocketConnect(info: WebsocketConnectInfo): void {
    const status = info.status;
    const success =
      (info.error === undefined || info.error === null) &&
      (status === undefined || status === 101 || (status >= 200 && status <= 299));
    this.metrics.lifecycle.websocketConnect(info.reauth ?? false, success, info.durationMs);
    this.events.websocketConnect(info);
  }

  /**
   * Records a WebSocket request send: counter `codex.websocket.request` and histogram
   * `codex.websocket.request.duration_ms` (tag `success`); log and span event
   * `codex.websocket_request` with `duration_ms`, `success`, `error.message`, `auth.connection_reused`.
   */
  recordWebsocketRequest(info: WebsocketRequestInfo): void {
    this.metrics.websocketRequest(info);
    this.events.websocketRequest(info);
  }

  /**
   * Records one WebSocket read: counter `codex.websocket.event` and histogram
   * `codex.websocket.event.duration_ms` with tags `kind` (the frame's JSON `type`, `parse_error`
   * for non-JSON text, `unknown` otherwise) and `success`. Pings and pongs are ignored; binary and
   * close frames, read failures, parse errors and `response.failed` count as failures. A
   * `responsesapi.websocket_timing` frame with a `payload` also feeds {@link recordResponsesApiTiming}.
   * A `stale` frame (ignored by the client: another response's, or read between requests) only
   * increments `codex.websocket.stale_event` with tag `kind`.
   */
  recordWebsocketEvent(info: WebsocketEventInfo): void {
    recordWebsocketEvent(this.metrics, info);
  }

  /**
   * Records the `timing_metrics` object of a `responsesapi.websocket_timing` frame into the
   * six `codex.responses_api_*.duration_ms` histograms. Fields that are missing, non-numeric,
   * negative or non-finite are skipped; anything other than an object is ignored.
   */
  recordResponsesApiTiming(timingMetrics: unknown): void {
    this.metrics.responsesApiTiming(timingMetrics);
  }

  /**
   * Counts a fallback from the WebSocket transport to HTTP: counter
   * `codex.transport.fallback_to_http` with tag `from_wire_api = responses_websocket`.
   */
  recordFallbackToHttp(): void {
    this.metrics.fallbackToHttp();
  }

  /**
   * Counts one WebSocket request's continuation decision: counter
   * `codex.websocket.continuation` with tags `mode`, `reason`, `phase`.
   */
  recordContinuation(info: ContinuationRecord): void {
    this.metrics.continuation(info);
  }

  // ---------------------------------------------------------------- auth, prompts

  /**
   * Records an auth recovery step: log and span event `codex.auth_recovery` with
   * `auth.mode`, `auth.step`, `auth.outcome` and the optional `auth.*` fields.
   */
  recordAuthRecovery(info: AuthRecoveryRecord): void {
    this.events.authRecovery(info);
  }

  /**
   * Records the user's prompt: log event `codex.user_prompt` with `prompt_length` (Unicode
   * code points) and `prompt` — the text only when `logUserPrompt` is true, otherwise `[REDACTED]`.
   * The span event never carries the text: `prompt_length`, `text_input_count`, `image_input_count`,
   * `local_image_input_count`.
   */
  userPrompt(text: string, counts?: UserPromptCounts): void {
    this.events.userPrompt(text, counts);
  }

  // ---------------------------------------------------------------- session and start-up

  /**
   * Counts `codex.process.start` (tag: the bounded `originator` only). Only the first call in the
   * process records; later calls (more sessions in one process) do nothing.
   */
  recordProcessStart(): void {
    if (processStartRecorded) return;
    processStartRecorded = true;
    this.metrics.lifecycle.processStart(boundedOriginatorTagValue(this.meta.originator));
  }

  /** Counts `codex.thread.started`, tags `is_git` / `is_worktree` (`true`, `false` or `unknown`). */
  recordThreadStarted(info: { isGit: boolean | undefined; isWorktree: boolean | undefined }): void {
    const text = (v: boolean | undefined) => (v === undefined ? 'unknown' : String(v));
    this.metrics.lifecycle.threadStarted(text(info.isGit), text(info.isWorktree));
  }

  /** Records `codex.conversation_starts` (log and span event, see {@link ConversationStartsInfo}). */
  recordConversationStarts(info: ConversationStartsInfo): void {
    this.events.conversationStarts(info);
  }

  /**
   * Records a start-up phase: histogram `codex.startup.phase.duration_ms` (tags `phase`,
   * `status`) and log / span event `codex.startup_phase` (`startup.phase`, `startup.status`, `duration_ms`).
   */
  recordStartupPhase(record: StartupPhaseRecord): void {
    this.metrics.lifecycle.startupPhase(record);
    this.events.startupPhase(record);
  }

  /** Histogram `codex.startup_prewarm.duration_ms` (tags `input = base`, `status`, e.g. `ready`). */
  recordStartupPrewarm(durationMs: number, status: string): void {
    this.metrics.lifecycle.startupPrewarm(durationMs, status);
  }

  /** Histogram `codex.startup_prewarm.age_at_first_turn_ms` (tag `status`): the prewarm's age when the first turn took it. */
  recordStartupPrewarmAge(ageMs: number, status: StartupPrewarmAgeStatus): void {
    this.metrics.lifecycle.startupPrewarmAge(ageMs, status);
  }

  /** Counter `codex.startup_prewarm.websocket_check` (tags `input = base`, `outcome`, e.g. `needs_prewarm`). */
  recordStartupPrewarmWebsocketCheck(outcome: string): void {
    this.metrics.lifecycle.startupPrewarmWebsocketCheck(outcome);
  }

  // ---------------------------------------------------------------- turns and tools

  /** Counter `codex.conversation.turn.count`: a turn started. */
  recordTurnStarted(): void {
    this.metrics.lifecycle.conversationTurn();
  }

  /** Time to first token: histogram `codex.turn.ttft.duration_ms` and log / span event `codex.turn_ttft` (`duration_ms`). */
  recordTurnTtft(durationMs: number): void {
    this.metrics.lifecycle.turnTiming('ttft', durationMs);
    this.events.turnTtft(durationMs);
  }

  /** Time to first message: histogram `codex.turn.ttfm.duration_ms`. */
  recordTurnTtfm(durationMs: number): void {
    this.metrics.lifecycle.turnTiming('ttfm', durationMs);
  }

  /**
   * The end of a turn: histograms `codex.turn.e2e_duration_ms`, `codex.turn.token_usage` (one
   * point per `token_type`) and `codex.turn.tool.call` (the turn's tool calls).
   */
  recordTurnCompleted(info: { durationMs: number; usage: TurnTokenUsageRecord; toolCalls: number }): void {
    const lifecycle = this.metrics.lifecycle;
    lifecycle.turnTiming('e2e', info.durationMs);
    lifecycle.turnTokenUsage(info.usage);
    lifecycle.turnToolCalls(info.toolCalls);
  }

  /** Span event `codex.turn_profile` on the active span (trace only). */
  recordTurnProfile(record: TurnProfileRecord): void {
    this.events.turnProfile(record);
  }

  /** Counter `codex.model_warning`: a model warning (reroute) was shown. */
  recordModelWarning(): void {
    this.metrics.lifecycle.modelWarning();
  }

  /** Log / span event `codex.sandbox_outcome` (see {@link SandboxOutcomeRecord}). */
  recordSandboxOutcome(record: SandboxOutcomeRecord): void {
    this.events.sandboxOutcome(record);
  }

  /** Log event `codex.tool_decision` (see {@link ToolDecisionRecord}). */
  recordToolDecision(record: ToolDecisionRecord): void {
    this.events.toolDecision(record);
  }

  /**
   * One finished tool call: counter `codex.tool.call` and histogram `codex.tool.call.duration_ms`
   * (tags: the sandbox tags of {@link setToolSandbox}, `tool`, `success`, `record.metricTags`),
   * log / span event `codex.tool_result` (see {@link ToolResultRecord}).
   */
  recordToolResult(record: ToolResultRecord): void {
    this.metrics.lifecycle.toolCall(record.toolName, record.success, record.durationMs, record.metricTags);
    this.events.toolResult(record);
  }

  /**
   * The session's command sandbox, tagged on every later `codex.tool.call` point as 0.169.0 does:
   * `sandbox` (`seccomp` on Linux under `read-only` / `workspace-write`, `none` under
   * `danger-full-access`) and `sandbox_policy` (the mode, e.g. `read-only`). Unset: no such tags.
   */
  setToolSandbox(info: { sandbox: string; sandboxPolicy: string }): void {
    this.metrics.lifecycle.setToolCallTags({ sandbox: info.sandbox, sandbox_policy: info.sandboxPolicy });
  }

  // ---------------------------------------------------------------- tracing

  /**
   * Starts a span on this session's tracer (e.g. `model_client.stream_responses_api` with
   * `transport = responses_http`, telemetry.md §6) as a child of `ctx` (default: the active context).
   * The caller ends it.
   */
  startSpan(name: string, options?: SpanOptions, ctx: Context = contextApi.active()): Span {
    return this.tracer.startSpan(name, options, ctx);
  }

  /**
   * Runs `fn` inside a new active span named `name` and ends the span when `fn` settles; a thrown
   * or rejected error is recorded on the span (status ERROR) and rethrown.
   */
  async withSpan<T>(
    name: string,
    options: SpanOptions | undefined,
    fn: (span: Span) => Promise<T> | T,
  ): Promise<T> {
    return runInSpan(this.startSpan(name, options), this.redactor, fn);
  }

  /**
   * `traceparent` / `tracestate` of the span active in `ctx` (telemetry.md §7); `{}` without a valid
   * span. Same as the package-level {@link w3cTraceContext}.
   */
  w3cTraceContext(ctx?: Context): W3cTraceContext {
    return w3cTraceContext(ctx);
  }

  /** Sets `traceparent` / `tracestate` on `headers` from the active span; returns `headers`. */
  injectTraceHeaders<T extends Record<string, string>>(headers: T, ctx?: Context): T {
    return injectTraceHeaders(headers, ctx);
  }
}
