// Incremental WebSocket requests: when may a `response.create` continue from
// the previous response with `previous_response_id` and only the new input items?

import type { ResponsesApiRequest } from '@codex-ts/api';
import { type ResponseItem, serializeResponseItem } from '@codex-ts/protocol';

/** What the previous response on a socket produced: its id and its `output_item.done` items. */
export interface LastResponse {
  /** `response.completed` → `response.id`; an empty id never allows a continuation. */
  responseId: string;
  /** The items the response added (`output_item.done`), in arrival order. */
  itemsAdded: readonly ResponseItem[];
}

/**
 * Request fields that must be equal for a continuation. `input`, `client_metadata` and
 * `stream_options` are deliberately absent: they may change between requests.
 */
const COMPARED_FIELDS = [
  'model',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning',
  'store',
  'stream',
  'include',
  'service_tier',
  'prompt_cache_key',
  'text',
] as const satisfies readonly (keyof ResponsesApiRequest)[];

/** Canonical JSON: object keys sorted, `undefined` members dropped (so `{}` ≠ absent is kept apart). */
function canonicalJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

/** True when every field of {@link COMPARED_FIELDS} is equal in `a` and `b`. */
export function sameNonInputFields(a: ResponsesApiRequest, b: ResponsesApiRequest): boolean {
  for (const field of COMPARED_FIELDS) {
    const left = field === 'instructions' ? a.instructions || undefined : a[field];
    const right = field === 'instructions' ? b.instructions || undefined : b[field];
    if (canonicalJson(left) !== canonicalJson(right)) return false;
  }
  return true;
}

/**
 * The wire JSON of one item as compared for continuations: the protocol serialisation without
 * `internal_chat_message_metadata_passthrough`.
 */
export function itemIdentity(item: ResponseItem): string {
  const wire = serializeResponseItem(item);
  delete wire.internal_chat_message_metadata_passthrough;
  return JSON.stringify(wire);
}

/**
 * The input items to send with `previous_response_id = last.responseId`, or `undefined` when a
 * full `response.create` is needed: the previous response is missing or has an empty id, a
 * compared field differs, or `next.input` does not start with `previous.input ++ last.itemsAdded`.
 * May return `[]` (nothing new since the previous response).
 */
export function incrementalInput(
  previous: ResponsesApiRequest,
  last: LastResponse | undefined,
  next: ResponsesApiRequest,
): ResponseItem[] | undefined {
  if (!last || last.responseId === '') return undefined;
  if (!sameNonInputFields(previous, next)) return undefined;
  const baseline = [...previous.input, ...last.itemsAdded];
  if (next.input.length < baseline.length) return undefined;
  for (let i = 0; i < baseline.length; i++) {
    const a = baseline[i] as ResponseItem;
    const b = next.input[i] as ResponseItem;
    if (a !== b && itemIdentity(a) !== itemIdentity(b)) return undefined;
  }
  return next.input.slice(baseline.length);
}
