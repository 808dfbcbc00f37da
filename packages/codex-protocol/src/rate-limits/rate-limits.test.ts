import { describe, expect, it } from 'vitest';
import {
  CreditsSnapshotSchema,
  type RateLimitSnapshot,
  RateLimitSnapshotSchema,
  RateLimitWindowSchema,
} from '../index.js';

describe('rate-limit schemas', () => {
  it('accepts a full snapshot', () => {
    const snapshot: RateLimitSnapshot = {
      limitId: 'codex_other',
      limitName: 'Other',
      primary: { usedPercent: 42, windowMinutes: 60, resetsAt: 1_700_000_000 },
      secondary: { usedPercent: 0.5 },
      credits: { hasCredits: true, unlimited: false, balance: '123' },
      planType: 'plus',
      rateLimitReachedType: 'primary',
    };
    expect(RateLimitSnapshotSchema.parse(snapshot)).toEqual(snapshot);
  });

  it('needs only limitId', () => {
    expect(RateLimitSnapshotSchema.parse({ limitId: 'codex' })).toEqual({ limitId: 'codex' });
    expect(RateLimitSnapshotSchema.safeParse({}).success).toBe(false);
  });

  it('validates windows and credits', () => {
    expect(RateLimitWindowSchema.safeParse({ usedPercent: 'x' }).success).toBe(false);
    expect(RateLimitWindowSchema.safeParse({ usedPercent: 1, windowMinutes: 1.5 }).success).toBe(false);
    expect(CreditsSnapshotSchema.safeParse({ hasCredits: true }).success).toBe(false);
  });
});
