import {
  isAssistantMessage,
  messageText,
  reasoningText,
  type ThreadEvent,
  type ThreadItem,
  usageFromTokenUsage,
} from '@codex-ts/protocol';
import type { TurnEvent } from '../turn/events.js';

/** `model rerouted: gpt-5.5 -> gpt-5.4 (HighRiskCyberActivity)`, as codex-cli 0.169.0 printed a reroute. */
export function modelRerouteText(event: { fromModel: string; toModel: string; reason: string }): string {
  return `model rerouted: ${event.fromModel} -> ${event.toModel} (${event.reason})`;
}

/** The text of the `turn.failed` a caller's abort maps to. */
export const TURN_ABORTED_MESSAGE = 'turn aborted';

/**
 * Maps core `TurnEvent`s to the thread events of `codex exec --json` (exec_events.rs
 * `ThreadEvent`; observed-cli-0.169 §8), statefully: one mapper per `exec` run (the original
 * numbers items per process), shared by the `codex-ts exec --json` printer and the thread API.
 *
 * | TurnEvent | ThreadEvent(s) |
 * |---|---|
 * | `turn.started` | `turn.started` |
 * | `item.completed`, reasoning with summary text | `item.completed` `{type:"reasoning", text}` (summary parts joined by blank lines; nothing when empty) |
 * | `item.completed`, assistant message | `item.completed` `{type:"agent_message", text}` (`output_text` parts joined) |
 * | `tool.item` | `item.started` / `item.updated` / `item.completed` with one `item_N` id per `key`, taken at the item's first event |
 * | `stream_error` | `error` (the "Reconnecting... n/max (…)" notice) |
 * | `warning` | `item.completed` `{type:"error", message}` |
 * | `model_reroute` | `item.completed` `{type:"error", message: "model rerouted: <from> -> <to> (<reason>)"}` |
 * | `turn.completed` | `item.completed` for tool items still open, then `turn.completed` with the turn's summed usage |
 * | `turn.failed` | `item.completed` for tool items still open, `error` with the message, then `turn.failed` |
 * | `turn.aborted` | `turn.failed` `{error:{message:"turn aborted"}}` |
 * | deltas, `attempt.discarded`, rate limits, token counts, server model | nothing |
 *
 * Item ids are `item_0`, `item_1`, … in the order the items are first reported, counted over the
 * mapper's life (all turns it maps). Tool items still open when a turn ends (e.g. the `todo_list`
 * of `update_plan`, started and updated but never completed by its tool) are completed with their
 * last state, as exec's event processor does at the end of a turn. A `command_execution` whose
 * process is still running (left for `write_stdin`) stays open, as codex-cli 0.169.0 printed it,
 * and keeps its id: a `write_stdin` of a later turn that sees it exit completes that same item.
 */
export class ThreadEventMapper {
  #nextItem = 0;
  /**
   * Tool items by `tool.item` key: their id and last reported state. The current turn's, plus the
   * `command_execution` items of earlier turns whose process still runs.
   */
  readonly #toolItems = new Map<string, { id: string; item: ThreadItem; open: boolean }>();

  #itemId(): string {
    return `item_${this.#nextItem++}`;
  }

  /** `thread.started` with the thread id (the first line of every `exec --json` run). */
  threadStarted(threadId: string): ThreadEvent {
    return { type: 'thread.started', thread_id: threadId };
  }

  /** A warning shown as an `error` item (e.g. the WebSocket fallback notice); takes the next item id. */
  warning(message: string): ThreadEvent {
    return { type: 'item.completed', item: { id: this.#itemId(), type: 'error', message } as ThreadItem };
  }

  /** The thread events `event` maps to, in order (often none); see the table above. */
  map(event: TurnEvent): ThreadEvent[] {
    switch (event.type) {
      case 'turn.started':
        // A command left running for `write_stdin` keeps its id: a later turn may complete it.
        for (const [key, entry] of this.#toolItems)
          if (!entry.open || entry.item.type !== 'command_execution') this.#toolItems.delete(key);
        return [{ type: 'turn.started' }];
      case 'tool.item': {
        const id = this.#toolItems.get(event.key)?.id ?? this.#itemId();
        const item = { id, ...event.item } as ThreadItem;
        this.#toolItems.set(event.key, { id, item, open: event.phase !== 'completed' });
        return [{ type: `item.${event.phase}`, item }];
      }
      case 'item.completed':
        return this.#outputItem(event.item);
      case 'stream_error':
        return [{ type: 'error', message: event.message }];
      case 'warning':
        return [this.warning(event.message)];
      case 'model_reroute':
        return [this.warning(modelRerouteText(event))];
      case 'turn.completed':
        return [
          ...this.#completeOpenToolItems(),
          { type: 'turn.completed', usage: usageFromTokenUsage(event.usage) },
        ];
      case 'turn.failed':
        return [
          ...this.#completeOpenToolItems(),
          { type: 'error', message: event.message },
          { type: 'turn.failed', error: { message: event.message } },
        ];
      case 'turn.aborted':
        return [{ type: 'turn.failed', error: { message: TURN_ABORTED_MESSAGE } }];
      default:
        return [];
    }
  }

  #outputItem(item: Extract<TurnEvent, { type: 'item.completed' }>['item']): ThreadEvent[] {
    if (item.type === 'reasoning') {
      const text = reasoningText(item);
      if (text.length === 0) return [];
      return [
        { type: 'item.completed', item: { id: this.#itemId(), type: 'reasoning', text } as ThreadItem },
      ];
    }
    if (isAssistantMessage(item)) {
      const text = messageText(item);
      return [
        { type: 'item.completed', item: { id: this.#itemId(), type: 'agent_message', text } as ThreadItem },
      ];
    }
    return [];
  }

  #completeOpenToolItems(): ThreadEvent[] {
    const out: ThreadEvent[] = [];
    for (const entry of this.#toolItems.values()) {
      if (!entry.open || entry.item.type === 'command_execution') continue;
      entry.open = false;
      out.push({ type: 'item.completed', item: entry.item });
    }
    return out;
  }
}
