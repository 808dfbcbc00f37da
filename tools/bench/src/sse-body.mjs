// The SSE stream every consumer reads: one realistic text turn with N output_text.delta events.

/** The text of every delta event. */
export const DELTA = 'word ';
/** The response id used by response.created / response.completed. */
export const RESPONSE_ID = 'resp_bench';

/**
 * The event objects of one turn: `response.created`, `n` × `response.output_text.delta`
 * (`{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,
 * "delta":"word ","sequence_number":i}`), `response.output_item.done` carrying the whole message,
 * `response.completed` with usage. Each renders as `event: <type>\ndata: <json>\n\n`.
 */
export function turnEvents(n) {
  const events = new Array(n + 3);
  let seq = 0;
  events[0] = {
    type: 'response.created',
    response: { id: RESPONSE_ID, object: 'response', status: 'in_progress', model: 'gpt-5.5', output: [] },
    sequence_number: seq++,
  };
  for (let i = 0; i < n; i++) {
    events[i + 1] = {
      type: 'response.output_text.delta',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: DELTA,
      sequence_number: seq++,
    };
  }
  events[n + 1] = {
    type: 'response.output_item.done',
    output_index: 0,
    item: {
      id: 'msg_1',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: DELTA.repeat(n), annotations: [] }],
    },
    sequence_number: seq++,
  };
  events[n + 2] = {
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
        output_tokens: n,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 12 + n,
      },
    },
    sequence_number: seq++,
  };
  return events;
}

/** One event as SSE text: `event: <type>\ndata: <json>\n\n` (the payloads hold no newlines). */
export function renderEvent(event) {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The whole SSE body of `turnEvents(n)`, rendered once. */
export function renderBody(n) {
  return turnEvents(n).map(renderEvent).join('');
}
