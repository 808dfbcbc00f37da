/**
 * Configuration for the Codex model client: `$CODEX_HOME/config.toml` in the original CLI's
 * format, `-c key=value` overrides, built-in and configured model providers, and their
 * resolution into an `@codex-ts/api` `Provider` (core-behaviour.md §15).
 */

export {
  ConfigError,
  type ConfigErrorCode,
  type ConfigErrorDetails,
  formatKeyPath,
} from './config-error.js';
export {
  type ApprovalPolicySetting,
  CONFIG_FILE_NAME,
  type Config,
  type ForcedLoginMethod,
  type LoadConfigOptions,
  loadConfig,
  type ReasoningEffortSetting,
  type ReasoningSummarySetting,
  type SandboxModeSetting,
  type VerbositySetting,
} from './load-config.js';
export { applyConfigOverrides, type ConfigOverride, parseConfigOverride } from './overrides.js';
export {
  AMAZON_BEDROCK_PROVIDER_ID,
  BUILT_IN_PROVIDER_IDS,
  type BuiltInProviderOptions,
  builtInModelProviders,
  CHATGPT_CODEX_BASE_URL,
  DEFAULT_REQUEST_MAX_RETRIES,
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  DEFAULT_STREAM_MAX_RETRIES,
  DEFAULT_WEBSOCKET_CONNECT_TIMEOUT_MS,
  LEGACY_OLLAMA_CHAT_PROVIDER_ID,
  LMSTUDIO_PROVIDER_ID,
  MAX_RETRIES_CAP,
  type ModelProviderInfo,
  modelProviderInfoFromToml,
  OLLAMA_PROVIDER_ID,
  OPENAI_API_BASE_URL,
  OPENAI_PROVIDER_ID,
  type ProviderSelection,
  providerHeaders,
  REQUEST_RETRY_BASE_DELAY_MS,
  type ResolvedProvider,
  type ResolveModelProviderOptions,
  resolveModelProvider,
} from './providers.js';
export {
  APPROVAL_POLICIES,
  CHAT_WIRE_API_REMOVED_MESSAGE,
  type ConfigToml,
  ConfigTomlSchema,
  FORCED_LOGIN_METHODS,
  IGNORED_PROFILE_KEYS,
  IGNORED_TOP_LEVEL_KEYS,
  MAX_DURATION_MS,
  type ModelProviderToml,
  ModelProviderTomlSchema,
  type ProfileToml,
  ProfileTomlSchema,
  ProviderAuthTomlSchema,
  REASONING_EFFORTS,
  REASONING_SUMMARIES,
  SANDBOX_MODES,
  VERBOSITIES,
} from './schema.js';
