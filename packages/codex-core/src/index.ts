/**
 * @codex-ts/core: orchestration of the Codex model client.
 *
 * - Configuration: `loadConfig` reads `$CODEX_HOME/config.toml` (+ `-c` overrides) and
 *   `resolveModelProvider` turns the selected `[model_providers.<id>]` into an API `Provider`.
 * - `ModelClient` (session scope) and `ModelClientSession` (turn scope): build each request's
 *   body and headers, latch `x-codex-turn-state` within a turn, and prefer Responses over
 *   WebSocket when the provider supports it (cached socket, incremental `previous_response_id`
 *   requests, startup prewarm, sticky HTTP fallback).
 * - `runTurn` / `Conversation`: the turn loop with retries ("Reconnecting... n/max"), tool
 *   follow-ups and history carried across turns.
 * - `openExecConversation`: everything `codex exec` needs, from config and environment.
 */
export { ModelClient, type ModelClientOptions } from './client/model-client.js';
export { ModelClientSession } from './client/model-client-session.js';
export type { PrewarmOutcome } from './client/prewarm.js';
export type { ReasoningSettings, SamplingRequest } from './client/request-builder.js';
export * from './config/index.js';
export { Conversation, type ConversationOptions, messageItem } from './conversation/conversation.js';
export { getOrCreateInstallationId, INSTALLATION_ID_FILE_NAME } from './identity/installation-id.js';
export { buildUserAgent, EXEC_ORIGINATOR, osDescription, resolveOriginator } from './identity/user-agent.js';
export {
  asciiJson,
  clientMetadata,
  mergeCallerClientMetadata,
  RESERVED_CLIENT_METADATA_KEYS,
  type RequestKind,
  type SessionIdentity,
  type TurnMetadataInput,
  turnMetadata,
  windowId,
} from './metadata/turn-metadata.js';
/**
 * `CREDENTIAL_ENV_VARS` (`CODEX_API_KEY`, `OPENAI_API_KEY`): environment variables that hold a
 * Codex credential whatever the config says; `openExecConversation` registers their values with the
 * session's `SecretRedactor` first thing, and the CLI does before parsing its arguments.
 */
export { CREDENTIAL_ENV_VARS } from './session/credentials.js';
export { DEFAULT_MODEL, type ModelDefaults, modelDefaults } from './session/model-defaults.js';
export {
  DEFAULT_BASE_INSTRUCTIONS,
  environmentContext,
  type OpenExecOptions,
  type OpenedExecConversation,
  openExecConversation,
} from './session/open-exec.js';
export type { ToolHandler } from './tools/tool-handler.js';
export type { TurnEvent } from './turn/events.js';
export {
  type RunTurnOptions,
  runTurn,
  STREAM_RETRY_BASE_DELAY_MS,
  WEBSOCKET_FALLBACK_WARNING,
} from './turn/run-turn.js';
