import type { TurnEvent } from '@codex-ts/core';
import { serializeThreadEvent, type ThreadEvent, type ThreadItem } from '@codex-ts/protocol';

/** Where printers write: stdout/stderr-like sinks (tests pass buffers). */
export interface OutputSink {
  write(text: string): void;
}

/**
 * Turns core `TurnEvent`s into the `codex exec --json` JSONL stream (observed-cli-0.169.md §8):
 * `thread.started`, `turn.started`, `item.completed` for reasoning summaries, assistant
 * messages and warnings (`item_N` ids counted per process), `error` for retry notices and
 * the final error, `turn.completed` with the turn's summed usage, or `turn.failed`.
 * Deltas are never printed.
 */
export class JsonlPrinter {
  readonly #out: OutputSink;
  #nextItem = 0;

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

  /** Prints what `event` maps to; returns false for events that print nothing. */
  handle(event: TurnEvent): void {
    switch (event.type) {
      case 'turn.started':
        this.#emit({ type: 'turn.started' });
        return;
      case 'item.completed': {
        const item = event.item as {
          type: string;
          role?: string;
          summary?: { text?: string }[];
          content?: unknown;
        };
        if (item.type === 'reasoning') {
          const text = (item.summary ?? [])
            .map((part) => part.text ?? '')
            .filter((t) => t.length > 0)
            .join('\n\n');
          if (text.length > 0) {
            this.#emit({
              type: 'item.completed',
              item: { id: this.#itemId(), type: 'reasoning', text } as ThreadItem,
            });
          }
        } else if (item.type === 'message' && item.role === 'assistant') {
          this.#emit({
            type: 'item.completed',
            item: {
              id: this.#itemId(),
              type: 'agent_message',
              text: messageText(item.content),
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
      case 'turn.completed':
        this.#emit({
          type: 'turn.completed',
          usage: {
            input_tokens: event.usage.inputTokens,
            cached_input_tokens: event.usage.cachedInputTokens,
            cache_write_input_tokens: event.usage.cacheWriteInputTokens,
            output_tokens: event.usage.outputTokens,
            reasoning_output_tokens: event.usage.reasoningOutputTokens,
          },
        });
        return;
      case 'turn.failed':
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

/** The text of an assistant message: its `output_text` parts joined. */
export function messageText(content: unknown): string {
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (part && typeof part === 'object' && 'text' in part && typeof part.text === 'string') {
      const type = (part as { type?: unknown }).type;
      if (type === 'output_text' || type === 'text') text += part.text;
    }
  }
  return text;
}
