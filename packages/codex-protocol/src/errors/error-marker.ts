/**
 * Cross-copy class markers for error classes: the one implementation behind every codex-ts
 * `isInstance()` (the marker pattern of the Vercel AI SDK's `AISDKError`, ts-ecosystem.md §3.3).
 *
 * Each error class owns one registry symbol (`Symbol.for('@codex-ts/<package>.<Class>')`) and
 * {@link markErrorClass} defines it, non-enumerable, on the class's prototype. An instance of a
 * class therefore carries the markers of that class and of every ancestor (the prototype chain is
 * walked by the property lookup), never a sibling's, and `Symbol.for` returns the same symbol in
 * every copy of a package, so an error built by a duplicate copy (another version in
 * `node_modules`, a bundled copy) is still recognised where `instanceof` would fail.
 */

/** A class whose instances are errors (abstract classes included). */
export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Defines `marker` on `errorClass.prototype` (non-enumerable, read-only), so that
 * {@link hasErrorMarker}`(value, marker)` is true for instances of `errorClass` and of its
 * subclasses. Call it once per class, with a symbol of its own (a static block is the usual place).
 *
 * @throws {TypeError} when the prototype chain already carries `marker` (a subclass reusing a
 *   parent's symbol would make its `isInstance()` accept the parent and every sibling).
 */
export function markErrorClass(errorClass: ErrorClass, marker: symbol): void {
  const prototype: object = errorClass.prototype;
  if (marker in prototype) {
    throw new TypeError(`${errorClass.name} reuses the marker ${String(marker)} of a parent class`);
  }
  Object.defineProperty(prototype, marker, { value: true, enumerable: false, writable: false });
}

/**
 * True when `value` is an object on which `marker` reads as `true`: an instance of a class marked
 * with {@link markErrorClass}`(cls, marker)` or of a subclass, from any copy of the package that
 * defines it, or any object that sets the marker itself. False for everything else (`null`,
 * strings, other errors); never throws for them.
 */
export function hasErrorMarker(value: unknown, marker: symbol): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return (value as { readonly [key: symbol]: unknown })[marker] === true;
}
