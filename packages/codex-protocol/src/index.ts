/**
 * @codex-ts/protocol: wire and domain types, with zod schemas, shared by every codex-ts package.
 *
 * - Responses items (`ResponseItem`, content parts) as they travel in `input` / `output`, snake_case,
 *   with `parseResponseItem` / `serializeResponseItem` reproducing the original's wire shapes
 *   (observed-cli-0.169 §5.2), and typed helpers (`isToolCall`,
 *   `toolCallId`, `messageText`, `reasoningText`, `userInputParts`, …) so consumers need no casts.
 * - Config enums sent in request bodies (`ReasoningEffort`, `ReasoningSummary`, `Verbosity`,
 *   `ServiceTier`).
 * - Token usage (`TokenUsage`) and rate limits (`RateLimitSnapshot`), camelCase.
 * - The `codex exec --json` JSONL events (`ThreadEvent`, observed-cli-0.169 §8), snake_case, and a
 *   tolerant reader of such streams (`readThreadEvents`).
 * - Rollout files (`$CODEX_HOME/sessions/…/rollout-*.jsonl`): typed records (`RolloutRecord`) and a
 *   tolerant reader (`parseRolloutText`).
 */

export {
  KNOWN_REASONING_EFFORTS,
  type ReasoningEffort,
  ReasoningEffortSchema,
  type ReasoningSummary,
  ReasoningSummarySchema,
  reasoningEffortForWire,
  type ServiceTier,
  ServiceTierSchema,
  type Verbosity,
  VerbositySchema,
} from './config-types/config-types.js';
/**
 * Error-class markers, the one implementation behind every codex-ts `isInstance()`:
 * `markErrorClass(cls, symbol)` defines a `Symbol.for` marker (non-enumerable) on the class's
 * prototype (a `TypeError` when a parent already has it); `hasErrorMarker(value, symbol)` is true for
 * instances of that class and its subclasses from any copy of the defining package, false for its
 * siblings, parents and non-objects. `ErrorClass` is the constructor shape it accepts.
 */
export { type ErrorClass, hasErrorMarker, markErrorClass } from './errors/error-marker.js';
/**
 * Tolerant readers of `codex exec --json` output: `readThreadEventLine(line)` and
 * `readThreadEvents(chunks)` (line splitting over text or byte chunks) yield a `ThreadEventLine`
 * (`event` | `unknown` type | `malformed`) per line and never throw.
 */
export {
  readThreadEventLine,
  readThreadEvents,
  type ThreadEventLine,
} from './exec-events/read-thread-events.js';
export {
  type AgentMessageThreadItem,
  AgentMessageThreadItemSchema,
  type CommandExecutionStatus,
  CommandExecutionStatusSchema,
  type CommandExecutionThreadItem,
  CommandExecutionThreadItemSchema,
  type ErrorThreadItem,
  ErrorThreadItemSchema,
  type FileChangeThreadItem,
  FileChangeThreadItemSchema,
  FileUpdateChangeSchema,
  McpToolCallStatusSchema,
  type McpToolCallThreadItem,
  McpToolCallThreadItemSchema,
  PatchApplyStatusSchema,
  type PlanThreadItem,
  PlanThreadItemSchema,
  parseThreadEvent,
  type ReasoningThreadItem,
  ReasoningThreadItemSchema,
  serializeThreadEvent,
  type ThreadEvent,
  ThreadEventSchema,
  type ThreadItem,
  ThreadItemSchema,
  type TodoListThreadItem,
  TodoListThreadItemSchema,
  type Usage,
  UsageSchema,
  usageFromTokenUsage,
  type WebSearchThreadItem,
  WebSearchThreadItemSchema,
} from './exec-events/thread-events.js';
/**
 * `lazySchema(build)`: a stand-in (a `Proxy`) for the zod schema `build()` returns, built the first
 * time any property of it is read and the same schema from then on (methods bound to it), so a
 * package's schemas cost nothing at start-up until used. Not `===` the built schema: never a key of
 * a zod registry or `WeakMap` (register inside `build`).
 */
export { lazySchema } from './internal/lazy-schema.js';
export {
  assistantMessage,
  customToolCallOutput,
  developerMessage,
  functionCallOutput,
  userMessage,
} from './items/builders.js';
export {
  isAssistantMessage,
  isToolCall,
  isUserMessage,
  messageText,
  reasoningText,
  TOOL_CALL_ITEM_TYPES,
  type ToolCallItem,
  toolCallId,
  userInputParts,
} from './items/helpers.js';
export {
  type AdditionalToolsItem,
  AdditionalToolsItemSchema,
  type AgentMessageItem,
  AgentMessageItemSchema,
  type CompactionItem,
  CompactionItemSchema,
  type CompactionTriggerItem,
  CompactionTriggerItemSchema,
  type ContextCompactionItem,
  ContextCompactionItemSchema,
  type CustomToolCallItem,
  CustomToolCallItemSchema,
  type CustomToolCallOutputItem,
  CustomToolCallOutputItemSchema,
  type FunctionCallItem,
  FunctionCallItemSchema,
  type FunctionCallOutputItem,
  FunctionCallOutputItemSchema,
  type ImageGenerationCallItem,
  ImageGenerationCallItemSchema,
  isKnownResponseItemType,
  type KnownResponseItemType,
  type LocalShellAction,
  LocalShellActionSchema,
  type LocalShellCallItem,
  LocalShellCallItemSchema,
  type LocalShellStatus,
  LocalShellStatusSchema,
  type MessageItem,
  MessageItemSchema,
  type OtherResponseItem,
  type OtherWebSearchAction,
  type ReasoningItem,
  ReasoningItemSchema,
  type ResponseItem,
  type ToolSearchCallItem,
  ToolSearchCallItemSchema,
  type ToolSearchOutputItem,
  ToolSearchOutputItemSchema,
  type WebSearchAction,
  WebSearchActionSchema,
  type WebSearchCallItem,
  WebSearchCallItemSchema,
  WebSearchFindInPageActionSchema,
  WebSearchOpenPageActionSchema,
  WebSearchSearchActionSchema,
} from './items/item-schemas.js';
export {
  parseResponseItem,
  ResponseItemParseError,
  type ResponseItemParseResult,
  ResponseItemSchema,
  safeParseResponseItem,
} from './items/parse.js';
export {
  type AgentMessageContent,
  AgentMessageContentSchema,
  type ContentItem,
  ContentItemSchema,
  type FunctionCallOutputContentItem,
  FunctionCallOutputContentItemSchema,
  type FunctionCallOutputPayload,
  FunctionCallOutputPayloadSchema,
  type ImageDetail,
  ImageDetailSchema,
  type InputAudioContent,
  InputAudioContentSchema,
  type InputImageContent,
  InputImageContentSchema,
  type InputTextContent,
  InputTextContentSchema,
  type InternalChatMessageMetadataPassthrough,
  InternalChatMessageMetadataPassthroughSchema,
  type MessagePhase,
  MessagePhaseSchema,
  type OtherContentItem,
  type OutputTextContent,
  OutputTextContentSchema,
  type ReasoningContentPart,
  ReasoningContentPartSchema,
  type ReasoningSummaryPart,
  ReasoningSummaryPartSchema,
} from './items/parts.js';
export {
  type SerializeResponseItemOptions,
  serializeResponseItem,
  serializeWebSearchAction,
} from './items/response-item.js';
export {
  type CreditsSnapshot,
  CreditsSnapshotSchema,
  type IndividualLimitSnapshot,
  IndividualLimitSnapshotSchema,
  type RateLimitSnapshot,
  RateLimitSnapshotSchema,
  type RateLimitWindow,
  RateLimitWindowSchema,
} from './rate-limits/rate-limits.js';
export {
  type Compacted,
  CompactedSchema,
  type EventMsg,
  EventMsgSchema,
  parseRolloutLine,
  parseRolloutText,
  type RolloutLine,
  type RolloutLineResult,
  RolloutLineSchema,
  type RolloutProblem,
  type RolloutRecord,
  type RolloutTokenUsage,
  RolloutTokenUsageSchema,
  type SessionMeta,
  SessionMetaSchema,
  type TokenCountEvent,
  TokenCountEventSchema,
  type TurnContext,
  TurnContextSchema,
  tokenUsageFromRollout,
  tokenUsageToRollout,
} from './rollout/rollout-line.js';
export {
  addTokenUsage,
  blendedTotal,
  CONTEXT_WINDOW_BASELINE_TOKENS,
  cachedInput,
  emptyTokenUsage,
  nonCachedInput,
  percentOfContextWindowRemaining,
  type ResponseUsageWire,
  ResponseUsageWireSchema,
  type TokenUsage,
  TokenUsageSchema,
  tokenUsageFromWire,
} from './usage/token-usage.js';
