/**
 * Milliseconds on a monotonic clock with a sub-millisecond fraction, as `performance.now()` gives
 * (only differences mean anything). Not `performance.now()` itself: the global `performance` loads
 * `node:perf_hooks` (~0.7 ms of start-up) the first time it is read. Internal to the package.
 */
export function monotonicMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}

/** The wall-clock time at {@link monotonicMs} 0: what `performance.timeOrigin` is to `performance.now()`. */
const WALL_CLOCK_ORIGIN_MS = Date.now() - monotonicMs();

/**
 * Unix time in ms with a sub-millisecond fraction, as `performance.timeOrigin + performance.now()`
 * (a monotonic clock anchored to the wall clock once, when the package loads).
 */
export function wallClockMs(): number {
  return WALL_CLOCK_ORIGIN_MS + monotonicMs();
}
