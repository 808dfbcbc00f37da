import type { TurnEvent } from '@codex-ts/core';
import {
  addTokenUsage,
  blendedTotal,
  isAssistantMessage,
  messageText,
  reasoningText,
  type TokenUsage,
} from '@codex-ts/protocol';
import { formatTokenCount, type HumanStyles, humanStyles } from './human-styles.js';
import { type HumanSessionSummary, sessionHeaderText } from './human-summary.js';
import type { OutputSink } from './jsonl-printer.js';

/**
 * Human output of `codex-ts exec`, as codex-cli 0.169.0 prints it. On stderr: the session header
 * ({@link HumanPrinter.header}: `OpenAI Codex v…`, the summary between `--------` rules, `user`
 * and the prompt), then each `warning: …` (a reroute as `model rerouted: <from> -> <to>`), each reasoning summary, each assistant message as
 * `codex` and its text (when its response completed: `item.completed`; each text is followed by
 * a newline, also when it ends with one, as 0.169.0's `println`), each retry notice as
 * `ERROR: Reconnecting... n/max` (the reason is only in `--json`'s `error` line), a failed turn's
 * message as `ERROR: <message>` twice (the error and the turn failure, as 0.169.0), and, at the
 * end ({@link HumanPrinter.finish}), `tokens used` and the thread's blended total (non-cached
 * input + output tokens, `1,234` grouping) when any response reported usage. On stdout: only the
 * turn's last assistant message, once the turn completed. A command the agent runs
 * (`command_execution` tool items) is shown on stderr: `exec`, then `<command> in <cwd>` when it
 * starts (the event's `cwd`, else the session's); ` succeeded in <duration>:` or
 * ` exited <code> in <duration>:` and its output (if any, followed by a newline) when it
 * completes, the duration measured between the two (`269ms`, `1.50s`, `2m 05s`). A patch
 * (`file_change`) shows `apply patch` when it starts, then `patch: completed` (or `failed`), the
 * files' absolute paths and its git-style diff (`ToolItemEvent.diff`). An automatic compaction
 * shows `context compacted` (mid-turn: after the outputs it follows; pre-turn: before the turn's
 * first output). With
 * `options.color` the labels carry 0.169.0's ANSI styles (bold keys, cyan `user`, magenta italic
 * `codex` / `exec`, dim reasoning and `tokens used`, bold yellow `warning:`, bold red `ERROR:`).
 * Deltas are not printed: a retried attempt could otherwise show its text twice (the
 * replay-safety rule of `TurnEvent`), and output that has been printed cannot be taken back.
 */
export class HumanPrinter {
  readonly #out: OutputSink;
  readonly #err: OutputSink;
  readonly #cwd: string | undefined;
  readonly #styles: HumanStyles;
  readonly #priorUsage: TokenUsage | undefined;
  /** Start times (ms) of the command items shown, by `tool.item` key. */
  readonly #commandStarts = new Map<string, number>();
  #lastMessage: string | undefined;
  #turnUsage: TokenUsage | undefined;

  /**
   * `options.cwd`: the directory shown after a command whose event names none (`… in <cwd>`);
   * `options.color`: ANSI styles on stderr (default none); `options.priorUsage`: a resumed
   * thread's usage before this process, in tokens, added to `tokens used`.
   */
  constructor(
    out: OutputSink,
    err: OutputSink,
    options: { cwd?: string; color?: boolean; priorUsage?: TokenUsage | undefined } = {},
  ) {
    this.#out = out;
    this.#err = err;
    this.#cwd = options.cwd;
    this.#styles = humanStyles(options.color === true);
    this.#priorUsage = options.priorUsage;
  }

  /** Prints the session header and the prompt (stderr), before the turn's events. */
  header(summary: HumanSessionSummary, prompt: string): void {
    this.#err.write(sessionHeaderText(summary, prompt, this.#styles));
  }

  /** Prints `tokens used` and the blended total (stderr) when any response of the turn reported usage. */
  finish(): void {
    if (this.#turnUsage === undefined) return;
    const usage = this.#priorUsage ? addTokenUsage(this.#priorUsage, this.#turnUsage) : this.#turnUsage;
    this.#err.write(`${this.#styles.dim('tokens used')}\n${formatTokenCount(blendedTotal(usage))}\n`);
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
    const styles = this.#styles;
    if (event.phase === 'started') {
      this.#commandStarts.set(event.key, Date.now());
      const cwd = event.cwd ?? this.#cwd;
      this.#err.write(`${styles.label('exec')}\n${styles.bold(item.command)}${cwd ? ` in ${cwd}` : ''}\n`);
      return;
    }
    if (event.phase !== 'completed') return;
    const startedAt = this.#commandStarts.get(event.key);
    this.#commandStarts.delete(event.key);
    const duration = formatDuration(startedAt === undefined ? 0 : Date.now() - startedAt);
    this.#err.write(
      item.exit_code === 0
        ? `${styles.green(` succeeded in ${duration}:`)}\n`
        : `${styles.red(` exited ${item.exit_code ?? -1} in ${duration}:`)}\n`,
    );
    if (item.aggregated_output) this.#err.write(`${item.aggregated_output}\n`);
  }

  handle(event: TurnEvent): void {
    const styles = this.#styles;
    switch (event.type) {
      case 'tool.item':
        this.#command(event);
        this.#fileChange(event);
        return;
      case 'item.completed': {
        const { item } = event;
        if (item.type === 'reasoning') {
          const text = reasoningText(item);
          if (text) this.#err.write(`${styles.dim(text)}\n`);
        } else if (isAssistantMessage(item)) {
          const text = messageText(item);
          if (text) {
            this.#lastMessage = text;
            this.#err.write(`${styles.label('codex')}\n${text}\n`);
          }
        }
        return;
      }
      case 'token_count':
        this.#turnUsage = event.total;
        return;
      case 'context_compacted':
        this.#err.write('context compacted\n');
        return;
      case 'stream_error':
        this.#err.write(`${styles.error('ERROR:')} Reconnecting... ${event.retry}/${event.maxRetries}\n`);
        return;
      case 'warning':
        this.#err.write(`${styles.warning('warning:')} ${event.message}\n`);
        return;
      case 'model_reroute':
        // 0.169.0: no reason here (the --json `error` item has it: `modelRerouteText`).
        this.#err.write(`${styles.warning('model rerouted:')} ${event.fromModel} -> ${event.toModel}\n`);
        return;
      case 'turn.completed':
        if (this.#lastMessage !== undefined) this.#out.write(`${this.#lastMessage}\n`);
        return;
      case 'turn.failed': {
        const line = `${styles.error('ERROR:')} ${event.message}\n`;
        this.#err.write(line + line);
        return;
      }
      case 'turn.aborted':
        this.#err.write('turn interrupted\n');
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
