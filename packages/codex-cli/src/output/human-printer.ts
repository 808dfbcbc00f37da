import { modelRerouteText, type TurnEvent } from '@codex-ts/core';
import { isAssistantMessage, messageText, reasoningText } from '@codex-ts/protocol';
import type { OutputSink } from './jsonl-printer.js';

/**
 * Human output of `codex-ts exec`: each assistant message goes to stdout and each reasoning
 * summary to stderr when its response completed (`item.completed`), notices go to stderr, and a
 * failed turn prints `ERROR: <message>` on stderr. A command the agent runs (`command_execution`
 * tool items) is shown on stderr as codex-cli 0.169.0 shows it: `exec`, then `<command> in <cwd>`
 * when it starts (the directory it runs in: the event's `cwd`, else the session's); ` succeeded in <duration>:` or ` exited <code> in <duration>:` and its output
 * (if any, followed by a newline) when it completes, the duration measured between the two
 * (`269ms`, `1.50s`, `2m 05s`). A patch (`file_change`) shows `apply patch` when it starts, then
 * `patch: completed` (or `failed`), the files' absolute paths and its git-style diff
 * (`ToolItemEvent.diff`). An automatic compaction shows `context compacted` on stderr
 * (mid-turn: after the outputs it follows; pre-turn: before the turn's first output). Deltas are not printed: a retried attempt
 * could otherwise show its text twice (the replay-safety rule of `TurnEvent`), and output that
 * has been printed cannot be taken back.
 */
export class HumanPrinter {
  readonly #out: OutputSink;
  readonly #err: OutputSink;
  readonly #cwd: string | undefined;
  /** Start times (ms) of the command items shown, by `tool.item` key. */
  readonly #commandStarts = new Map<string, number>();

  /** `options.cwd`: the directory shown after a command whose event names none (`… in <cwd>`). */
  constructor(out: OutputSink, err: OutputSink, options: { cwd?: string } = {}) {
    this.#out = out;
    this.#err = err;
    this.#cwd = options.cwd;
  }

  #fileChange(event: Extract<TurnEvent, { type: 'tool.item' }>): void {
    const { item } = event;
    if (item.type !== 'file_change') return;
    if (event.phase === 'started') {
      this.#err.write('apply patch\n');
      return;
    }
    if (event.phase !== 'completed') return;
    const paths = item.changes.map((change) => `${change.path}\n`).join('');
    this.#err.write(`patch: ${item.status === 'completed' ? 'completed' : 'failed'}\n${paths}`);
    if (item.status === 'completed' && event.diff) this.#err.write(`${event.diff}\n`);
  }

  #command(event: Extract<TurnEvent, { type: 'tool.item' }>): void {
    const { item } = event;
    if (item.type !== 'command_execution') return;
    if (event.phase === 'started') {
      this.#commandStarts.set(event.key, Date.now());
      const cwd = event.cwd ?? this.#cwd;
      this.#err.write(`exec\n${item.command}${cwd ? ` in ${cwd}` : ''}\n`);
      return;
    }
    if (event.phase !== 'completed') return;
    const startedAt = this.#commandStarts.get(event.key);
    this.#commandStarts.delete(event.key);
    const duration = formatDuration(startedAt === undefined ? 0 : Date.now() - startedAt);
    const status = item.exit_code === 0 ? ' succeeded' : ` exited ${item.exit_code ?? -1}`;
    this.#err.write(`${status} in ${duration}:\n`);
    if (item.aggregated_output) this.#err.write(`${item.aggregated_output}\n`);
  }

  handle(event: TurnEvent): void {
    switch (event.type) {
      case 'tool.item':
        this.#command(event);
        this.#fileChange(event);
        return;
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
      case 'context_compacted':
        this.#err.write('context compacted\n');
        return;
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

/** `269ms` under a second, `1.50s` under a minute, else `2m 05s` (upstream `format_duration`). */
export function formatDuration(ms: number): string {
  const millis = Math.max(0, Math.round(ms));
  if (millis < 1000) return `${millis}ms`;
  if (millis < 60_000) return `${(millis / 1000).toFixed(2)}s`;
  const minutes = Math.floor(millis / 60_000);
  const seconds = Math.floor((millis % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
