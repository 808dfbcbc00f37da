// One running `exec` script ("cell"): a worker thread evaluating the model's JavaScript in a fresh
// `node:vm` context (see `worker-source.ts`), the content items it produced since the last time
// they were taken, and its end. Nested tool calls go to `callTool` on the main thread.

import type { Worker } from 'node:worker_threads';
import { CELL_WORKER_SOURCE } from './worker-source.js';

/** An item of an `exec` / `wait` answer (`input_text` / `input_image` content). */
export type CellContent = { type: 'input_text'; text: string } | { type: 'input_image'; image_url: string };

/** How a cell ended. */
export type CellEnd = { kind: 'completed' } | { kind: 'failed'; error: string } | { kind: 'terminated' };

/** What a cell asks of its host. */
export interface CellHost {
  /** Runs nested tool `name` with `input` (the JSON text of the JS value, undefined when none); resolves with the JSON text of the result (`""` for undefined), rejects with the error text. */
  callTool(name: string, input: string | undefined): Promise<string>;
  /** `notify(text)`: an extra output item for the current call. */
  notify(text: string): void;
  /** `store(key, value)`: `json` is the value's JSON text. */
  store(key: string, json: string): void;
}

/** Heap limit of a cell's worker, MiB. */
const CELL_HEAP_MB = 256;
/**
 * Most UTF-16 code units of `text` / `image` content a cell holds between two answers (8 Mi,
 * far beyond any output budget): a script printing in a loop must not grow the host's heap
 * until the yield time ends. Items past it are dropped and counted (see {@link CodeCell.take}).
 */
export const CELL_MAX_HELD_CHARS = 8 * 1024 * 1024;

/** Lines of the wrapper before the model's first line (see `worker-source.ts`). */
function scriptErrorText(raw: string, sourceLines: number): string {
  const [head, ...frames] = raw.split('\n');
  const kept = frames.filter((frame) => {
    const match = /exec_main\.mjs:(\d+):\d+/.exec(frame);
    return match !== null && Number(match[1]) >= 1 && Number(match[1]) <= sourceLines;
  });
  return [head, ...kept].join('\n');
}

/** The text of a value the worker threw uncaught (an `Error` as `Name: message`, anything else as its string). */
function workerErrorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return 'Error: the script failed';
  }
}

/**
 * A running cell. Output accumulates until {@link take}; {@link progress} resolves when the
 * script ended, called `yield_control()`, or `deadline` passed, whichever is first.
 */
export class CodeCell {
  readonly id: string;
  readonly #worker: Worker;
  readonly #sourceLines: number;
  #content: CellContent[] = [];
  #heldChars = 0;
  #dropped = 0;
  #end: CellEnd | undefined;
  #yieldRequested = false;
  #wake: (() => void) | undefined;

  constructor(options: {
    id: string;
    source: string;
    tools: readonly { name: string; description: string }[];
    stored: Readonly<Record<string, string>>;
    host: CellHost;
  }) {
    this.id = options.id;
    this.#sourceLines = options.source.split('\n').length;
    // `node:worker_threads` is loaded on the first cell, not at start-up.
    const { Worker: WorkerClass } = process.getBuiltinModule('node:worker_threads');
    this.#worker = new WorkerClass(CELL_WORKER_SOURCE, {
      eval: true,
      workerData: { source: options.source, tools: options.tools, stored: options.stored },
      resourceLimits: { maxOldGenerationSizeMb: CELL_HEAP_MB },
      stdout: true,
      stderr: true,
      env: {},
    });
    const host = options.host;
    this.#worker.on('message', (message: Record<string, unknown>) => {
      switch (message.kind) {
        case 'text':
          this.#hold({ type: 'input_text', text: String(message.text) });
          break;
        case 'image':
          this.#hold({ type: 'input_image', image_url: String(message.url) });
          break;
        case 'notify':
          if (String(message.text).trim() !== '') host.notify(String(message.text));
          break;
        case 'store':
          host.store(String(message.key), String(message.json));
          break;
        case 'yield':
          this.#yieldRequested = true;
          break;
        case 'call': {
          const id = message.id;
          const input = typeof message.input === 'string' ? message.input : undefined;
          host.callTool(String(message.name), input).then(
            (value) => this.#post({ kind: 'result', id, ok: true, value }),
            (error: unknown) =>
              this.#post({
                kind: 'result',
                id,
                ok: false,
                value: error instanceof Error ? error.message : String(error),
              }),
          );
          return;
        }
        case 'done':
          this.#finish(
            message.ok === true
              ? { kind: 'completed' }
              : { kind: 'failed', error: scriptErrorText(String(message.error ?? ''), this.#sourceLines) },
          );
          return;
      }
      this.#wake?.();
    });
    // What reaches here is whatever the worker threw uncaught, possibly not an Error (a
    // FinalizationRegistry callback of the script throwing `null`): never let it throw here.
    this.#worker.on('error', (error: unknown) =>
      this.#finish({ kind: 'failed', error: workerErrorText(error) }),
    );
    this.#worker.on('exit', () => this.#finish({ kind: 'terminated' }));
  }

  /** How the script ended, undefined while it runs. */
  get end(): CellEnd | undefined {
    return this.#end;
  }

  /**
   * The content produced since the last call (and forgets it); when items were dropped over
   * {@link CELL_MAX_HELD_CHARS}, a last item `[omitted N items over the output limit ...]`.
   */
  take(): CellContent[] {
    const content = this.#content;
    if (this.#dropped > 0)
      content.push({
        type: 'input_text',
        text: `[omitted ${this.#dropped} items over the output limit ...]`,
      });
    this.#content = [];
    this.#heldChars = 0;
    this.#dropped = 0;
    return content;
  }

  #hold(item: CellContent): void {
    const chars = item.type === 'input_text' ? item.text.length : item.image_url.length;
    if (this.#heldChars + chars > CELL_MAX_HELD_CHARS) {
      this.#dropped += 1;
      return;
    }
    this.#heldChars += chars;
    this.#content.push(item);
  }

  /** Resolves when the script ended, asked to yield (`yield_control()`), `deadline` (epoch ms) passed or `signal` fired. */
  async progress(deadline: number, signal?: AbortSignal): Promise<void> {
    this.#yieldRequested = false;
    while (this.#end === undefined && !this.#yieldRequested && !signal?.aborted) {
      const wait = deadline - Date.now();
      if (wait <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, wait);
        const onAbort = (): void => done();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.#wake = done;
        function done(): void {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
      });
      this.#wake = undefined;
    }
  }

  /** Stops the script now (its end becomes `terminated` unless it had ended). */
  async terminate(): Promise<void> {
    await this.#worker.terminate();
    this.#finish({ kind: 'terminated' });
  }

  #post(message: unknown): void {
    if (this.#end === undefined) this.#worker.postMessage(message);
  }

  #finish(end: CellEnd): void {
    if (this.#end !== undefined) return;
    this.#end = end;
    // The script is over: unawaited promises and pending timers are discarded with the worker.
    void this.#worker.terminate();
    this.#wake?.();
  }
}
