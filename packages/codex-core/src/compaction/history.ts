// The history rewrite of automatic compaction: what the compaction request sends and what the
// turn continues with (observed-cli-0.169-auth §16; upstream `codex-rs/core/src/compact.rs`).

import { type ResponseItem, userMessage } from '@codex-ts/protocol';
import { v7 as uuidv7 } from 'uuid';
import { COMPACTION_CHECKPOINT_PROMPT, COMPACTION_SUMMARY_PREFIX } from './prompts.js';

/** A user `message` with one `input_text` part and no `id`. */
function plainUserMessage(text: string): ResponseItem {
  return userMessage(text);
}

/**
 * The input of the compaction request: the whole `history` (developer messages, environment,
 * prompts, reasoning, tool calls and outputs) followed by the checkpoint prompt as a user message
 * without `id` ({@link COMPACTION_CHECKPOINT_PROMPT}). `history` is not modified.
 */
export function compactionRequestInput(history: readonly ResponseItem[]): ResponseItem[] {
  return [...history, plainUserMessage(COMPACTION_CHECKPOINT_PROMPT)];
}

/**
 * The user message carrying the summary into the new context window:
 * `<COMPACTION_SUMMARY_PREFIX>\n<summary>`, with `id` when given (`compactedHistory` gives it a
 * `msg_<uuid v7>` id, as 0.169.0 sent it), else without.
 */
export function summaryMessage(summary: string, id?: string): ResponseItem {
  return userMessage(`${COMPACTION_SUMMARY_PREFIX}\n${summary}`, id);
}

/** True for a user message written by {@link summaryMessage} (an earlier compaction's summary). */
export function isSummaryMessage(item: ResponseItem): boolean {
  const text = messageText(item, 'user');
  return text?.startsWith(`${COMPACTION_SUMMARY_PREFIX}\n`) === true;
}

/**
 * The history the turn continues with after a compaction whose answer was `summary`:
 * a Responses-Lite `additional_tools` item first (new `at_<uuid v7>` id; 0.169.0 with
 * gpt-6.1-sol: same tools, new id), the developer messages that are not the window's context (the
 * base instructions, whose `msg_<uuid v5>` id derives from their content), the user messages
 * (prompts; earlier summaries and the window context left out) with the window's context
 * (the developer messages and the `<environment_context>` message the session built for the
 * window, `msg_<uuid v7>` ids) rebuilt with new `msg_<uuid v7>` ids **just before the last user
 * message** (before the summary when there is none), then {@link summaryMessage} with a new id.
 * This is where 0.169.0 re-injected the context after both a mid-turn compaction
 * (`[developer, developer, user (environment), user (prompt), user (summary)]`) and a pre-turn one
 * (`[developer, user (q1), developer, user (environment), user (q2), user (summary), user (q3)]`,
 * upstream `InitialContextInjection::BeforeLastUserMessage`). Reasoning, tool calls and outputs,
 * assistant messages and `compaction` items are dropped; the prompts' ids are kept.
 * Not done: upstream's cap on the kept user messages' size.
 */
export function compactedHistory(history: readonly ResponseItem[], summary: string): ResponseItem[] {
  const kept: ResponseItem[] = [];
  const context: ResponseItem[] = [];
  const user: ResponseItem[] = [];
  for (const item of keptHistory(history)) {
    if ((item.type as string) === 'additional_tools') kept.push(withId(item, `at_${uuidv7()}`));
    else if (isWindowContext(item)) context.push(withId(item, newMessageId()));
    else if ((item as { role?: string }).role === 'user') user.push(item);
    else kept.push(item);
  }
  const last = user.length > 0 ? [user.pop() as ResponseItem] : [];
  return [...kept, ...user, ...context, ...last, summaryMessage(summary, newMessageId())];
}

/** `item` with `id` replaced. */
function withId(item: ResponseItem, id: string): ResponseItem {
  return { ...item, id } as ResponseItem;
}

/** A `msg_<uuid v7>` id, as the session gives the messages it builds. */
function newMessageId(): string {
  return `msg_${uuidv7()}`;
}

/** A developer or environment-context message with a `msg_<uuid v7>` id (built per context window). */
function isWindowContext(item: ResponseItem): boolean {
  const id = (item as { id?: unknown }).id;
  if (typeof id !== 'string' || !/^msg_[0-9a-f]{8}-[0-9a-f]{4}-7/.test(id)) return false;
  const role = (item as { role?: string }).role;
  if (role === 'developer') return true;
  return messageText(item, 'user')?.startsWith('<environment_context>') === true;
}

/**
 * What survives a compaction of `history`: a Responses-Lite conversation's `additional_tools`
 * item (its tools travel nowhere else; upstream leads every Lite request with it), the developer
 * (and system) messages, then the user messages (environment context, prompts; earlier summaries
 * left out) in their order. Reasoning, tool calls and outputs, assistant messages and earlier
 * `compaction` items are dropped; the compaction's own result (a summary message or a
 * `compaction` item) goes after them.
 */
export function keptHistory(history: readonly ResponseItem[]): ResponseItem[] {
  const tools: ResponseItem[] = [];
  const developer: ResponseItem[] = [];
  const user: ResponseItem[] = [];
  for (const item of history) {
    if ((item.type as string) === 'additional_tools') tools.push(item);
    if (item.type !== 'message') continue;
    const role = (item as { role?: string }).role;
    if (role === 'developer' || role === 'system') developer.push(item);
    else if (role === 'user' && !isSummaryMessage(item)) user.push(item);
  }
  return [...tools, ...developer, ...user];
}

/**
 * The summary a compaction response produced: the text of its last assistant `message`
 * (`output_text` parts joined), `""` when it has none.
 */
export function summaryText(items: readonly ResponseItem[]): string {
  for (let i = items.length - 1; i >= 0; i--) {
    const text = messageText(items[i] as ResponseItem, 'assistant');
    if (text !== undefined) return text;
  }
  return '';
}

/** The joined text parts of a `message` of `role`, undefined for other items. */
function messageText(item: ResponseItem, role: string): string | undefined {
  if (item.type !== 'message' || (item as { role?: string }).role !== role) return undefined;
  const content = (item as { content?: unknown }).content;
  if (!Array.isArray(content)) return undefined;
  return content
    .map((part: { type?: string; text?: unknown }) =>
      (part.type === 'output_text' || part.type === 'input_text') && typeof part.text === 'string'
        ? part.text
        : '',
    )
    .join('');
}
