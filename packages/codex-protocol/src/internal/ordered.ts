/**
 * How one field is written by {@link writeOrdered}:
 * - `opt`: written when present, omitted when `undefined` or `null` (serde's
 *   `skip_serializing_if = "Option::is_none"`: a `null` read from the wire is `None`);
 * - `always`: written when present, written as `null` when absent.
 * `nested` rewrites a present, non-null value (e.g. to order the keys of a nested object);
 * `omitIf` drops a present, non-null value for which it returns true (checked first).
 */
export type FieldRule = readonly [
  key: string,
  kind: 'opt' | 'always',
  nested?: (value: unknown) => unknown,
  omitIf?: (value: unknown) => boolean,
];

/** Options shared by the serialisers. */
export interface WriteOptions {
  /** Drop fields the schema does not know (what the original's serde types do). Default false. */
  knownFieldsOnly?: boolean;
}

/**
 * Copies `source` into a new object whose keys follow `rules` (the wire order), then appends
 * every other own key of `source` in its original order unless `knownFieldsOnly` is set.
 * `undefined` values are never written.
 */
export function writeOrdered(
  source: Readonly<Record<string, unknown>>,
  rules: readonly FieldRule[],
  options: WriteOptions | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, kind, nested, omitIf] of rules) {
    const value = source[key];
    if (value === undefined || value === null) {
      if (kind === 'always') out[key] = null;
      continue;
    }
    if (omitIf?.(value)) continue;
    out[key] = nested !== undefined ? nested(value) : value;
  }
  if (options?.knownFieldsOnly !== true) {
    for (const key of Object.keys(source)) {
      if (key in out || rules.some((rule) => rule[0] === key)) continue;
      const value = source[key];
      if (value !== undefined) out[key] = value;
    }
  }
  return out;
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
