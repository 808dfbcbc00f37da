import { type ThreadEvent, ThreadEventSchema, ThreadItemSchema } from './thread-events.js';

/**
 * One line of a `codex exec --json` stream as {@link readThreadEventLine} reads it:
 * - `event`: a {@link ThreadEvent} this package models;
 * - `unknown`: valid JSON with a string `type` that is not a known event, or a known `item.*`
 *   event whose item `type` is unknown (a newer CLI's item kinds), kept as `value`;
 * - `malformed`: not JSON, not an object with a string `type`, or a known event with invalid fields.
 */
export type ThreadEventLine =
  | { kind: 'event'; event: ThreadEvent }
  | { kind: 'unknown'; type: string; value: Record<string, unknown> }
  | { kind: 'malformed'; line: string; message: string };

const ITEM_EVENTS = new Set(['item.started', 'item.updated', 'item.completed']);
let knownItemTypes: ReadonlySet<string> | undefined;
/** The item `type`s of {@link ThreadItemSchema}, read from it on first use (not when the module loads). */
function isKnownItemType(type: string): boolean {
  knownItemTypes ??= new Set<string>(ThreadItemSchema.options.map((option) => option.shape.type.value));
  return knownItemTypes.has(type);
}

/**
 * Reads one `codex exec --json` stdout line (observed-cli-0.169 §8, exec_events.rs) tolerantly:
 * never throws, unknown event and item types are `unknown` (not errors), known ones are validated
 * with {@link ThreadEventSchema}. Extra fields of known events are dropped.
 */
export function readThreadEventLine(line: string): ThreadEventLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { kind: 'malformed', line, message: `invalid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'malformed', line, message: 'not a JSON object' };
  }
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string') return { kind: 'malformed', line, message: 'missing string "type"' };
  const item = record.item as Record<string, unknown> | undefined;
  const unknownItem =
    ITEM_EVENTS.has(type) &&
    typeof item === 'object' &&
    item !== null &&
    typeof item.type === 'string' &&
    !isKnownItemType(item.type);
  const known = ThreadEventSchema.options.some((option) => option.shape.type.value === type);
  if (!known || unknownItem) return { kind: 'unknown', type, value: record };
  const parsed = ThreadEventSchema.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') || '(event)';
    return { kind: 'malformed', line, message: `${path}: ${issue?.message ?? 'invalid'}` };
  }
  return { kind: 'event', event: parsed.data };
}

/**
 * Reads a `codex exec --json` stream line by line from text chunks (a child process's stdout,
 * a file stream, strings): yields one {@link ThreadEventLine} per non-blank line as soon as its
 * `\n` arrives (a trailing `\r` is dropped; a last line without newline is read at the end).
 * Chunks may split lines and multi-byte characters anywhere (`Uint8Array` chunks are decoded
 * as UTF-8 across chunk boundaries). Never throws for bad lines.
 */
export async function* readThreadEvents(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): AsyncGenerator<ThreadEventLine> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of chunks) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line.trim() !== '') yield readThreadEventLine(line);
    }
  }
  buffer += decoder.decode();
  const last = buffer.replace(/\r$/, '');
  if (last.trim() !== '') yield readThreadEventLine(last);
}
