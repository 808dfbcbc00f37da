// SSE rendering: step events → the exact bytes written to the socket.

import type { SseChunking, SseStepEvent } from '../scenario/types.js';

/** Classify an SSE step event. */
export function classifySseEvent(
  event: SseStepEvent,
):
  | { kind: 'raw'; raw: string; delayMs: number | undefined }
  | { kind: 'data'; data: object | string; event: string | undefined; delayMs: number | undefined } {
  const record = event as Record<string, unknown>;
  if (typeof record.type !== 'string') {
    if (typeof record.raw === 'string') {
      return { kind: 'raw', raw: record.raw, delayMs: record.delayMs as number | undefined };
    }
    if ('data' in record && (typeof record.data === 'string' || typeof record.data === 'object')) {
      const data = record.data as object | string;
      const name =
        typeof record.event === 'string'
          ? record.event
          : typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string'
            ? (data as { type: string }).type
            : undefined;
      return { kind: 'data', data, event: name, delayMs: record.delayMs as number | undefined };
    }
  }
  // Shorthand: a plain event object.
  return { kind: 'data', data: event, event: record.type as string | undefined, delayMs: undefined };
}

/**
 * Render one step event to SSE text: `event: <name>\n` (when known) then one `data:` line per line
 * of the payload, then a blank line. `{ raw }` events are returned verbatim.
 */
export function renderSseEvent(event: SseStepEvent): string {
  const c = classifySseEvent(event);
  if (c.kind === 'raw') return c.raw;
  const payload = typeof c.data === 'string' ? c.data : JSON.stringify(c.data);
  let out = c.event !== undefined ? `event: ${c.event}\n` : '';
  for (const line of payload.split('\n')) out += `data: ${line}\n`;
  return `${out}\n`;
}

/**
 * Render a list of events (plain event objects, `{ data }` or `{ raw }`) to one SSE body string,
 * exactly what an `sse` step with these events writes (delays ignored).
 */
export function sseBody(events: SseStepEvent[]): string {
  return events.map(renderSseEvent).join('');
}

/** Split one rendered event into the writes `chunking` asks for. */
export function chunkBytes(text: string, chunking: SseChunking | undefined): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  if (chunking === undefined || chunking === 'event' || bytes.length === 0) return [bytes];
  const size = chunking === 'byte' ? 1 : Math.max(1, Math.floor(chunking));
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}
