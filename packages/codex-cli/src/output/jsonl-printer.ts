import type { TurnEvent } from '@codex-ts/core';
import {
  isAssistantMessage,
  messageText,
  reasoningText,
  serializeThreadEvent,
  type ThreadEvent,
  type ThreadItem,
  usageFromTokenUsage,
} from '@codex-ts/protocol';

/** Where printers write: stdout/stderr-like sinks (tests pass buffers). */
export interface OutputSink {
  write(text: string): void;
}

/**
 * Turns core `TurnEvent`s into the `codex exec --json` JSONL stream (observed-cli-0.169.md §8):
 * `thread.started`, `turn.started`, `item.completed` for reasoning summaries, assistant
 * messages and warnings (`item_N` ids counted per process), `error` for retry notices and
 * the final error, `turn.completed` with the turn's summed usage, or `turn.failed`.
 * A server-model reroute is an `error` item "model rerouted: <from> -> <to> (HighRiskCyberActivity)"
 * followed by the reroute warning as another `error` item (observed-cli-0.169-auth §12).
 * A tool's `tool.item` events are `item.started` / `item.updated` / `item.completed` with one
 * item id per key (the id is taken at the item's first event); items still open when the turn ends
 * are completed with their last state before `turn.completed` / `turn.failed`.
 * Deltas, rate-limit snapshots, token counts and server-model reports print nothing.
 */
export class JsonlPrinter {
  readonly #out: OutputSink;
  #nextItem = 0;
  /** The current turn's tool items by `tool.item` key: their id and last reported state. */
  readonly #toolItems = new Map<string, { id: string; item: ThreadItem; open: boolean }>();

  constructor(out: OutputSink) {
    this.#out = out;
  }

  #emit(event: ThreadEvent): void {
    this.#out.write(`${serializeThreadEvent(event)}\n`);
  }

  #itemId(): string {
    return `item_${this.#nextItem++}`;
  }

  /** `thread.started` with the thread id. */
  threadStarted(threadId: string): void {
    this.#emit({ type: 'thread.started', thread_id: threadId });
  }

  /** A warning shown as an `error` item (e.g. the WebSocket fallback notice). */
  warning(message: string): void {
    this.#emit({
      type: 'item.completed',
      item: { id: this.#itemId(), type: 'error', message } as ThreadItem,
    });
  }

  /**
   * Tool items still open when the turn ends (e.g. the `todo_list` of `update_plan`, which is
   * started and updated but never completed by its tool) get their `item.completed` with their last
   * state, as exec's event processor does at the end of a turn. A `command_execution` whose
   * process is still running (left for `write_stdin`) stays open, as codex-cli 0.169.0 printed it.
   */
  #completeOpenToolItems(): void {
    for (const entry of this.#toolItems.values()) {
      if (!entry.open || entry.item.type === 'command_execution') continue;
      entry.open = false;
      this.#emit({ type: 'item.completed', item: entry.item });
    }
  }

  /** Prints the JSONL line(s) `event` maps to; deltas and other events print nothing. */
  handle(event: TurnEvent): void {
    switch (event.type) {
      case 'turn.started':
        this.#toolItems.clear();
        this.#emit({ type: 'turn.started' });
        return;
      case 'tool.item': {
        const id = this.#toolItems.get(event.key)?.id ?? this.#itemId();
        const item = { id, ...event.item } as ThreadItem;
        this.#toolItems.set(event.key, { id, item, open: event.phase !== 'completed' });
        this.#emit({ type: `item.${event.phase}`, item });
        return;
      }
      case 'item.completed': {
        const { item } = event;
        if (item.type === 'reasoning') {
          const text = reasoningText(item);
          if (text.length > 0) {
            this.#emit({
              type: 'item.completed',
              item: { id: this.#itemId(), type: 'reasoning', text } as ThreadItem,
            });
          }
        } else if (isAssistantMessage(item)) {
          this.#emit({
            type: 'item.completed',
            item: {
              id: this.#itemId(),
              type: 'agent_message',
              text: messageText(item),
            } as ThreadItem,
          });
        }
        return;
      }
      case 'stream_error':
        this.#emit({ type: 'error', message: event.message });
        return;
      case 'warning':
        this.warning(event.message);
        return;
      case 'model_reroute':
        this.warning(modelRerouteText(event));
        return;
      case 'turn.completed':
        this.#completeOpenToolItems();
        this.#emit({
          type: 'turn.completed',
          usage: usageFromTokenUsage(event.usage),
        });
        return;
      case 'turn.failed':
        this.#completeOpenToolItems();
        this.#emit({ type: 'error', message: event.message });
        this.#emit({ type: 'turn.failed', error: { message: event.message } });
        return;
      case 'turn.aborted':
        this.#emit({ type: 'turn.failed', error: { message: 'turn aborted' } });
        return;
      default:
        return;
    }
  }
}

/** `model rerouted: gpt-5.5 -> gpt-5.4 (HighRiskCyberActivity)`, as 0.169.0 printed a reroute. */
export function modelRerouteText(event: { fromModel: string; toModel: string; reason: string }): string {
  return `model rerouted: ${event.fromModel} -> ${event.toModel} (${event.reason})`;
}
