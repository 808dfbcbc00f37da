// The options of a `Conversation` and what its calls take and resolve with.

import type { ResponseItem, TokenUsage } from '@codex-ts/protocol';
import type { ModelClient } from '../client/model-client.js';
import type { ReasoningSettings } from '../client/request-builder.js';
import type { CompactionImplementation } from '../compaction/strategy.js';
import type { ConversationRecorder } from '../rollout/rollout-recorder.js';
import type { ToolHandler } from '../tools/tool-handler.js';

/** Options of a `Conversation`. */
export interface ConversationOptions {
  client: ModelClient;
  /** Model slug for every request. */
  model: string;
  /** Base instructions, sent as the first developer message of the input (no `instructions` field). */
  baseInstructions: string;
  /** A user message describing the environment (`<environment_context>…`), sent once after the instructions. */
  environmentContext?: string | undefined;
  reasoning?: ReasoningSettings | undefined;
  verbosity?: string | undefined;
  /** `service_tier` of every request (`priority` for config `fast`, `flex`). */
  serviceTier?: string | undefined;
  /** The model's context window in tokens (reported before a context-window error). */
  contextWindow?: number | undefined;
  /**
   * Automatic mid-turn compaction limit in tokens (`model_auto_compact_token_limit`, else the
   * model's limit from the catalog): when a response's `usage.total_tokens` reaches it and the
   * turn goes on (tool outputs to send), the history is compacted first (see
   * `Conversation.runTurn`). Unset: never compacts.
   */
  autoCompactTokenLimit?: number | undefined;
  /**
   * How the conversation compacts (automatic and `Conversation.compact`), see
   * `CompactionImplementation`. Default `responses`; `openExecConversation` picks what 0.169.0
   * used for the provider (`defaultCompactionImplementation`: `responses_compaction_v2` for the
   * built-in `openai` and Azure providers).
   */
  compaction?: CompactionImplementation | undefined;
  /**
   * Tokens already in the context window when the conversation starts (a resumed thread's last
   * `usage.total_tokens`): when it reaches the auto-compact limit, the first turn compacts before
   * its first request. Later turns use the last response's `total_tokens` (not a compaction
   * request's; after a compaction the size is unknown until the next response, so a turn that
   * failed right after compacting does not make the next one compact again).
   */
  contextTokens?: number | undefined;
  /**
   * The model is not in the models catalog (its request settings are fallback defaults): every
   * turn then yields the `warning` `fallbackModelMetadataWarning` before `turn.started`, as
   * 0.169.0 did. `openExecConversation` sets it when the catalog has no entry for the model.
   */
  fallbackModelMetadata?: boolean | undefined;
  /**
   * The model is Responses-Lite (its catalog entry's `use_responses_lite`, e.g. `gpt-6.1-sol`;
   * observed-cli-0.169 §5.3): every request is `SamplingRequest.responsesLite` with
   * `parallel_tool_calls: false` and no top-level `tools`; the first turn's input starts with an
   * `additional_tools` developer item `{type, id: "at_<uuid v7>", role: "developer", tools:
   * additionalTools()}` (read once, when the item enters the history; recorded with the
   * environment context) followed by the base-instructions message; the WebSocket prewarm's input is
   * empty. A resumed thread keeps its recorded `additional_tools` item, first. Unset: the
   * ordinary request shape.
   */
  responsesLite?: { additionalTools(): unknown[] } | undefined;
  /** `node_repl_auto_review_required` of every request's turn metadata (the catalog entry's flag); default false. */
  nodeReplAutoReviewRequired?: boolean | undefined;
  /** Turn-level retries (`stream_max_retries`). */
  streamMaxRetries: number;
  tools?: ToolHandler | undefined;
  /** `turn_trigger` of the turn metadata; `exec` for the CLI. */
  turnTrigger?: string | undefined;
  /**
   * Items of an earlier conversation to continue (resume), base-instructions message first:
   * no base instructions or environment context are added then.
   */
  history?: ResponseItem[] | undefined;
  /**
   * Records the thread as it runs (the rollout file, `RolloutRecorder`): told each turn's start
   * and every event with the history after it. Default: nothing is recorded.
   */
  recorder?: ConversationRecorder | undefined;
  /**
   * A resumed thread's history without its base-instructions message (what
   * `resumeStateFromRollout` returns): the conversation puts its own base-instructions message
   * first and adds no environment context. Ignored when `history` is given.
   */
  resumeHistory?: readonly ResponseItem[] | undefined;
  /**
   * API-key mode with the built-in `openai` provider (observed-cli-0.169 §5): the user prompt
   * items of each turn carry `internal_chat_message_metadata_passthrough: {turn_id, create_time}`
   * (no `content_item_kinds`; the other messages nothing). Ignored with the ChatGPT Codex backend
   * (`ModelClientOptions.chatgpt`), which stamps every message. Default false (custom providers).
   */
  stampUserPrompt?: boolean | undefined;
  /** Injected for tests. */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /** Injected for tests: jitter source in [0, 1) for the retry backoff. */
  random?: (() => number) | undefined;
  /** Injected for tests: now as unix seconds with a fraction (a message's `create_time`). */
  clock?: (() => number) | undefined;
}

/** What `Conversation.compact` resolves with. */
export interface ConversationCompaction {
  /** False when there was nothing to compact (empty history; no request was sent). */
  compacted: boolean;
  /** The implementation used. */
  implementation: CompactionImplementation;
  /** The summary the model wrote (`responses` only; never shown to the user by the CLI). */
  summary: string | undefined;
  /** The compaction response's usage (`responses` only), tokens. */
  usage: TokenUsage | undefined;
}

/** Options of one `Conversation.runTurn`. */
export interface ConversationTurnOptions {
  /** Aborts the turn (it ends with `turn.aborted`). */
  signal?: AbortSignal | undefined;
  /**
   * A JSON Schema for the final answer (`exec --output-schema`), sent on every request of this
   * turn as `text.format` (see `SamplingRequest.outputSchema`); never on compaction requests.
   */
  outputSchema?: unknown;
}
