/**
 * Schemas built on first use. A module-level `z.object(…)` runs zod's constructors while the module
 * is evaluated, so every schema of every package was built at start-up even when the process never
 * validated that shape (most `codex-ts exec` runs touch a small part of them). {@link lazySchema}
 * defers the `build` until the schema is first touched and then forwards everything to it.
 */

/**
 * Returns a stand-in for `build()` that calls `build` once, on the first property access (`parse`,
 * `safeParse`, `shape`, `options`, `optional()`, being nested in another schema, …), and from then
 * on behaves as the built schema: every property, `in`, `Object.keys` and `instanceof` (through the
 * prototype) are forwarded to it. The stand-in is not the same object as the built schema (`===`
 * differs; zod only ever compares schemas it built itself). `build` must not throw; an exception
 * from it is rethrown at that first access and `build` is called again on the next one.
 *
 * @typeParam T - the schema's type (as declared, so `z.infer<typeof X>` is unchanged).
 */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const real = (): T => {
    built ??= build();
    return built;
  };
  return new Proxy({} as T, {
    get: (_target, key) => Reflect.get(real(), key),
    set: (_target, key, value) => Reflect.set(real(), key, value),
    has: (_target, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // The empty target cannot hold a non-configurable property (a Proxy invariant).
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
    defineProperty: (_target, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_target, key) => Reflect.deleteProperty(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}

/**
 * `build` run once, on the first call of the returned function (for tables derived from lazy
 * schemas, which would otherwise build them at module load). Internal to the package.
 */
export function once<T>(build: () => T): () => T {
  let done = false;
  let value: T | undefined;
  return () => {
    if (!done) {
      value = build();
      done = true;
    }
    return value as T;
  };
}
