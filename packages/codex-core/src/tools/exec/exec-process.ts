import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { childProcess } from '../../internal/child-process.js';

/** Most bytes of output kept per buffer (first and last halves kept, the middle dropped). */
export const OUTPUT_BUFFER_MAX_BYTES = 1024 * 1024;

/** How long to wait for the output pipes to drain after the process exited (a background child may hold them). */
const DRAIN_GRACE_MS = 250;

/** Keeps at most `maxBytes` of a byte stream: its first and last `maxBytes / 2` bytes. */
export class HeadTailBuffer {
  readonly #half: number;
  #head: Buffer[] = [];
  #headBytes = 0;
  #tail: Buffer[] = [];
  #tailBytes = 0;

  constructor(maxBytes = OUTPUT_BUFFER_MAX_BYTES) {
    this.#half = Math.max(1, Math.floor(maxBytes / 2));
  }

  push(chunk: Buffer): void {
    let rest = chunk;
    if (this.#headBytes < this.#half) {
      const take = rest.subarray(0, this.#half - this.#headBytes);
      this.#head.push(take);
      this.#headBytes += take.length;
      rest = rest.subarray(take.length);
    }
    if (rest.length === 0) return;
    this.#tail.push(rest);
    this.#tailBytes += rest.length;
    while (this.#tailBytes > this.#half) {
      const first = this.#tail[0] as Buffer;
      const excess = this.#tailBytes - this.#half;
      if (first.length <= excess) {
        this.#tail.shift();
        this.#tailBytes -= first.length;
      } else {
        this.#tail[0] = first.subarray(excess);
        this.#tailBytes -= excess;
      }
    }
  }

  /** The kept bytes as UTF-8 text. */
  text(): string {
    return Buffer.concat([...this.#head, ...this.#tail]).toString('utf8');
  }

  /** The kept text, emptying the buffer. */
  take(): string {
    const text = this.text();
    this.#head = [];
    this.#tail = [];
    this.#headBytes = 0;
    this.#tailBytes = 0;
    return text;
  }
}

/** How a process was started: argv, directory, environment, and whether stdin stays open. */
export interface ExecProcessOptions {
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Keep stdin open as a pipe (`tty: true`); otherwise stdin is `/dev/null`. */
  openStdin: boolean;
  /**
   * Run once after the process exited (or failed to start), before `exitCode` is set and
   * `finished` resolves (the sandbox's `PreparedCommand.cleanup`); a rejection is ignored.
   */
  cleanup?: (() => Promise<void>) | undefined;
}

/**
 * One command started by `exec_command`: its own process group (so a kill reaches its children),
 * stdout and stderr merged into `pending` (output not yet returned to the model) and `aggregated`
 * (everything, for the `command_execution` item), each kept to {@link OUTPUT_BUFFER_MAX_BYTES}.
 */
export class ExecProcess {
  readonly #child: ChildProcess;
  readonly pending = new HeadTailBuffer();
  readonly aggregated = new HeadTailBuffer();
  readonly #changed = new Set<() => void>();
  #exitCode: number | undefined;
  #spawnError: Error | undefined;
  /** Resolves true once the process started, false when it could not be started. */
  readonly spawned: Promise<boolean>;
  /** Resolves once the process exited and its output was read (or the drain grace ran out). */
  readonly finished: Promise<void>;

  constructor(options: ExecProcessOptions) {
    const [file, ...args] = options.argv;
    this.#child = childProcess().spawn(file ?? '/bin/sh', args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: [options.openStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    this.spawned = new Promise<boolean>((resolve) => {
      this.#child.once('spawn', () => resolve(true));
      this.#child.once('error', () => resolve(false));
    });
    const onData = (chunk: Buffer): void => {
      this.pending.push(chunk);
      this.aggregated.push(chunk);
      this.#notify();
    };
    this.#child.stdout?.on('data', onData);
    this.#child.stderr?.on('data', onData);
    this.#child.stdin?.on('error', () => {});
    const streamsDone = Promise.all(
      [this.#child.stdout, this.#child.stderr].map(
        (stream) =>
          new Promise<void>((resolve) => {
            if (!stream) return resolve();
            stream.once('close', resolve);
            stream.once('error', () => resolve());
          }),
      ),
    );
    const release = async (): Promise<void> => {
      try {
        await options.cleanup?.();
      } catch {
        // A mount point left behind is removed at process exit (sandbox module).
      }
    };
    this.finished = new Promise<void>((resolve) => {
      this.#child.once('error', (error) => {
        this.#spawnError = error;
        void release().then(() => {
          this.#exitCode = 127;
          resolve();
        });
      });
      this.#child.once('exit', (code, signal) => {
        const exitCode = code ?? 128 + signalNumber(signal);
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((done) => {
          timer = setTimeout(done, DRAIN_GRACE_MS);
        });
        void Promise.race([streamsDone, grace]).then(async () => {
          clearTimeout(timer);
          await release();
          this.#exitCode = exitCode;
          resolve();
        });
      });
    }).then(() => this.#notify());
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The exit code once the process finished (128 + n for a signal n; 127 when it could not start). */
  get exitCode(): number | undefined {
    return this.#exitCode;
  }

  /** Why the process could not be started, if it could not. */
  get spawnError(): Error | undefined {
    return this.#spawnError;
  }

  get stdinOpen(): boolean {
    return this.#child.stdin?.writable === true;
  }

  /** Writes `chars` to stdin. @throws Error when stdin is closed. */
  write(chars: string): void {
    const stdin = this.#child.stdin;
    if (!stdin?.writable) throw new Error('stdin is closed');
    stdin.write(chars);
  }

  /** Kills the process group (SIGKILL). */
  kill(): void {
    if (this.#exitCode !== undefined || this.#child.pid === undefined) return;
    try {
      process.kill(-this.#child.pid, 'SIGKILL');
    } catch {
      this.#child.kill('SIGKILL');
    }
  }

  /**
   * Waits until the process finished, `deadlineMs` (a `Date.now()`-style time) passed, or
   * `signal` aborted, whichever comes first.
   */
  async waitUntil(deadlineMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#exitCode !== undefined || signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#changed.delete(check);
        resolve();
      };
      const check = (): void => {
        if (this.#exitCode !== undefined) done();
      };
      const timer = setTimeout(done, Math.max(0, deadlineMs - Date.now()));
      signal?.addEventListener('abort', done, { once: true });
      this.#changed.add(check);
    });
  }

  #notify(): void {
    for (const listener of [...this.#changed]) listener();
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (constants.signals[signal] ?? 0) : 0;
}
