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
import { INSTRUMENTATION_SCOPE, TelemetryEventNames } from '../names.js';
import type { SessionMeta } from './meta.js';
import { recordingSpan } from './spans.js';
import type {
  ApiRequestInfo,
  AuthAttemptInfo,
  AuthRecoveryRecord,
  ResponseCompletedRecord,
  RetryRecord,
  UserPromptCounts,
  WebsocketConnectInfo,
  WebsocketRequestInfo,
} from './types.js';
import { type AttrMap, countCodePoints, durationValue, errorMessage, RESPONSE_FAILED } from './values.js';

/** The `prompt` of `codex.user_prompt` when `logUserPrompt` is off. */
export const REDACTED = '[REDACTED]';

/** Whether `provider` exports nothing: the API's no-op one, or the global proxy with no SDK behind it. */
export function isLoggerProviderNoop(provider: LoggerProvider): boolean {
  return provider instanceof NoopLoggerProvider || provider instanceof ProxyLoggerProvider;
}

/**
 * The common attributes of the session's events (telemetry.md §2): `trace` for span events
 * (`conversation.id`, `app.version`, `originator`, `terminal.type`, `model`, `slug`, and `auth_mode`
 * when known), `log` for log events (the same plus `user.account_id` / `user.email` when known).
 * Both frozen.
 */
export function commonAttributes(meta: SessionMeta): { log: Readonly<AttrMap>; trace: Readonly<AttrMap> } {
  const trace: AttrMap = {
    'conversation.id': meta.conversationId,
    'app.version': meta.appVersion,
    originator: meta.originator,
    'terminal.type': meta.terminalType,
    model: meta.model,
    slug: meta.slug,
  };
  if (meta.authMode !== undefined) trace.auth_mode = meta.authMode;
  const log: AttrMap = { ...trace };
  if (meta.accountId !== undefined) log['user.account_id'] = meta.accountId;
  if (meta.accountEmail !== undefined) log['user.email'] = meta.accountEmail;
  return { log: Object.freeze(log), trace: Object.freeze(trace) };
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
 * Emits the session's events. Each one goes to the logger (when {@link logsEnabled}) as a log record
 * with `event.name`, `event.timestamp` (RFC 3339, ms), its own attributes and the log common
 * attributes, and to the recording active span (if any) as a span event with the trace common
 * attributes instead; with neither, nothing is built. `duration_ms` values are whole ms; every
 * `error.message` goes through {@link errorMessage} (redacted, bounded). Throws nothing for
 * well-formed input.
 */
export class SessionEvents {
  /** False when the logger provider exports nothing ({@link isLoggerProviderNoop}). */
  readonly logsEnabled: boolean;

  private readonly logger: Logger;
  private readonly redactor: SecretRedactor;
  private readonly logUserPrompt: boolean;
  // Derived from the session metadata, rebuilt by setMeta().
  private logBase!: Readonly<AttrMap>;
  private traceBase!: Readonly<AttrMap>;

  constructor(provider: LoggerProvider, meta: SessionMeta, redactor: SecretRedactor, logUserPrompt: boolean) {
    this.logsEnabled = !isLoggerProviderNoop(provider);
    this.logger = provider.getLogger(INSTRUMENTATION_SCOPE, meta.appVersion);
    this.redactor = redactor;
    this.logUserPrompt = logUserPrompt;
    this.setMeta(meta);
  }

  /** Rebuilds the common attributes from `meta` (after a model switch). */
  setMeta(meta: SessionMeta): void {
    const common = commonAttributes(meta);
    this.logBase = common.log;
    this.traceBase = common.trace;
  }

  /**
   * `codex.api_request`: `attempt`, `duration_ms`, `http.response.status_code`,
   * `error.message`, `endpoint` and the `auth.*` fields given.
   */
  apiRequest(info: ApiRequestInfo): void {
    const span = recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const attrs: AttrMap = { duration_ms: Math.trunc(durationValue(info.durationMs)), attempt: info.attempt };
    if (info.status !== undefined) attrs['http.response.status_code'] = info.status;
    if (info.error !== undefined && info.error !== null)
      attrs['error.message'] = errorMessage(info.error, this.redactor);
    if (info.endpoint !== undefined) attrs.endpoint = info.endpoint;
    putAuth(attrs, info.auth);
    this.emit(TelemetryEventNames.apiRequest, attrs, span);
  }

  /**
   * `codex.sse_event` for one SSE poll: `duration_ms`, `event.kind` (when there was an event) and,
   * when `failed`, `error.message` (the error's, else `response.failed`). Span event only on failure.
   */
  sseEvent(kind: string | undefined, error: unknown, failed: boolean, durationMs: number): void {
    const span = failed ? recordingSpan() : undefined;
    if (!this.logsEnabled && span === undefined) return;
    const attrs: AttrMap = { duration_ms: Math.trunc(durationValue(durationMs)) };
    if (kind !== undefined) attrs['event.kind'] = kind;
    if (error !== undefined && error !== null) attrs['error.message'] = errorMessage(error, this.redactor);
    else if (failed) attrs['error.message'] = RESPONSE_FAILED;
    this.emit(TelemetryEventNames.sseEvent, attrs, span);
  }

  /** `codex.sse_event` with `event.kind = response.completed` and the token counts. */
  responseCompleted(usage: ResponseCompletedRecord): void {
    const span = recordingSpan();
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

  /** `codex.retry`, span event only: `retry.attempt`, `retry.delay_ms`, `retry.layer`, `retry.operation`. */
  retry(info: RetryRecord): void {
    const span = recordingSpan();
    if (span === undefined) return;
    span.addEvent(TelemetryEventNames.retry, {
      'event.name': TelemetryEventNames.retry,
      'event.timestamp': new Date().toISOString(),
      'retry.attempt': info.attempt,
      'retry.delay_ms': Math.trunc(durationValue(info.delayMs)),
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
    const attrs: AttrMap = {
      duration_ms: Math.trunc(durationValue(info.durationMs)),
      success: success ? 'true' : 'false',
      'auth.connection_reused': info.connectionReused ?? false,
    };
    if (status !== undefined) attrs['http.response.status_code'] = status;
    if (hasError) attrs['error.message'] = errorMessage(info.error, this.redactor);
    if (info.endpoint !== undefined) attrs.endpoint = info.endpoint;
    putAuth(attrs, info.auth);
    this.emit(TelemetryEventNames.websocketConnect, attrs, span);
  }

  /** `codex.websocket_request`: `duration_ms`, `success`, `error.message`, `auth.connection_reused`. */
  websocketRequest(info: WebsocketRequestInfo): void {
    const span = recordingSpan();
    if (!this.logsEnabled && span === undefined) return;
    const hasError = info.error !== undefined && info.error !== null;
    const attrs: AttrMap = {
      duration_ms: Math.trunc(durationValue(info.durationMs)),
      success: hasError ? 'false' : 'true',
      'auth.connection_reused': info.connectionReused ?? false,
    };
    if (hasError) attrs['error.message'] = errorMessage(info.error, this.redactor);
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
    const promptLength = countCodePoints(text);
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
}
