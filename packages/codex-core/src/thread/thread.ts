import { dirname, resolve } from 'node:path';
import type { ThreadEvent, ThreadItem, Usage } from '@codex-ts/protocol';
import { stat } from '../internal/fs-async.js';
import { openExecConversation } from '../session/open-exec.js';
import type { OpenExecOptions, OpenedExecConversation } from '../session/open-exec-options.js';
import type { TurnEvent } from '../turn/events.js';
import { NOT_GIT_REPO_MESSAGE, ThreadError } from './thread-error.js';
import { ThreadEventMapper } from './thread-event-mapper.js';
import { type ThreadInput, threadInputMessage } from './thread-input.js';
import type { TurnOptions } from './thread-options.js';

/** What {@link Thread.run} resolves to: the completed turn. */
export interface RunResult {
  /** Every `item.completed` item of the turn, in order (reasoning, agent messages, tool items, error items). */
  items: ThreadItem[];
  /** Text of the turn's last `agent_message` (the JSON answer with an `outputSchema`); `""` when none. */
  finalResponse: string;
  /** `turn.completed.usage`: tokens summed over the turn's responses. */
  usage: Usage | null;
}

/** What {@link Thread.runStreamed} resolves to. */
export interface StreamedTurn {
  /** The run's thread events, exactly as `codex exec --json` prints them (see {@link Thread.runStreamed}). */
  events: AsyncGenerator<ThreadEvent>;
}

/**
 * How a {@link Thread} reaches what made it (a `Codex`): `open(resume)` gives the options of the
 * thread's `openExecConversation` session (called on each open attempt), `forget` is called once by
 * `close()`.
 */
export interface ThreadHost {
  open(resume: { threadId: string } | undefined): OpenExecOptions;
  forget(thread: Thread): void;
}

/** A thread event with the turn event it came from (`undefined` for `thread.started`). */
interface SourcedEvent {
  event: ThreadEvent;
  source: TurnEvent | undefined;
}

/**
 * One conversation with the agent, running in this process (see `Codex`): consecutive turns
 * share its history, its thread id and its session (model client, WebSocket). The session
 * opens on the first run (`openExecConversation`: config, credentials, prewarm); a thread from
 * `resumeThread(id)` opens with `resume: {threadId}`. Runs of one thread are sequential; runs
 * of different threads are independent and may overlap.
 */
export class Thread {
  readonly #host: ThreadHost;
  readonly #workingDirectory: string;
  readonly #skipGitRepoCheck: boolean;
  readonly #resume: { threadId: string } | undefined;
  readonly #closing = new AbortController();
  #id: string | null;
  #opened: Promise<OpenedExecConversation> | undefined;
  #running = false;

  /** @internal Made by `Codex.startThread` / `Codex.resumeThread`. */
  constructor(
    host: ThreadHost,
    options: { workingDirectory: string; skipGitRepoCheck: boolean; resumeId?: string | undefined },
  ) {
    this.#host = host;
    this.#workingDirectory = options.workingDirectory;
    this.#skipGitRepoCheck = options.skipGitRepoCheck;
    this.#resume = options.resumeId === undefined ? undefined : { threadId: options.resumeId };
    this.#id = options.resumeId ?? null;
  }

  /**
   * The thread id (UUID v7; `session-id`, `thread-id`, `prompt_cache_key` on the wire): the id
   * given to `resumeThread`, else `null` until the first run opened the session (it is set before
   * that run's `thread.started` event is yielded), as in `@openai/codex-sdk`.
   */
  get id(): string | null {
    return this.#id;
  }

  /**
   * Runs one turn and yields its events as they happen: exactly the lines `codex exec --json`
   * prints for the same turn (`ThreadEventMapper`): `thread.started` (every run, like each exec
   * process), `turn.started`, `item.started` / `item.updated` / `item.completed` (ids `item_N`
   * counted per run), `error` notices, and `turn.completed` or `turn.failed` last; an abort
   * ends with `turn.failed` "turn aborted". The generator throws (nothing yielded) when the
   * run cannot start: `ThreadError` (`turn_in_progress`, `aborted` for a signal already aborted,
   * `not_git_repo`, `invalid_input`, `resume_failed`, `closed`) or the error of opening the
   * session (`ConfigError`, `LoginError`, …). Leaving the loop early (`break`) ends the turn as an
   * abort: its request is cancelled and a running tool is stopped (a command's process group killed).
   */
  async runStreamed(input: ThreadInput, turnOptions: TurnOptions = {}): Promise<StreamedTurn> {
    return { events: this.#events(input, turnOptions) };
  }

  /**
   * Runs one turn to its end and returns its items, the final answer and the usage.
   *
   * @throws ThreadError `turn_failed` (message = the `turn.failed` text, `cause` = the `ApiError`),
   *   `aborted` (the signal fired; `cause` = its reason), and every error {@link Thread.runStreamed} throws.
   */
  async run(input: ThreadInput, turnOptions: TurnOptions = {}): Promise<RunResult> {
    const items: ThreadItem[] = [];
    let finalResponse = '';
    let usage: Usage | null = null;
    for await (const { event, source } of this.#run(input, turnOptions)) {
      if (event.type === 'item.completed') {
        items.push(event.item);
        if (event.item.type === 'agent_message') finalResponse = event.item.text;
      } else if (event.type === 'turn.completed') {
        usage = event.usage;
      } else if (event.type === 'turn.failed') {
        if (source?.type === 'turn.aborted')
          throw new ThreadError('aborted', event.error.message, { cause: source.reason });
        throw new ThreadError('turn_failed', event.error.message, {
          cause: source?.type === 'turn.failed' ? source.error : undefined,
        });
      }
    }
    return { items, finalResponse, usage };
  }

  /** Ends a running turn (as an abort), releases the session (HTTP pool unless shared, WebSocket). Idempotent. */
  async close(): Promise<void> {
    this.#closing.abort(new ThreadError('closed', 'thread closed'));
    this.#host.forget(this);
    const opened = this.#opened;
    this.#opened = undefined;
    if (opened)
      await opened.then(
        (o) => o.close(),
        () => undefined,
      );
  }

  async *#events(input: ThreadInput, turnOptions: TurnOptions): AsyncGenerator<ThreadEvent> {
    for await (const { event } of this.#run(input, turnOptions)) yield event;
  }

  async *#run(input: ThreadInput, turnOptions: TurnOptions): AsyncGenerator<SourcedEvent> {
    if (this.#closing.signal.aborted) throw new ThreadError('closed', 'thread closed');
    if (this.#running) throw new ThreadError('turn_in_progress', 'a turn of this thread is still running');
    this.#running = true;
    // Aborted when the consumer leaves before the turn ended: the turn's tools (a running
    // command's process group) stop with it, as on an abort.
    const left = new AbortController();
    let ended = false;
    try {
      const signal = AbortSignal.any(
        turnOptions.signal
          ? [turnOptions.signal, this.#closing.signal, left.signal]
          : [this.#closing.signal, left.signal],
      );
      if (turnOptions.signal?.aborted)
        throw new ThreadError('aborted', 'turn aborted', { cause: turnOptions.signal.reason });
      if (!this.#skipGitRepoCheck && !(await insideGitRepo(this.#workingDirectory)))
        throw new ThreadError('not_git_repo', NOT_GIT_REPO_MESSAGE);
      const message = await threadInputMessage(input, this.#workingDirectory);
      const { conversation } = await this.#open();
      // close() during the open: it closes the session; this run does not start.
      if (this.#closing.signal.aborted) throw new ThreadError('closed', 'thread closed');
      this.#id = conversation.threadId;
      const mapper = new ThreadEventMapper();
      yield { event: mapper.threadStarted(conversation.threadId), source: undefined };
      const turn = conversation.runTurn([message], {
        signal,
        ...(turnOptions.outputSchema === undefined ? {} : { outputSchema: turnOptions.outputSchema }),
      });
      for await (const source of turn) {
        if (
          source.type === 'turn.completed' ||
          source.type === 'turn.failed' ||
          source.type === 'turn.aborted'
        )
          ended = true;
        for (const event of mapper.map(source)) yield { event, source };
      }
    } finally {
      if (!ended) left.abort(new ThreadError('aborted', 'turn aborted'));
      this.#running = false;
    }
  }

  /** The session, opened once (a failed open is retried by the next run). */
  #open(): Promise<OpenedExecConversation> {
    if (this.#opened === undefined) {
      const opening = this.#openChecked();
      this.#opened = opening;
      opening.catch(() => {
        if (this.#opened === opening) this.#opened = undefined;
      });
    }
    return this.#opened;
  }

  async #openChecked(): Promise<OpenedExecConversation> {
    const opened = await openExecConversation(this.#host.open(this.#resume));
    if (this.#resume && opened.conversation.threadId !== this.#resume.threadId) {
      await opened.close();
      throw new ThreadError('resume_failed', `could not resume thread ${this.#resume.threadId}`);
    }
    return opened;
  }
}

/** Whether `dir` or one of its parents holds `.git` (a directory, or the file of a worktree). */
async function insideGitRepo(dir: string): Promise<boolean> {
  let current = resolve(dir);
  for (let depth = 0; depth < 4096; depth += 1) {
    if (
      await stat(`${current}/.git`).then(
        () => true,
        () => false,
      )
    )
      return true;
    const parent = dirname(current);
    if (parent === current) return false;
    current = parent;
  }
  return false;
}
