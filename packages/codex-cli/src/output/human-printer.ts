import type { TurnEvent } from '@codex-ts/core';
import { messageText, reasoningText } from './item-text.js';
import type { OutputSink } from './jsonl-printer.js';

/**
 * Human output of `codex-ts exec`: the answer streams to stdout as it arrives (falling back
 * to the completed message when no deltas came), reasoning summaries and notices go to
 * stderr, and a failed turn prints `ERROR: <message>` on stderr.
 */
export class HumanPrinter {
  readonly #out: OutputSink;
  readonly #err: OutputSink;
  #streamedText = false;
  #streamedReasoning = false;
  #endsWithNewline = true;

  constructor(out: OutputSink, err: OutputSink) {
    this.#out = out;
    this.#err = err;
  }

  handle(event: TurnEvent): void {
    switch (event.type) {
      case 'reasoning_summary.delta':
        this.#streamedReasoning = true;
        this.#err.write(event.delta);
        return;
      case 'output_text.delta':
        this.#finishReasoning();
        this.#streamedText = true;
        this.#write(event.delta);
        return;
      case 'item.completed': {
        const item = event.item as {
          type: string;
          role?: string;
          content?: unknown;
          summary?: unknown;
        };
        if (item.type === 'reasoning') {
          if (!this.#streamedReasoning) {
            const text = reasoningText(item);
            if (text) this.#err.write(`${text}\n`);
          }
          this.#finishReasoning();
        } else if (item.type === 'message' && item.role === 'assistant') {
          if (!this.#streamedText) this.#write(messageText(item.content));
          if (!this.#endsWithNewline) this.#write('\n');
          this.#streamedText = false;
        }
        return;
      }
      case 'stream_error':
        this.#err.write(`${event.message}\n`);
        return;
      case 'warning':
        this.#err.write(`warning: ${event.message}\n`);
        return;
      case 'turn.failed':
        this.#err.write(`ERROR: ${event.message}\n`);
        return;
      case 'turn.aborted':
        this.#err.write('turn aborted\n');
        return;
      default:
        return;
    }
  }

  #finishReasoning(): void {
    if (this.#streamedReasoning) {
      this.#err.write('\n');
      this.#streamedReasoning = false;
    }
  }

  #write(text: string): void {
    if (text.length === 0) return;
    this.#out.write(text);
    this.#endsWithNewline = text.endsWith('\n');
  }
}
