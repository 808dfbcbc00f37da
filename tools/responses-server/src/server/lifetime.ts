// The server's lifetime as a set of per-operation AbortControllers, so that closing the server can
// abort every in-flight stream without each one adding a listener to one shared AbortSignal (Node
// warns with MaxListenersExceededWarning above 10 listeners of one event on one target).

/** One in-flight operation: aborted by the server's `end()` or by the operation itself. */
export interface LifetimeScope {
  /** Aborted when the server closes (or `abort()` is called). */
  readonly signal: AbortSignal;
  /** Abort this operation only (e.g. the client went away). */
  abort(): void;
  /** Forget this operation once it is over; call exactly once, in a `finally`. */
  release(): void;
}

/** Tracks in-flight operations and aborts them all at `end()`; no listener on a shared target. */
export class Lifetime {
  private readonly live = new Set<AbortController>();
  private endedFlag = false;

  /** True once `end()` ran. */
  get ended(): boolean {
    return this.endedFlag;
  }

  /** A scope for one operation; already aborted when the lifetime has ended. */
  scope(): LifetimeScope {
    const controller = new AbortController();
    if (this.endedFlag) controller.abort();
    else this.live.add(controller);
    return {
      signal: controller.signal,
      abort: () => controller.abort(),
      release: () => {
        this.live.delete(controller);
      },
    };
  }

  /** Aborts every live scope (and every later one). Idempotent. */
  end(): void {
    this.endedFlag = true;
    for (const controller of this.live) controller.abort();
    this.live.clear();
  }
}
