// Waiting for a process the code under test must have ended (killed process groups, closed sessions).

/**
 * Polls `pid` with signal 0 every `intervalMs` (default 20) until it no longer exists or
 * `timeoutMs` (default 2000) passed. Resolves true when it is gone, false when it still runs. A
 * zombie still counts as running (signal 0 reaches it), so a test asserting `true` needs the
 * process reaped.
 */
export async function processGone(pid: number, timeoutMs = 2000, intervalMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
