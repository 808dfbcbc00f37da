import { z } from 'zod';
import { type FieldRule, isRecord, type WriteOptions, writeOrdered } from '../internal/ordered.js';
import {
  AgentMessageContentSchema,
  ContentItemSchema,
  FunctionCallOutputPayloadSchema,
  InternalChatMessageMetadataPassthroughSchema,
  MessagePhaseSchema,
  openUnion,
  PART_RULES,
  ReasoningContentPartSchema,
  ReasoningSummaryPartSchema,
  serializeParts,
} from './parts.js';

// Optional wire fields accept `null` as "absent" (serde reads `null` into `None`) and are
// omitted again when serialised.
const idField = z.string().nullish();
const passthroughField = InternalChatMessageMetadataPassthroughSchema.nullish();

// ---- nested shapes ----

/** `action` of a `local_shell_call` (models.rs `LocalShellAction::Exec`). `timeout_ms` is in ms. */
export const LocalShellActionSchema = z.looseObject({
  type: z.literal('exec'),
  command: z.array(z.string()),
  timeout_ms: z.number().nullable().default(null),
  working_directory: z.string().nullable().default(null),
  env: z.record(z.string(), z.string()).nullable().default(null),
  user: z.string().nullable().default(null),
});
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
);

// ---- item schemas (shape order = wire order) ----

/** `additional_tools`: tools offered to a Responses-Lite model inside `input` (observed-cli §5.3). */
export const AdditionalToolsItemSchema = z.looseObject({
  type: z.literal('additional_tools'),
  id: idField,
  role: z.string(),
  tools: z.array(z.unknown()),
});

/**
 * `message`: a chat message. `role` is `user | assistant | developer | system`; `content` holds
 * {@link ContentItem}s; `phase` marks assistant commentary vs final answer.
 */
export const MessageItemSchema = z.looseObject({
  type: z.literal('message'),
  id: idField,
  role: z.string(),
  content: z.array(ContentItemSchema),
  phase: MessagePhaseSchema.nullish(),
  internal_chat_message_metadata_passthrough: passthroughField,
});

/** `agent_message`: a message between agents (`author` → `recipient`). */
export const AgentMessageItemSchema = z.looseObject({
  type: z.literal('agent_message'),
  id: idField,
  author: z.string(),
  recipient: z.string(),
  content: z.array(AgentMessageContentSchema),
  internal_chat_message_metadata_passthrough: passthroughField,
});

/**
 * `reasoning`: the model's reasoning. `summary` holds `summary_text` parts; `content` the raw
 * reasoning text parts or `null`; `encrypted_content` the opaque blob the client replays
 * (requested with `include: ["reasoning.encrypted_content"]`) or `null`.
 */
export const ReasoningItemSchema = z.looseObject({
  type: z.literal('reasoning'),
  id: idField,
  summary: z.array(ReasoningSummaryPartSchema),
  content: z.array(ReasoningContentPartSchema).nullable().default(null),
  encrypted_content: z.string().nullable().default(null),
  internal_chat_message_metadata_passthrough: passthroughField,
});

/** `local_shell_call`: the built-in local shell tool. `call_id` is always written (nullable). */
export const LocalShellCallItemSchema = z.looseObject({
  type: z.literal('local_shell_call'),
  id: idField,
  call_id: z.string().nullable().default(null),
  status: LocalShellStatusSchema,
  action: LocalShellActionSchema,
  internal_chat_message_metadata_passthrough: passthroughField,
});

/**
 * `function_call`: the model calls a function tool. `arguments` is the raw JSON text the model
 * produced (not parsed). `status` (e.g. `"completed"`) is replayed as received, right after `type`.
 */
export const FunctionCallItemSchema = z.looseObject({
  type: z.literal('function_call'),
  status: z.string().nullish(),
  id: idField,
  name: z.string(),
  namespace: z.string().nullish(),
  arguments: z.string(),
  call_id: z.string(),
  internal_chat_message_metadata_passthrough: passthroughField,
});

/** `tool_search_call`: the model searches the tool catalogue; `arguments` is any JSON value. */
export const ToolSearchCallItemSchema = z.looseObject({
  type: z.literal('tool_search_call'),
  id: idField,
  call_id: z.string().nullable().default(null),
  status: z.string().nullish(),
  execution: z.string(),
  arguments: z.unknown(),
  internal_chat_message_metadata_passthrough: passthroughField,
});

/** `function_call_output`: the client's result for a `function_call` with the same `call_id`. */
export const FunctionCallOutputItemSchema = z.looseObject({
  type: z.literal('function_call_output'),
  id: idField,
  call_id: z.string(),
  output: FunctionCallOutputPayloadSchema,
  internal_chat_message_metadata_passthrough: passthroughField,
});

/** `custom_tool_call`: the model calls a freeform (custom) tool; `input` is free text. */
export const CustomToolCallItemSchema = z.looseObject({
  type: z.literal('custom_tool_call'),
  id: idField,
  status: z.string().nullish(),
  call_id: z.string(),
  name: z.string(),
  namespace: z.string().nullish(),
  input: z.string(),
  internal_chat_message_metadata_passthrough: passthroughField,
});

/** `custom_tool_call_output`: the client's result for a `custom_tool_call`. */
export const CustomToolCallOutputItemSchema = z.looseObject({
  type: z.literal('custom_tool_call_output'),
  id: idField,
  call_id: z.string(),
  name: z.string().nullish(),
  output: FunctionCallOutputPayloadSchema,
  internal_chat_message_metadata_passthrough: passthroughField,
});

/** `tool_search_output`: tools found by a `tool_search_call`. `call_id` is always written (nullable). */
export const ToolSearchOutputItemSchema = z.looseObject({
  type: z.literal('tool_search_output'),
  id: idField,
  call_id: z.string().nullable().default(null),
  status: z.string(),
  execution: z.string(),
  tools: z.array(z.unknown()),
  internal_chat_message_metadata_passthrough: passthroughField,
});

/** `web_search_call`: a server-side web search (`action` describes what was searched or opened). */
export const WebSearchCallItemSchema = z.looseObject({
  type: z.literal('web_search_call'),
  id: idField,
  status: z.string().nullish(),
  action: WebSearchActionSchema.nullish(),
  internal_chat_message_metadata_passthrough: passthroughField,
});

/** `image_generation_call`: a server-side image generation; `result` is the image (base64). */
export const ImageGenerationCallItemSchema = z.looseObject({
  type: z.literal('image_generation_call'),
  id: idField,
  status: z.string(),
  revised_prompt: z.string().nullish(),
  result: z.string(),
  internal_chat_message_metadata_passthrough: passthroughField,
});

/** `compaction` (read alias `compaction_summary`): an opaque summary of compacted history. */
export const CompactionItemSchema = z.looseObject({
  type: z.literal('compaction'),
  id: idField,
  encrypted_content: z.string(),
  internal_chat_message_metadata_passthrough: passthroughField,
});

/** `compaction_trigger`: a request control asking the server to compact; no fields. */
export const CompactionTriggerItemSchema = z.looseObject({ type: z.literal('compaction_trigger') });

/** `context_compaction`: a context-compaction marker, optionally with an opaque blob. */
export const ContextCompactionItemSchema = z.looseObject({
  type: z.literal('context_compaction'),
  id: idField,
  encrypted_content: z.string().nullish(),
  internal_chat_message_metadata_passthrough: passthroughField,
});

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
 * An item whose `type` this package does not know (the original's `Other`, W-101). Nothing is
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
 * internally tagged by `type` (W-101). Known item kinds are validated; unknown wire fields on them
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

const ITEM_SCHEMAS: Readonly<Record<KnownResponseItemType, z.ZodType>> = {
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

// ---- parsing ----

/**
 * Thrown by {@link parseResponseItem} when the value is not an object with a string `type`, or when
 * the item has a known `type` but invalid fields (e.g. a `function_call` without `call_id`).
 * `itemType` is the offending `type` (if any); `issues` are the zod issues, with paths.
 */
export class ResponseItemParseError extends Error {
  override readonly name = 'ResponseItemParseError';
  readonly itemType: string | undefined;
  readonly issues: readonly z.core.$ZodIssue[];

  constructor(itemType: string | undefined, issues: readonly z.core.$ZodIssue[], message: string) {
    super(message);
    this.itemType = itemType;
    this.issues = issues;
  }
}

/** Result of {@link safeParseResponseItem}. */
export type ResponseItemParseResult =
  | { success: true; item: ResponseItem }
  | { success: false; error: ResponseItemParseError };

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.length === 0 ? '(item)' : issue.path.map(String).join('.');
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Like {@link parseResponseItem} but returns `{success:false, error}` instead of throwing. This is
 * what the API layer uses to skip an output item that fails to parse (W-29).
 */
export function safeParseResponseItem(value: unknown): ResponseItemParseResult {
  if (!isRecord(value) || typeof value.type !== 'string') {
    const issue: z.core.$ZodIssue = {
      code: 'custom',
      path: ['type'],
      message: 'a response item must be an object with a string "type"',
      input: value,
    };
    return {
      success: false,
      error: new ResponseItemParseError(undefined, [issue], `invalid response item: ${issue.message}`),
    };
  }
  // `compaction_summary` is a read alias of `compaction` (written back as `compaction`).
  const source = value.type === 'compaction_summary' ? { ...value, type: 'compaction' } : value;
  const type = source.type as string;
  if (!isKnownResponseItemType(type)) {
    return { success: true, item: { type: 'other', raw: { ...value, type } } };
  }
  const result = ITEM_SCHEMAS[type].safeParse(source);
  if (result.success) return { success: true, item: result.data as ResponseItem };
  const issues = result.error.issues;
  return {
    success: false,
    error: new ResponseItemParseError(type, issues, `invalid ${type} item: ${describeIssues(issues)}`),
  };
}

/**
 * Reads one wire item (`input[]` element, `response.output_item.*` `item`, compact `output[]`).
 *
 * - Unknown `type`: never an error; returns an {@link OtherResponseItem} holding the whole object.
 * - Known `type`: validated; extra fields are kept; absent nullable fields are filled the way the
 *   original reads them (`reasoning.encrypted_content`/`content` → `null`, `local_shell_call.call_id`
 *   → `null`, local-shell action fields → `null`); `compaction_summary` becomes `compaction`.
 *
 * @throws {ResponseItemParseError} when `value` is not an object with a string `type`, or a known
 *   item has invalid fields (the message names the item type and each bad field path).
 */
export function parseResponseItem(value: unknown): ResponseItem {
  const result = safeParseResponseItem(value);
  if (!result.success) throw result.error;
  return result.item;
}

/**
 * Zod schema for {@link ResponseItem} with the same rules as {@link parseResponseItem} (unknown types
 * are kept; invalid known items produce issues). Useful inside larger schemas, e.g. `z.array(ResponseItemSchema)`.
 */
export const ResponseItemSchema: z.ZodType<ResponseItem, unknown> = z.unknown().transform((value, ctx) => {
  const result = safeParseResponseItem(value);
  if (result.success) return result.item;
  for (const issue of result.error.issues) ctx.addIssue({ ...issue });
  return z.NEVER;
});

// ---- serialisation ----

const passthroughRule: FieldRule = ['internal_chat_message_metadata_passthrough', 'opt'];

const LOCAL_SHELL_ACTION_RULES: readonly FieldRule[] = [
  ['type', 'opt'],
  ['command', 'opt'],
  ['timeout_ms', 'always'],
  ['working_directory', 'always'],
  ['env', 'always'],
  ['user', 'always'],
];

const WEB_SEARCH_ACTION_RULES: Readonly<Record<string, readonly FieldRule[]>> = {
  search: [
    ['type', 'opt'],
    ['query', 'opt'],
    ['queries', 'opt'],
  ],
  open_page: [
    ['type', 'opt'],
    ['url', 'opt'],
  ],
  find_in_page: [
    ['type', 'opt'],
    ['url', 'opt'],
    ['pattern', 'opt'],
  ],
};

/** Writes a web-search action with its wire key order (unknown actions verbatim). */
export function serializeWebSearchAction(
  action: WebSearchAction,
  options?: WriteOptions,
): Record<string, unknown> {
  if (action.type === 'other') return { ...action.raw };
  const rules = WEB_SEARCH_ACTION_RULES[action.type];
  return rules === undefined ? { ...action } : writeOrdered(action, rules, options);
}

/** The nested writers a rule may use, by the name the rules description gives them. */
interface NestedWriters {
  parts: (value: unknown) => unknown;
  output: (value: unknown) => unknown;
  localShellAction: (value: unknown) => unknown;
  webSearchAction: (value: unknown) => unknown;
}

function nestedWriters(options: WriteOptions | undefined): NestedWriters {
  return {
    parts: (value) => serializeParts(value, options),
    output: (value) => (typeof value === 'string' ? value : serializeParts(value, options)),
    localShellAction: (value) =>
      writeOrdered(value as Record<string, unknown>, LOCAL_SHELL_ACTION_RULES, options),
    webSearchAction: (value) => serializeWebSearchAction(value as WebSearchAction, options),
  };
}

function itemRules(writers: NestedWriters): Record<KnownResponseItemType, readonly FieldRule[]> {
  const { parts, output, localShellAction: action, webSearchAction: webAction } = writers;
  return {
    additional_tools: [
      ['type', 'opt'],
      ['id', 'opt'],
      ['role', 'opt'],
      ['tools', 'opt'],
    ],
    message: [
      ['type', 'opt'],
      ['id', 'opt'],
      ['role', 'opt'],
      ['content', 'opt', parts],
      ['phase', 'opt'],
      passthroughRule,
    ],
    agent_message: [
      ['type', 'opt'],
      ['id', 'opt'],
      ['author', 'opt'],
      ['recipient', 'opt'],
      ['content', 'opt', parts],
      passthroughRule,
    ],
    // `content`: see the W-102 quirk in serializeResponseItem.
    reasoning: [
      ['type', 'opt'],
      ['id', 'opt'],
      ['summary', 'opt', parts],
      ['content', 'always', parts],
      ['encrypted_content', 'always'],
      passthroughRule,
    ],
    local_shell_call: [
      ['type', 'opt'],
      ['id', 'opt'],
      ['call_id', 'always'],
      ['status', 'opt'],
      ['action', 'opt', action],
      passthroughRule,
    ],
    function_call: [
      ['type', 'opt'],
      ['status', 'opt'],
      ['id', 'opt'],
      ['name', 'opt'],
      ['namespace', 'opt'],
      ['arguments', 'opt'],
      ['call_id', 'opt'],
      passthroughRule,
    ],
    tool_search_call: [
      ['type', 'opt'],
      ['id', 'opt'],
      ['call_id', 'always'],
      ['status', 'opt'],
      ['execution', 'opt'],
      ['arguments', 'always'],
      passthroughRule,
    ],
    function_call_output: [
      ['type', 'opt'],
      ['id', 'opt'],
      ['call_id', 'opt'],
      ['output', 'opt', output],
      passthroughRule,
    ],
    custom_tool_call: [
      ['type', 'opt'],
      ['id', 'opt'],
      ['status', 'opt'],
      ['call_id', 'opt'],
      ['name', 'opt'],
      ['namespace', 'opt'],
      ['input', 'opt'],
      passthroughRule,
    ],
    custom_tool_call_output: [
      ['type', 'opt'],
      ['id', 'opt'],
      ['call_id', 'opt'],
      ['name', 'opt'],
      ['output', 'opt', output],
      passthroughRule,
    ],
    tool_search_output: [
      ['type', 'opt'],
      ['id', 'opt'],
      ['call_id', 'always'],
      ['status', 'opt'],
      ['execution', 'opt'],
      ['tools', 'opt'],
      passthroughRule,
    ],
    web_search_call: [
      ['type', 'opt'],
      ['id', 'opt'],
      ['status', 'opt'],
      ['action', 'opt', webAction],
      passthroughRule,
    ],
    image_generation_call: [
      ['type', 'opt'],
      ['id', 'opt'],
      ['status', 'opt'],
      ['revised_prompt', 'opt'],
      ['result', 'opt'],
      passthroughRule,
    ],
    compaction: [['type', 'opt'], ['id', 'opt'], ['encrypted_content', 'opt'], passthroughRule],
    compaction_trigger: [['type', 'opt']],
    context_compaction: [['type', 'opt'], ['id', 'opt'], ['encrypted_content', 'opt'], passthroughRule],
  };
}

const DEFAULT_RULES = itemRules(nestedWriters(undefined));
const KNOWN_ONLY_RULES = itemRules(nestedWriters({ knownFieldsOnly: true }));

/** One rule as data: `[key, mode]`, or `[key, mode, writer]` when a nested writer rewrites the value. */
export type DescribedRule = readonly [key: string, mode: 'opt' | 'always', writer?: keyof NestedWriters];

/** Every serialiser rules table as data (see {@link describeWireRules}). */
export interface WireRulesDescription {
  items: Record<KnownResponseItemType, readonly DescribedRule[]>;
  parts: Record<string, readonly DescribedRule[]>;
  localShellAction: readonly DescribedRule[];
  webSearchActions: Record<string, readonly DescribedRule[]>;
}

function describeRules(rules: readonly FieldRule[], names?: Map<unknown, keyof NestedWriters>) {
  return rules.map(([key, mode, nested]): DescribedRule => {
    const name = nested === undefined ? undefined : names?.get(nested);
    if (nested !== undefined && name === undefined) throw new Error(`unnamed nested writer on ${key}`);
    return name === undefined ? [key, mode] : [key, mode, name];
  });
}

function describeTable(
  table: Readonly<Record<string, readonly FieldRule[]>>,
  names?: Map<unknown, keyof NestedWriters>,
): Record<string, readonly DescribedRule[]> {
  return Object.fromEntries(
    Object.entries(table).map(([type, rules]) => [type, describeRules(rules, names)]),
  );
}

/**
 * Internal (not exported from the package entry): the serialiser's rules tables as data, so a
 * test can pin the wire order and modes (W-101…W-105) independently of how they are built.
 */
export function describeWireRules(): WireRulesDescription {
  const writers = nestedWriters(undefined);
  const names = new Map<unknown, keyof NestedWriters>(
    (Object.keys(writers) as (keyof NestedWriters)[]).map((name) => [writers[name], name]),
  );
  return {
    items: describeTable(itemRules(writers), names) as WireRulesDescription['items'],
    parts: describeTable(PART_RULES),
    localShellAction: describeRules(LOCAL_SHELL_ACTION_RULES),
    webSearchActions: describeTable(WEB_SEARCH_ACTION_RULES),
  };
}

/** Options of {@link serializeResponseItem}. */
export interface SerializeResponseItemOptions {
  /**
   * Drop wire fields this package does not model (as the original's serde types do). Default
   * `false`: unknown fields read from the wire are written back after the known ones.
   */
  knownFieldsOnly?: boolean;
}

/**
 * Writes an item as the JSON object the original client sends (W-101…W-105, observed-cli §5.2),
 * ready for `JSON.stringify`:
 *
 * - `type` first, then the known fields in the original's declaration order, then any extra
 *   fields read from the wire (unless `knownFieldsOnly`); optional fields that are unset or `null`
 *   are omitted.
 * - `function_call`: `type, status?, id?, name, namespace?, arguments, call_id` (0.169.0 order).
 * - `reasoning`: `encrypted_content` always written (`null` if absent); `content` written as
 *   `null` when unset, omitted when every part has type `text` (or the array is empty), kept when
 *   any part is `reasoning_text` (W-102).
 * - `local_shell_call.call_id`, `tool_search_call.call_id`/`arguments`, `tool_search_output.call_id`
 *   and the local-shell action's `timeout_ms, working_directory, env, user` are always written.
 * - Nested content parts get their wire order too; {@link OtherResponseItem} / other parts and
 *   actions are written verbatim.
 */
export function serializeResponseItem(
  item: ResponseItem,
  options?: SerializeResponseItemOptions,
): Record<string, unknown> {
  if (item.type === 'other') return { ...item.raw };
  const knownOnly = options?.knownFieldsOnly === true;
  const writeOptions: WriteOptions = { knownFieldsOnly: knownOnly };
  const rules = (knownOnly ? KNOWN_ONLY_RULES : DEFAULT_RULES)[item.type];
  if (item.type === 'reasoning') {
    // The rule writes `content` as null when unset; drop it when no part is `reasoning_text` (W-102).
    const out = writeOrdered(item, rules, writeOptions);
    const content = item.content;
    if (Array.isArray(content) && content.every((part) => part.type !== 'reasoning_text')) {
      const { content: _omitted, ...rest } = out;
      return rest;
    }
    return out;
  }
  return writeOrdered(item as Record<string, unknown>, rules, writeOptions);
}
