/**
 * Milliseconds on a monotonic clock with a sub-millisecond fraction, as `performance.now()` gives
 * (only differences mean anything). Not `performance.now()` itself: the global `performance` loads
 * `node:perf_hooks` (~0.7 ms of start-up) the first time it is read. Internal to the package.
 */
export function monotonicMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}
