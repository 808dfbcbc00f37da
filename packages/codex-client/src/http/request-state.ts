/**
 * Per-request stop conditions of {@link HttpTransport}: the caller's signal, the deadline
 * (`timeoutMs`) and the headers timeout (`headersTimeoutMs`), folded into one AbortSignal that the
 * sender watches, and the error that explains why a request stopped.
 */
import { AbortedError, StreamError, TimeoutError, type TransportError } from '../errors/transport-error.js';
import { IdleClock } from '../timers/idle-clock.js';

/** The message of the `StreamError` for a request whose response headers did not arrive in time. */
export const HEADERS_TIMEOUT_MESSAGE = 'idle timeout waiting for response headers';

/**
 * Per-request state: our own abort controller, the deadline (`timeoutMs`), the headers timeout
 * (`headersTimeoutMs`), both on {@link IdleClock}, and why the request stopped.
 */
export class RequestState {
  readonly controller = new AbortController();
  timedOut = false;
  headersTimedOut = false;
  cancelled = false;
  cancelReason: unknown = undefined;
  private readonly deadline: IdleClock | undefined;
  private readonly headersClock: IdleClock | undefined;
  private readonly userSignal: AbortSignal | undefined;
  private readonly onUserAbort: (() => void) | undefined;

  constructor(
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    headersTimeoutMs: number | undefined,
  ) {
    this.userSignal = signal;
    if (signal !== undefined) {
      this.onUserAbort = () => this.controller.abort(signal.reason);
      signal.addEventListener('abort', this.onUserAbort, { once: true });
    }
    if (timeoutMs !== undefined) {
      this.deadline = new IdleClock(timeoutMs, () => {
        this.timedOut = true;
        this.controller.abort(this.timeoutError());
      });
      this.deadline.start();
    }
    if (headersTimeoutMs !== undefined) {
      this.headersClock = new IdleClock(headersTimeoutMs, () => {
        this.headersTimedOut = true;
        this.controller.abort(this.headersTimeoutError());
      });
      this.headersClock.start();
    }
  }

  timeoutError(): TimeoutError {
    return new TimeoutError(`request timed out after ${this.deadline?.timeoutMs} ms`);
  }

  headersTimeoutError(): StreamError {
    return new StreamError(HEADERS_TIMEOUT_MESSAGE, { idleTimeout: true });
  }

  /** The error that explains a stop we caused (cancel, abort, deadline, headers timeout), if any. */
  stopError(): TransportError | undefined {
    if (this.cancelled) return new AbortedError(this.cancelReason);
    if (this.userSignal?.aborted) return new AbortedError(this.userSignal.reason);
    if (this.timedOut) return this.timeoutError();
    if (this.headersTimedOut) return this.headersTimeoutError();
    return undefined;
  }

  /** The response headers arrived: the headers timeout no longer applies. */
  headersArrived(): void {
    this.headersClock?.stop();
  }

  clearDeadline(): void {
    this.deadline?.stop();
  }

  dispose(): void {
    this.clearDeadline();
    this.headersArrived();
    if (this.onUserAbort !== undefined) this.userSignal?.removeEventListener('abort', this.onUserAbort);
  }
}
