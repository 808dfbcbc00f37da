/**
 * The `ResponseItem` schemas. Each wire field is declared once, here: the shape order is
 * the wire order and the serialiser's rules are derived from these shapes (see `wire-rules.ts`);
 * the few fields whose wire behaviour the schema cannot express carry a `wireFields` annotation.
 */
import { z } from 'zod';
import { lazySchema } from '../internal/lazy-schema.js';
import {
  AgentMessageContentSchema,
  ContentItemSchema,
  FunctionCallOutputPayloadSchema,
  InternalChatMessageMetadataPassthroughSchema,
  MessagePhaseSchema,
  openUnion,
  ReasoningContentPartSchema,
  ReasoningSummaryPartSchema,
} from './parts.js';
import { wireFields, wireValues } from './wire-rules.js';

// Optional wire fields accept `null` as "absent" (serde reads `null` into `None`) and are
// omitted again when serialised.
const idField = z.string().nullish();
const passthroughField = InternalChatMessageMetadataPassthroughSchema.nullish();

// ---- nested shapes ----

/** `action` of a `local_shell_call` (models.rs `LocalShellAction::Exec`). `timeout_ms` is in ms. */
export const LocalShellActionSchema = z
  .looseObject({
    type: z.literal('exec'),
    command: z.array(z.string()),
    timeout_ms: z.number().nullable().default(null),
    working_directory: z.string().nullable().default(null),
    env: z.record(z.string(), z.string()).nullable().default(null),
    user: z.string().nullable().default(null),
  })
  .register(wireValues, { writer: 'localShellAction' });
/** See {@link LocalShellActionSchema}. Absent fields are `null` (they are always written). */
export type LocalShellAction = z.infer<typeof LocalShellActionSchema>;

/** `status` of a `local_shell_call`. */
export const LocalShellStatusSchema = z.enum(['completed', 'in_progress', 'incomplete']);
/** See {@link LocalShellStatusSchema}. */
export type LocalShellStatus = z.infer<typeof LocalShellStatusSchema>;

/** `{"type":"search","query"?:…,"queries"?:[…]}` */
export const WebSearchSearchActionSchema = z.looseObject({
  type: z.literal('search'),
  query: z.string().nullish(),
  queries: z.array(z.string()).nullish(),
});
/** `{"type":"open_page","url"?:…}` */
export const WebSearchOpenPageActionSchema = z.looseObject({
  type: z.literal('open_page'),
  url: z.string().nullish(),
});
/** `{"type":"find_in_page","url"?:…,"pattern"?:…}` */
export const WebSearchFindInPageActionSchema = z.looseObject({
  type: z.literal('find_in_page'),
  url: z.string().nullish(),
  pattern: z.string().nullish(),
});

/** A web-search action of a type this package does not know; `raw` is written back verbatim. */
export interface OtherWebSearchAction {
  type: 'other';
  /** The action exactly as received. */
  raw: { type: string; [key: string]: unknown };
}

/**
 * `action` of a `web_search_call` (models.rs `WebSearchAction`): `search`, `open_page`,
 * `find_in_page`, or {@link OtherWebSearchAction}.
 */
export type WebSearchAction =
  | z.infer<typeof WebSearchSearchActionSchema>
  | z.infer<typeof WebSearchOpenPageActionSchema>
  | z.infer<typeof WebSearchFindInPageActionSchema>
  | OtherWebSearchAction;

/** Zod schema for {@link WebSearchAction}; unknown action types are kept in {@link OtherWebSearchAction}. */
export const WebSearchActionSchema: z.ZodType<WebSearchAction, unknown> = openUnion(
  'web search action',
  {
    search: WebSearchSearchActionSchema,
    open_page: WebSearchOpenPageActionSchema,
    find_in_page: WebSearchFindInPageActionSchema,
  },
  (raw): OtherWebSearchAction => ({ type: 'other', raw }),
).register(wireValues, { writer: 'webSearchAction' });

// ---- item schemas (shape order = wire order) ----

/** reasoning `content` is omitted unless some part is `reasoning_text`. */
function hasNoReasoningText(content: unknown): boolean {
  return Array.isArray(content) && content.every((part) => part?.type !== 'reasoning_text');
}

/** `additional_tools`: tools offered to a Responses-Lite model inside `input` (observed-cli §5.3). */
export const AdditionalToolsItemSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('additional_tools'),
    id: idField,
    role: z.string(),
    tools: z.array(z.unknown()),
  }),
);

/**
 * `message`: a chat message. `role` is `user | assistant | developer | system`; `content` holds
 * {@link ContentItem}s; `phase` marks assistant commentary vs final answer.
 */
export const MessageItemSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('message'),
    id: idField,
    role: z.string(),
    content: z.array(ContentItemSchema),
    phase: MessagePhaseSchema.nullish(),
    internal_chat_message_metadata_passthrough: passthroughField,
  }),
);

/** `agent_message`: a message between agents (`author` → `recipient`). */
export const AgentMessageItemSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('agent_message'),
    id: idField,
    author: z.string(),
    recipient: z.string(),
    content: z.array(AgentMessageContentSchema),
    internal_chat_message_metadata_passthrough: passthroughField,
  }),
);

/**
 * `reasoning`: the model's reasoning. `summary` holds `summary_text` parts; `content` the raw
 * reasoning text parts or `null`; `encrypted_content` the opaque blob the client replays
 * (requested with `include: ["reasoning.encrypted_content"]`) or `null`.
 */
export const ReasoningItemSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('reasoning'),
    id: idField,
    summary: z.array(ReasoningSummaryPartSchema),
    // written as null when unset, but omitted when no part is `reasoning_text` (an empty
    // array or only `text` parts), as the original's serde `skip_serializing_if` does.
    content: z
      .array(ReasoningContentPartSchema)
      .nullable()
      .default(null)
      .register(wireFields, { omitIf: hasNoReasoningText }),
    encrypted_content: z.string().nullable().default(null),
    internal_chat_message_metadata_passthrough: passthroughField,
  }),
);

/** `local_shell_call`: the built-in local shell tool. `call_id` is always written (nullable). */
export const LocalShellCallItemSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('local_shell_call'),
    id: idField,
    call_id: z.string().nullable().default(null),
    status: LocalShellStatusSchema,
    action: LocalShellActionSchema,
    internal_chat_message_metadata_passthrough: passthroughField,
  }),
);

/**
 * `function_call`: the model calls a function tool. `arguments` is the raw JSON text the model
 * produced (not parsed). `status` (e.g. `"completed"`) is replayed as received, right after `type`.
 */
export const FunctionCallItemSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('function_call'),
    status: z.string().nullish(),
    id: idField,
    name: z.string(),
    namespace: z.string().nullish(),
    arguments: z.string(),
    call_id: z.string(),
    internal_chat_message_metadata_passthrough: passthroughField,
  }),
);

/** `tool_search_call`: the model searches the tool catalogue; `arguments` is any JSON value. */
export const ToolSearchCallItemSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('tool_search_call'),
    id: idField,
    call_id: z.string().nullable().default(null),
    status: z.string().nullish(),
    execution: z.string(),
    // Any JSON value (serde_json::Value): an absent value is written as null, and it is read
    // as it came (no default, so a parsed item keeps what the wire had).
    arguments: z.unknown().register(wireFields, { always: true }),
    internal_chat_message_metadata_passthrough: passthroughField,
  }),
);

/** `function_call_output`: the client's result for a `function_call` with the same `call_id`. */
export const FunctionCallOutputItemSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('function_call_output'),
    id: idField,
    call_id: z.string(),
    output: FunctionCallOutputPayloadSchema,
    internal_chat_message_metadata_passthrough: passthroughField,
  }),
);

/** `custom_tool_call`: the model calls a freeform (custom) tool; `input` is free text. */
export const CustomToolCallItemSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('custom_tool_call'),
    id: idField,
    status: z.string().nullish(),
    call_id: z.string(),
    name: z.string(),
    namespace: z.string().nullish(),
    input: z.string(),
    internal_chat_message_metadata_passthrough: passthroughField,
  }),
);

/** `custom_tool_call_output`: the client's result for a `custom_tool_call`. */
export const CustomToolCallOutputItemSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('custom_tool_call_output'),
    id: idField,
    call_id: z.string(),
    name: z.string().nullish(),
    output: FunctionCallOutputPayloadSchema,
    internal_chat_message_metadata_passthrough: passthroughField,
  }),
);

/** `tool_search_output`: tools found by a `tool_search_call`. `call_id` is always written (nullable). */
export const ToolSearchOutputItemSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('tool_search_output'),
    id: idField,
    call_id: z.string().nullable().default(null),
    status: z.string(),
    execution: z.string(),
    tools: z.array(z.unknown()),
    internal_chat_message_metadata_passthrough: passthroughField,
  }),
);

/** `web_search_call`: a server-side web search (`action` describes what was searched or opened). */
export const WebSearchCallItemSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('web_search_call'),
    id: idField,
    status: z.string().nullish(),
    action: WebSearchActionSchema.nullish(),
    internal_chat_message_metadata_passthrough: passthroughField,
  }),
);

/** `image_generation_call`: a server-side image generation; `result` is the image (base64). */
export const ImageGenerationCallItemSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('image_generation_call'),
    id: idField,
    status: z.string(),
    revised_prompt: z.string().nullish(),
    result: z.string(),
    internal_chat_message_metadata_passthrough: passthroughField,
  }),
);

/** `compaction` (read alias `compaction_summary`): an opaque summary of compacted history. */
export const CompactionItemSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('compaction'),
    id: idField,
    encrypted_content: z.string(),
    internal_chat_message_metadata_passthrough: passthroughField,
  }),
);

/** `compaction_trigger`: a request control asking the server to compact; no fields. */
export const CompactionTriggerItemSchema = lazySchema(() =>
  z.looseObject({ type: z.literal('compaction_trigger') }),
);

/** `context_compaction`: a context-compaction marker, optionally with an opaque blob. */
export const ContextCompactionItemSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('context_compaction'),
    id: idField,
    encrypted_content: z.string().nullish(),
    internal_chat_message_metadata_passthrough: passthroughField,
  }),
);

/** An `additional_tools` item. */
export type AdditionalToolsItem = z.infer<typeof AdditionalToolsItemSchema>;
/** A `message` item. */
export type MessageItem = z.infer<typeof MessageItemSchema>;
/** An `agent_message` item. */
export type AgentMessageItem = z.infer<typeof AgentMessageItemSchema>;
/** A `reasoning` item. */
export type ReasoningItem = z.infer<typeof ReasoningItemSchema>;
/** A `local_shell_call` item. */
export type LocalShellCallItem = z.infer<typeof LocalShellCallItemSchema>;
/** A `function_call` item. */
export type FunctionCallItem = z.infer<typeof FunctionCallItemSchema>;
/** A `tool_search_call` item. */
export type ToolSearchCallItem = z.infer<typeof ToolSearchCallItemSchema>;
/** A `function_call_output` item. */
export type FunctionCallOutputItem = z.infer<typeof FunctionCallOutputItemSchema>;
/** A `custom_tool_call` item. */
export type CustomToolCallItem = z.infer<typeof CustomToolCallItemSchema>;
/** A `custom_tool_call_output` item. */
export type CustomToolCallOutputItem = z.infer<typeof CustomToolCallOutputItemSchema>;
/** A `tool_search_output` item. */
export type ToolSearchOutputItem = z.infer<typeof ToolSearchOutputItemSchema>;
/** A `web_search_call` item. */
export type WebSearchCallItem = z.infer<typeof WebSearchCallItemSchema>;
/** An `image_generation_call` item. */
export type ImageGenerationCallItem = z.infer<typeof ImageGenerationCallItemSchema>;
/** A `compaction` item. */
export type CompactionItem = z.infer<typeof CompactionItemSchema>;
/** A `compaction_trigger` item. */
export type CompactionTriggerItem = z.infer<typeof CompactionTriggerItemSchema>;
/** A `context_compaction` item. */
export type ContextCompactionItem = z.infer<typeof ContextCompactionItemSchema>;

/**
 * An item whose `type` this package does not know (the original's `Other`). Nothing is
 * dropped: the wire object is kept whole in `raw` and {@link serializeResponseItem} writes it back
 * verbatim. The wrapper's own `type` is always `'other'`, so `item.type === 'message'` still
 * narrows the {@link ResponseItem} union.
 */
export interface OtherResponseItem {
  type: 'other';
  /** The item exactly as received, including its own `type`. */
  raw: { type: string; [key: string]: unknown };
}

/**
 * One item of a Responses `input` array or of a response's `output` (`response.output_item.*`),
 * internally tagged by `type`. Known item kinds are validated; unknown wire fields on them
 * are kept (loose objects) and written back after the known ones. Use
 * {@link parseResponseItem} to read and {@link serializeResponseItem} to write.
 */
export type ResponseItem =
  | AdditionalToolsItem
  | MessageItem
  | AgentMessageItem
  | ReasoningItem
  | LocalShellCallItem
  | FunctionCallItem
  | ToolSearchCallItem
  | FunctionCallOutputItem
  | CustomToolCallItem
  | CustomToolCallOutputItem
  | ToolSearchOutputItem
  | WebSearchCallItem
  | ImageGenerationCallItem
  | CompactionItem
  | CompactionTriggerItem
  | ContextCompactionItem
  | OtherResponseItem;

/** The `type` strings of the item kinds this package validates (plus the read alias `compaction_summary`). */
export type KnownResponseItemType = Exclude<ResponseItem['type'], 'other'>;

/** Internal: the schema of each known item kind (parse validates with it, serialise derives rules from it). */
export const ITEM_SCHEMAS: Readonly<Record<KnownResponseItemType, z.ZodType>> = {
  additional_tools: AdditionalToolsItemSchema,
  message: MessageItemSchema,
  agent_message: AgentMessageItemSchema,
  reasoning: ReasoningItemSchema,
  local_shell_call: LocalShellCallItemSchema,
  function_call: FunctionCallItemSchema,
  tool_search_call: ToolSearchCallItemSchema,
  function_call_output: FunctionCallOutputItemSchema,
  custom_tool_call: CustomToolCallItemSchema,
  custom_tool_call_output: CustomToolCallOutputItemSchema,
  tool_search_output: ToolSearchOutputItemSchema,
  web_search_call: WebSearchCallItemSchema,
  image_generation_call: ImageGenerationCallItemSchema,
  compaction: CompactionItemSchema,
  compaction_trigger: CompactionTriggerItemSchema,
  context_compaction: ContextCompactionItemSchema,
};

/** True when `type` names an item kind this package validates. */
export function isKnownResponseItemType(type: string): type is KnownResponseItemType {
  return Object.hasOwn(ITEM_SCHEMAS, type);
}
