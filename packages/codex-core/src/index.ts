/**
 * @codex-ts/core: orchestration of the Codex model client.
 *
 * - Configuration: `loadConfig` reads `$CODEX_HOME/config.toml` (+ `-c` overrides) and
 *   `resolveModelProvider` turns the selected `[model_providers.<id>]` into an API `Provider`.
 *   Config loading stays in this package (no separate config package): only the session wiring
 *   here reads it, and the lower packages (login, otel) take plain options.
 * - `ModelClient` (session scope) and `ModelClientSession` (turn scope): build each request's
 *   body and headers, latch `x-codex-turn-state` within a turn, and prefer Responses over
 *   WebSocket when the provider supports it (cached socket, incremental `previous_response_id`
 *   requests, startup prewarm, sticky HTTP fallback).
 * - `runTurn` / `Conversation`: the turn loop with retries ("Reconnecting... n/max"), tool
 *   follow-ups, automatic mid-turn compaction and history carried across turns.
 * - `ModelsCatalog`: the ChatGPT Codex backend's models catalog and `$CODEX_HOME/models_cache.json`.
 * - `openExecConversation`: everything `codex exec` needs, from config and environment.
 * - `Codex` / `Thread`: the in-process thread API (`startThread`, `resumeThread`, `run`,
 *   `runStreamed` yielding the `codex exec --json` events), the recommended entry point.
 */
// Session-scoped client and turn-scoped session.
export { ModelClient, type ModelClientOptions } from './client/model-client.js';
export { ModelClientSession } from './client/model-client-session.js';
export type { PrewarmOutcome } from './client/prewarm.js';
export {
  type ChatgptRequestOptions,
  OUTPUT_SCHEMA_NAME,
  type ReasoningSettings,
  type SamplingRequest,
} from './client/request-builder.js';
// Compaction: the implementations, prompt texts, history rewrite and the compaction requests.
export {
  compactedHistory,
  compactionRequestInput,
  keptHistory,
  summaryMessage,
} from './compaction/history.js';
export { COMPACTION_CHECKPOINT_PROMPT, COMPACTION_SUMMARY_PREFIX } from './compaction/prompts.js';
export {
  COMPACTION_TRIGGER_ITEM,
  type RemoteCompactionV2Options,
  type ResponsesCompactOptions,
  remoteCompactionV2OutputError,
  runRemoteCompactionV2,
  runResponsesCompact,
} from './compaction/remote-compaction.js';
export {
  AUTO_MID_TURN_COMPACTION,
  type CompactionOutcome,
  type RunCompactionOptions,
  runCompaction,
} from './compaction/run-compaction.js';
export {
  type CompactionImplementation,
  type CompactionPhase,
  type CompactionTrigger,
  compactionMetadata,
  defaultCompactionImplementation,
  supportsRemoteCompaction,
} from './compaction/strategy.js';
// config.toml.
export { ConfigError, type ConfigErrorCode, type ConfigErrorDetails } from './config/config-error.js';
export {
  type FeatureInfo,
  type FeatureStage,
  featureFlagOverrides,
  isKnownFeature,
  KNOWN_FEATURES,
  resolveFeatures,
} from './config/features.js';
export {
  type ApprovalPolicySetting,
  type CliAuthCredentialsStore,
  type Config,
  DEFAULT_CHATGPT_BASE_URL,
  type ForcedLoginMethod,
  type LoadConfigOptions,
  loadConfig,
  type ReasoningEffortSetting,
  type ReasoningSummarySetting,
  type SandboxModeSetting,
  type ServiceTierSetting,
  serviceTierForRequest,
  type VerbositySetting,
} from './config/load-config.js';
export {
  DEFAULT_OTEL_ENVIRONMENT,
  OTEL_EXPORTER_NAMES,
  type OtelConfig,
  type OtelExporterSetting,
  type OtelTlsSetting,
  type OtelToml,
  OtelTomlSchema,
  otelExportEnabled,
} from './config/otel.js';
export {
  type ModelProviderInfo,
  type ProviderCommandAuth,
  type ProviderSelection,
  type ResolvedProvider,
  type ResolveModelProviderOptions,
  resolveModelProvider,
} from './config/providers.js';
export {
  DEFAULT_REQUIREMENTS_FILE,
  KNOWN_REQUIREMENT_KEYS,
  loadRequirements,
  type Requirements,
} from './config/requirements.js';
export {
  CLI_AUTH_CREDENTIALS_STORES,
  type ConfigToml,
  ConfigTomlSchema,
  FORCED_LOGIN_METHODS,
  type ModelProviderToml,
  ModelProviderTomlSchema,
  REASONING_EFFORTS,
  REASONING_SUMMARIES,
  SANDBOX_MODES,
  SERVICE_TIERS,
  VERBOSITIES,
} from './config/schema.js';
export type { SettingSource, UnknownSetting } from './config/unknown-keys.js';
// Conversations and turns.
export {
  baseInstructionsMessageId,
  Conversation,
  messageItem,
} from './conversation/conversation.js';
export type {
  ConversationCompaction,
  ConversationOptions,
  ConversationTurnOptions,
} from './conversation/conversation-options.js';
export {
  buildUserTurnInput,
  imageMimeType,
  ioErrorText,
  type UserTurnInput,
} from './conversation/user-input.js';
// Identity of a session (what ModelClientOptions needs).
export { getOrCreateInstallationId } from './identity/installation-id.js';
export { buildUserAgent, EXEC_ORIGINATOR, resolveOriginator } from './identity/user-agent.js';
export type {
  CompactionMetadata,
  RequestKind,
  SessionIdentity,
  TurnMetadataInput,
} from './metadata/turn-metadata.js';
// What the catalog decides about a request; the bundled fallback catalog.
export { BUNDLED_MODELS } from './models/bundled-models.js';
export {
  defaultModelSlug,
  effectiveCatalog,
  findModelInfo,
  type ModelSettings,
  type ModelSettingsConfig,
  resolveModelSettings,
} from './models/model-settings.js';
// The models catalog of the ChatGPT Codex backend and its cache file.
export { MODELS_CACHE_FILE, type ModelInfo, modelsCacheIdentity } from './models/models-cache.js';
export {
  DEFAULT_MODELS_CACHE_TTL_MS,
  ModelsCatalog,
  type ModelsCatalogOptions,
  type ModelsFetchResult,
} from './models/models-catalog.js';
// Rollout files: where a thread is recorded, how it is written, found, read and resumed.
export { collectGitInfo, GIT_COMMAND_TIMEOUT_MS, type RolloutGitInfo } from './rollout/git-info.js';
export {
  loadResumeTarget,
  providerChangedMessage,
  providerNotConfiguredMessage,
  type ResumedRollout,
  type ResumeProvider,
  type ResumeTarget,
  rolloutNotFoundMessage,
} from './rollout/resume.js';
export {
  findLatestRollout,
  findRolloutById,
  findThreadIdByName,
  isThreadId,
  MAX_SCANNED_ROLLOUTS,
} from './rollout/rollout-finder.js';
export {
  type RolloutFile,
  type RolloutResumeState,
  readRolloutFile,
  resumeStateFromRollout,
} from './rollout/rollout-reader.js';
export {
  type ConversationRecorder,
  type RolloutContextWindow,
  RolloutRecorder,
  type RolloutSessionMeta,
  type RolloutTurnSettings,
} from './rollout/rollout-recorder.js';
export { RolloutWriter, rolloutPathFor, SESSIONS_DIR } from './rollout/rollout-writer.js';
// Sandboxing of commands run by tools, and the approval policy of `exec`.
export {
  type ApprovalPolicy,
  type CommandLaunchDecision,
  decideCommandLaunch,
  escalationRejectedMessage,
  execApprovalPolicy,
  isLikelySandboxDenial,
  NO_APPROVER_MESSAGE,
  SANDBOX_PERMISSIONS,
  type SandboxPermissions,
  UNTRUSTED_APPROVAL_POLICY_ERROR,
} from './sandbox/approval.js';
export {
  BWRAP_UNAVAILABLE_MESSAGE,
  detectSandbox,
  probeSandbox,
  type SandboxDetection,
  USER_NAMESPACE_WARNING,
} from './sandbox/bwrap.js';
export {
  ExecPolicy,
  ExecPolicyError,
  loadExecPolicy,
  type PolicyDecision,
  type PolicyVerdict,
  type PrefixRule,
} from './sandbox/exec-policy.js';
export {
  type CommandSandbox,
  type CommandSandboxOptions,
  createCommandSandbox,
  NETWORK_DISABLED_ENV_VAR,
  type PreparedCommand,
  type SandboxMode,
  type SandboxPolicy,
  sandboxTag,
} from './sandbox/sandbox.js';
export { PROTECTED_SUBPATH_NAMES, type WritableRoot, writableRootsFor } from './sandbox/writable-roots.js';
// `codex exec` wiring from config and environment.
export { CREDENTIAL_ENV_VARS } from './session/credentials.js';
export {
  createExecToolSet,
  type ExecSandboxSettings,
  type ExecToolSet,
  execSandboxPolicy,
} from './session/exec-tools.js';
export { openExecConversation } from './session/open-exec.js';
export type { OpenExecOptions, OpenedExecConversation } from './session/open-exec-options.js';
export { ensureOssProviderReady, OSS_DEFAULT_MODELS, type OssReadyOptions } from './session/oss.js';
/** `AuthLog`: the credential layer's log sink (`OpenExecOptions.authLog`), e.g. "Failed to resolve external auth: …". */
export type { AuthLog } from './session/provider-auth.js';
// The in-process thread API (the `@openai/codex-sdk` shape) and the exec JSONL event mapping.
export { Codex } from './thread/codex.js';
export { type RunResult, type StreamedTurn, Thread, type ThreadHost } from './thread/thread.js';
export { NOT_GIT_REPO_MESSAGE, ThreadError, type ThreadErrorCode } from './thread/thread-error.js';
export { modelRerouteText, ThreadEventMapper, TURN_ABORTED_MESSAGE } from './thread/thread-event-mapper.js';
export { type ThreadInput, threadInputMessage, type UserInput } from './thread/thread-input.js';
export type {
  CodexConfigObject,
  CodexConfigValue,
  CodexOptions,
  ThreadOptions,
  TurnOptions,
} from './thread/thread-options.js';
// The pluggable tool layer.
export {
  type ApplyPatchCommand,
  parseApplyPatchCommand,
  runApplyPatchCommand,
} from './tools/apply-patch/command.js';
export {
  APPLY_PATCH_LARK_GRAMMAR,
  APPLY_PATCH_TOOL_DESCRIPTION,
  applyPatchToolSpec,
} from './tools/apply-patch/spec.js';
export {
  APPLY_PATCH_FUNCTION_CALL_OUTPUT,
  type ApplyPatchToolOptions,
  applyPatchTool,
  formatApplyPatchOutput,
} from './tools/apply-patch/tool.js';
export {
  type CodeModeTools,
  createCodeModeTools,
  DEFAULT_CODE_MODE_MAX_TOKENS,
  DEFAULT_EXEC_YIELD_TIME_MS,
  DEFAULT_WAIT_YIELD_TIME_MS,
} from './tools/code-mode/code-mode-tools.js';
export {
  createExecTools,
  DEFAULT_MAX_OUTPUT_TOKENS,
  type ExecTools,
  type ExecToolsOptions,
  execEnvironment,
} from './tools/exec/exec-tools.js';
export {
  approxTokenCount,
  type ExecAnswer,
  formatExecAnswer,
  truncatedOutputText,
} from './tools/exec/output-format.js';
export { type ExecSession, ExecSessionStore, MAX_LIVE_EXEC_PROCESSES } from './tools/exec/session-store.js';
export { EXEC_COMMAND_SPEC, WRITE_STDIN_SPEC } from './tools/exec/specs.js';
export { type Tool, ToolRegistry, toolCallName } from './tools/registry.js';
export type {
  ToolCallTelemetry,
  ToolContext,
  ToolHandler,
  ToolItemEvent,
  ToolThreadItem,
} from './tools/tool-handler.js';
export {
  PLAN_UPDATED,
  type PlanStepStatus,
  parseUpdatePlanArgs,
  UPDATE_PLAN_TOOL_DESCRIPTION,
  type UpdatePlanArgs,
  updatePlanTool,
  updatePlanToolSpec,
} from './tools/update-plan/tool.js';
export type { TurnEvent } from './turn/events.js';
export { type RunTurnOptions, runTurn } from './turn/run-turn.js';
export {
  fallbackModelMetadataWarning,
  MODEL_REROUTE_WARNING,
  type ModelRerouteReason,
} from './turn/signals.js';
export { type SpanScope, TurnTrace, type TurnUsage } from './turn/turn-trace.js';
