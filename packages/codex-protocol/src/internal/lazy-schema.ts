/**
 * Schemas built on first use. A `codex-ts exec` short turn uses a few dozen of the package's zod
 * schemas; building all of them when the module loads (~10 µs and ~1 KB of heap each, plus the
 * garbage collections that copy them) is most of what evaluating the package costs.
 */

const BUILT = Symbol('lazySchema.built');

interface LazyTarget<T extends object> {
  build: (() => T) | undefined;
  [BUILT]?: T;
  /** Methods of the built value bound to it, so `this` inside them is the value, not the proxy. */
  bound: Map<PropertyKey, unknown>;
}

function built<T extends object>(target: LazyTarget<T>): T {
  let value = target[BUILT];
  if (value === undefined) {
    value = (target.build as () => T)();
    target[BUILT] = value;
    target.build = undefined;
  }
  return value;
}

const handler: ProxyHandler<LazyTarget<object>> = {
  get(target, key) {
    const value = built(target);
    const member = Reflect.get(value, key, value);
    if (typeof member !== 'function' || key === 'constructor') return member;
    let bound = target.bound.get(key);
    if (bound === undefined || (bound as { original?: unknown }).original !== member) {
      const fn = (member as (...args: unknown[]) => unknown).bind(value);
      Object.defineProperty(fn, 'original', { value: member });
      target.bound.set(key, fn);
      bound = fn;
    }
    return bound;
  },
  set: (target, key, value) => Reflect.set(built(target), key, value),
  has: (target, key) => Reflect.has(built(target), key),
  ownKeys: (target) => Reflect.ownKeys(built(target)),
  getOwnPropertyDescriptor(target, key) {
    const descriptor = Reflect.getOwnPropertyDescriptor(built(target), key);
    // The proxy's own target never has the property: a proxy may not report it non-configurable.
    return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
  },
  defineProperty: (target, key, descriptor) => Reflect.defineProperty(built(target), key, descriptor),
  deleteProperty: (target, key) => Reflect.deleteProperty(built(target), key),
  getPrototypeOf: (target) => Reflect.getPrototypeOf(built(target)),
};

/**
 * A value (a zod schema) built by `build` the first time any property of it is read, then the
 * same value for ever: `parse`, `safeParse`, `shape`, `_zod`, `constructor`, `instanceof` and
 * `Object.keys` all behave as on the built schema; methods are bound to it (so `.optional()`
 * wraps the built schema, not the stand-in). The stand-in itself is a `Proxy`, so it is not
 * `===` the built schema: never use it as a key of a zod registry or `WeakMap` (register inside
 * `build`). `build` runs once when it succeeds; if it throws, the error reaches the reader and the
 * next read tries again.
 */
export function lazySchema<T extends object>(build: () => T): T {
  const target: LazyTarget<T> = { build, bound: new Map() };
  return new Proxy(target, handler as ProxyHandler<LazyTarget<T>>) as unknown as T;
}
