import { modelRerouteText, type TurnEvent } from '@codex-ts/core';
import { isAssistantMessage, messageText, reasoningText } from '@codex-ts/protocol';
import type { OutputSink } from './jsonl-printer.js';

/**
 * Human output of `codex-ts exec`: each assistant message goes to stdout and each reasoning
 * summary to stderr when its response completed (`item.completed`), notices go to stderr, and a
 * failed turn prints `ERROR: <message>` on stderr. Deltas are not printed: a retried attempt
 * could otherwise show its text twice (the replay-safety rule of `TurnEvent`), and output that
 * has been printed cannot be taken back.
 */
export class HumanPrinter {
  readonly #out: OutputSink;
  readonly #err: OutputSink;

  constructor(out: OutputSink, err: OutputSink) {
    this.#out = out;
    this.#err = err;
  }

  handle(event: TurnEvent): void {
    switch (event.type) {
      case 'item.completed': {
        const { item } = event;
        if (item.type === 'reasoning') {
          const text = reasoningText(item);
          if (text) this.#err.write(withNewline(text));
        } else if (isAssistantMessage(item)) {
          const text = messageText(item);
          if (text) this.#out.write(withNewline(text));
        }
        return;
      }
      case 'stream_error':
        this.#err.write(`${event.message}\n`);
        return;
      case 'warning':
        this.#err.write(`warning: ${event.message}\n`);
        return;
      case 'model_reroute':
        this.#err.write(`warning: ${modelRerouteText(event)}\n`);
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
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
