/**
 * A function that calls `build` the first time it is called and returns that value from then
 * on (a value of `undefined` is built again). Used for zod schemas that are only needed when a
 * config key is present: building every schema when the package loads was most of its start-up.
 */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}
