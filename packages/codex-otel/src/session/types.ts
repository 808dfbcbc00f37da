/**
 * Option and record shapes of {@link SessionTelemetry}. Durations are milliseconds.
 */

import type { SecretRedactor } from '@codex-ts/client';
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { LoggerProvider } from '@opentelemetry/api-logs';

/** Session metadata and providers for a {@link SessionTelemetry} (telemetry.md §1). */
export interface SessionTelemetryOptions {
  /** Conversation / thread id; log attribute `conversation.id`. */
  conversationId: string;
  /** Model name; log attribute and metric tag `model`. */
  model: string;
  /** Model slug; log attribute `slug`. Defaults to `model`. */
  slug?: string;
  /** Account id; log attribute `user.account_id` (logs only, never traces or metrics). */
  accountId?: string;
  /** Account e-mail; log attribute `user.email` (logs only, never traces or metrics). */
  accountEmail?: string;
  /** Auth mode, e.g. `apikey` or `chatgpt`; attribute and metric tag `auth_mode`. */
  authMode?: string;
  /** Client originator, e.g. `codex_exec`; the metric tag is bounded to a known list (else `other`). */
  originator: string;
  /** Application version; attribute and metric tag `app.version`. */
  appVersion: string;
  /** Terminal type; attribute `terminal.type`. Defaults to `unknown`. */
  terminalType?: string;
  /** Session source, e.g. `exec` or `cli`; metric tag `session_source`. */
  sessionSource: string;
  /** Service name; metric tag `service_name` when set. */
  serviceName?: string;
  /** Log the prompt text in `codex.user_prompt` instead of `[REDACTED]`. Default false. */
  logUserPrompt?: boolean;
  /** Add the session tags to every metric. Default true. */
  metricsMetadataTags?: boolean;
  /** Meter provider; defaults to the global one, resolved when the SessionTelemetry is constructed. */
  meterProvider?: MeterProvider;
  /** Tracer provider for {@link SessionTelemetry.startSpan}; defaults to the global one. */
  tracerProvider?: TracerProvider;
  /** Logger provider for log events; defaults to the global one, resolved at construction. */
  loggerProvider?: LoggerProvider;
  /**
   * The redactor applied to every recorded error message (`@codex-ts/client`'s `SecretRedactor`,
   * `***` for each registered secret). Pass the one your clients use so both mask the same
   * credentials. Default: a new one, filled only through `SessionTelemetry.redact()`.
   */
  redactor?: SecretRedactor;
  /**
   * Which credentials the environment offered (upstream `with_auth_env`): the `auth.env_*` flags of
   * `codex.conversation_starts`, `codex.api_request`, `codex.websocket_connect` and
   * `codex.websocket_request`. Never a variable's value. Default: no `auth.env_*` attributes.
   */
  authEnv?: AuthEnvInfo;
}

/**
 * The `auth.env_*` attributes (booleans, plus one string): presence flags of the credential
 * environment variables, never their values.
 */
export interface AuthEnvInfo {
  /** `OPENAI_API_KEY` is set (`auth.env_openai_api_key_present`). */
  openaiApiKeyPresent: boolean;
  /** `CODEX_API_KEY` is set (`auth.env_codex_api_key_present`). */
  codexApiKeyPresent: boolean;
  /** `CODEX_API_KEY` is honoured in this session (`auth.env_codex_api_key_enabled`; true for `exec`). */
  codexApiKeyEnabled: boolean;
  /**
   * `auth.env_provider_key_name`: 0.169.0 sent `configured` when the provider names an `env_key`
   * (the variable's name is not recorded). Absent: attribute omitted.
   */
  providerKeyName?: string;
  /** The provider's `env_key` variable is set (`auth.env_provider_key_present`). Absent: omitted. */
  providerKeyPresent?: boolean;
  /** A refresh-token URL override is set in the environment (`auth.env_refresh_token_url_override_present`). */
  refreshTokenUrlOverridePresent: boolean;
}

/** Auth details of one HTTP attempt or WebSocket connect (`auth.*` attributes). Never values of secrets. */
export interface AuthAttemptInfo {
  /** Whether an auth header was attached (`auth.header_attached`). */
  headerAttached?: boolean;
  /** The auth header's NAME, e.g. `authorization` (`auth.header_name`); never its value. */
  headerName?: string;
  /** This attempt follows a 401 and an auth refresh (`auth.retry_after_unauthorized`). */
  retryAfterUnauthorized?: boolean;
  /** `auth.recovery_mode`. */
  recoveryMode?: string;
  /** `auth.recovery_phase`. */
  recoveryPhase?: string;
  /** Server request id (`auth.request_id`). */
  requestId?: string;
  /** Cloudflare ray id (`auth.cf_ray`). */
  cfRay?: string;
  /** Server auth error text (`auth.error`). */
  error?: string;
  /** Server auth error code (`auth.error_code`). */
  errorCode?: string;
}

/** One HTTP attempt (`codex.api_request`). */
export interface ApiRequestInfo {
  /** 0-based attempt index. */
  attempt: number;
  /** HTTP status, undefined when no response was received. */
  status: number | undefined;
  /** Failure of the attempt; only its message is recorded. */
  error?: unknown;
  /** Attempt wall time (ms). */
  durationMs: number;
  /** Endpoint label, e.g. `/responses` (`endpoint`). */
  endpoint?: string;
  /** Auth details of the attempt. */
  auth?: AuthAttemptInfo;
}

/** One WebSocket connect (`codex.websocket_connect`). */
export interface WebsocketConnectInfo {
  /** Handshake wall time (ms). */
  durationMs: number;
  /** Handshake HTTP status, when known. */
  status?: number;
  /** Failure of the connect; only its message is recorded. */
  error?: unknown;
  /** Endpoint label. */
  endpoint?: string;
  /** An existing connection was reused (`auth.connection_reused`). Default false. */
  connectionReused?: boolean;
  /** The handshake follows a 401 recovery step (`auth.reauth`, metric tag `reauth`). Default false. */
  reauth?: boolean;
  /** Auth details of the handshake. */
  auth?: AuthAttemptInfo;
}

/** One WebSocket request send (`codex.websocket_request`). */
export interface WebsocketRequestInfo {
  /** Send wall time (ms). */
  durationMs: number;
  /** Failure of the send; only its message is recorded. */
  error?: unknown;
  /** The request went over a reused connection (`auth.connection_reused`). Default false. */
  connectionReused?: boolean;
}

/** One WebSocket read (`codex.websocket.event` metrics). */
export interface WebsocketEventInfo {
  /** What was read; `none` = the stream ended or the read failed. Pings and pongs are ignored. */
  frame: 'text' | 'binary' | 'close' | 'ping' | 'pong' | 'none';
  /** For a text frame: its JSON `type`; undefined when the frame was not JSON (`parse_error`, a failure). */
  kind?: string;
  /** The parsed frame; for `responsesapi.websocket_timing` its `timing_metrics` feed the timing histograms. */
  payload?: unknown;
  /** Read failure; counts as a failure. */
  error?: unknown;
  /** Time waiting for the frame (ms). */
  durationMs: number;
  /**
   * A frame of another response than the one in flight, or read between requests: ignored by the
   * client, so it counts in `codex.websocket.stale_event` (tag `kind`) instead of `codex.websocket.event`.
   */
  stale?: boolean;
}

/** One retry (`codex.retry` span event). */
export interface RetryRecord {
  /** The attempt about to be made (1 = first retry). */
  attempt: number;
  /** Back-off before that attempt (ms). */
  delayMs: number;
  /** Which retry loop: the HTTP transport or the stream (turn) level. */
  layer: 'http' | 'stream';
  /** What is retried. */
  operation: 'request' | 'sampling' | 'remote_compaction_v2';
}

/** One WebSocket request's continuation decision (`codex.websocket.continuation`). */
export interface ContinuationRecord {
  /** Sent incrementally (`previous_response_id`) or with the full input. */
  mode: 'incremental' | 'full';
  /** Why this mode was chosen. */
  reason: 'incremental' | 'no_previous_request' | 'restored_history' | 'connection_closed' | 'other';
  /** Warm-up request or generation request. */
  phase: 'warmup' | 'generation';
  /** The request goes on the socket a startup prewarm opened (tag `after_prewarm`). Default false. */
  afterPrewarm?: boolean;
  /**
   * Tags `previous_item_type` / `current_item_type`, default `none`: 0.169.0 sent `none` for its
   * prewarm and for an incremental turn request; their values for other cases are unverified.
   */
  previousItemType?: string;
  currentItemType?: string;
}

/** An auth recovery step (`codex.auth_recovery`). */
export interface AuthRecoveryRecord {
  /** `auth.mode`. */
  mode: string;
  /** `auth.step`. */
  step: string;
  /** `auth.outcome`: `recovery_succeeded`, `recovery_failed_permanent`, `recovery_failed_transient` or `recovery_not_run`. */
  outcome: string;
  /** `auth.request_id`: request id of the 401 answer (`x-request-id` / `x-oai-request-id`). */
  requestId?: string;
  /** `auth.cf_ray`: `cf-ray` of the 401 answer. */
  cfRay?: string;
  /** `auth.error`: `x-openai-authorization-error` of the 401 answer, recorded redacted (`***`). */
  error?: string;
  /** `auth.error_code`: `error.code` of the 401 answer's `x-error-json`. */
  errorCode?: string;
  /** `auth.recovery_reason`. */
  recoveryReason?: string;
  /** `auth.state_changed`. */
  stateChanged?: boolean;
}

/**
 * Token counts of a completed response (`codex.sse_event` with `event.kind = response.completed`),
 * in tokens. Attribute types as 0.169.0 exported them: `input_token_count`, `output_token_count`,
 * `tool_token_count` strings; `cached_token_count`, `cache_write_token_count`,
 * `reasoning_token_count`, `ttft_ms` integers; `model_reasoning_effort` a string.
 */
export interface ResponseCompletedRecord {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  /** Input tokens written to the prompt cache (`cache_write_token_count`). */
  cacheWriteInputTokens?: number;
  reasoningOutputTokens?: number;
  /** `tool_token_count`: 0.169.0 sent the response's total tokens here. Default 0. */
  toolTokens?: number;
  /** Time from the request to its first output (ms, `ttft_ms`); omitted when unknown (a warm-up). */
  ttftMs?: number;
  /** The request's reasoning effort (`model_reasoning_effort`); omitted when unknown. */
  reasoningEffort?: string;
}

/** Input counts of a user turn for the trace side of `codex.user_prompt`. */
export interface UserPromptCounts {
  /** Text inputs (default 1). */
  textInputCount?: number;
  /** Remote image inputs (default 0). */
  imageInputCount?: number;
  /** Local image inputs (default 0). */
  localImageInputCount?: number;
}
