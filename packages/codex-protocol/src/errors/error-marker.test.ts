import { describe, expect, it, vi } from 'vitest';
import { ResponseItemParseError } from '../items/parse.js';
import { hasErrorMarker, markErrorClass } from './error-marker.js';

const PARENT = Symbol.for('@codex-ts/test.Parent');
const LEFT = Symbol.for('@codex-ts/test.Left');
const RIGHT = Symbol.for('@codex-ts/test.Right');

class Parent extends Error {
  static {
    markErrorClass(Parent, PARENT);
  }
}
class Left extends Parent {
  static {
    markErrorClass(Left, LEFT);
  }
}
class Right extends Parent {
  static {
    markErrorClass(Right, RIGHT);
  }
}

describe('markErrorClass / hasErrorMarker', () => {
  it('accepts a class and its subclasses, never a parent or a sibling', () => {
    const classes = [
      [Parent, PARENT],
      [Left, LEFT],
      [Right, RIGHT],
    ] as const;
    for (const [a, marker] of classes) {
      for (const [b] of classes) {
        const expected = b === a || b.prototype instanceof a;
        expect(hasErrorMarker(new b('x'), marker), `${a.name} marker on a ${b.name}`).toBe(expected);
      }
      expect(hasErrorMarker(new Error('x'), marker)).toBe(false);
    }
  });

  it('is false for non-objects and objects without the marker, true for any object carrying it', () => {
    for (const value of [undefined, null, 'Left', 1, true, Symbol('x'), {}, [], () => undefined, Left]) {
      expect(hasErrorMarker(value, LEFT)).toBe(false);
    }
    expect(hasErrorMarker({ [LEFT]: 'yes' }, LEFT)).toBe(false);
    // What an instance made by another copy of the defining package looks like to this one.
    expect(hasErrorMarker({ [Symbol.for('@codex-ts/test.Left')]: true }, LEFT)).toBe(true);
  });

  it('puts the marker on the prototype, out of the instance own (enumerable) properties', () => {
    const error = new Left('x');
    expect(Reflect.ownKeys(error)).not.toContain(LEFT);
    expect(Object.keys({ ...error })).toEqual([]);
    expect(Object.getOwnPropertyDescriptor(Left.prototype, LEFT)).toMatchObject({
      value: true,
      enumerable: false,
      writable: false,
    });
  });

  it('refuses a marker that a parent class already carries', () => {
    class Reuse extends Left {}
    expect(() => markErrorClass(Reuse, PARENT)).toThrow(TypeError);
    expect(() => markErrorClass(Reuse, PARENT)).toThrow(
      /Reuse reuses the marker Symbol\(@codex-ts\/test\.Parent\)/,
    );
  });
});

describe('ResponseItemParseError.isInstance', () => {
  const make = () => new ResponseItemParseError('message', [], 'invalid message item');

  it('accepts its own instances only', () => {
    expect(ResponseItemParseError.isInstance(make())).toBe(true);
    for (const other of [new Error('x'), new Left('x'), { name: 'ResponseItemParseError' }, null, 'x']) {
      expect(ResponseItemParseError.isInstance(other)).toBe(false);
    }
  });

  it('accepts an instance made by a second copy of the module', async () => {
    vi.resetModules();
    const copy = await import('../items/parse.js');
    expect(copy.ResponseItemParseError).not.toBe(ResponseItemParseError);
    const foreign = new copy.ResponseItemParseError(undefined, [], 'x');
    expect(foreign).not.toBeInstanceOf(ResponseItemParseError);
    expect(ResponseItemParseError.isInstance(foreign)).toBe(true);
    expect(copy.ResponseItemParseError.isInstance(make())).toBe(true);
  });
});
