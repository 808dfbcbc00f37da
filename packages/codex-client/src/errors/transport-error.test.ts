import { describe, expect, it, vi } from 'vitest';
import * as errors from './transport-error.js';

type ErrorsModule = typeof errors;
interface Entry {
  name: string;
  cls: abstract new (...args: never[]) => Error;
  isInstance: (value: unknown) => boolean;
  /** Undefined for the abstract base. */
  make: (() => Error) | undefined;
}

/** Every error class of the module, with a way to build one. */
function entries(m: ErrorsModule): Entry[] {
  const entry = (
    cls: Entry['cls'] & { isInstance(value: unknown): boolean },
    make: Entry['make'],
  ): Entry => ({ name: cls.name, cls, isInstance: (value) => cls.isInstance(value), make });
  return [
    entry(m.TransportError, undefined),
    entry(m.HttpStatusError, () => new m.HttpStatusError({ status: 503 })),
    entry(m.TimeoutError, () => new m.TimeoutError('timed out')),
    entry(m.ConnectionError, () => new m.ConnectionError('refused')),
    entry(m.NetworkError, () => new m.NetworkError('reset')),
    entry(m.BuildError, () => new m.BuildError('bad url')),
    entry(m.StreamError, () => new m.StreamError('idle', { idleTimeout: true })),
    entry(m.AbortedError, () => new m.AbortedError('stop')),
  ];
}

/** B is A or a subclass of A, decided from the prototype chain (not from markers). */
const isSubclass = (b: Entry, a: Entry): boolean => b.cls === a.cls || b.cls.prototype instanceof a.cls;

/** The same class of this module instance, to decide "is B a subclass of A" within one copy. */
const local = (e: Entry): Entry => entries(errors).find((l) => l.name === e.name) ?? e;

/** For every checker A and made B: `A.isInstance(new B())` iff B is A or a subclass of A. */
function expectMatrix(checkers: Entry[], makers: Entry[]): void {
  for (const a of checkers) {
    for (const b of makers) {
      if (b.make === undefined) continue;
      const expected = isSubclass(local(b), local(a));
      expect(a.isInstance(b.make()), `${a.name}.isInstance(new ${b.name}())`).toBe(expected);
    }
  }
}

describe('transport error isInstance()', () => {
  it('accepts exactly the class and its subclasses: never a sibling or a parent', () => {
    expectMatrix(entries(errors), entries(errors));
  });

  it('rejects plain errors and look-alikes that carry no marker', () => {
    const lookAlikes = [
      new Error('timed out'),
      Object.assign(new Error('x'), { name: 'TimeoutError', code: 'timeout', kind: 'timeout' }),
      { code: 'aborted' },
      null,
      undefined,
      'AbortedError',
    ];
    for (const a of entries(errors)) {
      for (const value of lookAlikes)
        expect(a.isInstance(value), `${a.name} vs ${String(value)}`).toBe(false);
    }
  });

  it('recognises errors built by a second copy of the module, in both directions', async () => {
    vi.resetModules();
    const copy = (await import('./transport-error.js')) as ErrorsModule;
    expect(copy.TimeoutError).not.toBe(errors.TimeoutError);
    expect(new copy.TimeoutError('x')).not.toBeInstanceOf(errors.TimeoutError);
    expectMatrix(entries(errors), entries(copy));
    expectMatrix(entries(copy), entries(errors));
  });
});
