/**
 * SessionTelemetry: the session-scoped recorder of model-traffic telemetry (telemetry.md §1–§5).
 */

import type { WebsocketTelemetry, WsEventTelemetryInfo, WsRequestTelemetryInfo } from '@codex-ts/api';
import {
  type RequestTelemetry,
  type RequestTelemetryInfo,
  SecretRedactor,
  type SseTelemetry,
  type SseTelemetryInfo,
} from '@codex-ts/client';
import {
  type Attributes,
  type Context,
  type Counter,
  context as contextApi,
  createNoopMeter,
  type Histogram,
  type Meter,
  metrics,
  type Span,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
  ValueType,
} from '@opentelemetry/api';
import {
  type LogAttributes,
  type Logger,
  type LoggerProvider,
  logs,
  NoopLoggerProvider,
  ProxyLoggerProvider,
  SeverityNumber,
} from '@opentelemetry/api-logs';
import { INSTRUMENTATION_SCOPE, TelemetryEventNames, TelemetryMetricNames } from '../names.js';
import { injectTraceHeaders, type W3cTraceContext, w3cTraceContext } from '../trace-context/w3c.js';
import { boundedOriginatorTagValue, sanitizeMetricTagValue } from './tags.js';
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

type Attr = string | number | boolean;
type AttrMap = Record<string, Attr>;

const NOOP_METER_CLASS = createNoopMeter().constructor;
/** The user's prompt when `logUserPrompt` is off (C-123). */
const REDACTED = '[REDACTED]';
const MAX_CACHED_TAG_SETS = 256;
const MAX_KIND_LENGTH = 128;
const MAX_ERROR_MESSAGE_LENGTH = 2048;
const RESPONSE_FAILED = 'response.failed';
const WEBSOCKET_TIMING_KIND = 'responsesapi.websocket_timing';

/** `timing_metrics` field → histogram (C-119). */
const TIMING_FIELDS: ReadonlyArray<readonly [string, string]> = [
  [
    'responses_duration_excl_engine_and_client_tool_time_ms',
    TelemetryMetricNames.responsesApiOverheadDuration,
  ],
  ['engine_service_total_ms', TelemetryMetricNames.responsesApiInferenceTimeDuration],
  ['engine_iapi_ttft_total_ms', TelemetryMetricNames.responsesApiEngineIapiTtftDuration],
  ['engine_service_ttft_total_ms', TelemetryMetricNames.responsesApiEngineServiceTtftDuration],
  ['engine_iapi_tbt_across_engine_calls_ms', TelemetryMetricNames.responsesApiEngineIapiTbtDuration],
  ['engine_service_tbt_across_engine_calls_ms', TelemetryMetricNames.responsesApiEngineServiceTbtDuration],
];

function errorMessage(error: unknown, redactor: SecretRedactor): string {
  let message: string;
  if (error instanceof Error) message = error.message;
  else if (typeof error === 'string') message = error;
  else if (typeof error === 'object' && error !== null && typeof (error as Error).message === 'string')
    message = (error as Error).message;
  else message = String(error);
  message = redactor.redact(message);
  return message.length > MAX_ERROR_MESSAGE_LENGTH ? message.slice(0, MAX_ERROR_MESSAGE_LENGTH) : message;
}

function durationValue(ms: number): number {
  return ms > 0 && Number.isFinite(ms) ? ms : 0;
}

function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low surrogate is one code point.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/**
 * The event kind of an SSE event without parsing its JSON: the SSE `event:` field (the Responses
 * API sets it to the event type); for an unnamed event (`message`), a leading `{"type":"…"` in `data`.
 */
function sseKind(event: { readonly event: string; readonly data: string }): string {
  const name = event.event;
  if (name !== 'message' && name !== '') {
    return name.length > MAX_KIND_LENGTH ? name.slice(0, MAX_KIND_LENGTH) : name;
  }
  const data = event.data;
  if (data.startsWith('{"type":"')) {
    const end = data.indexOf('"', 9);
    if (end > 9 && end - 9 <= MAX_KIND_LENGTH) return data.slice(9, end);
  }
  return 'message';
}

/** Maps a WebSocket client's per-frame report onto {@link WebsocketEventInfo}. */
function websocketEventInfo(info: WsEventTelemetryInfo): WebsocketEventInfo {
  const kind = info.kind;
  const error = info.error;
  if (info.stale === true) {
    return {
      frame: 'text',
      kind: kind === 'unparsed' ? undefined : kind,
      durationMs: info.durationMs,
      stale: true,
    };
  }
  switch (kind) {
    case 'unparsed':
      return { frame: 'text', error, durationMs: info.durationMs };
    case 'binary':
    case 'close':
      return { frame: kind, kind, error, durationMs: info.durationMs };
    case 'end':
    case 'timeout':
      return { frame: 'none', kind, error, durationMs: info.durationMs };
    default:
      return { frame: 'text', kind, error, durationMs: info.durationMs };
  }
}

function isLoggerProviderNoop(provider: LoggerProvider): boolean {
  // With no SDK registered, the global provider is a delegate-less proxy.
  return provider instanceof NoopLoggerProvider || provider instanceof ProxyLoggerProvider;
}

function putAuth(attrs: AttrMap, auth: AuthAttemptInfo | undefined): void {
  if (auth === undefined) return;
  if (auth.headerAttached !== undefined) attrs['auth.header_attached'] = auth.headerAttached;
  if (auth.headerName !== undefined) attrs['auth.header_name'] = auth.headerName;
  if (auth.retryAfterUnauthorized !== undefined)
    attrs['auth.retry_after_unauthorized'] = auth.retryAfterUnauthorized;
  if (auth.recoveryMode !== undefined) attrs['auth.recovery_mode'] = auth.recoveryMode;
  if (auth.recoveryPhase !== undefined) attrs['auth.recovery_phase'] = auth.recoveryPhase;
  if (auth.requestId !== undefined) attrs['auth.request_id'] = auth.requestId;
  if (auth.cfRay !== undefined) attrs['auth.cf_ray'] = auth.cfRay;
  if (auth.error !== undefined) attrs['auth.error'] = auth.error;
  if (auth.errorCode !== undefined) attrs['auth.error_code'] = auth.errorCode;
}

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
 *   `service_name`, `model`, `app.version` (C-126) unless `metricsMetadataTags` is false.
 *
 * Providers default to the global ones, resolved once in the constructor: register the SDK first.
 * Instruments are created once; metric tag sets are cached, so with no SDK registered every call is
 * a near no-op. Nothing here records request headers, API keys or tokens. Recording methods never throw
 * for well-formed input; the transport hooks never throw at all.
 */
export class SessionTelemetry {
  /** Tracer of this session (from `tracerProvider` or the global provider). */
  readonly tracer: Tracer;

  private readonly logger: Logger;
  private readonly logsEnabled: boolean;
  private readonly metricsEnabled: boolean;
  private readonly logUserPrompt: boolean;
  private readonly useMetadataTags: boolean;
  /**
   * Masks the secrets it knows (`***`) in every recorded `error.message`: the one given in
   * {@link SessionTelemetryOptions.redactor}, or the session's own. Share it with the clients.
   */
  readonly redactor: SecretRedactor;

  private readonly apiRequestCounter: Counter;
  private readonly apiRequestDuration: Histogram;
  private readonly sseEventCounter: Counter;
  private readonly sseEventDuration: Histogram;
  private readonly wsRequestCounter: Counter;
  private readonly wsRequestDuration: Histogram;
  private readonly wsEventCounter: Counter;
  private readonly wsEventDuration: Histogram;
  private readonly wsStaleEventCounter: Counter;
  private readonly continuationCounter: Counter;
  private readonly fallbackCounter: Counter;
  private readonly timingHistograms: ReadonlyArray<readonly [string, Histogram]>;

  private readonly meta: {
    conversationId: string;
    model: string;
    slug: string;
    accountId: string | undefined;
    accountEmail: string | undefined;
    authMode: string | undefined;
    originator: string;
    appVersion: string;
    terminalType: string;
    sessionSource: string;
    serviceName: string | undefined;
  };

  // Derived, rebuilt by setModel().
  private sessionTags!: Readonly<Attributes>;
  private logBase!: Readonly<AttrMap>;
  private traceBase!: Readonly<AttrMap>;
  private apiRequestTags = new Map<number, Attributes>();
  private sseTags: [Map<string, Attributes>, Map<string, Attributes>] = [new Map(), new Map()];
  private wsEventTags: [Map<string, Attributes>, Map<string, Attributes>] = [new Map(), new Map()];
  private wsStaleEventTags = new Map<string, Attributes>();
  private wsRequestTags!: [Attributes, Attributes];
  private fallbackTags!: Attributes;
  private continuationTags = new Map<string, Attributes>();

  private readonly defaultRequestHook: RequestTelemetry;
  private readonly defaultSseHook: SseTelemetry;
  private readonly websocketHooks: WebsocketTelemetry;

  /** Builds the session recorder; see {@link SessionTelemetryOptions}. Throws nothing. */
  constructor(options: SessionTelemetryOptions) {
    this.redactor = options.redactor ?? new SecretRedactor();
    this.meta = {
      conversationId: options.conversationId,
      model: options.model,
      slug: options.slug ?? options.model,
      accountId: options.accountId,
      accountEmail: options.accountEmail,
      authMode: options.authMode,
      originator: options.originator,
      appVersion: options.appVersion,
      terminalType: options.terminalType ?? 'unknown',
      sessionSource: options.sessionSource,
      serviceName: options.serviceName,
    };
    this.logUserPrompt = options.logUserPrompt ?? false;
    this.useMetadataTags = options.metricsMetadataTags ?? true;

    const meter: Meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(
      INSTRUMENTATION_SCOPE,
      options.appVersion,
    );
    this.metricsEnabled = !(meter instanceof NOOP_METER_CLASS);
    const loggerProvider = options.loggerProvider ?? logs.getLoggerProvider();
    this.logsEnabled = !isLoggerProviderNoop(loggerProvider);
    this.logger = loggerProvider.getLogger(INSTRUMENTATION_SCOPE, options.appVersion);
    this.tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
      INSTRUMENTATION_SCOPE,
      options.appVersion,
    );

    const counter = (name: string, description: string) =>
      meter.createCounter(name, { description, valueType: ValueType.INT });
    const histogram = (name: string, description: string) =>
      meter.createHistogram(name, { description, unit: 'ms' });
    const M = TelemetryMetricNames;
    this.apiRequestCounter = counter(M.apiRequest, 'HTTP API request attempts');
    this.apiRequestDuration = histogram(M.apiRequestDuration, 'HTTP API request attempt duration');
    this.sseEventCounter = counter(M.sseEvent, 'SSE events read');
    this.sseEventDuration = histogram(M.sseEventDuration, 'Time waiting for each SSE event');
    this.wsRequestCounter = counter(M.websocketRequest, 'WebSocket requests sent');
    this.wsRequestDuration = histogram(M.websocketRequestDuration, 'WebSocket request send duration');
    this.wsEventCounter = counter(M.websocketEvent, 'WebSocket events read');
    this.wsEventDuration = histogram(M.websocketEventDuration, 'Time waiting for each WebSocket event');
    this.wsStaleEventCounter = counter(
      M.websocketStaleEvent,
      'WebSocket frames of another response, ignored',
    );
    this.continuationCounter = counter(M.websocketContinuation, 'WebSocket request continuation decisions');
    this.fallbackCounter = counter(M.transportFallbackToHttp, 'Fallbacks from WebSocket to HTTP');
    this.timingHistograms = TIMING_FIELDS.map(
      ([field, name]) => [field, histogram(name, `Responses API timing: ${field}`)] as const,
    );

    this.rebuildDerived();

    this.defaultRequestHook = this.makeRequestHook(undefined);
    this.defaultSseHook = {
      onSseEvent: (info: SseTelemetryInfo) => {
        try {
          this.recordSsePoll(info);
        } catch {
          // Telemetry must never break the stream.
        }
      },
    };
    this.websocketHooks = {
      onWsRequest: (info: WsRequestTelemetryInfo) => {
        try {
          this.recordWebsocketRequest(info);
        } catch {
          // Telemetry must never break a request.
        }
      },
      onWsEvent: (info: WsEventTelemetryInfo) => {
        try {
          this.recordWebsocketEvent(websocketEventInfo(info));
        } catch {
          // Telemetry must never break the stream.
        }
      },
    };
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
    this.rebuildDerived();
  }

  // ---------------------------------------------------------------- transport hooks

  /**
   * A hook for `@codex-ts/client`'s `HttpRequest.telemetry` (`RequestTelemetry`, W-19): each attempt
   * becomes {@link recordApiRequest}. `endpoint` labels the `endpoint` attribute. Never throws.
   */
  requestTelemetry(options?: { endpoint?: string }): RequestTelemetry {
    if (options?.endpoint === undefined) return this.defaultRequestHook;
    return this.makeRequestHook(options.endpoint);
  }

  /**
   * A hook for `@codex-ts/client`'s `sseEvents({ telemetry })` (`SseTelemetry`, W-26). Each poll
   * records `codex.sse_event` metrics (tags `kind`, `success`) and a log event with `event.kind`,
   * `duration_ms` and, on failure, `error.message`. The kind is the SSE `event:` field (no JSON parse).
   * A `response.failed` event counts as a failure (`error.message` is `response.failed`; its data is
   * not recorded). A poll with neither event nor error (clean end of stream) or with an
   * `AbortedError` (the consumer stopped) records nothing. Never throws.
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
   * The hook receives no frame payload, so `responsesapi.websocket_timing` values (C-119) are
   * not recorded through it. Never throws.
   */
  websocketTelemetry(): WebsocketTelemetry {
    return this.websocketHooks;
  }

  // ---------------------------------------------------------------- HTTP

  /**
   * Records one HTTP attempt (C-120): counter `codex.api_request` and histogram
   * `codex.api_request.duration_ms` with tags `status` (code or `none`) and `success` (2xx and no
   * error); log and span event `codex.api_request` with `attempt`, `duration_ms`,
   * `http.response.status_code`, `error.message`, `endpoint` and the `auth.*` fields given.
   */
  recordApiRequest(info: ApiRequestInfo): void {
    const status = info.status;
    const hasError = info.error !== undefined && info.error !== null;
    const success = !hasError && status !== undefined && status >= 200 && status <= 299;
    if (this.metricsEnabled) {
      const tags = this.apiRequestTagsFor(status, success);
      const duration = durationValue(info.durationMs);
      this.apiRequestCounter.add(1, tags);
      this.apiRequestDuration.record(duration, tags);
    }
    const span = this.recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const attrs: AttrMap = { duration_ms: Math.trunc(durationValue(info.durationMs)), attempt: info.attempt };
    if (status !== undefined) attrs['http.response.status_code'] = status;
    if (hasError) attrs['error.message'] = errorMessage(info.error, this.redactor);
    if (info.endpoint !== undefined) attrs.endpoint = info.endpoint;
    putAuth(attrs, info.auth);
    this.emit(TelemetryEventNames.apiRequest, attrs, span);
  }

  // ---------------------------------------------------------------- SSE

  /** Records one SSE poll (see {@link sseTelemetry}); what its hook calls. */
  recordSsePoll(info: SseTelemetryInfo): void {
    const event = info.event;
    const error = info.error;
    const hasError = error !== undefined && error !== null;
    // Clean end of stream, or the consumer aborted: not an SSE event.
    if ((event === undefined && !hasError) || (hasError && error.kind === 'aborted')) return;
    if (!this.metricsEnabled && !this.logsEnabled) {
      // Only failures go to the trace side; skip all work when there is nothing to record.
      if (!hasError && (event === undefined || event.event !== RESPONSE_FAILED)) return;
    }
    const kind = event === undefined ? undefined : sseKind(event);
    const failed = hasError || kind === RESPONSE_FAILED;
    if (this.metricsEnabled) {
      const tags = this.kindTagsFor(this.sseTags, kind ?? 'unknown', !failed);
      const duration = durationValue(info.durationMs);
      this.sseEventCounter.add(1, tags);
      this.sseEventDuration.record(duration, tags);
    }
    const span = failed ? this.recordingSpan() : undefined;
    if (!this.logsEnabled && span === undefined) return;
    const attrs: AttrMap = { duration_ms: Math.trunc(durationValue(info.durationMs)) };
    if (kind !== undefined) attrs['event.kind'] = kind;
    if (hasError) attrs['error.message'] = errorMessage(error, this.redactor);
    else if (failed) attrs['error.message'] = RESPONSE_FAILED;
    this.emit(TelemetryEventNames.sseEvent, attrs, span);
  }

  /**
   * Records the token usage of a completed response: log and span event `codex.sse_event` with
   * `event.kind = response.completed`, `input_token_count`, `output_token_count`,
   * `cached_token_count`, `reasoning_token_count`, `tool_token_count` (tokens).
   */
  recordResponseCompleted(usage: ResponseCompletedRecord): void {
    const span = this.recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const attrs: AttrMap = {
      'event.kind': 'response.completed',
      input_token_count: usage.inputTokens,
      output_token_count: usage.outputTokens,
      tool_token_count: usage.toolTokens ?? 0,
    };
    if (usage.cachedInputTokens !== undefined) attrs.cached_token_count = usage.cachedInputTokens;
    if (usage.reasoningOutputTokens !== undefined) attrs.reasoning_token_count = usage.reasoningOutputTokens;
    this.emit(TelemetryEventNames.sseEvent, attrs, span);
  }

  // ---------------------------------------------------------------- retries

  /**
   * Records a retry (W-20): span event `codex.retry` on the active span with `retry.attempt`,
   * `retry.delay_ms`, `retry.layer` (`http` | `stream`) and `retry.operation` (`request` |
   * `sampling` | `remote_compaction_v2`). Trace-only, like upstream's `codex_otel.trace_safe`
   * target: nothing is recorded when no span is active.
   */
  recordRetry(info: RetryRecord): void {
    const span = this.recordingSpan();
    if (span === undefined) return;
    const attrs: AttrMap = {
      'event.name': TelemetryEventNames.retry,
      'event.timestamp': new Date().toISOString(),
      'retry.attempt': info.attempt,
      'retry.delay_ms': Math.trunc(durationValue(info.delayMs)),
      'retry.layer': info.layer,
      'retry.operation': info.operation,
      ...this.traceBase,
    };
    span.addEvent(TelemetryEventNames.retry, attrs);
  }

  // ---------------------------------------------------------------- WebSocket

  /**
   * Records a WebSocket connect (C-121): log and span event `codex.websocket_connect` with
   * `duration_ms`, `http.response.status_code`, `success` (`true` | `false`; true without an error
   * and with no status, 101 or 2xx), `error.message`,
   * `endpoint`, `auth.connection_reused` and the `auth.*` fields given. No metric.
   */
  recordWebsocketConnect(info: WebsocketConnectInfo): void {
    const span = this.recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const hasError = info.error !== undefined && info.error !== null;
    const status = info.status;
    // 101 Switching Protocols is a completed WebSocket handshake.
    const success = !hasError && (status === undefined || status === 101 || (status >= 200 && status <= 299));
    const attrs: AttrMap = {
      duration_ms: Math.trunc(durationValue(info.durationMs)),
      success: success ? 'true' : 'false',
      'auth.connection_reused': info.connectionReused ?? false,
    };
    if (info.status !== undefined) attrs['http.response.status_code'] = info.status;
    if (hasError) attrs['error.message'] = errorMessage(info.error, this.redactor);
    if (info.endpoint !== undefined) attrs.endpoint = info.endpoint;
    putAuth(attrs, info.auth);
    this.emit(TelemetryEventNames.websocketConnect, attrs, span);
  }

  /**
   * Records a WebSocket request send (W-74, C-118): counter `codex.websocket.request` and histogram
   * `codex.websocket.request.duration_ms` (tag `success`); log and span event
   * `codex.websocket_request` with `duration_ms`, `success`, `error.message`, `auth.connection_reused`.
   */
  recordWebsocketRequest(info: WebsocketRequestInfo): void {
    const hasError = info.error !== undefined && info.error !== null;
    if (this.metricsEnabled) {
      const tags = this.wsRequestTags[hasError ? 0 : 1];
      this.wsRequestCounter.add(1, tags);
      this.wsRequestDuration.record(durationValue(info.durationMs), tags);
    }
    const span = this.recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const attrs: AttrMap = {
      duration_ms: Math.trunc(durationValue(info.durationMs)),
      success: hasError ? 'false' : 'true',
      'auth.connection_reused': info.connectionReused ?? false,
    };
    if (hasError) attrs['error.message'] = errorMessage(info.error, this.redactor);
    this.emit(TelemetryEventNames.websocketRequest, attrs, span);
  }

  /**
   * Records one WebSocket read (C-118): counter `codex.websocket.event` and histogram
   * `codex.websocket.event.duration_ms` with tags `kind` (the frame's JSON `type`, `parse_error`
   * for non-JSON text, `unknown` otherwise) and `success`. Pings and pongs are ignored; binary and
   * close frames, read failures, parse errors and `response.failed` count as failures. A
   * `responsesapi.websocket_timing` frame with a `payload` also feeds {@link recordResponsesApiTiming}.
   * A `stale` frame (ignored by the client: another response's, or read between requests) only
   * increments `codex.websocket.stale_event` with tag `kind`.
   */
  recordWebsocketEvent(info: WebsocketEventInfo): void {
    const frame = info.frame;
    if (frame === 'ping' || frame === 'pong') return;
    if (info.stale === true) {
      if (this.metricsEnabled) this.recordStaleWebsocketEvent(info.kind ?? 'parse_error');
      return;
    }
    let kind = info.kind;
    let success = info.error === undefined || info.error === null;
    if (frame === 'text') {
      if (kind === undefined) {
        kind = 'parse_error';
        success = false;
      } else if (kind === RESPONSE_FAILED) {
        success = false;
      } else if (kind === WEBSOCKET_TIMING_KIND && info.payload !== undefined) {
        const payload = info.payload as { timing_metrics?: unknown } | null;
        if (typeof payload === 'object' && payload !== null)
          this.recordResponsesApiTiming(payload.timing_metrics);
      }
    } else {
      success = false;
    }
    if (!this.metricsEnabled) return;
    const tags = this.kindTagsFor(this.wsEventTags, kind ?? 'unknown', success);
    this.wsEventCounter.add(1, tags);
    this.wsEventDuration.record(durationValue(info.durationMs), tags);
  }

  /**
   * Records the `timing_metrics` object of a `responsesapi.websocket_timing` frame (C-119) into the
   * six `codex.responses_api_*.duration_ms` histograms. Fields that are missing, non-numeric,
   * negative or non-finite are skipped; anything other than an object is ignored.
   */
  recordResponsesApiTiming(timingMetrics: unknown): void {
    if (!this.metricsEnabled || typeof timingMetrics !== 'object' || timingMetrics === null) return;
    const source = timingMetrics as Record<string, unknown>;
    for (const [field, histogram] of this.timingHistograms) {
      const value = source[field];
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
        histogram.record(value, this.sessionTags);
      }
    }
  }

  /**
   * Counts a fallback from the WebSocket transport to HTTP (C-26): counter
   * `codex.transport.fallback_to_http` with tag `from_wire_api = responses_websocket`.
   */
  recordFallbackToHttp(): void {
    this.fallbackCounter.add(1, this.fallbackTags);
  }

  /**
   * Counts one WebSocket request's continuation decision (C-125): counter
   * `codex.websocket.continuation` with tags `mode`, `reason`, `phase`.
   */
  recordContinuation(info: ContinuationRecord): void {
    if (!this.metricsEnabled) return;
    const key = `${info.mode}|${info.reason}|${info.phase}`;
    let tags = this.continuationTags.get(key);
    if (tags === undefined) {
      tags = {
        ...this.sessionTags,
        mode: sanitizeMetricTagValue(info.mode),
        reason: sanitizeMetricTagValue(info.reason),
        phase: sanitizeMetricTagValue(info.phase),
      };
      if (this.continuationTags.size < MAX_CACHED_TAG_SETS) this.continuationTags.set(key, tags);
    }
    this.continuationCounter.add(1, tags);
  }

  // ---------------------------------------------------------------- auth, prompts

  /**
   * Records an auth recovery step (C-122): log and span event `codex.auth_recovery` with
   * `auth.mode`, `auth.step`, `auth.outcome` and the optional `auth.*` fields.
   */
  recordAuthRecovery(info: AuthRecoveryRecord): void {
    const span = this.recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const attrs: AttrMap = { 'auth.mode': info.mode, 'auth.step': info.step, 'auth.outcome': info.outcome };
    if (info.requestId !== undefined) attrs['auth.request_id'] = info.requestId;
    if (info.cfRay !== undefined) attrs['auth.cf_ray'] = info.cfRay;
    if (info.error !== undefined) attrs['auth.error'] = info.error;
    if (info.errorCode !== undefined) attrs['auth.error_code'] = info.errorCode;
    if (info.recoveryReason !== undefined) attrs['auth.recovery_reason'] = info.recoveryReason;
    if (info.stateChanged !== undefined) attrs['auth.state_changed'] = info.stateChanged;
    this.emit(TelemetryEventNames.authRecovery, attrs, span);
  }

  /**
   * Records the user's prompt (C-123): log event `codex.user_prompt` with `prompt_length` (Unicode
   * code points) and `prompt` — the text only when `logUserPrompt` is true, otherwise `[REDACTED]`.
   * The span event never carries the text: `prompt_length`, `text_input_count`, `image_input_count`,
   * `local_image_input_count`.
   */
  userPrompt(text: string, counts?: UserPromptCounts): void {
    const span = this.recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const promptLength = countCodePoints(text);
    const now = Date.now();
    if (this.logsEnabled) {
      this.emitLog(
        TelemetryEventNames.userPrompt,
        { prompt_length: promptLength, prompt: this.logUserPrompt ? text : REDACTED },
        now,
      );
    }
    if (span !== undefined) {
      this.emitSpanEvent(
        span,
        TelemetryEventNames.userPrompt,
        {
          prompt_length: promptLength,
          text_input_count: counts?.textInputCount ?? 1,
          image_input_count: counts?.imageInputCount ?? 0,
          local_image_input_count: counts?.localImageInputCount ?? 0,
        },
        now,
      );
    }
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
    const span = this.startSpan(name, options);
    try {
      return await contextApi.with(trace.setSpan(contextApi.active(), span), () => fn(span));
    } catch (error) {
      const message = errorMessage(error, this.redactor);
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      // Name and (redacted) message only: the stack repeats the unredacted message.
      if (error instanceof Error) span.recordException({ name: error.name, message });
      throw error;
    } finally {
      span.end();
    }
  }

  /**
   * `traceparent` / `tracestate` of the span active in `ctx` (telemetry.md §7); `{}` without a valid
   * span. Same as the package-level {@link w3cTraceContext}.
   */
  w3cTraceContext(ctx?: Context): W3cTraceContext {
    return w3cTraceContext(ctx);
  }

  /** Sets `traceparent` / `tracestate` on `headers` from the active span (W-10); returns `headers`. */
  injectTraceHeaders<T extends Record<string, string>>(headers: T, ctx?: Context): T {
    return injectTraceHeaders(headers, ctx);
  }

  // ---------------------------------------------------------------- internals

  private makeRequestHook(endpoint: string | undefined): RequestTelemetry {
    return {
      onRequest: (info: RequestTelemetryInfo) => {
        try {
          this.recordApiRequest(
            endpoint === undefined
              ? info
              : {
                  attempt: info.attempt,
                  status: info.status,
                  error: info.error,
                  durationMs: info.durationMs,
                  endpoint,
                },
          );
        } catch {
          // Telemetry must never break a request.
        }
      },
    };
  }

  private recordingSpan(): Span | undefined {
    const span = trace.getActiveSpan();
    return span?.isRecording() ? span : undefined;
  }

  private emit(name: string, attrs: AttrMap, span: Span | undefined): void {
    const now = Date.now();
    if (this.logsEnabled) this.emitLog(name, attrs, now);
    if (span !== undefined) this.emitSpanEvent(span, name, attrs, now);
  }

  private emitLog(name: string, attrs: AttrMap, now: number): void {
    const attributes: LogAttributes = {
      'event.name': name,
      'event.timestamp': new Date(now).toISOString(),
      ...attrs,
      ...this.logBase,
    };
    this.logger.emit({
      eventName: name,
      timestamp: now,
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: name,
      attributes,
    });
  }

  private emitSpanEvent(span: Span, name: string, attrs: AttrMap, now: number): void {
    span.addEvent(
      name,
      { 'event.name': name, 'event.timestamp': new Date(now).toISOString(), ...attrs, ...this.traceBase },
      now,
    );
  }

  private apiRequestTagsFor(status: number | undefined, success: boolean): Attributes {
    const key = (status === undefined ? -1 : status) * 2 + (success ? 1 : 0);
    let tags = this.apiRequestTags.get(key);
    if (tags === undefined) {
      tags = {
        ...this.sessionTags,
        status: status === undefined ? 'none' : String(status),
        success: String(success),
      };
      if (this.apiRequestTags.size < MAX_CACHED_TAG_SETS) this.apiRequestTags.set(key, tags);
    }
    return tags;
  }

  private recordStaleWebsocketEvent(kind: string): void {
    const cache = this.wsStaleEventTags;
    let tags = cache.get(kind);
    if (tags === undefined) {
      tags = { ...this.sessionTags, kind: sanitizeMetricTagValue(kind) };
      if (cache.size < MAX_CACHED_TAG_SETS) cache.set(kind, tags);
    }
    this.wsStaleEventCounter.add(1, tags);
  }

  private kindTagsFor(
    cache: [Map<string, Attributes>, Map<string, Attributes>],
    kind: string,
    success: boolean,
  ): Attributes {
    const map = cache[success ? 1 : 0];
    let tags = map.get(kind);
    if (tags === undefined) {
      tags = { ...this.sessionTags, kind: sanitizeMetricTagValue(kind), success: String(success) };
      if (map.size < MAX_CACHED_TAG_SETS) map.set(kind, tags);
    }
    return tags;
  }

  private rebuildDerived(): void {
    const m = this.meta;
    const sessionTags: Attributes = {};
    if (this.useMetadataTags) {
      if (m.authMode !== undefined) sessionTags.auth_mode = sanitizeMetricTagValue(m.authMode);
      sessionTags.session_source = sanitizeMetricTagValue(m.sessionSource);
      sessionTags.originator = boundedOriginatorTagValue(m.originator);
      if (m.serviceName !== undefined) sessionTags.service_name = sanitizeMetricTagValue(m.serviceName);
      sessionTags.model = sanitizeMetricTagValue(m.model);
      sessionTags['app.version'] = sanitizeMetricTagValue(m.appVersion);
    }
    this.sessionTags = Object.freeze(sessionTags);

    const traceBase: AttrMap = {
      'conversation.id': m.conversationId,
      'app.version': m.appVersion,
      originator: m.originator,
      'terminal.type': m.terminalType,
      model: m.model,
      slug: m.slug,
    };
    if (m.authMode !== undefined) traceBase.auth_mode = m.authMode;
    this.traceBase = Object.freeze(traceBase);
    const logBase: AttrMap = { ...traceBase };
    if (m.accountId !== undefined) logBase['user.account_id'] = m.accountId;
    if (m.accountEmail !== undefined) logBase['user.email'] = m.accountEmail;
    this.logBase = Object.freeze(logBase);

    this.apiRequestTags = new Map();
    this.sseTags = [new Map(), new Map()];
    this.wsEventTags = [new Map(), new Map()];
    this.wsStaleEventTags = new Map();
    this.continuationTags = new Map();
    this.wsRequestTags = [
      Object.freeze({ ...sessionTags, success: 'false' }),
      Object.freeze({ ...sessionTags, success: 'true' }),
    ];
    this.fallbackTags = Object.freeze({ ...sessionTags, from_wire_api: 'responses_websocket' });
  }
}
