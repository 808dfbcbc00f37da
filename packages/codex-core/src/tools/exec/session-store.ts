import type { ExecProcess } from './exec-process.js';

/** Most processes `exec_command` keeps alive at once (as upstream unified exec); the least recently used goes first. */
export const MAX_LIVE_EXEC_PROCESSES = 64;

/** A process `exec_command` left running, addressed by `write_stdin` through its id. */
export interface ExecSession {
  readonly id: number;
  readonly process: ExecProcess;
  /** The `tool.item` key of its `command_execution` item (the `exec_command` call id). */
  readonly key: string;
  /** The item's `command` text. */
  readonly command: string;
  /** Whether the item was started (and must be completed when the process ends). */
  itemStarted: boolean;
  lastUsed: number;
}

/**
 * The live processes of one conversation (upstream unified exec's process store): ids are random
 * integers in [1000, 100000) as the original hands out (e.g. `29039`), at most `maxLive` entries;
 * adding one more kills and drops the least recently used (an exited one first). `closeAll` kills
 * every process (conversation close).
 */
export class ExecSessionStore {
  readonly #entries = new Map<number, ExecSession>();
  readonly #maxLive: number;
  readonly #random: () => number;

  constructor(options: { maxLive?: number; random?: () => number } = {}) {
    this.#maxLive = Math.max(1, options.maxLive ?? MAX_LIVE_EXEC_PROCESSES);
    this.#random = options.random ?? Math.random;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Stores `process` under a fresh id, pruning first when the store is full. */
  add(process: ExecProcess, key: string, command: string, itemStarted: boolean): ExecSession {
    while (this.#entries.size >= this.#maxLive) this.#pruneOne();
    let id = 0;
    do id = 1000 + Math.floor(this.#random() * 99_000);
    while (this.#entries.has(id));
    const session: ExecSession = { id, process, key, command, itemStarted, lastUsed: Date.now() };
    this.#entries.set(id, session);
    return session;
  }

  get(id: number): ExecSession | undefined {
    const session = this.#entries.get(id);
    if (session) session.lastUsed = Date.now();
    return session;
  }

  delete(id: number): void {
    this.#entries.delete(id);
  }

  /** Kills every stored process and forgets them. */
  closeAll(): void {
    for (const session of this.#entries.values()) session.process.kill();
    this.#entries.clear();
  }

  #pruneOne(): void {
    const sessions = [...this.#entries.values()].sort((a, b) => a.lastUsed - b.lastUsed);
    const victim = sessions.find((s) => s.process.exitCode !== undefined) ?? sessions[0];
    if (!victim) return;
    victim.process.kill();
    this.#entries.delete(victim.id);
  }
}
