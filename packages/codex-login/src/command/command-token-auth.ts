import type { AuthProvider, UnauthorizedRecovery, UnauthorizedRecoveryStep } from '@codex-ts/api';
import { ApiError } from '@codex-ts/api';
import { monotonicMs, SecretRedactor } from '@codex-ts/client';
import { untilAborted } from '../manager/auth-lock.js';
import { runTokenCommand } from './run-token-command.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Default `timeout_ms` of `[model_providers.<id>.auth]`, ms. */
export const DEFAULT_TOKEN_COMMAND_TIMEOUT_MS = 5_000;
/** Default `refresh_interval_ms` of `[model_providers.<id>.auth]`, ms (0 = never proactively). */
export const DEFAULT_TOKEN_COMMAND_REFRESH_INTERVAL_MS = 300_000;

/** Options of {@link CommandTokenAuth} (the `[model_providers.<id>.auth]` table, camelCase). */
export interface CommandTokenAuthOptions {
  /**
   * `command`: the program, started without a shell. An absolute path is used as is, a relative
   * path with more than one component (`./mint-token`, `bin/mint`) is joined to {@link cwd}, a bare
   * name is looked up on `PATH` (of {@link env}). Must not be blank.
   */
  command: string;
  /** `args`, passed as they are (no shell expansion). Default `[]`. */
  args?: readonly string[] | undefined;
  /**
   * The working directory of the command. 0.169.0 ran it in the CLI's working directory (the
   * workspace) unless `cwd` was configured; pass that. Default `process.cwd()`.
   */
  cwd?: string | undefined;
  /** The command's environment (and its `PATH` lookup). Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** `timeout_ms`: bound of one run in ms (the child is killed after it). Default 5000; must be ≥ 1. */
  timeoutMs?: number | undefined;
  /**
   * `refresh_interval_ms`: a token younger than this (ms, measured from the end of its run) is
   * reused; an older one makes the next request run the command again. `0` = reuse forever (only a
   * 401 reruns it). Default 300000.
   */
  refreshIntervalMs?: number | undefined;
  /**
   * Every token the command prints is registered here (`addCredential('Bearer <token>')`, so the
   * token alone too) before it is used; log lines are redacted with it. Default: a private one.
   */
  redactor?: SecretRedactor | undefined;
  /**
   * Log sink, as `AuthManager`'s: gets `error` "Failed to resolve external auth: <error text>" each
   * time a request goes out without a token because the command failed (0.169.0 printed it as
   * `ERROR codex_login::auth::manager: …` on stderr). Never a secret.
   */
  log?: ((level: 'error' | 'warn' | 'info', message: string) => void) | undefined;
  /** Monotonic clock in ms (tests). Default `monotonicMs()`. */
  now?: (() => number) | undefined;
}

/**
 * A bearer token printed by a command (`[model_providers.<id>.auth]`; upstream
 * `BearerTokenRefresher` of codex-rs `login/src/auth/external_bearer.rs`, login.md §8), an
 * `AuthProvider` of `@codex-ts/api`.
 *
 * - {@link authHeaders}: `{ authorization: 'Bearer <token>' }` with the cached token while it is
 *   younger than `refreshIntervalMs` (always with 0), else after running the command. When the
 *   command fails, resolves `{}` (the request goes out **without** `authorization`, as 0.169.0
 *   sent it) and logs "Failed to resolve external auth: <text>"; failures are not cached, so the
 *   next request runs the command again.
 * - {@link unauthorizedRecovery}: after a 401, one step `command` that always reruns the command;
 *   its failure rejects with the `ApiError` `auth_transient` naming the command (the turn loop
 *   retries: "Reconnecting... 1/5 (provider auth command `…` exited with status exit status: 3:
 *   …)"), see `runTokenCommand` texts below.
 * - Single flight: one run at a time; a request waiting for a run reuses its token.
 *
 * Error texts (`ApiError` `auth_transient`, each naming the command, never stdout): "provider auth
 * command `<cmd>` timed out after <N> ms", "… failed to start: <reason> (os error <n>)", "… exited
 * with status exit status: <code>[: <stderr>]", "… wrote non-UTF-8 data to stdout", "… produced an
 * empty token". The token lives in a private field; `toString`/`toJSON` show the command only.
 */
export class CommandTokenAuth implements AuthProvider {
  readonly #command: string;
  readonly #args: readonly string[];
  readonly #cwd: string;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #timeoutMs: number;
  readonly #refreshIntervalMs: number;
  readonly #redactor: SecretRedactor;
  readonly #log: CommandTokenAuthOptions['log'];
  readonly #now: () => number;
  #cached: { token: string; fetchedAt: number } | undefined;
  /** Tail of the run queue (upstream: a one-permit semaphore). */
  #tail: Promise<unknown> = Promise.resolve();
  #runs = 0;

  /**
   * @throws {TypeError} when `command` is blank, `timeoutMs` is not an integer ≥ 1 or
   *   `refreshIntervalMs` not an integer ≥ 0.
   */
  constructor(options: CommandTokenAuthOptions) {
    if (options.command.trim() === '') throw new TypeError('provider auth.command must not be empty');
    const timeoutMs = options.timeoutMs ?? DEFAULT_TOKEN_COMMAND_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new TypeError('auth.timeout_ms must be ≥ 1');
    const interval = options.refreshIntervalMs ?? DEFAULT_TOKEN_COMMAND_REFRESH_INTERVAL_MS;
    if (!Number.isInteger(interval) || interval < 0) {
      throw new TypeError('auth.refresh_interval_ms must be ≥ 0');
    }
    this.#command = options.command;
    this.#args = [...(options.args ?? [])];
    this.#cwd = options.cwd ?? process.cwd();
    this.#env = options.env ?? process.env;
    this.#timeoutMs = timeoutMs;
    this.#refreshIntervalMs = interval;
    this.#redactor = options.redactor ?? new SecretRedactor();
    this.#log = options.log;
    this.#now = options.now ?? monotonicMs;
  }

  /** The configured command (as written; for messages). */
  get command(): string {
    return this.#command;
  }

  /** How many times the command was started so far. */
  get runs(): number {
    return this.#runs;
  }

  /**
   * `{ authorization: 'Bearer <token>' }`, running the command first when there is no fresh
   * token; `{}` when the command failed (logged, see the class doc).
   *
   * @throws {ApiError} `aborted` when `signal` fired while waiting for the command.
   */
  async authHeaders(signal?: AbortSignal): Promise<Record<string, string>> {
    try {
      return { authorization: `Bearer ${await this.token(signal)}` };
    } catch (error) {
      if (ApiError.isInstance(error) && error.code === 'aborted') throw error;
      const text = error instanceof Error ? error.message : String(error);
      this.#log?.('error', this.#redactor.redact(`Failed to resolve external auth: ${text}`));
      return {};
    }
  }

  /**
   * The token: the cached one while fresh, else the output of a new run (upstream `resolve`).
   *
   * @throws {ApiError} `auth_transient` with the command's failure text; `aborted` when `signal`
   *   fired (a run already started still finishes and fills the cache).
   */
  token(signal?: AbortSignal): Promise<string> {
    const fresh = this.#fresh();
    if (fresh !== undefined) return Promise.resolve(fresh);
    return this.#exclusive(signal, () => this.#fresh() ?? this.#run());
  }

  /**
   * Runs the command again whatever the cache holds (upstream `refresh`, after a 401) and caches
   * the new token.
   *
   * @throws {ApiError} as {@link token}.
   */
  refresh(signal?: AbortSignal): Promise<string> {
    return this.#exclusive(signal, () => this.#run());
  }

  /**
   * One recovery step, `command` (mode `command`): reruns the command ({@link refresh}); resolves
   * `{ step: 'command', authChanged: <token differs>, refreshed: false }`, or rejects with its
   * `auth_transient` / `aborted` error.
   */
  unauthorizedRecovery(): UnauthorizedRecovery {
    let used = false;
    return {
      mode: 'command',
      hasNext: () => !used,
      next: async (signal?: AbortSignal): Promise<UnauthorizedRecoveryStep> => {
        if (used) throw new ApiError('auth_transient', 'No more recovery steps available.');
        used = true;
        const before = this.#cached?.token;
        const token = await this.refresh(signal);
        return { step: 'command', authChanged: token !== before, refreshed: false };
      },
    };
  }

  /**
   * Resolves when no run is queued or running (each run ends within `timeoutMs`): for a host
   * that shuts down and must not leave the command running. Never rejects.
   */
  async whenIdle(): Promise<void> {
    for (let tail = this.#tail; ; tail = this.#tail) {
      await tail;
      if (tail === this.#tail) return;
    }
  }

  /** E.g. `CommandTokenAuth(/bin/sh)`; never the token. */
  toString(): string {
    return `CommandTokenAuth(${this.#command})`;
  }

  /** `{ type: 'command', command }`; never the token. */
  toJSON(): { type: 'command'; command: string } {
    return { type: 'command', command: this.#command };
  }

  /** What `util.inspect` / `console.log` print: the command, never the token. */
  [INSPECT](): string {
    return `CommandTokenAuth { command: '${this.#command}', token: <redacted> }`;
  }

  #fresh(): string | undefined {
    const cached = this.#cached;
    if (cached === undefined) return undefined;
    if (this.#refreshIntervalMs === 0) return cached.token;
    return this.#now() - cached.fetchedAt < this.#refreshIntervalMs ? cached.token : undefined;
  }

  async #run(): Promise<string> {
    this.#runs += 1;
    const token = await runTokenCommand({
      command: this.#command,
      args: this.#args,
      cwd: this.#cwd,
      env: this.#env,
      timeoutMs: this.#timeoutMs,
    });
    this.#redactor.addCredential(`Bearer ${token}`);
    this.#cached = { token, fetchedAt: this.#now() };
    return token;
  }

  /** Runs `work` after every earlier run finished; a caller whose `signal` fired stops waiting. */
  #exclusive(signal: AbortSignal | undefined, work: () => string | Promise<string>): Promise<string> {
    const result = this.#tail.then(() => {
      if (signal?.aborted) throw new ApiError('aborted', 'aborted');
      return work();
    });
    this.#tail = result.catch(() => undefined);
    return untilAborted(result, signal);
  }
}
