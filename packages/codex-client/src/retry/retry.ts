/**
 * Retry with exponential backoff and jitter.
 */
import { AbortedError, HttpStatusError, TransportError } from '../errors/transport-error.js';
import { clampTimerMs } from '../timers/idle-clock.js';

/** Which failures a {@link RetryPolicy} retries. */
export interface RetryOn {
  /** Retry HTTP 429 Too Many Requests. Providers default to `false`. */
  retry429: boolean;
  /** Retry HTTP 500–599. */
  retry5xx: boolean;
  /** Retry {@link TimeoutError}, {@link ConnectionError} and {@link NetworkError}. */
  retryTransport: boolean;
}

/**
 * How often and how fast to retry.
 *
 * `maxAttempts` is the number of retries after the first try: attempts run as `0..=maxAttempts`,
 * so at most `maxAttempts + 1` tries. `baseDelayMs` (ms) is the first backoff delay.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  retryOn: RetryOn;
}

/** What {@link runWithRetry} reports before it sleeps for a retry. */
export interface RetryInfo {
  /** The 1-based number of the retry about to run (the attempt index it will get). */
  attempt: number;
  /** How long it sleeps before that retry, ms. */
  delayMs: number;
  /** The error of the attempt that just failed. */
  error: unknown;
}

/**
 * Backoff delay before retry number `attempt`, in whole ms.
 *
 * `attempt === 0` gives exactly `baseDelayMs`; otherwise
 * `trunc(baseDelayMs * 2^(attempt-1) * U[0.9, 1.1))`, where the uniform factor is
 * `0.9 + 0.2 * random()` (`random` defaults to `Math.random`, must return a value in [0, 1)).
 * Very large results saturate at `Number.MAX_SAFE_INTEGER`.
 */
export function backoffMs(baseDelayMs: number, attempt: number, random: () => number = Math.random): number {
  if (attempt <= 0) return baseDelayMs;
  const raw = baseDelayMs * 2 ** (attempt - 1);
  const jittered = Math.trunc(raw * (0.9 + 0.2 * random()));
  return Number.isFinite(jittered) ? Math.min(jittered, Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
}

/**
 * Whether `error`, thrown by attempt number `attempt` (0-based), should be retried.
 *
 * False once `attempt >= policy.maxAttempts`. Otherwise: an {@link HttpStatusError} is retried when
 * `retry429 && status === 429` or `retry5xx && 500 <= status <= 599`; a timeout, connection or
 * network error when `retryTransport`. Build, stream and aborted errors, and anything
 * that is not a {@link TransportError}, are never retried.
 */
export function shouldRetry(error: unknown, attempt: number, policy: RetryPolicy): boolean {
  if (attempt >= policy.maxAttempts) return false;
  if (HttpStatusError.isInstance(error)) {
    const status = error.status;
    if (status === 429) return policy.retryOn.retry429;
    return policy.retryOn.retry5xx && status >= 500 && status <= 599;
  }
  if (!TransportError.isInstance(error)) return false;
  switch (error.code) {
    case 'timeout':
    case 'connection':
    case 'network':
      return policy.retryOn.retryTransport;
    default:
      return false;
  }
}

/**
 * Resolve after `ms` milliseconds (≤ 0 resolves on the next microtask).
 *
 * Rejects with {@link AbortedError} (carrying `signal.reason`) at once when `signal` is already
 * aborted, or as soon as it aborts during the wait; the timer is cleared then.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new AbortedError(signal.reason));
  if (!(ms > 0)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let remaining = ms;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      if (timer !== undefined) clearTimeout(timer);
      reject(new AbortedError(signal?.reason));
    };
    const arm = () => {
      // A sleep longer than one Node timer can wait chains timers of the longest allowed delay.
      const step = clampTimerMs(remaining);
      remaining -= step;
      timer = setTimeout(() => {
        if (remaining > 0) {
          arm();
          return;
        }
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, step);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}

/**
 * Run `attempt(attemptIndex)` for `attemptIndex = 0..=policy.maxAttempts` until it resolves.
 *
 * After a failure that {@link shouldRetry} accepts, it calls `options.onRetry` and sleeps
 * {@link backoffMs}`(policy.baseDelayMs, attemptIndex + 1)` ms (abort-aware; `options.sleep` and
 * `options.random` can be injected for tests). When an error is not retryable, or the last attempt
 * fails, it rejects with that ORIGINAL error (never a wrapper). A fractional
 * `maxAttempts` is rounded down, a negative or NaN one means no retries.
 *
 * Rejects with {@link AbortedError} when `options.signal` is aborted before an attempt starts or
 * during a backoff sleep; an error thrown by an attempt while the signal is aborted is passed through.
 */
export async function runWithRetry<T>(
  policy: RetryPolicy,
  attempt: (attemptIndex: number) => Promise<T>,
  options?: {
    signal?: AbortSignal;
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    random?: () => number;
    onRetry?: (info: RetryInfo) => void;
  },
): Promise<T> {
  const signal = options?.signal;
  const doSleep = options?.sleep ?? sleep;
  // NaN → no retries; a fractional count rounds down (1.5 → one retry).
  const maxAttempts = Number.isNaN(policy.maxAttempts) ? 0 : Math.max(0, Math.floor(policy.maxAttempts));
  // Ends only by returning or throwing: the attempt with index `maxAttempts` is never retried.
  for (let index = 0; ; index++) {
    if (signal?.aborted) throw new AbortedError(signal.reason);
    try {
      return await attempt(index);
    } catch (error) {
      if (signal?.aborted || index >= maxAttempts || !shouldRetry(error, index, policy)) throw error;
      const delayMs = backoffMs(policy.baseDelayMs, index + 1, options?.random);
      options?.onRetry?.({ attempt: index + 1, delayMs, error });
      await doSleep(delayMs, signal);
    }
  }
}
