// Builders for Responses API server events (wire-protocol.md §3.3). Each returns a plain event
// object usable as an SSE step event, a WebSocket frame, or input to `sseBody`.

import type { ResponsesEvent } from '../scenario/types.js';

/** The `usage` object of `response.completed`. Token counts. */
export interface Usage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens?: number } | null;
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number } | null;
  total_tokens: number;
  [field: string]: unknown;
}

/** Shorthand for a usage object: token counts, `total` defaults to `input + output`. */
export interface UsageCounts {
  input?: number;
  cached?: number;
  output?: number;
  reasoning?: number;
  total?: number;
}

/**
 * Build a `usage` object `{input_tokens, input_tokens_details:{cached_tokens}, output_tokens,
 * output_tokens_details:{reasoning_tokens}, total_tokens}` from token counts (all default 0;
 * `total` defaults to `input + output`).
 */
export function usage(counts: UsageCounts = {}): Usage {
  const input = counts.input ?? 0;
  const output = counts.output ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: counts.cached ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: counts.reasoning ?? 0 },
    total_tokens: counts.total ?? input + output,
  };
}

/** `{"type":"response.created","response":{"id":id}}`. */
export function responseCreated(id: string): ResponsesEvent {
  return { type: 'response.created', response: { id } };
}

/** `{"type":"response.output_item.added","item":item}`. */
export function outputItemAdded(item: object): ResponsesEvent {
  return { type: 'response.output_item.added', item };
}

/** `{"type":"response.output_item.done","item":item}`. */
export function outputItemDone(item: object): ResponsesEvent {
  return { type: 'response.output_item.done', item };
}

/** `{"type":"response.output_text.delta","delta":delta}`. */
export function outputTextDelta(delta: string): ResponsesEvent {
  return { type: 'response.output_text.delta', delta };
}

/** An assistant `message` item: `{type:"message",role:"assistant",id,content:[{type:"output_text",text}],phase?}`. */
export function assistantMessageItem(id: string, text: string, phase?: string): Record<string, unknown> {
  const item: Record<string, unknown> = { type: 'message', role: 'assistant', id };
  if (phase !== undefined) item.phase = phase;
  item.content = [{ type: 'output_text', text }];
  return item;
}

/**
 * `response.output_item.done` carrying an assistant message (§3.3), e.g.
 * `assistantMessage('msg_1', 'Hello', 'final_answer')`. `phase` is omitted when not given.
 */
export function assistantMessage(id: string, text: string, phase?: string): ResponsesEvent {
  return outputItemDone(assistantMessageItem(id, text, phase));
}

/** A `reasoning` item: `{type:"reasoning",id,summary:[{type:"summary_text",text}…],encrypted_content?}`. */
export function reasoningItemBody(
  id: string,
  summary: string[],
  encryptedContent?: string,
): Record<string, unknown> {
  const item: Record<string, unknown> = {
    type: 'reasoning',
    id,
    summary: summary.map((text) => ({ type: 'summary_text', text })),
  };
  if (encryptedContent !== undefined) item.encrypted_content = encryptedContent;
  return item;
}

/** `response.output_item.done` carrying a reasoning item with the given summary parts (§3.3). */
export function reasoningItem(id: string, summary: string[], encryptedContent?: string): ResponsesEvent {
  return outputItemDone(reasoningItemBody(id, summary, encryptedContent));
}

/** `{"type":"response.reasoning_summary_text.delta","delta":delta,"summary_index":summaryIndex}`. */
export function reasoningSummaryDelta(delta: string, summaryIndex = 0): ResponsesEvent {
  return { type: 'response.reasoning_summary_text.delta', delta, summary_index: summaryIndex };
}

/** `{"type":"response.reasoning_summary_part.added","summary_index":summaryIndex}`. */
export function reasoningSummaryPartAdded(summaryIndex: number): ResponsesEvent {
  return { type: 'response.reasoning_summary_part.added', summary_index: summaryIndex };
}

/** `{"type":"response.reasoning_summary_text.done","item_id","text","summary_index"}`. */
export function reasoningSummaryDone(itemId: string, text: string, summaryIndex: number): ResponsesEvent {
  return { type: 'response.reasoning_summary_text.done', item_id: itemId, text, summary_index: summaryIndex };
}

/**
 * `response.output_item.done` carrying a `function_call` item
 * `{type:"function_call",id?,call_id,name,arguments}`. `args` objects are JSON-encoded (the wire
 * carries arguments as a string).
 */
export function functionCall(
  callId: string,
  name: string,
  args: string | object,
  id?: string,
): ResponsesEvent {
  const item: Record<string, unknown> = { type: 'function_call' };
  if (id !== undefined) item.id = id;
  item.call_id = callId;
  item.name = name;
  item.arguments = typeof args === 'string' ? args : JSON.stringify(args);
  return outputItemDone(item);
}

/**
 * `{"type":"response.completed","response":{"id":id,"usage":…}}`. `usage` defaults to the
 * all-zero `usage()` shape; pass `null` to send `"usage": null`.
 */
export function completed(id: string, usageValue: Usage | null = usage()): ResponsesEvent {
  return { type: 'response.completed', response: { id, usage: usageValue } };
}

/**
 * `{"type":"response.failed","response":{"id","status":"failed","error":{"code","message"}}}`,
 * e.g. `failed('resp_1', 'rate_limit_exceeded', 'Rate limit reached. Please try again in 1.5s.')`.
 */
export function failed(id: string, code: string, message: string): ResponsesEvent {
  return { type: 'response.failed', response: { id, status: 'failed', error: { code, message } } };
}

/** `{"type":"response.incomplete","response":{"id","status":"incomplete","incomplete_details":{"reason"}}}`. */
export function incomplete(id: string, reason: string): ResponsesEvent {
  return {
    type: 'response.incomplete',
    response: { id, status: 'incomplete', incomplete_details: { reason } },
  };
}

/** The OpenAI error body `{"error":{"type","code","message"}}` for `error` steps. */
export function openAiError(
  type: string,
  code: string | null,
  message: string,
): { error: { type: string; code: string | null; message: string } } {
  return { error: { type, code, message } };
}

/** Options of `textTurn`. */
export interface TextTurnOptions {
  /** Response id used by `response.created` and `response.completed`. */
  responseId: string;
  /** The assistant's final text. */
  text: string;
  /** Reasoning summary parts (one string = one part); no reasoning item when absent. */
  reasoning?: string | string[];
  /** `encrypted_content` of the reasoning item (default `gAAAA-<responseId>`). */
  encryptedContent?: string;
  /** Usage of `response.completed` (default: `usage()` with small realistic counts). */
  usage?: Usage | null;
  /** Message item id, default `msg_<responseId>`. */
  messageId?: string;
  /** Reasoning item id, default `rs_<responseId>`. */
  reasoningId?: string;
  /** Message `phase`, default `final_answer`; `null` omits it. */
  phase?: string | null;
  /**
   * How `text` is split into `response.output_text.delta` events: explicit pieces (must join to
   * `text`), a number of pieces, or by default one piece per word (word plus trailing whitespace).
   */
  deltas?: string[] | number;
}

/** Split `text` into `n` nearly equal pieces (by code point), or into words when `n` is undefined. */
export function splitText(text: string, n?: number): string[] {
  if (text === '') return [];
  if (n === undefined) return text.match(/\s*\S+\s*|\s+/g) ?? [text];
  const chars = Array.from(text);
  const count = Math.max(1, Math.min(Math.floor(n), chars.length));
  const pieces: string[] = [];
  for (let i = 0; i < count; i++) {
    pieces.push(
      chars
        .slice(Math.floor((i * chars.length) / count), Math.floor(((i + 1) * chars.length) / count))
        .join(''),
    );
  }
  return pieces;
}

/**
 * A realistic full event list for one assistant turn, in the order the real server sends it:
 * `response.created`; when `reasoning` is given, reasoning `output_item.added`, then per summary part
 * `reasoning_summary_part.added`, word-sized `reasoning_summary_text.delta`s and
 * `reasoning_summary_text.done`, then the reasoning `output_item.done`; message `output_item.added`,
 * the `output_text.delta`s, message `output_item.done`; `response.completed` with usage.
 */
export function textTurn(options: TextTurnOptions): ResponsesEvent[] {
  const { responseId, text } = options;
  const messageId = options.messageId ?? `msg_${responseId}`;
  const reasoningId = options.reasoningId ?? `rs_${responseId}`;
  const phase = options.phase === null ? undefined : (options.phase ?? 'final_answer');
  const events: ResponsesEvent[] = [responseCreated(responseId)];
  const summary = options.reasoning === undefined ? undefined : ([] as string[]).concat(options.reasoning);
  if (summary) {
    events.push(outputItemAdded({ type: 'reasoning', id: reasoningId, summary: [] }));
    summary.forEach((part, index) => {
      events.push(reasoningSummaryPartAdded(index));
      for (const piece of splitText(part)) events.push(reasoningSummaryDelta(piece, index));
      events.push(reasoningSummaryDone(reasoningId, part, index));
    });
    events.push(reasoningItem(reasoningId, summary, options.encryptedContent ?? `gAAAA-${responseId}`));
  }
  const added: Record<string, unknown> = { type: 'message', role: 'assistant', id: messageId };
  if (phase !== undefined) added.phase = phase;
  added.content = [];
  events.push(outputItemAdded(added));
  const deltas = Array.isArray(options.deltas) ? options.deltas : splitText(text, options.deltas);
  if (Array.isArray(options.deltas) && options.deltas.join('') !== text) {
    throw new Error('textTurn: `deltas` must join to `text`');
  }
  for (const delta of deltas) events.push(outputTextDelta(delta));
  events.push(assistantMessage(messageId, text, phase));
  const defaultUsage = usage({
    input: 120,
    cached: 0,
    output: Math.max(1, deltas.length) + (summary ? 16 : 0),
    reasoning: summary ? 16 : 0,
  });
  events.push(completed(responseId, options.usage === undefined ? defaultUsage : options.usage));
  return events;
}
