import { z } from 'zod';
import { lazySchema } from '../internal/lazy-schema.js';
import { type FieldRule, writeOrdered } from '../internal/ordered.js';
import type { TokenUsage } from '../usage/token-usage.js';

/**
 * `turn.completed.usage` of `codex exec --json` (observed-cli §8), in tokens, summed over the
 * turn's responses; no total. Keys in this order on stdout.
 */
export const UsageSchema = lazySchema(() =>
  z.object({
    input_tokens: z.number(),
    cached_input_tokens: z.number(),
    cache_write_input_tokens: z.number(),
    output_tokens: z.number(),
    reasoning_output_tokens: z.number(),
  }),
);
/** See {@link UsageSchema}. */
export type Usage = z.infer<typeof UsageSchema>;

/** The exec {@link Usage} for a (summed) {@link TokenUsage}. */
export function usageFromTokenUsage(usage: TokenUsage): Usage {
  return {
    input_tokens: usage.inputTokens,
    cached_input_tokens: usage.cachedInputTokens,
    cache_write_input_tokens: usage.cacheWriteInputTokens,
    output_tokens: usage.outputTokens,
    reasoning_output_tokens: usage.reasoningOutputTokens,
  };
}

/** `{"id":…,"type":"agent_message","text":…}`: the assistant's answer (or JSON when an output schema is used). */
export const AgentMessageThreadItemSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    type: z.literal('agent_message'),
    text: z.string(),
  }),
);
/** `{"id":…,"type":"reasoning","text":…}`: the reasoning summary text. */
export const ReasoningThreadItemSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    type: z.literal('reasoning'),
    text: z.string(),
  }),
);
/** `{"id":…,"type":"plan","text":…}`: a proposed plan (plan mode). */
export const PlanThreadItemSchema = lazySchema(() =>
  z.object({ id: z.string(), type: z.literal('plan'), text: z.string() }),
);

/** Status of a `command_execution` item. */
export const CommandExecutionStatusSchema = lazySchema(() =>
  z.enum(['in_progress', 'completed', 'failed', 'declined']),
);
/** See {@link CommandExecutionStatusSchema}. */
export type CommandExecutionStatus = z.infer<typeof CommandExecutionStatusSchema>;

/**
 * `{"id","type":"command_execution","command","aggregated_output","exit_code","status"}`: a command
 * run by the agent; `exit_code` is `null` while running.
 */
export const CommandExecutionThreadItemSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    type: z.literal('command_execution'),
    command: z.string(),
    aggregated_output: z.string(),
    exit_code: z.number().int().nullable(),
    status: CommandExecutionStatusSchema,
  }),
);

/** One file of a `file_change` item: `{path, kind: add|delete|update}`. */
export const FileUpdateChangeSchema = lazySchema(() =>
  z.object({
    path: z.string(),
    kind: z.enum(['add', 'delete', 'update']),
  }),
);
/** Status of a `file_change` item. */
export const PatchApplyStatusSchema = lazySchema(() => z.enum(['in_progress', 'completed', 'failed']));
/** `{"id","type":"file_change","changes":[…],"status"}`: files changed by the agent. */
export const FileChangeThreadItemSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    type: z.literal('file_change'),
    changes: z.array(FileUpdateChangeSchema),
    status: PatchApplyStatusSchema,
  }),
);

/** Status of an `mcp_tool_call` item. */
export const McpToolCallStatusSchema = lazySchema(() => z.enum(['in_progress', 'completed', 'failed']));
/**
 * `{"id","type":"mcp_tool_call","server","tool","arguments","result","error","status"}`;
 * `result` is `{content:[…], structured_content}` or null, `error` is `{message}` or null.
 */
export const McpToolCallThreadItemSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    type: z.literal('mcp_tool_call'),
    server: z.string(),
    tool: z.string(),
    arguments: z.unknown(),
    result: z.object({ content: z.array(z.unknown()), structured_content: z.unknown() }).nullable(),
    error: z.object({ message: z.string() }).nullable(),
    status: McpToolCallStatusSchema,
  }),
);

/**
 * `{"id","type":"web_search","query","action"}`: a web search. (The original also writes the search
 * call's own id as a second `id` key; that duplicate key is not reproduced.)
 */
export const WebSearchThreadItemSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    type: z.literal('web_search'),
    query: z.string(),
    action: z.looseObject({ type: z.string() }),
  }),
);

/** `{"id","type":"todo_list","items":[{text, completed}]}`: the agent's to-do list. */
export const TodoListThreadItemSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    type: z.literal('todo_list'),
    items: z.array(z.object({ text: z.string(), completed: z.boolean() })),
  }),
);

/** `{"id","type":"error","message"}`: a non-fatal error shown as an item (e.g. the WS→HTTPS fallback notice). */
export const ErrorThreadItemSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    type: z.literal('error'),
    message: z.string(),
  }),
);

/** `agent_message` thread item. */
export type AgentMessageThreadItem = z.infer<typeof AgentMessageThreadItemSchema>;
/** `reasoning` thread item. */
export type ReasoningThreadItem = z.infer<typeof ReasoningThreadItemSchema>;
/** `plan` thread item. */
export type PlanThreadItem = z.infer<typeof PlanThreadItemSchema>;
/** `command_execution` thread item. */
export type CommandExecutionThreadItem = z.infer<typeof CommandExecutionThreadItemSchema>;
/** `file_change` thread item. */
export type FileChangeThreadItem = z.infer<typeof FileChangeThreadItemSchema>;
/** `mcp_tool_call` thread item. */
export type McpToolCallThreadItem = z.infer<typeof McpToolCallThreadItemSchema>;
/** `web_search` thread item. */
export type WebSearchThreadItem = z.infer<typeof WebSearchThreadItemSchema>;
/** `todo_list` thread item. */
export type TodoListThreadItem = z.infer<typeof TodoListThreadItemSchema>;
/** `error` thread item. */
export type ErrorThreadItem = z.infer<typeof ErrorThreadItemSchema>;

/**
 * An item of a `codex exec --json` thread (exec_events.rs `ThreadItem`): `id` (`item_N`, counted
 * per process) first, then `type`, then the kind's fields.
 */
export const ThreadItemSchema = lazySchema(() =>
  z.discriminatedUnion('type', [
    AgentMessageThreadItemSchema,
    ReasoningThreadItemSchema,
    PlanThreadItemSchema,
    CommandExecutionThreadItemSchema,
    FileChangeThreadItemSchema,
    McpToolCallThreadItemSchema,
    WebSearchThreadItemSchema,
    TodoListThreadItemSchema,
    ErrorThreadItemSchema,
  ]),
);
/** See {@link ThreadItemSchema}. */
export type ThreadItem = z.infer<typeof ThreadItemSchema>;

/**
 * One JSONL line of `codex exec --json` (observed-cli §8):
 * `thread.started{thread_id}`, `turn.started{}`, `turn.completed{usage}`, `turn.failed{error:{message}}`,
 * `item.started|item.updated|item.completed{item}`, `error{message}` (retry notices and the final error).
 */
export const ThreadEventSchema = lazySchema(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('thread.started'), thread_id: z.string() }),
    z.object({ type: z.literal('turn.started') }),
    z.object({ type: z.literal('turn.completed'), usage: UsageSchema }),
    z.object({ type: z.literal('turn.failed'), error: z.object({ message: z.string() }) }),
    z.object({ type: z.literal('item.started'), item: ThreadItemSchema }),
    z.object({ type: z.literal('item.updated'), item: ThreadItemSchema }),
    z.object({ type: z.literal('item.completed'), item: ThreadItemSchema }),
    z.object({ type: z.literal('error'), message: z.string() }),
  ]),
);
/** See {@link ThreadEventSchema}. */
export type ThreadEvent = z.infer<typeof ThreadEventSchema>;

const THREAD_ITEM_RULES: Readonly<Record<ThreadItem['type'], readonly FieldRule[]>> = {
  agent_message: [['text', 'always']],
  reasoning: [['text', 'always']],
  plan: [['text', 'always']],
  command_execution: [
    ['command', 'always'],
    ['aggregated_output', 'always'],
    ['exit_code', 'always'],
    ['status', 'always'],
  ],
  file_change: [
    [
      'changes',
      'always',
      (changes) => (changes as Record<string, unknown>[]).map((c) => ({ path: c.path, kind: c.kind })),
    ],
    ['status', 'always'],
  ],
  mcp_tool_call: [
    ['server', 'always'],
    ['tool', 'always'],
    ['arguments', 'always'],
    [
      'result',
      'always',
      (result) => {
        const r = result as Record<string, unknown>;
        return { content: r.content, structured_content: r.structured_content ?? null };
      },
    ],
    ['error', 'always', (error) => ({ message: (error as Record<string, unknown>).message })],
    ['status', 'always'],
  ],
  web_search: [
    ['query', 'always'],
    ['action', 'always'],
  ],
  todo_list: [
    [
      'items',
      'always',
      (items) => (items as Record<string, unknown>[]).map((i) => ({ text: i.text, completed: i.completed })),
    ],
  ],
  error: [['message', 'always']],
};

const ID_TYPE: readonly FieldRule[] = [
  ['id', 'always'],
  ['type', 'always'],
];

/** Orders a thread item's keys: `id`, `type`, then the kind's fields (unknown keys dropped). */
function orderThreadItem(item: ThreadItem): Record<string, unknown> {
  return writeOrdered(item, [...ID_TYPE, ...THREAD_ITEM_RULES[item.type]], { knownFieldsOnly: true });
}

/**
 * The exact stdout line (without the trailing newline) that `codex exec --json` prints for `event`
 * (observed-cli §8): `type` first, then the event's fields; items `id, type, …`; usage keys
 * `input_tokens, cached_input_tokens, cache_write_input_tokens, output_tokens, reasoning_output_tokens`.
 * Fields not in the schema are not written. String escaping matches serde_json (`JSON.stringify`).
 */
export function serializeThreadEvent(event: ThreadEvent): string {
  let out: Record<string, unknown>;
  switch (event.type) {
    case 'thread.started':
      out = { type: event.type, thread_id: event.thread_id };
      break;
    case 'turn.started':
      out = { type: event.type };
      break;
    case 'turn.completed':
      out = {
        type: event.type,
        usage: {
          input_tokens: event.usage.input_tokens,
          cached_input_tokens: event.usage.cached_input_tokens,
          cache_write_input_tokens: event.usage.cache_write_input_tokens,
          output_tokens: event.usage.output_tokens,
          reasoning_output_tokens: event.usage.reasoning_output_tokens,
        },
      };
      break;
    case 'turn.failed':
      out = { type: event.type, error: { message: event.error.message } };
      break;
    case 'item.started':
    case 'item.updated':
    case 'item.completed':
      out = { type: event.type, item: orderThreadItem(event.item) };
      break;
    case 'error':
      out = { type: event.type, message: event.message };
      break;
  }
  return JSON.stringify(out);
}

/**
 * Reads one `codex exec --json` line (a JSON string, or an already parsed value).
 * @throws {SyntaxError} for invalid JSON; {@link z.ZodError} when the event does not match {@link ThreadEventSchema}.
 */
export function parseThreadEvent(line: string | unknown): ThreadEvent {
  const value: unknown = typeof line === 'string' ? JSON.parse(line) : line;
  return ThreadEventSchema.parse(value);
}
