/**
 * Writing `ResponseItem`s in the original client's wire shape. The rules are not
 * written out here: they are derived from the item schemas (`item-schemas.ts`) by
 * `wire-rules.ts`, the nested ones when the module loads, each item type's on first use.
 */
import { type FieldRule, type WriteOptions, writeOrdered } from '../internal/ordered.js';
import {
  ITEM_SCHEMAS,
  isKnownResponseItemType,
  type KnownResponseItemType,
  LocalShellActionSchema,
  type ResponseItem,
  type WebSearchAction,
  WebSearchFindInPageActionSchema,
  WebSearchOpenPageActionSchema,
  WebSearchSearchActionSchema,
} from './item-schemas.js';
import { PART_SPECS, serializeParts } from './parts.js';
import {
  compileSpecs,
  type FieldSpec,
  type FieldWriterName,
  type FieldWriters,
  fieldSpecs,
  specsByType,
} from './wire-rules.js';

// ---- rules, derived once ----

const LOCAL_SHELL_ACTION_SPECS = fieldSpecs(LocalShellActionSchema);
const LOCAL_SHELL_ACTION_RULES = compileSpecs(LOCAL_SHELL_ACTION_SPECS);

const WEB_SEARCH_ACTION_SPECS = specsByType([
  WebSearchSearchActionSchema,
  WebSearchOpenPageActionSchema,
  WebSearchFindInPageActionSchema,
]);
const WEB_SEARCH_ACTION_RULES = new Map(
  Object.entries(WEB_SEARCH_ACTION_SPECS).map(([type, specs]) => [type, compileSpecs(specs)]),
);

// Item rules are derived per item type on first use: deriving them builds the type's schema, and a
// run meets a few of the 16 types.
const ITEM_SPECS = new Map<KnownResponseItemType, readonly FieldSpec[]>();

function itemSpecs(type: KnownResponseItemType): readonly FieldSpec[] {
  let specs = ITEM_SPECS.get(type);
  if (specs === undefined) {
    specs = fieldSpecs(ITEM_SCHEMAS[type]);
    ITEM_SPECS.set(type, specs);
  }
  return specs;
}

/**
 * Writes a `web_search_call` item's `action` (models.rs `WebSearchAction`) as a new wire object:
 * the known keys of its type (`search`, `open_page`, `find_in_page`) in the wire order, then any
 * unknown keys in their read order (dropped with `knownFieldsOnly`); an unknown action type is
 * written back verbatim. Never throws.
 */
export function serializeWebSearchAction(
  action: WebSearchAction,
  options?: SerializeResponseItemOptions,
): Record<string, unknown> {
  if (action.type === 'other') return { ...action.raw };
  const rules = WEB_SEARCH_ACTION_RULES.get(action.type);
  return rules === undefined ? { ...action } : writeOrdered(action, rules, options);
}

function fieldWriters(options: WriteOptions): FieldWriters {
  return {
    parts: (value) => serializeParts(value, options),
    output: (value) => (typeof value === 'string' ? value : serializeParts(value, options)),
    localShellAction: (value) =>
      writeOrdered(value as Record<string, unknown>, LOCAL_SHELL_ACTION_RULES, options),
    webSearchAction: (value) => serializeWebSearchAction(value as WebSearchAction, options),
  };
}

/** The write rules of each item type for one set of write options, compiled on first use. */
class ItemRules {
  readonly #writers: FieldWriters;
  readonly #rules = new Map<string, readonly FieldRule[]>();

  constructor(options: WriteOptions) {
    this.#writers = fieldWriters(options);
  }

  get(type: string): readonly FieldRule[] | undefined {
    let rules = this.#rules.get(type);
    if (rules === undefined) {
      if (!isKnownResponseItemType(type)) return undefined;
      rules = compileSpecs(itemSpecs(type), this.#writers);
      this.#rules.set(type, rules);
    }
    return rules;
  }
}

const DEFAULT_RULES = new ItemRules({ knownFieldsOnly: false });
const KNOWN_ONLY_RULES = new ItemRules({ knownFieldsOnly: true });

// ---- serialisation ----

/** Options of {@link serializeResponseItem}. */
export interface SerializeResponseItemOptions {
  /**
   * Drop wire fields this package does not model (as the original's serde types do). Default
   * `false`: unknown fields read from the wire are written back after the known ones.
   */
  knownFieldsOnly?: boolean;
}

/**
 * Writes an item as the JSON object the original client sends (observed-cli §5.2),
 * ready for `JSON.stringify`:
 *
 * - `type` first, then the known fields in the original's declaration order, then any extra
 *   fields read from the wire (unless `knownFieldsOnly`); optional fields that are unset or `null`
 *   are omitted.
 * - `function_call`: `type, status?, id?, name, namespace?, arguments, call_id` (0.169.0 order).
 * - `reasoning`: `encrypted_content` always written (`null` if absent); `content` written as
 *   `null` when unset, omitted when every part has type `text` (or the array is empty), kept when
 *   any part is `reasoning_text`.
 * - `local_shell_call.call_id`, `tool_search_call.call_id`/`arguments`, `tool_search_output.call_id`
 *   and the local-shell action's `timeout_ms, working_directory, env, user` are always written.
 * - Nested content parts get their wire order too; {@link OtherResponseItem} / other parts and
 *   actions are written verbatim.
 */
export function serializeResponseItem(
  item: ResponseItem,
  options?: SerializeResponseItemOptions,
): Record<string, unknown> {
  if (item.type === 'other') return { ...item.raw };
  const knownOnly = options?.knownFieldsOnly === true;
  const rules = (knownOnly ? KNOWN_ONLY_RULES : DEFAULT_RULES).get(item.type);
  if (rules === undefined) return { ...item };
  return writeOrdered(item as Record<string, unknown>, rules, { knownFieldsOnly: knownOnly });
}

// ---- description (tests) ----

/** One rule as data: `[key, mode]`, or `[key, mode, writer]` when a nested writer rewrites the value. */
export type DescribedRule = readonly [key: string, mode: 'opt' | 'always', writer?: FieldWriterName];

/** Every serialiser rules table as data (see {@link describeWireRules}). */
export interface WireRulesDescription {
  items: Record<KnownResponseItemType, readonly DescribedRule[]>;
  parts: Record<string, readonly DescribedRule[]>;
  localShellAction: readonly DescribedRule[];
  webSearchActions: Record<string, readonly DescribedRule[]>;
}

function describeSpecs(specs: readonly FieldSpec[]): DescribedRule[] {
  return specs.map(
    ({ key, mode, writer }): DescribedRule => (writer === undefined ? [key, mode] : [key, mode, writer]),
  );
}

function describeTable(
  table: Readonly<Record<string, readonly FieldSpec[]>>,
): Record<string, DescribedRule[]> {
  return Object.fromEntries(Object.entries(table).map(([type, specs]) => [type, describeSpecs(specs)]));
}

/**
 * Internal (not exported from the package entry): the serialiser's rules tables as data, so a
 * test can pin the wire order and modes independently of how they are built.
 */
export function describeWireRules(): WireRulesDescription {
  return {
    items: describeTable(
      Object.fromEntries(
        Object.keys(ITEM_SCHEMAS).map((type) => [type, itemSpecs(type as KnownResponseItemType)]),
      ),
    ) as WireRulesDescription['items'],
    parts: describeTable(PART_SPECS),
    localShellAction: describeSpecs(LOCAL_SHELL_ACTION_SPECS),
    webSearchActions: describeTable(WEB_SEARCH_ACTION_SPECS),
  };
}
