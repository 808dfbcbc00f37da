// Decoding a whole stream with a fresh SseDecoder, chunk by chunk.
import { SseDecoder, type SseEvent } from '@codex-ts/client';

type Push = (event: SseEvent) => void;

function decodeWith(feedAll: (decoder: SseDecoder, push: Push) => void): SseEvent[] {
  const decoder = new SseDecoder();
  const events: SseEvent[] = [];
  const push: Push = (event) => {
    events.push(event);
  };
  feedAll(decoder, push);
  decoder.end(push);
  return events;
}

/** The events a fresh decoder yields for `chunks` fed as text (`feed`), then `end`. */
export function decodeText(chunks: readonly string[]): SseEvent[] {
  return decodeWith((decoder, push) => {
    for (const chunk of chunks) decoder.feed(chunk, push);
  });
}

/** The events a fresh decoder yields for `chunks` fed as bytes (`feedBytes`), then `end`. */
export function decodeBytes(chunks: readonly Uint8Array[]): SseEvent[] {
  return decodeWith((decoder, push) => {
    for (const chunk of chunks) decoder.feedBytes(chunk, push);
  });
}
