/**
 * Record shapes of SessionTelemetry's session, turn and tool recorders (the events and metrics
 * 0.169.0 exported around a turn; otel-capture of 2026-12-03). Durations are milliseconds.
 */

/** The session's configuration at its start (`codex.conversation_starts`). */
export interface ConversationStartsInfo {
  /** The model provider's id from config.toml (`provider_name`), e.g. `openai`. */
  providerName: string;
  /** `reasoning_effort`; omitted when the config sets none. */
  reasoningEffort?: string;
  /** `reasoning_summary`, e.g. `auto`. */
  reasoningSummary: string;
  /** The model's context window in tokens (`context_window`, an integer); omitted when unknown. */
  contextWindow?: number;
  /** `auto_compact_token_limit` (tokens, an integer); omitted when unknown. */
  autoCompactTokenLimit?: number;
  /** `approval_policy`, e.g. `never`. */
  approvalPolicy: string;
  /** `sandbox_policy`, e.g. `read-only`. */
  sandboxPolicy: string;
  /** Configured MCP server names: the log event joins them with `, ` (`mcp_servers`), the span event counts them (`mcp_server_count`). */
  mcpServers: readonly string[];
  /** `config.legacy_multi_agent_disabled_sources`. Default `none`. */
  legacyMultiAgentDisabledSources?: string;
}

/** One coarse start-up phase (`codex.startup_phase`, `codex.startup.phase.duration_ms`). */
export interface StartupPhaseRecord {
  /** `startup.phase` / tag `phase`, e.g. `thread_start_total` or `startup_prewarm_websocket_warmup`. */
  phase: string;
  /** Wall time of the phase (ms). */
  durationMs: number;
  /** `startup.status` / tag `status` (e.g. `ready`); omitted when not given. */
  status?: string;
}

/** Token usage of one turn, summed over its requests (`codex.turn.token_usage`, in tokens). */
export interface TurnTokenUsageRecord {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteInputTokens: number;
  outputTokens: number;
  reasoningOutputTokens: number;
  totalTokens: number;
}

/**
 * A tool call's approval decision (`codex.tool_decision`, log only; 0.169.0 mirrors it on no span).
 * 0.169.0 records one for each call its tool orchestrator lets run (`exec_command` about to start
 * a command, `apply_patch` about to write): `decision = approved`, `source = Config` in
 * `codex exec` (approval `never`, no one to ask); a call refused before that (an escalation under
 * `never`, a patch outside the sandbox) has none.
 */
export interface ToolDecisionRecord {
  toolName: string;
  /** `tool_namespace`; default `functions` (every built-in tool). */
  toolNamespace?: string | undefined;
  callId: string;
  /** e.g. `approved`, `denied`, `abort`. */
  decision: string;
  /** Who decided, as 0.169.0 spells it: `Config` or `User`. */
  source: string;
}

/**
 * What the sandbox did to a tool's command (`codex.sandbox_outcome`, log and span event with the
 * same attributes). 0.169.0 emitted it only when the sandbox denied the command (`outcome =
 * denied`), between the call's `codex.tool_decision` and its `codex.tool_result`; a command the
 * sandbox let run has none.
 */
export interface SandboxOutcomeRecord {
  toolName: string;
  callId: string;
  /** e.g. `denied`. */
  outcome: string;
  /** Wall time of the sandboxed attempt (ms; `initial_duration_ms`, an integer). */
  initialDurationMs: number;
}

/** One finished tool call (`codex.tool_result`, `codex.tool.call`, `codex.tool.call.duration_ms`). */
export interface ToolResultRecord {
  toolName: string;
  /** `tool_namespace`; default `functions` (every built-in tool). */
  toolNamespace?: string | undefined;
  callId: string;
  /** The call's arguments as sent by the model (log only, redacted; the span event gets its length). */
  arguments: string;
  /** Wall time of the call (ms). */
  durationMs: number;
  success: boolean;
  /** The output given to the model (log only, redacted; the span event gets its length and line count). */
  output: string;
  /** `output_truncated` (a boolean); default false. */
  outputTruncated?: boolean | undefined;
  /** MCP server of the call; empty or absent for a built-in tool (`tool_origin = builtin`). */
  mcpServer?: string;
  /** `mcp_server_origin` (log only). */
  mcpServerOrigin?: string;
  /**
   * Extra tags of this call's `codex.tool.call` / `codex.tool.call.duration_ms` points (0.169.0:
   * `exec_command` adds `command_category`, `shell_snapshot_mode`), after the session's sandbox tags.
   */
  metricTags?: Readonly<Record<string, string>> | undefined;
}

/** The per-turn summary span event `codex.turn_profile` (trace only). */
export interface TurnProfileRecord {
  /** The turn's id (`turn_id`). */
  turnId: string;
  /** Sampling requests sent in the turn (`sampling_request_count`, a string). */
  samplingRequestCount: number;
  /** Of those, retries (`sampling_retry_count`, a string). */
  samplingRetryCount: number;
}

/** Status of `codex.startup_prewarm.age_at_first_turn_ms` (C-51). */
export type StartupPrewarmAgeStatus =
  | 'consumed'
  | 'failed'
  | 'join_failed'
  | 'timed_out'
  | 'not_scheduled'
  | 'cancelled';
