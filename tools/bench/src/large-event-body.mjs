// The body of the `sse-large-event` benchmark: one Responses turn whose `response.output_item.done`
// event alone is a given number of bytes.

import { RESPONSE_ID, renderEvent } from './sse-body.mjs';

/** The filler of the large message text (ASCII, no characters JSON must escape). */
const WORDS = 'the quick brown fox jumps over the lazy dog ';

/**
 * `response.created`, one `response.output_item.done` whose SSE frame (`event:` line, `data:` line,
 * blank line) is exactly `eventBytes` bytes (its message text is the padding), and
 * `response.completed`. Returns the UTF-8 bytes and the length of the message text.
 */
export function largeEventBody(eventBytes) {
  const item = (text) => ({
    type: 'response.output_item.done',
    output_index: 0,
    item: {
      id: 'msg_1',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text, annotations: [] }],
    },
    sequence_number: 1,
  });
  const overhead = Buffer.byteLength(renderEvent(item('')));
  const textLength = Math.max(0, eventBytes - overhead);
  const text = WORDS.repeat(Math.ceil(textLength / WORDS.length)).slice(0, textLength);
  const created = {
    type: 'response.created',
    response: { id: RESPONSE_ID, object: 'response', status: 'in_progress', model: 'gpt-5.5', output: [] },
    sequence_number: 0,
  };
  const completed = {
    type: 'response.completed',
    response: {
      id: RESPONSE_ID,
      object: 'response',
      status: 'completed',
      model: 'gpt-5.5',
      output: [],
      usage: {
        input_tokens: 12,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 1,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 13,
      },
    },
    sequence_number: 2,
  };
  const bytes = new TextEncoder().encode(
    renderEvent(created) + renderEvent(item(text)) + renderEvent(completed),
  );
  return { bytes, textLength };
}
