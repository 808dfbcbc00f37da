// Decoding a whole stream with a fresh SseDecoder, chunk by chunk.
import { SseDecoder, type SseEvent } from '@codex-ts/client';

/** The events a fresh decoder yields for `chunks` fed as text (`feed`), then `end`. */
export function decodeText(chunks: readonly string[]): SseEvent[] {
  const decoder = new SseDecoder();
  const events: SseEvent[] = [];
  const push = (event: SseEvent): void => {
    events.push(event);
  };
  for (const chunk of chunks) decoder.feed(chunk, push);
  decoder.end(push);
  return events;
}

/** The events a fresh decoder yields for `chunks` fed as bytes (`feedBytes`), then `end`. */
export function decodeBytes(chunks: readonly Uint8Array[]): SseEvent[] {
  const decoder = new SseDecoder();
  const events: SseEvent[] = [];
  const push = (event: SseEvent): void => {
    events.push(event);
  };
  for (const chunk of chunks) decoder.feedBytes(chunk, push);
  decoder.end(push);
  return events;
}
