/**
 * JSON helpers shared inside `@codex-ts/api` (not exported from the package entry point).
 */

/** A parsed JSON object: string keys, unknown values. */
export type JsonObject = Record<string, unknown>;

/** True for a non-null, non-array object (what `JSON.parse` gives for `{…}`). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
