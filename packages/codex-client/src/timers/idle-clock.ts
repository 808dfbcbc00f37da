/**
 * The one timer implementation of the library: {@link clampTimerMs} for every duration handed to
 * `setTimeout`, and {@link IdleClock} for idle timeouts and deadlines (SSE body, time to response
 * headers, request deadline, WebSocket handshake and frames).
 */
import { monotonicMs } from './monotonic-clock.js';

/** The longest delay Node's timers accept, ms (2^31 − 1, about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * `ms` clamped to what a Node timer can wait: [0, {@link MAX_TIMER_MS}] ms. Node turns a delay
 * above 2^31 − 1 (or below 1) into 1 ms and prints a `TimeoutOverflowWarning`, so a configured
 * 3 000 000 000 ms timeout would fire at once; clamped, it waits about 24.8 days instead.
 * Negative values and NaN give 0 (fire at once), +Infinity gives the maximum. Never throws.
 */
export function clampTimerMs(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}

/**
 * An idle timeout (or, when never touched, a deadline) on one lazily re-armed `setTimeout`.
 *
 * The clock measures the time since the last {@link IdleClock.start} or {@link IdleClock.touch}
 * while it runs, and calls `onExpire(elapsedMs)` once that reaches `timeoutMs` (clamped with
 * {@link clampTimerMs}; 0 expires on the next timer tick, as a zero timeout does in codex-rs). It
 * expires at most once; after that, or after {@link IdleClock.stop}, nothing it does has an effect.
 *
 * Cost per activity: `touch()` only records `monotonicMs()`; no timer is created or cleared.
 * When the timer fires early (there was activity since it was armed), it re-arms for the rest.
 * {@link IdleClock.hold} pauses the clock (e.g. while the consumer, not the peer, is behind)
 * without clearing the timer: a firing while held is ignored and `start()` re-arms.
 */
export class IdleClock {
  /** The timeout in ms, clamped to [0, {@link MAX_TIMER_MS}]. */
  readonly timeoutMs: number;
  private readonly onExpire: (elapsedMs: number) => void;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private since = 0;
  private running = false;
  private done = false;

  /** Creates a stopped clock; nothing is armed before {@link IdleClock.start}. */
  constructor(timeoutMs: number, onExpire: (elapsedMs: number) => void) {
    this.timeoutMs = clampTimerMs(timeoutMs);
    this.onExpire = onExpire;
  }

  /** True once the clock expired or was stopped. */
  get finished(): boolean {
    return this.done;
  }

  /** Starts (or restarts) counting from now and arms the timer if needed. */
  start(): void {
    if (this.done) return;
    this.since = monotonicMs();
    this.running = true;
    if (this.timer === undefined) this.timer = setTimeout(this.fire, this.timeoutMs);
  }

  /** Activity: the idle period restarts from now (no timer work). */
  touch(): void {
    this.since = monotonicMs();
  }

  /** Stops counting until the next {@link IdleClock.start}; the armed timer is left to fire harmlessly. */
  hold(): void {
    this.running = false;
  }

  /** Stops for good and clears the timer. Idempotent. */
  stop(): void {
    this.done = true;
    this.running = false;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    if (this.done || !this.running) return;
    const elapsed = monotonicMs() - this.since;
    if (elapsed >= this.timeoutMs) {
      this.done = true;
      this.running = false;
      this.onExpire(elapsed);
    } else {
      this.timer = setTimeout(this.fire, clampTimerMs(this.timeoutMs - elapsed));
    }
  };
}
