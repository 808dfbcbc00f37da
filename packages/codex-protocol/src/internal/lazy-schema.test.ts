import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { lazySchema } from './lazy-schema.js';

describe('lazySchema', () => {
  it('builds on first use, once, and then behaves as the built schema', () => {
    let builds = 0;
    const Point = lazySchema(() => {
      builds++;
      return z.object({ x: z.number(), y: z.number().optional() });
    });
    expect(builds).toBe(0);
    expect(Point.parse({ x: 1 })).toEqual({ x: 1 });
    expect(Point.safeParse({ x: 'a' }).success).toBe(false);
    expect(Object.keys(Point.shape)).toEqual(['x', 'y']);
    expect(Point instanceof z.ZodObject).toBe(true);
    expect(Point.constructor).toBe(z.ZodObject);
    expect(Point.parse).toBe(Point.parse);
    expect(builds).toBe(1);
  });

  it('wraps the built schema in methods and compositions, so registries see the built one', () => {
    const registry = z.registry<{ tag: string }>();
    const Inner = lazySchema(() => z.string().register(registry, { tag: 'inner' }));
    const optional = Inner.optional();
    expect(registry.get(optional.unwrap())).toEqual({ tag: 'inner' });
    const Outer = lazySchema(() => z.object({ inner: Inner }));
    expect(Outer.parse({ inner: 'a' })).toEqual({ inner: 'a' });
    expect(() => Outer.parse({ inner: 1 })).toThrow(z.ZodError);
  });

  it('lets a failed build throw to the reader, and tries again on the next read', () => {
    let fail = true;
    const S = lazySchema(() => {
      if (fail) throw new Error('boom');
      return z.boolean();
    });
    expect(() => S.parse(true)).toThrow('boom');
    fail = false;
    expect(S.parse(true)).toBe(true);
  });
});
