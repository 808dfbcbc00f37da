// `internal_chat_message_metadata_passthrough` of the messages a conversation creates when it talks
// to the ChatGPT Codex backend (observed-cli-0.169-auth §5): what each message is made of
// (`content_item_kinds`), the turn it was created in and when. Stamped once, when the message
// enters the history, so every resend of it (retry, tool follow-up, next turn) carries the same
// values.

import { wallClockMs } from '@codex-ts/client';
import type { ResponseItem } from '@codex-ts/protocol';

/** `content_item_kinds` of the base-instructions developer message. */
export const BASE_INSTRUCTIONS_KIND = 'model.base_instructions';
/** `content_item_kinds` of the environment-context user message. */
export const ENVIRONMENT_CONTEXT_KIND = 'environments.environment_context';
/** `content_item_kinds` entry of a user `input_text` part. */
export const USER_TEXT_KIND = 'user.text';
/**
 * `content_item_kinds` entry of a user `input_image` part. Not observed (0.169.0 was only seen
 * with text prompts); named after the original's `user.text`.
 */
export const USER_IMAGE_KIND = 'user.image';

/** The passthrough object stamped on a message: keys in the order 0.169.0 wrote them. */
export type MessagePassthrough =
  | { content_item_kinds: string[] }
  | { turn_id: string; create_time: number; content_item_kinds: string[] }
  | { turn_id: string; create_time: number };

/**
 * Now as unix seconds with a sub-millisecond fraction (`create_time`), from the high-resolution
 * clock: e.g. `1788214171.128268`.
 */
export function unixSecondsNow(): number {
  return wallClockMs() / 1000;
}

/** `item` with `internal_chat_message_metadata_passthrough` set to `passthrough` (a copy). */
export function withPassthrough(item: ResponseItem, passthrough: MessagePassthrough): ResponseItem {
  return { ...item, internal_chat_message_metadata_passthrough: passthrough } as ResponseItem;
}

/** The base-instructions message's passthrough: kinds only (no turn, no time), as observed. */
export function baseInstructionsPassthrough(): MessagePassthrough {
  return { content_item_kinds: [BASE_INSTRUCTIONS_KIND] };
}

/**
 * The `content_item_kinds` of a user message supplied by the caller: one entry per content part
 * (`input_text` → `user.text`, `input_image` → `user.image`); undefined for anything else
 * (other item types and roles are left unstamped).
 */
export function userContentItemKinds(item: ResponseItem): string[] | undefined {
  if (item.type !== 'message' || item.role !== 'user') return undefined;
  const kinds: string[] = [];
  for (const part of item.content) {
    if (part.type === 'input_text') kinds.push(USER_TEXT_KIND);
    else if (part.type === 'input_image') kinds.push(USER_IMAGE_KIND);
    else return undefined;
  }
  return kinds;
}

/**
 * A message created in turn `turnId` now: `{turn_id, create_time, content_item_kinds}`.
 * `createTime` is unix seconds with a fraction ({@link unixSecondsNow}).
 */
export function turnMessagePassthrough(
  turnId: string,
  createTime: number,
  kinds: readonly string[],
): MessagePassthrough {
  return { turn_id: turnId, create_time: createTime, content_item_kinds: [...kinds] };
}
