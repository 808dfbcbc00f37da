import { describe, expect, it } from 'vitest';
import { Lifetime } from './lifetime.js';

describe('Lifetime', () => {
  it('aborts live scopes at end(), not released ones, and hands out aborted scopes after', () => {
    const lifetime = new Lifetime();
    const live = lifetime.scope();
    const released = lifetime.scope();
    released.release();
    const own = lifetime.scope();
    own.abort();
    expect([live.signal.aborted, released.signal.aborted, own.signal.aborted]).toEqual([false, false, true]);
    lifetime.end();
    expect([lifetime.ended, live.signal.aborted, released.signal.aborted]).toEqual([true, true, false]);
    expect(lifetime.scope().signal.aborted).toBe(true);
    lifetime.end();
  });
});
