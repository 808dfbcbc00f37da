import { describe, expect, it } from 'vitest';
import { captureWarnings, within } from '../test/index.js';
import { clampTimerMs, IdleClock, MAX_TIMER_MS } from './idle-clock.js';

/** Every process warning (TimeoutOverflowWarning is emitted as one) while a test runs. */
const warnings = captureWarnings();

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the elapsed ms reported by a clock of `timeoutMs` that is started now. */
function expiry(timeoutMs: number): { clock: IdleClock; expired: Promise<number> } {
  let clock!: IdleClock;
  const expired = new Promise<number>((resolve) => {
    clock = new IdleClock(timeoutMs, resolve);
  });
  clock.start();
  return { clock, expired };
}

describe('clampTimerMs', () => {
  it('clamps to [0, 2^31 - 1] ms: negatives and NaN to 0, huge values and Infinity to the maximum', () => {
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1);
    expect(clampTimerMs(1_500)).toBe(1_500);
    expect(clampTimerMs(0.5)).toBe(0.5);
    expect(clampTimerMs(0)).toBe(0);
    expect(clampTimerMs(-10)).toBe(0);
    expect(clampTimerMs(Number.NaN)).toBe(0);
    expect(clampTimerMs(3_000_000_000)).toBe(MAX_TIMER_MS);
    expect(clampTimerMs(Number.POSITIVE_INFINITY)).toBe(MAX_TIMER_MS);
    expect(clampTimerMs(MAX_TIMER_MS)).toBe(MAX_TIMER_MS);
  });

  it('keeps a 3 000 000 000 ms timer from firing early or printing TimeoutOverflowWarning', async () => {
    let fired = false;
    const timer = setTimeout(() => {
      fired = true;
    }, clampTimerMs(3_000_000_000));
    await pause(30);
    clearTimeout(timer);
    expect(fired).toBe(false);
    expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning');
  });
});

describe('IdleClock', () => {
  it('expires once after the timeout without activity', async () => {
    const calls: number[] = [];
    let resolveFirst!: () => void;
    const first = new Promise<void>((resolve) => {
      resolveFirst = resolve;
    });
    const clock = new IdleClock(20, (elapsed) => {
      calls.push(elapsed);
      resolveFirst();
    });
    clock.start();
    await within(first, 5_000, 'clock did not expire');
    expect(calls[0]).toBeGreaterThanOrEqual(20);
    expect(clock.finished).toBe(true);
    clock.start(); // no effect after expiry
    clock.touch();
    await pause(60);
    expect(calls).toHaveLength(1);
  });

  it('expires on the next tick with a timeout of 0 (not "disabled")', async () => {
    const { expired } = expiry(0);
    await within(expired, 1_000, 'a 0 ms clock did not expire at once');
  });

  it('does not fire early or warn for 3 000 000 000 ms, and stop() clears it', async () => {
    const { clock, expired } = expiry(3_000_000_000);
    expect(clock.timeoutMs).toBe(MAX_TIMER_MS);
    let fired = false;
    void expired.then(() => {
      fired = true;
    });
    await pause(30);
    expect(fired).toBe(false);
    expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning');
    clock.stop();
    expect(clock.finished).toBe(true);
  });

  it('restarts the idle period on touch(): activity below the timeout keeps it alive', async () => {
    const { clock, expired } = expiry(80);
    let fired = false;
    void expired.then(() => {
      fired = true;
    });
    // 8 × 25 ms = 200 ms of activity against an 80 ms timeout.
    for (let i = 0; i < 8; i++) {
      await pause(25);
      clock.touch();
    }
    expect(fired).toBe(false);
    await within(expired, 5_000, 'clock did not expire after the activity stopped');
  });

  it('ignores time while held and counts again from start()', async () => {
    const { clock, expired } = expiry(40);
    let fired = false;
    void expired.then(() => {
      fired = true;
    });
    clock.hold();
    await pause(120);
    expect(fired).toBe(false);
    clock.start();
    await within(expired, 5_000, 'clock did not expire after start()');
  });
});
