import { z } from 'zod';
import { hasErrorMarker, markErrorClass } from '../errors/error-marker.js';
import { isRecord } from '../internal/ordered.js';
import { ITEM_SCHEMAS, isKnownResponseItemType, type ResponseItem } from './item-schemas.js';

// ---- parsing ----

const MARKER = Symbol.for('@codex-ts/protocol.ResponseItemParseError');

/**
 * Thrown by {@link parseResponseItem} when the value is not an object with a string `type`, or when
 * the item has a known `type` but invalid fields (e.g. a `function_call` without `call_id`).
 * `itemType` is the offending `type` (if any); `issues` are the zod issues, with paths.
 */
export class ResponseItemParseError extends Error {
  override readonly name = 'ResponseItemParseError';
  readonly itemType: string | undefined;
  readonly issues: readonly z.core.$ZodIssue[];

  constructor(itemType: string | undefined, issues: readonly z.core.$ZodIssue[], message: string) {
    super(message);
    this.itemType = itemType;
    this.issues = issues;
  }

  static {
    markErrorClass(ResponseItemParseError, MARKER);
  }

  /** True when `value` is a ResponseItemParseError from any copy of this package. */
  static isInstance(value: unknown): value is ResponseItemParseError {
    return hasErrorMarker(value, MARKER);
  }
}

/** Result of {@link safeParseResponseItem}. */
export type ResponseItemParseResult =
  | { success: true; item: ResponseItem }
  | { success: false; error: ResponseItemParseError };

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.length === 0 ? '(item)' : issue.path.map(String).join('.');
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Like {@link parseResponseItem} but returns `{success:false, error}` instead of throwing. This is
 * what the API layer uses to skip an output item that fails to parse.
 */
export function safeParseResponseItem(value: unknown): ResponseItemParseResult {
  if (!isRecord(value) || typeof value.type !== 'string') {
    const issue: z.core.$ZodIssue = {
      code: 'custom',
      path: ['type'],
      message: 'a response item must be an object with a string "type"',
      input: value,
    };
    return {
      success: false,
      error: new ResponseItemParseError(undefined, [issue], `invalid response item: ${issue.message}`),
    };
  }
  // `compaction_summary` is a read alias of `compaction` (written back as `compaction`).
  const source = value.type === 'compaction_summary' ? { ...value, type: 'compaction' } : value;
  const type = source.type as string;
  if (!isKnownResponseItemType(type)) {
    return { success: true, item: { type: 'other', raw: { ...value, type } } };
  }
  const result = ITEM_SCHEMAS[type].safeParse(source);
  if (result.success) return { success: true, item: result.data as ResponseItem };
  const issues = result.error.issues;
  return {
    success: false,
    error: new ResponseItemParseError(type, issues, `invalid ${type} item: ${describeIssues(issues)}`),
  };
}

/**
 * Reads one wire item (`input[]` element, `response.output_item.*` `item`, compact `output[]`).
 *
 * - Unknown `type`: never an error; returns an {@link OtherResponseItem} holding the whole object.
 * - Known `type`: validated; extra fields are kept; absent nullable fields are filled the way the
 *   original reads them (`reasoning.encrypted_content`/`content` → `null`, `local_shell_call.call_id`
 *   → `null`, local-shell action fields → `null`); `compaction_summary` becomes `compaction`.
 *
 * @throws {ResponseItemParseError} when `value` is not an object with a string `type`, or a known
 *   item has invalid fields (the message names the item type and each bad field path).
 */
export function parseResponseItem(value: unknown): ResponseItem {
  const result = safeParseResponseItem(value);
  if (!result.success) throw result.error;
  return result.item;
}

/**
 * Zod schema for {@link ResponseItem} with the same rules as {@link parseResponseItem} (unknown types
 * are kept; invalid known items produce issues). Useful inside larger schemas, e.g. `z.array(ResponseItemSchema)`.
 */
export const ResponseItemSchema: z.ZodType<ResponseItem, unknown> = z.unknown().transform((value, ctx) => {
  const result = safeParseResponseItem(value);
  if (result.success) return result.item;
  for (const issue of result.error.issues) ctx.addIssue({ ...issue });
  return z.NEVER;
});
