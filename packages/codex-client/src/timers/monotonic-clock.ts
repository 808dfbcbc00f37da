/**
 * Milliseconds on a monotonic clock with a sub-millisecond fraction, as `performance.now()` gives
 * (only differences mean anything: durations, deadlines). Built on `process.hrtime()` rather than
 * `performance.now()`: the global `performance` loads `node:perf_hooks` (~0.7 ms of start-up) the
 * first time it is read, and a short `codex-ts exec` turn needs none of it. Never throws.
 */
export function monotonicMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}

/** The wall-clock time at {@link monotonicMs} 0: what `performance.timeOrigin` is to `performance.now()`. */
const WALL_CLOCK_ORIGIN_MS = Date.now() - monotonicMs();

/**
 * Unix time in ms with a sub-millisecond fraction, as `performance.timeOrigin + performance.now()`
 * gives it: {@link monotonicMs} anchored to `Date.now()` once, when the package loads (so it never
 * goes backwards when the system clock is set). Never throws.
 */
export function wallClockMs(): number {
  return WALL_CLOCK_ORIGIN_MS + monotonicMs();
}
