import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  BuildError,
  ConnectionError,
  HttpStatusError,
  NetworkError,
  StreamError,
  TimeoutError,
} from '../errors/transport-error.js';
import { backoffMs, type RetryInfo, type RetryPolicy, runWithRetry, shouldRetry, sleep } from './retry.js';

const ALL_ON: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 1,
  retryOn: { retry429: true, retry5xx: true, retryTransport: true },
};
const PROVIDER_DEFAULT: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 1,
  retryOn: { retry429: false, retry5xx: true, retryTransport: true },
};

describe('backoffMs', () => {
  it('returns exactly the base for attempt 0', () => {
    expect(backoffMs(200, 0, () => 0)).toBe(200);
    expect(backoffMs(200, 0, () => 0.999)).toBe(200);
  });

  it('doubles per attempt with jitter in [0.9, 1.1), truncated to ms', () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const raw = 200 * 2 ** (attempt - 1);
      expect(backoffMs(200, attempt, () => 0)).toBe(Math.trunc(raw * 0.9));
      expect(backoffMs(200, attempt, () => 0.5)).toBe(raw);
      expect(backoffMs(200, attempt, () => 0.999_999)).toBe(Math.trunc(raw * (0.9 + 0.2 * 0.999_999)));
      expect(backoffMs(200, attempt, () => 0.999_999)).toBeLessThan(raw * 1.1);
    }
    expect(backoffMs(200, 1, () => 0)).toBe(180);
    expect(backoffMs(200, 4, () => 0)).toBe(1440);
    expect(backoffMs(7, 1, () => 0.3)).toBe(Math.trunc(7 * 0.96));
  });

  it('stays within range with the default random source', () => {
    for (let i = 0; i < 200; i++) {
      const delay = backoffMs(200, 3);
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(720);
      expect(delay).toBeLessThan(880);
    }
  });

  it('saturates instead of overflowing', () => {
    expect(backoffMs(200, 10_000, () => 0.5)).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('shouldRetry', () => {
  const http = (status: number) => new HttpStatusError({ status });

  it('never retries at or past maxAttempts', () => {
    expect(shouldRetry(http(500), 3, ALL_ON)).toBe(true);
    expect(shouldRetry(http(500), 4, ALL_ON)).toBe(false);
    expect(shouldRetry(new NetworkError('x'), 5, ALL_ON)).toBe(false);
  });

  it('retries 429 only when retry429 is set', () => {
    expect(shouldRetry(http(429), 0, ALL_ON)).toBe(true);
    expect(shouldRetry(http(429), 0, PROVIDER_DEFAULT)).toBe(false);
  });

  it('retries 500..599 only when retry5xx is set, never other statuses', () => {
    for (const status of [500, 502, 503, 599]) expect(shouldRetry(http(status), 0, ALL_ON)).toBe(true);
    for (const status of [400, 401, 404, 499, 600]) expect(shouldRetry(http(status), 0, ALL_ON)).toBe(false);
    const no5xx = { ...ALL_ON, retryOn: { ...ALL_ON.retryOn, retry5xx: false } };
    expect(shouldRetry(http(503), 0, no5xx)).toBe(false);
    expect(shouldRetry(http(429), 0, no5xx)).toBe(true);
  });

  it('retries timeout, connection and network errors only when retryTransport is set', () => {
    const noTransport = { ...ALL_ON, retryOn: { ...ALL_ON.retryOn, retryTransport: false } };
    for (const error of [new TimeoutError('t'), new ConnectionError('c'), new NetworkError('n')]) {
      expect(shouldRetry(error, 0, ALL_ON)).toBe(true);
      expect(shouldRetry(error, 0, noTransport)).toBe(false);
    }
  });

  it('never retries build, stream, aborted or foreign errors', () => {
    for (const error of [
      new BuildError('b'),
      new StreamError('s', { idleTimeout: true }),
      new AbortedError(),
      new Error('plain'),
      'string',
      undefined,
    ]) {
      expect(shouldRetry(error, 0, ALL_ON)).toBe(false);
    }
  });
});

describe('sleep', () => {
  it('resolves after the delay', async () => {
    const start = performance.now();
    await sleep(5);
    expect(performance.now() - start).toBeGreaterThanOrEqual(4);
    await sleep(0);
    await sleep(-1);
  });

  it('rejects at once with AbortedError when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort('why');
    const error = await sleep(10_000, controller.signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).reason).toBe('why');
  });

  it('rejects with AbortedError when the signal aborts during the wait', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    setTimeout(() => controller.abort('stop'), 5);
    const error = await pending.catch((e: unknown) => e);
    expect(AbortedError.isInstance(error)).toBe(true);
    expect((error as AbortedError).reason).toBe('stop');
  });
});

describe('runWithRetry', () => {
  it('returns the first success and does not sleep', async () => {
    const sleeps: number[] = [];
    const result = await runWithRetry(ALL_ON, async (i) => `ok ${i}`, {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    expect(result).toBe('ok 0');
    expect(sleeps).toEqual([]);
  });

  it('makes maxAttempts + 1 tries and rejects with the ORIGINAL last error', async () => {
    const attempts: number[] = [];
    const errors: Error[] = [];
    const retries: RetryInfo[] = [];
    const sleeps: number[] = [];
    const outcome = await runWithRetry(
      PROVIDER_DEFAULT,
      async (i) => {
        attempts.push(i);
        const error = new HttpStatusError({ status: 503, body: `try ${i}` });
        errors.push(error);
        throw error;
      },
      {
        random: () => 0.5,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        onRetry: (info) => retries.push(info),
      },
    ).catch((e: unknown) => e);
    expect(attempts).toEqual([0, 1, 2, 3, 4]);
    expect(outcome).toBe(errors[4]);
    expect(sleeps).toEqual([1, 2, 4, 8]);
    expect(retries.map((r) => [r.attempt, r.delayMs])).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
      [4, 8],
    ]);
    expect(retries[0]?.error).toBe(errors[0]);
  });

  it('retries with real (tiny) sleeps and succeeds on a later attempt', async () => {
    let calls = 0;
    const result = await runWithRetry({ ...PROVIDER_DEFAULT, baseDelayMs: 2 }, async (i) => {
      calls++;
      if (i < 2) throw new ConnectionError('refused');
      return i;
    });
    expect(result).toBe(2);
    expect(calls).toBe(3);
  });

  it('does not retry a 429 unless retry429 is set', async () => {
    let calls = 0;
    const fail = async () => {
      calls++;
      throw new HttpStatusError({ status: 429 });
    };
    const error = await runWithRetry(PROVIDER_DEFAULT, fail).catch((e: unknown) => e);
    expect(HttpStatusError.isInstance(error) && error.status).toBe(429);
    expect(calls).toBe(1);

    calls = 0;
    await runWithRetry({ ...ALL_ON, maxAttempts: 2 }, fail).catch(() => undefined);
    expect(calls).toBe(3);
  });

  it('does not retry non-retryable errors', async () => {
    let calls = 0;
    const original = new BuildError('bad header');
    const error = await runWithRetry(ALL_ON, async () => {
      calls++;
      throw original;
    }).catch((e: unknown) => e);
    expect(error).toBe(original);
    expect(calls).toBe(1);
  });

  it('with maxAttempts 0 tries once', async () => {
    let calls = 0;
    const original = new NetworkError('reset');
    const error = await runWithRetry({ ...ALL_ON, maxAttempts: 0 }, async () => {
      calls++;
      throw original;
    }).catch((e: unknown) => e);
    expect(error).toBe(original);
    expect(calls).toBe(1);
  });

  it('rounds a fractional maxAttempts down and rejects with the original error', async () => {
    for (const [maxAttempts, tries] of [
      [1.5, 2],
      [0.5, 1],
      [Number.NaN, 1],
      [-3, 1],
    ] as const) {
      let calls = 0;
      const errors: Error[] = [];
      const error = await runWithRetry({ ...ALL_ON, maxAttempts }, async () => {
        calls++;
        const e = new NetworkError(`reset ${calls}`);
        errors.push(e);
        throw e;
      }).catch((e: unknown) => e);
      expect(calls).toBe(tries);
      expect(error).toBe(errors.at(-1));
    }
  });

  it('stops with AbortedError when aborted during the backoff sleep', async () => {
    const controller = new AbortController();
    let calls = 0;
    const pending = runWithRetry(
      { ...ALL_ON, baseDelayMs: 10_000 },
      async () => {
        calls++;
        throw new NetworkError('reset');
      },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort('user'), 5);
    const error = await pending.catch((e: unknown) => e);
    // Exact: the NetworkError of the attempt (or any other TransportError) is not an AbortedError.
    expect(AbortedError.isInstance(error)).toBe(true);
    expect((error as AbortedError).reason).toBe('user');
    expect(calls).toBe(1);
  });

  it('does not start an attempt when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    const error = await runWithRetry(
      ALL_ON,
      async () => {
        calls++;
        return 1;
      },
      { signal: controller.signal },
    ).catch((e: unknown) => e);
    expect(AbortedError.isInstance(error)).toBe(true);
    expect((error as AbortedError).reason).toBe(controller.signal.reason);
    expect(calls).toBe(0);
  });
});
