import { appendFileSync, closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `$CODEX_HOME/sessions`: where rollout files live (`sessions/YYYY/MM/DD/rollout-….jsonl`). */
export const SESSIONS_DIR = 'sessions';

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/**
 * The rollout file of a new thread, as codex-rs `precompute_log_file_info`
 * (`codex-rs/rollout/src/recorder.rs`) names it: `<codexHome>/sessions/YYYY/MM/DD/
 * rollout-YYYY-MM-DDThh-mm-ss-<threadId>.jsonl`, date and time in the machine's local time zone.
 */
export function rolloutPathFor(codexHome: string, threadId: string, now: Date = new Date()): string {
  const year = String(now.getFullYear());
  const month = pad(now.getMonth() + 1);
  const day = pad(now.getDate());
  const stamp = `${year}-${month}-${day}T${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
  return join(codexHome, SESSIONS_DIR, year, month, day, `rollout-${stamp}-${threadId}.jsonl`);
}

/** True when `path` is missing, empty or ends with `\n`. */
function endsWithNewline(path: string): boolean {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return true;
  }
  if (size === 0) return true;
  const fd = openSync(path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

/** A record held back by {@link RolloutWriter.appendLater}; `waitFor` until its payload is known. */
interface HeldRecord {
  at: Date;
  type: string;
  payload: unknown;
  waitFor?: Promise<unknown> | undefined;
}

/**
 * Appends rollout lines to one file, one `write` per record so that a crash leaves every
 * completed line readable (at most the line being written is cut short): `{"timestamp":
 * "<RFC 3339 UTC, ms>","ordinal":N,"type":…,"payload":…}\n`, ordinals counting on from
 * `nextOrdinal`. Appending to a file whose last line was cut short starts with a newline. The file and its folders are created at the first record (mode per the umask,
 * as the original: 0644 under the usual 022). A write that fails (disk full, permissions) is kept
 * in {@link RolloutWriter.failure} and stops further writes; it never throws to the caller, so a
 * turn is never failed by its recording.
 *
 * A record whose payload is still being worked out ({@link RolloutWriter.appendLater}: the
 * `session_meta` of a new thread waits for `git`) holds back itself and every record appended
 * after it, in memory and in order, until its payload is known; {@link RolloutWriter.settled}
 * resolves once nothing is held back (await it before the process ends or the file is read).
 */
export class RolloutWriter {
  readonly path: string;
  #ordinal: number;
  #failure: Error | undefined;
  #dirReady = false;
  readonly #clock: () => Date;
  /** Records waiting behind a payload not known yet, oldest first (undefined: none waits). */
  #held: HeldRecord[] | undefined;
  #draining: Promise<void> = Promise.resolve();

  constructor(path: string, options: { nextOrdinal?: number; clock?: () => Date } = {}) {
    this.path = path;
    this.#ordinal = options.nextOrdinal ?? 0;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** The first write error, after which nothing more is written. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /**
   * Appends one record line; the payload is written with `JSON.stringify` (key order kept). The
   * line's timestamp is taken now, also when it waits behind an {@link RolloutWriter.appendLater}.
   */
  append(type: string, payload: unknown): void {
    if (this.#held !== undefined) this.#held.push({ at: this.#clock(), type, payload });
    else this.#write(this.#clock(), type, payload);
  }

  /**
   * Appends a record whose payload is not known yet (timestamp taken now): it and every record
   * appended after it are written, in order, once `payload` resolves. A rejected `payload` counts
   * as a failed write (see {@link RolloutWriter.failure}): nothing more is written.
   */
  appendLater(type: string, payload: Promise<unknown>): void {
    const entry: HeldRecord = { at: this.#clock(), type, payload: undefined, waitFor: payload };
    if (this.#held !== undefined) {
      this.#held.push(entry);
      return;
    }
    this.#held = [entry];
    this.#draining = this.#drain();
  }

  /** Resolves once every record appended so far has been written (or given up on after a failure). */
  settled(): Promise<void> {
    return this.#draining;
  }

  async #drain(): Promise<void> {
    const held = this.#held;
    if (held === undefined) return;
    while (held.length > 0) {
      const entry = held[0] as HeldRecord;
      if (entry.waitFor !== undefined) {
        try {
          entry.payload = await entry.waitFor;
        } catch (error) {
          this.#failure ??= error instanceof Error ? error : new Error(String(error));
        }
        entry.waitFor = undefined;
        continue;
      }
      held.shift();
      this.#write(entry.at, entry.type, entry.payload);
    }
    this.#held = undefined;
  }

  #write(at: Date, type: string, payload: unknown): void {
    if (this.#failure) return;
    const line = JSON.stringify({
      timestamp: at.toISOString(),
      ordinal: this.#ordinal,
      type,
      payload,
    });
    try {
      let prefix = '';
      if (!this.#dirReady) {
        mkdirSync(dirname(this.path), { recursive: true });
        // A line cut short by a crash is closed first, so the new record stays readable.
        if (!endsWithNewline(this.path)) prefix = '\n';
      }
      this.#dirReady = true;
      appendFileSync(this.path, `${prefix}${line}\n`);
      this.#ordinal += 1;
    } catch (error) {
      this.#failure = error instanceof Error ? error : new Error(String(error));
    }
  }
}
