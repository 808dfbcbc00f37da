import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ThreadEventSchema, ThreadItemSchema } from '../exec-events/thread-events.js';
import { lazySchema, once } from './lazy-schema.js';

describe('lazySchema', () => {
  it('builds on first use, once, and then behaves as the built schema', () => {
    let builds = 0;
    const A = lazySchema(() => {
      builds += 1;
      return z.object({ type: z.literal('a'), n: z.number().int() });
    });
    const B = lazySchema(() => z.object({ type: z.literal('b'), s: z.string().optional() }));
    const U = lazySchema(() => z.discriminatedUnion('type', [A, B]));
    expect(builds).toBe(0);

    expect(U.safeParse({ type: 'a', n: 1 }).success).toBe(true);
    expect(U.safeParse({ type: 'a', n: 1.5 }).success).toBe(false);
    expect(U.parse({ type: 'b', extra: 1 })).toEqual({ type: 'b' });
    expect(builds).toBe(1);

    expect(A).toBeInstanceOf(z.ZodObject);
    expect(A.shape.type.value).toBe('a');
    expect(Object.keys(A.shape)).toEqual(['type', 'n']);
    expect(U.options.map((option) => option.shape.type.value)).toEqual(['a', 'b']);
    expect(A.optional().safeParse(undefined).success).toBe(true);
    expect(A.extend({ x: z.string() }).safeParse({ type: 'a', n: 1, x: 'y' }).success).toBe(true);
    const nested = z.object({ a: A.optional(), list: z.array(B) });
    expect(nested.safeParse({ list: [{ type: 'b' }] }).success).toBe(true);
    const eagerNested = z.object({
      a: z.object({ type: z.literal('a'), n: z.number().int() }).optional(),
      list: z.array(z.object({ type: z.literal('b'), s: z.string().optional() })),
    });
    expect(nested.safeParse({ list: [{ type: 'c' }] }).error?.issues).toEqual(
      eagerNested.safeParse({ list: [{ type: 'c' }] }).error?.issues,
    );
    expect(builds).toBe(1);
  });

  it('keeps the package schemas usable as zod schemas', () => {
    expect(ThreadItemSchema.options.length).toBeGreaterThan(0);
    expect(ThreadEventSchema.safeParse({ type: 'turn.started' }).success).toBe(true);
    const eager = z.object({ type: z.literal('x'), n: z.number().int().optional() });
    expect(z.toJSONSchema(lazySchema(() => eager))).toEqual(z.toJSONSchema(eager));
  });
});

describe('once', () => {
  it('runs build on the first call only', () => {
    let runs = 0;
    const value = once(() => {
      runs += 1;
      return { runs };
    });
    expect(runs).toBe(0);
    expect(value()).toBe(value());
    expect(runs).toBe(1);
  });
});
