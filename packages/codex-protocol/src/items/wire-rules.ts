/**
 * Serialiser rules derived from the zod schemas, so each wire field is declared once.
 *
 * - Field order: the order of the object schema's shape is the wire order (the original's serde
 *   declaration order).
 * - Mode: a field declared `.nullable().default(null)` is written as `null` when absent
 *   (`always`); every other field is omitted when unset or `null` (`opt`).
 * - Nested writer: chosen from the field's schema once `.optional()`, `.nullable()` and
 *   `.default()` are unwrapped: an array whose element schema is registered as a `part` is
 *   written with the parts writer; a schema registered as `output`, `localShellAction` or
 *   `webSearchAction` with that writer; anything else is written as it is.
 * - The cases the schema cannot express carry a {@link WireFieldMeta} annotation on the field
 *   schema itself (`wireFields` registry).
 *
 * Rules are derived once per schema (the nested ones when the modules load, each item type's
 * when the first item of that type is written); a field whose schema cannot be classified throws
 * there. `describeWireRules()` derives every table, so the package's tests meet such a field.
 */
import { z } from 'zod';
import type { FieldRule } from '../internal/ordered.js';

/** Annotations for a field whose wire behaviour the schema alone does not say. */
export interface WireFieldMeta {
  /** Write `null` when the value is absent, although the schema has no `.default(null)`. */
  always?: true;
  /**
   * Omit the field when its present, non-null value satisfies this predicate (checked before
   * the nested writer); an absent value still follows the field's mode.
   */
  omitIf?: (value: unknown) => boolean;
}

/** Field-level annotations, keyed by the field's schema instance. */
export const wireFields = z.registry<WireFieldMeta>();

/** How values of a schema are written when they sit inside an item. */
export interface WireValueMeta {
  /**
   * - `part`: a typed content part (`{type,…}`), written with its own key order; only valid as
   *   the element of an array field (the field then uses the `parts` writer).
   * - `output`: a function-call output payload (string, or array of parts).
   * - `localShellAction` / `webSearchAction`: the nested action objects.
   */
  writer: 'part' | 'output' | 'localShellAction' | 'webSearchAction';
}

/** Value-level annotations, keyed by the value schema instance (e.g. `ContentItemSchema`). */
export const wireValues = z.registry<WireValueMeta>();

/** Name of the nested writer a field uses. */
export type FieldWriterName = 'parts' | 'output' | 'localShellAction' | 'webSearchAction';

/** One derived field rule, as data (compiled into an `ordered.ts` `FieldRule` by the serialiser). */
export interface FieldSpec {
  readonly key: string;
  readonly mode: 'opt' | 'always';
  readonly writer?: FieldWriterName;
  readonly omitIf?: (value: unknown) => boolean;
}

type AnySchema = z.core.$ZodType;

/** Peels `.optional()`, `.nullable()` and `.default()`; tells whether a `.default(null)` was seen. */
function unwrap(schema: AnySchema): { core: AnySchema; defaultsToNull: boolean } {
  let current = schema;
  let defaultsToNull = false;
  for (let depth = 0; depth < 8; depth++) {
    const def = current._zod.def as { type: string; innerType?: AnySchema; defaultValue?: unknown };
    if (def.type === 'default' && def.defaultValue === null) defaultsToNull = true;
    if ((def.type !== 'optional' && def.type !== 'nullable' && def.type !== 'default') || !def.innerType) {
      break;
    }
    current = def.innerType;
  }
  return { core: current, defaultsToNull };
}

function writerOf(key: string, core: AnySchema): FieldWriterName | undefined {
  const own = wireValues.get(core)?.writer;
  if (own === 'part')
    throw new Error(`wire rules: field "${key}" holds a single part; only arrays of parts are supported`);
  if (own !== undefined) return own;
  const def = core._zod.def as { type: string; element?: AnySchema };
  if (def.type === 'array' && def.element !== undefined) {
    const element = wireValues.get(def.element)?.writer;
    if (element === 'part') return 'parts';
    if (element !== undefined) throw new Error(`wire rules: field "${key}" is an array of ${element} values`);
  }
  return undefined;
}

function shapeOf(schema: AnySchema): Readonly<Record<string, AnySchema>> {
  const def = schema._zod.def as { type: string; shape?: Record<string, AnySchema> };
  if (def.type !== 'object' || def.shape === undefined) {
    throw new Error(`wire rules: expected an object schema, got ${def.type}`);
  }
  return def.shape;
}

/** The field rules of an object schema, in shape order (= wire order). */
export function fieldSpecs(schema: AnySchema): readonly FieldSpec[] {
  return Object.entries(shapeOf(schema)).map(([key, field]): FieldSpec => {
    const meta = wireFields.get(field);
    const { core, defaultsToNull } = unwrap(field);
    const mode = meta?.always === true || defaultsToNull ? 'always' : 'opt';
    const writer = writerOf(key, core);
    return {
      key,
      mode,
      ...(writer === undefined ? {} : { writer }),
      ...(meta?.omitIf === undefined ? {} : { omitIf: meta.omitIf }),
    };
  });
}

/** The `type` values an object schema accepts: its `type` literal(s) or enum values. */
export function typeValues(schema: AnySchema): readonly string[] {
  const type = shapeOf(schema).type;
  const def = type?._zod.def as
    | { type: string; values?: unknown[]; entries?: Record<string, unknown> }
    | undefined;
  const values =
    def?.type === 'literal'
      ? def.values
      : def?.type === 'enum'
        ? Object.values(def.entries ?? {})
        : undefined;
  if (values === undefined || values.length === 0 || !values.every((v) => typeof v === 'string')) {
    throw new Error('wire rules: a typed object schema needs a string literal or enum "type" field');
  }
  return values as string[];
}

/**
 * Field rules keyed by `type` value for a list of typed object schemas (content parts, actions).
 * A schema whose `type` is an enum (`reasoning_text | text`) gives one entry per value.
 */
export function specsByType(schemas: readonly AnySchema[]): Readonly<Record<string, readonly FieldSpec[]>> {
  const out: Record<string, readonly FieldSpec[]> = {};
  for (const schema of schemas) {
    const specs = fieldSpecs(schema);
    for (const type of typeValues(schema)) {
      if (Object.hasOwn(out, type)) throw new Error(`wire rules: two schemas for type "${type}"`);
      out[type] = specs;
    }
  }
  return out;
}

/** The functions behind each {@link FieldWriterName}, for one set of write options. */
export type FieldWriters = Readonly<Record<FieldWriterName, (value: unknown) => unknown>>;

/** Turns derived specs into `writeOrdered` rules; `writers` is needed only when a spec names one. */
export function compileSpecs(specs: readonly FieldSpec[], writers?: FieldWriters): readonly FieldRule[] {
  return specs.map(({ key, mode, writer, omitIf }): FieldRule => {
    if (writer === undefined) return omitIf === undefined ? [key, mode] : [key, mode, undefined, omitIf];
    const nested = writers?.[writer];
    if (nested === undefined) throw new Error(`wire rules: no ${writer} writer for field "${key}"`);
    return omitIf === undefined ? [key, mode, nested] : [key, mode, nested, omitIf];
  });
}
