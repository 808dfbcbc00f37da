/**
 * Typed questions about `ResponseItem`s that consumers would otherwise answer with casts: is it
 * a tool call, which call does it belong to, whose message is it, what text does it carry.
 * None of them throws; an item of another kind (including `other`) gets the documented "none"
 * answer.
 */
import type {
  CustomToolCallItem,
  FunctionCallItem,
  LocalShellCallItem,
  MessageItem,
  ResponseItem,
} from './item-schemas.js';
import type { ContentItem } from './parts.js';

/**
 * The item `type`s that are tool calls the client runs and must answer with an output item before
 * the model can go on: `function_call` and `local_shell_call` (answered by a `function_call_output`)
 * and `custom_tool_call` (answered by a `custom_tool_call_output`), all matched by `call_id`.
 * `tool_search_call` is not one of them: it is answered by a `tool_search_output`.
 */
export const TOOL_CALL_ITEM_TYPES = ['function_call', 'custom_tool_call', 'local_shell_call'] as const;

/** An item whose `type` is one of {@link TOOL_CALL_ITEM_TYPES}. */
export type ToolCallItem = FunctionCallItem | CustomToolCallItem | LocalShellCallItem;

/**
 * True (and narrows to {@link ToolCallItem}) for `function_call`, `custom_tool_call` and
 * `local_shell_call` items; false for every other item, including `tool_search_call` and
 * `{type:'other'}`. Usable as `items.filter(isToolCall)`.
 */
export function isToolCall(item: ResponseItem): item is ToolCallItem {
  return (
    item.type === 'function_call' || item.type === 'custom_tool_call' || item.type === 'local_shell_call'
  );
}

/**
 * The `call_id` that links a tool call and its output: read from `function_call`,
 * `custom_tool_call`, `local_shell_call`, `tool_search_call` and from `function_call_output`,
 * `custom_tool_call_output`, `tool_search_output`. `undefined` when that `call_id` is `null` or
 * missing (it is nullable on `local_shell_call`, `tool_search_call` and `tool_search_output`), and
 * for every other item kind.
 */
export function toolCallId(item: ResponseItem): string | undefined {
  switch (item.type) {
    case 'function_call':
    case 'custom_tool_call':
    case 'local_shell_call':
    case 'tool_search_call':
    case 'function_call_output':
    case 'custom_tool_call_output':
    case 'tool_search_output':
      return typeof item.call_id === 'string' ? item.call_id : undefined;
    default:
      return undefined;
  }
}

/** True (and narrows to {@link MessageItem}) for a `message` item with `role: "assistant"`. */
export function isAssistantMessage(item: ResponseItem): item is MessageItem {
  return item.type === 'message' && item.role === 'assistant';
}

/** True (and narrows to {@link MessageItem}) for a `message` item with `role: "user"`. */
export function isUserMessage(item: ResponseItem): item is MessageItem {
  return item.type === 'message' && item.role === 'user';
}

/**
 * The text the model wrote in a message: the `text` of its `output_text` parts (and of bare
 * `{type:"text"}` parts, should a content array not read through `parseResponseItem` hold any),
 * concatenated with no separator, in order. Other parts (`input_text`, images, audio, unknown
 * parts such as `refusal`) are skipped, so a user or developer message gives `''`.
 *
 * `source` is a `message` item or its `content` array; any other item, and `undefined`, give `''`.
 */
export function messageText(source: ResponseItem | readonly ContentItem[] | undefined): string {
  const content: unknown = isContentArray(source)
    ? source
    : source?.type === 'message'
      ? source.content
      : undefined;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content as readonly unknown[]) {
    if (typeof part !== 'object' || part === null) continue;
    const { type, text: partText } = part as { type?: unknown; text?: unknown };
    if ((type === 'output_text' || type === 'text') && typeof partText === 'string') text += partText;
  }
  return text;
}

function isContentArray(
  source: ResponseItem | readonly ContentItem[] | undefined,
): source is readonly ContentItem[] {
  return Array.isArray(source);
}

/**
 * The reasoning summary of a `reasoning` item: the `text` of each of its `summary` parts, empty
 * ones included, joined by one newline (codex-cli 0.169.0 printed parts `A`, `B` as `"A\nB"` and
 * `A`, `''`, `B` as `"A\n\nB"`). `''` when it has no summary part, and for every other item. The
 * raw reasoning `content` is not included.
 */
export function reasoningText(item: ResponseItem): string {
  if (item.type !== 'reasoning' || !Array.isArray(item.summary)) return '';
  const parts: string[] = [];
  for (const part of item.summary as readonly unknown[]) {
    if (typeof part !== 'object' || part === null) continue;
    const text = (part as { text?: unknown }).text;
    if (typeof text === 'string') parts.push(text);
  }
  return parts.join('\n');
}

/**
 * The content parts of the user messages among `items` (`message` items with `role: "user"`),
 * in order, as typed {@link ContentItem}s: `input_text`, `input_image`, `input_audio`, or
 * `{type:'other', raw}`. Other items contribute nothing; an empty array when there is no user
 * message. The parts are the items' own objects (not copies).
 */
export function userInputParts(items: Iterable<ResponseItem>): ContentItem[] {
  const parts: ContentItem[] = [];
  for (const item of items) {
    if (isUserMessage(item) && Array.isArray(item.content)) parts.push(...item.content);
  }
  return parts;
}
