import { ThreadEventMapper, type TurnEvent } from '@codex-ts/core';
import { serializeThreadEvent, type ThreadEvent } from '@codex-ts/protocol';

/** Where printers write: stdout/stderr-like sinks (tests pass buffers). */
export interface OutputSink {
  write(text: string): void;
  /** True when the sink is a terminal (`--color auto` colors the human output on a terminal stderr). */
  isTTY?: boolean | undefined;
}

/**
 * The `codex exec --json` JSONL stream (observed-cli-0.169.md §8): a thin serializer over core's
 * `ThreadEventMapper` (which decides the lines: `thread.started`, `turn.started`, `item.*` with
 * `item_N` ids counted per process, `error` notices, `turn.completed` / `turn.failed`, tool items
 * still open completed at turn end), writing each thread event as one `serializeThreadEvent` line.
 */
export class JsonlPrinter {
  readonly #out: OutputSink;
  readonly #mapper = new ThreadEventMapper();

  constructor(out: OutputSink) {
    this.#out = out;
  }

  #emit(event: ThreadEvent): void {
    this.#out.write(`${serializeThreadEvent(event)}\n`);
  }

  /** `thread.started` with the thread id. */
  threadStarted(threadId: string): void {
    this.#emit(this.#mapper.threadStarted(threadId));
  }

  /** A warning shown as an `error` item (e.g. the WebSocket fallback notice). */
  warning(message: string): void {
    this.#emit(this.#mapper.warning(message));
  }

  /**
   * Prints the JSONL line(s) `event` maps to; deltas and other events print nothing, and so does
   * `turn.aborted` (0.169.0 printed nothing after `turn.started` when interrupted by SIGINT).
   */
  handle(event: TurnEvent): void {
    if (event.type === 'turn.aborted') return;
    for (const line of this.#mapper.map(event)) this.#emit(line);
  }
}
