/**
 * The event side of SessionTelemetry: log events and span events with their attributes
 * (telemetry.md §2–§3). Internal to the package.
 */

import type { SecretRedactor } from '@codex-ts/client';
import type { Span } from '@opentelemetry/api';
import {
  type LogAttributes,
  type Logger,
  type LoggerProvider,
  NoopLoggerProvider,
  ProxyLoggerProvider,
  SeverityNumber,
} from '@opentelemetry/api-logs';
import { LOG_SCOPE, TelemetryEventNames } from '../names.js';
import { authEnvAttributes, commonAttributes, putAuth, unsignedAsText } from './event-attributes.js';
import type {
  ConversationStartsInfo,
  SandboxOutcomeRecord,
  StartupPhaseRecord,
  ToolDecisionRecord,
  ToolResultRecord,
  TurnProfileRecord,
} from './lifecycle-types.js';
import type { SessionMeta } from './meta.js';
import { ownedAttributesEmit } from './owned-emit.js';
import { recordingSpan } from './spans.js';
import {
  sandboxOutcomeAttributes,
  toolDecisionAttributes,
  toolResultLogAttributes,
  toolResultSpanAttributes,
} from './tool-events.js';
import type {
  ApiRequestInfo,
  AuthEnvInfo,
  AuthRecoveryRecord,
  ResponseCompletedRecord,
  RetryRecord,
  UserPromptCounts,
  WebsocketConnectInfo,
  WebsocketRequestInfo,
} from './types.js';
import {
  type AttrMap,
  countCodePoints,
  durationMsText,
  errorMessage,
  RESPONSE_FAILED,
  truncMs,
} from './values.js';

/** The `prompt` of `codex.user_prompt` when `logUserPrompt` is off. */
export const REDACTED = '[REDACTED]';

/** Whether `provider` exports nothing: the API's no-op one, or the global proxy with no SDK behind it. */
export function isLoggerProviderNoop(provider: LoggerProvider): boolean {
  return provider instanceof NoopLoggerProvider || provider instanceof ProxyLoggerProvider;
}

/**
 * Emits the session's events. Each one goes to the logger (when {@link logsEnabled}) as a log record
 * with `event.name`, `event.timestamp` (RFC 3339, ms), its own attributes and the log common
 * attributes, and to the recording active span (if any) as a span event with the trace common
 * attributes instead; with neither, nothing is built. Value types follow 0.169.0's export:
 * `duration_ms` is a string of whole ms; `http.response.status_code` and `attempt` are integers in
 * logs but strings in span events (the Rust tracing bridge wrote unsigned integers as strings);
 * every `error.message` goes through {@link errorMessage} (redacted, bounded). Throws nothing for
 * well-formed input.
 */
export class SessionEvents {
  /** False when the logger provider exports nothing ({@link isLoggerProviderNoop}). */
  readonly logsEnabled: boolean;

  // The logger's emit, handing each record's attributes over (every record builds its own).
  private readonly emitOwned: Logger['emit'];
  private readonly redactor: SecretRedactor;
  private readonly logUserPrompt: boolean;
  private readonly authEnv: Readonly<AttrMap>;
  // Derived from the session metadata, rebuilt by setMeta().
  private logBase!: Readonly<AttrMap>;
  private traceBase!: Readonly<AttrMap>;
  // The attributes of a successful `codex.sse_event` in exported key order, the per-event values
  // empty: each event copies it (one shallow clone) and fills them in.
  private sseTemplate!: Readonly<LogAttributes>;
  // `tool_result_seq` of the last `codex.tool_result`.
  private toolResultSeq = 0;
  // The last `event.timestamp` text and its ms (isoTime).
  private isoTimeMs = Number.NaN;
  private isoTimeText = '';

  constructor(
    provider: LoggerProvider,
    meta: SessionMeta,
    redactor: SecretRedactor,
    logUserPrompt: boolean,
    authEnv: AuthEnvInfo | undefined,
  ) {
    this.logsEnabled = !isLoggerProviderNoop(provider);
    this.authEnv = authEnvAttributes(authEnv);
    this.emitOwned = ownedAttributesEmit(provider.getLogger(LOG_SCOPE));
    this.redactor = redactor;
    this.logUserPrompt = logUserPrompt;
    this.setMeta(meta);
  }

  /** Rebuilds the common attributes from `meta` (after a model switch). */
  setMeta(meta: SessionMeta): void {
    const common = commonAttributes(meta);
    this.logBase = common.log;
    this.traceBase = common.trace;
    this.sseTemplate = {
      'event.name': TelemetryEventNames.sseEvent,
      'event.timestamp': '',
      'event.kind': '',
      duration_ms: '',
      ...common.log,
    };
  }

  /**
   * `codex.api_request`: `attempt`, `duration_ms`, `http.response.status_code`,
   * `error.message`, `endpoint` and the `auth.*` fields given.
   */
  apiRequest(info: ApiRequestInfo): void {
    const span = recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const attrs: AttrMap = { duration_ms: durationMsText(info.durationMs) };
    if (info.status !== undefined) attrs['http.response.status_code'] = info.status;
    if (info.error !== undefined && info.error !== null)
      attrs['error.message'] = errorMessage(info.error, this.redactor);
    attrs.attempt = info.attempt;
    putAuth(attrs, info.auth);
    if (info.endpoint !== undefined) attrs.endpoint = info.endpoint;
    Object.assign(attrs, this.authEnv);
    this.emit(TelemetryEventNames.apiRequest, attrs, span, unsignedAsText(attrs));
  }

  /**
   * `codex.sse_event` for one SSE poll: `duration_ms`, `event.kind` (when there was an event) and,
   * when `failed`, `error.message` (the error's, else `response.failed`). Span event only on failure.
   */
  sseEvent(kind: string | undefined, error: unknown, failed: boolean, durationMs: number): void {
    if (!failed) {
      // The hot path (one call per streamed event): one attributes object in the exported key
      // order, no intermediate map, the timestamp text reused within the same millisecond.
      if (!this.logsEnabled) return;
      const now = Date.now();
      const name = TelemetryEventNames.sseEvent;
      let attributes: LogAttributes;
      if (kind !== undefined) {
        attributes = { ...this.sseTemplate };
        attributes['event.timestamp'] = this.isoTime(now);
        attributes['event.kind'] = kind;
        attributes.duration_ms = durationMsText(durationMs);
      } else {
        attributes = { 'event.name': name, 'event.timestamp': this.isoTime(now) };
        attributes.duration_ms = durationMsText(durationMs);
        const base = this.logBase;
        for (const key in base) attributes[key] = base[key];
      }
      this.emitRecord(name, attributes, now);
      return;
    }
    const span = recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const attrs: AttrMap = {};
    if (kind !== undefined) attrs['event.kind'] = kind;
    attrs.duration_ms = durationMsText(durationMs);
    if (error !== undefined && error !== null) attrs['error.message'] = errorMessage(error, this.redactor);
    else attrs['error.message'] = RESPONSE_FAILED;
    this.emit(TelemetryEventNames.sseEvent, attrs, span);
  }

  /**
   * `codex.sse_event` with `event.kind = response.completed` and the token counts: a log event
   * only (0.169.0 exported no span event for it).
   */
  responseCompleted(usage: ResponseCompletedRecord): void {
    if (!this.logsEnabled) return;
    const attrs: AttrMap = {
      'event.kind': 'response.completed',
      input_token_count: String(Math.trunc(usage.inputTokens)),
      output_token_count: String(Math.trunc(usage.outputTokens)),
    };
    if (usage.cachedInputTokens !== undefined) attrs.cached_token_count = Math.trunc(usage.cachedInputTokens);
    if (usage.cacheWriteInputTokens !== undefined)
      attrs.cache_write_token_count = Math.trunc(usage.cacheWriteInputTokens);
    if (usage.reasoningOutputTokens !== undefined)
      attrs.reasoning_token_count = Math.trunc(usage.reasoningOutputTokens);
    attrs.tool_token_count = String(Math.trunc(usage.toolTokens ?? 0));
    if (usage.ttftMs !== undefined) attrs.ttft_ms = truncMs(usage.ttftMs);
    if (usage.reasoningEffort !== undefined) attrs.model_reasoning_effort = usage.reasoningEffort;
    this.emitLog(TelemetryEventNames.sseEvent, attrs, Date.now());
  }

  /** `codex.retry`, span event only: `retry.attempt`, `retry.delay_ms`, `retry.layer`, `retry.operation`. */
  retry(info: RetryRecord): void {
    const span = recordingSpan();
    if (span === undefined) return;
    span.addEvent(TelemetryEventNames.retry, {
      'event.name': TelemetryEventNames.retry,
      'event.timestamp': new Date().toISOString(),
      'retry.attempt': info.attempt,
      'retry.delay_ms': truncMs(info.delayMs),
      'retry.layer': info.layer,
      'retry.operation': info.operation,
      ...this.traceBase,
    });
  }

  /**
   * `codex.websocket_connect`: `duration_ms`, `success` (no error, and no status, 101 or
   * 2xx), `http.response.status_code`, `error.message`, `endpoint`, `auth.connection_reused`, `auth.*`.
   */
  websocketConnect(info: WebsocketConnectInfo): void {
    const span = recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const hasError = info.error !== undefined && info.error !== null;
    const status = info.status;
    // 101 Switching Protocols is a completed WebSocket handshake.
    const success = !hasError && (status === undefined || status === 101 || (status >= 200 && status <= 299));
    const attrs: AttrMap = { duration_ms: durationMsText(info.durationMs) };
    if (status !== undefined) attrs['http.response.status_code'] = status;
    attrs.success = success ? 'true' : 'false';
    if (hasError) attrs['error.message'] = errorMessage(info.error, this.redactor);
    putAuth(attrs, info.auth);
    if (info.endpoint !== undefined) attrs.endpoint = info.endpoint;
    Object.assign(attrs, this.authEnv);
    attrs['auth.connection_reused'] = info.connectionReused ?? false;
    attrs['auth.reauth'] = info.reauth ?? false;
    this.emit(TelemetryEventNames.websocketConnect, attrs, span, unsignedAsText(attrs));
  }

  /** `codex.websocket_request`: `duration_ms`, `success`, `error.message`, `auth.connection_reused`. */
  websocketRequest(info: WebsocketRequestInfo): void {
    const span = recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const hasError = info.error !== undefined && info.error !== null;
    const attrs: AttrMap = {
      duration_ms: durationMsText(info.durationMs),
      success: hasError ? 'false' : 'true',
    };
    if (hasError) attrs['error.message'] = errorMessage(info.error, this.redactor);
    Object.assign(attrs, this.authEnv);
    attrs['auth.connection_reused'] = info.connectionReused ?? false;
    this.emit(TelemetryEventNames.websocketRequest, attrs, span);
  }

  /** `codex.auth_recovery`: `auth.mode`, `auth.step`, `auth.outcome` and the optional `auth.*`. */
  authRecovery(info: AuthRecoveryRecord): void {
    const span = recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const attrs: AttrMap = { 'auth.mode': info.mode, 'auth.step': info.step, 'auth.outcome': info.outcome };
    if (info.requestId !== undefined) attrs['auth.request_id'] = info.requestId;
    if (info.cfRay !== undefined) attrs['auth.cf_ray'] = info.cfRay;
    // The server's auth error text may quote the rejected token.
    if (info.error !== undefined) attrs['auth.error'] = this.redactor.redact(info.error);
    if (info.errorCode !== undefined) attrs['auth.error_code'] = info.errorCode;
    if (info.recoveryReason !== undefined) attrs['auth.recovery_reason'] = info.recoveryReason;
    if (info.stateChanged !== undefined) attrs['auth.state_changed'] = info.stateChanged;
    this.emit(TelemetryEventNames.authRecovery, attrs, span);
  }

  /**
   * `codex.user_prompt`: the log event has `prompt_length` (code points) and `prompt` (the
   * text only with `logUserPrompt`, else `[REDACTED]`); the span event never the text, only
   * `prompt_length` and the input counts (defaults 1 text, 0 images, 0 local images).
   */
  userPrompt(text: string, counts: UserPromptCounts | undefined): void {
    const span = recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const promptLength = String(countCodePoints(text));
    const now = Date.now();
    if (this.logsEnabled) {
      const prompt = this.logUserPrompt ? text : REDACTED;
      this.emitLog(TelemetryEventNames.userPrompt, { prompt_length: promptLength, prompt }, now);
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

  /**
   * `codex.conversation_starts`: `provider_name`, the `auth.env_*` flags, `reasoning_effort`,
   * `reasoning_summary`, `context_window`, `auto_compact_token_limit`, `approval_policy`,
   * `sandbox_policy`, `config.legacy_multi_agent_disabled_sources`; the log adds `mcp_servers`
   * (names joined by `, `), the span event `mcp_server_count` (integer) instead.
   */
  conversationStarts(info: ConversationStartsInfo): void {
    const span = recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const attrs: AttrMap = {
      'config.legacy_multi_agent_disabled_sources': info.legacyMultiAgentDisabledSources ?? 'none',
      provider_name: info.providerName,
      ...this.authEnv,
    };
    if (info.reasoningEffort !== undefined) attrs.reasoning_effort = info.reasoningEffort;
    attrs.reasoning_summary = info.reasoningSummary;
    if (info.contextWindow !== undefined) attrs.context_window = Math.trunc(info.contextWindow);
    if (info.autoCompactTokenLimit !== undefined)
      attrs.auto_compact_token_limit = Math.trunc(info.autoCompactTokenLimit);
    attrs.approval_policy = info.approvalPolicy;
    attrs.sandbox_policy = info.sandboxPolicy;
    this.emit(
      TelemetryEventNames.conversationStarts,
      { ...attrs, mcp_servers: info.mcpServers.join(', ') },
      span,
      { ...attrs, mcp_server_count: info.mcpServers.length },
    );
  }

  /** `codex.startup_phase`: `startup.phase`, `startup.status` (when given), `duration_ms`. */
  startupPhase(record: StartupPhaseRecord): void {
    const span = recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const attrs: AttrMap = { 'startup.phase': record.phase };
    if (record.status !== undefined) attrs['startup.status'] = record.status;
    attrs.duration_ms = durationMsText(record.durationMs);
    this.emit(TelemetryEventNames.startupPhase, attrs, span);
  }

  /** `codex.turn_ttft`: `duration_ms`. */
  turnTtft(durationMs: number): void {
    const span = recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    this.emit(TelemetryEventNames.turnTtft, { duration_ms: durationMsText(durationMs) }, span);
  }

  /** `codex.tool_decision` (log only; see {@link toolDecisionAttributes}). */
  toolDecision(record: ToolDecisionRecord): void {
    if (!this.logsEnabled) return;
    this.emitLog(TelemetryEventNames.toolDecision, toolDecisionAttributes(record), Date.now());
  }

  /** `codex.sandbox_outcome` (log and span event; see {@link sandboxOutcomeAttributes}). */
  sandboxOutcome(record: SandboxOutcomeRecord): void {
    const span = recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    this.emit(TelemetryEventNames.sandboxOutcome, sandboxOutcomeAttributes(record), span);
  }

  /**
   * `codex.tool_result`, numbered per session from 1 (`tool_result_seq`, counted even when nothing
   * exports): the log has the redacted `arguments` and `output` ({@link toolResultLogAttributes}),
   * the span event only their sizes ({@link toolResultSpanAttributes}).
   */
  toolResult(record: ToolResultRecord): void {
    const seq = ++this.toolResultSeq;
    const span = recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const now = Date.now();
    if (this.logsEnabled)
      this.emitLog(TelemetryEventNames.toolResult, toolResultLogAttributes(record, seq, this.redactor), now);
    if (span !== undefined)
      this.emitSpanEvent(span, TelemetryEventNames.toolResult, toolResultSpanAttributes(record, seq), now);
  }

  /**
   * `codex.turn_profile` on the active span (trace only, like 0.169.0 without the common
   * attributes): `conversation.id`, `turn_id`, `critical_path_status = disabled`,
   * `sampling_request_count`, `sampling_retry_count` (strings).
   */
  turnProfile(record: TurnProfileRecord): void {
    const span = recordingSpan();
    if (span === undefined) return;
    span.addEvent(TelemetryEventNames.turnProfile, {
      'event.name': TelemetryEventNames.turnProfile,
      'conversation.id': this.traceBase['conversation.id'] as string,
      turn_id: record.turnId,
      critical_path_status: 'disabled',
      sampling_request_count: String(record.samplingRequestCount),
      sampling_retry_count: String(record.samplingRetryCount),
    });
  }

  private emit(name: string, attrs: AttrMap, span: Span | undefined, traceAttrs: AttrMap = attrs): void {
    const now = Date.now();
    if (this.logsEnabled) this.emitLog(name, attrs, now);
    if (span !== undefined) this.emitSpanEvent(span, name, traceAttrs, now);
  }

  private emitLog(name: string, attrs: AttrMap, now: number): void {
    const attributes: LogAttributes = {
      'event.name': name,
      'event.timestamp': this.isoTime(now),
      ...attrs,
      ...this.logBase,
    };
    this.emitRecord(name, attributes, now);
  }

  /** `event.timestamp` of `now` (ms since the epoch): RFC 3339 in UTC, reused within one ms. */
  private isoTime(now: number): string {
    if (now !== this.isoTimeMs) {
      this.isoTimeMs = now;
      this.isoTimeText = new Date(now).toISOString();
    }
    return this.isoTimeText;
  }

  // `attributes` is always an object built for this record alone: it is handed over.
  private emitRecord(name: string, attributes: LogAttributes, now: number): void {
    this.emitOwned({
      eventName: name,
      timestamp: now,
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      // No body: the name is `eventName` and the `event.name` attribute (0.169.0's records have none).
      attributes,
    });
  }

  private emitSpanEvent(span: Span, name: string, attrs: AttrMap, now: number): void {
    span.addEvent(
      name,
      { 'event.name': name, 'event.timestamp': this.isoTime(now), ...attrs, ...this.traceBase },
      now,
    );
  }
}
