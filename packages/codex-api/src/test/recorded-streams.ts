// fast-check arbitraries for the Responses event state machine's property tests: realistic recorded
// streams (the shapes of wire-protocol §3.3, built with the responses server's builders), arbitrary
// event objects, and an in-process oracle of what a stream of events must yield.

import { ApiError, type ApiErrorCode, type ResponseEvent, ResponsesEventMapper } from '@codex-ts/api';
import { cutAt } from '@codex-ts/client/test';
import {
  completed,
  failed,
  incomplete,
  outputTextDelta,
  type ResponsesEvent,
  reasoningSummaryDelta,
  textTurn,
  usage,
} from '@codex-ts/responses-server';
import fc from 'fast-check';

/** Every `ApiErrorCode` (the `Record` makes the compiler check the list is complete). */
const CODES: Record<ApiErrorCode, true> = {
  context_window_exceeded: true,
  quota_exceeded: true,
  usage_not_included: true,
  usage_limit_reached: true,
  server_overloaded: true,
  invalid_request: true,
  invalid_image_request: true,
  cyber_policy: true,
  misalignment_policy_violation: true,
  retry_limit: true,
  internal_server_error: true,
  unexpected_status: true,
  stream: true,
  rate_limit_exceeded: true,
  request_timeout: true,
  connection_failed: true,
  refresh_token_failed: true,
  auth_transient: true,
  auth: true,
  unexpected_content_type: true,
  response_incomplete: true,
  aborted: true,
};

/** True for an `ApiError` carrying one of the documented codes (what the API layer may throw). */
export function isTypedApiError(error: unknown): error is ApiError {
  return ApiError.isInstance(error) && Object.hasOwn(CODES, error.code);
}

/** How a stream ended: the events it yielded, then nothing (completed) or a typed error. */
export interface Outcome {
  events: ResponseEvent[];
  error: { code: ApiErrorCode; message: string } | undefined;
}

/** Iterates `stream` to its end; any non-`ApiError` throw is rethrown (the property then fails). */
export async function outcomeOf(stream: AsyncIterable<ResponseEvent>, limit = 100_000): Promise<Outcome> {
  const events: ResponseEvent[] = [];
  try {
    for await (const event of stream) {
      events.push(event);
      if (events.length > limit) throw new Error('stream did not end');
    }
  } catch (error) {
    if (!isTypedApiError(error)) throw error;
    return { events, error: { code: error.code, message: error.message } };
  }
  return { events, error: undefined };
}

/**
 * What a stream of `events` must yield after `prefix` (the header events), computed in process with
 * a fresh {@link ResponsesEventMapper}: derived events before each event's own, nothing after
 * `completed`; at the end without `completed`, the mapper's `finish()` error (HTTP) — on WebSocket
 * a `response.failed` / `.incomplete` ends the stream at once.
 */
export function expectedOutcome(
  events: readonly object[],
  transport: 'http' | 'websocket',
  prefix: ResponseEvent[] = [],
): Outcome {
  const mapper = new ResponsesEventMapper({ transport });
  const out: ResponseEvent[] = [...prefix];
  for (const event of events) {
    let own: ResponseEvent | undefined;
    try {
      own = mapper.process(event);
    } catch (error) {
      if (!isTypedApiError(error)) throw error;
      return { events: out, error: { code: error.code, message: error.message } };
    }
    out.push(...mapper.drain(own));
    if (mapper.isCompleted) return { events: out, error: undefined };
  }
  const error = mapper.finish();
  return { events: out, error: { code: error.code, message: error.message } };
}

/** Text with multi-byte characters, newlines and JSON-special characters. */
const wireText = fc.string({
  unit: fc.constantFrom('a', 'b', ' ', '\n', '"', '\\', 'é', '€', '😀', '\u2028'),
  maxLength: 24,
});

const usageArb = fc.oneof(
  fc.constant(null),
  fc
    .record({ input: fc.nat(10_000), cached: fc.nat(1000), output: fc.nat(5000), reasoning: fc.nat(1000) })
    .map((counts) => usage(counts)),
);

/** How a recorded response ends (or does not: EOF before any terminal event). */
const terminalArb = (id: string): fc.Arbitrary<ResponsesEvent[]> =>
  fc.oneof(
    { weight: 4, arbitrary: usageArb.map((u) => [completed(id, u)]) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'rate_limit_exceeded',
            'context_length_exceeded',
            'insufficient_quota',
            'server_is_overloaded',
            'invalid_prompt',
            'some_new_code',
          ),
          wireText,
        )
        .map(([code, message]) => [failed(id, code, `${message} Please try again in 1.5s.`)]),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('max_output_tokens', 'content_filter')
        .map((reason) => [incomplete(id, reason)]),
    },
    { weight: 1, arbitrary: fc.constant([] as ResponsesEvent[]) },
  );

/** Events a server may add anywhere: unknown types, metadata, malformed deltas. */
const noiseArb: fc.Arbitrary<ResponsesEvent> = fc.oneof(
  fc.constant({ type: 'response.in_progress', response: { id: 'resp_noise' } } as ResponsesEvent),
  wireText.map((t) => ({ type: 'response.some_future_event', text: t }) as ResponsesEvent),
  fc.constant({ type: 'response.output_text.delta', delta: 42 } as unknown as ResponsesEvent),
  fc.constant({
    type: 'response.metadata',
    metadata: { openai_verification_recommendation: ['trusted_access_for_cyber'] },
  } as ResponsesEvent),
  wireText.map((t) => reasoningSummaryDelta(t, 0)),
);

/**
 * A realistic recorded response: `textTurn` (created, reasoning summary part/deltas/done, reasoning
 * and message `output_item.done`, text deltas) with noise inserted, then a terminal event
 * (completed with usage, failed, incomplete, or none) and possibly events after it.
 */
export function recordedStreamArb(id = 'resp_1'): fc.Arbitrary<ResponsesEvent[]> {
  return fc
    .record({
      text: wireText,
      reasoning: fc.option(fc.array(wireText, { minLength: 1, maxLength: 2 }), { nil: undefined }),
      deltas: fc.integer({ min: 1, max: 6 }),
      noise: fc.array(fc.tuple(fc.nat(), noiseArb), { maxLength: 3 }),
      terminal: terminalArb(id),
      trailing: fc.array(wireText.map(outputTextDelta), { maxLength: 2 }),
    })
    .map(({ text, reasoning, deltas, noise, terminal, trailing }) => {
      const turn = textTurn({ responseId: id, text: text === '' ? 'x' : text, reasoning, deltas });
      const body = turn.slice(0, -1); // without textTurn's own completed
      for (const [at, event] of noise) body.splice(1 + (at % body.length), 0, event);
      return [...body, ...terminal, ...trailing];
    });
}

/** JSON values for event fields, sometimes of the right shape. */
const fieldArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.record({ id: fc.oneof(fc.string(), fc.integer()), usage: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({
    type: fc.constantFrom('message', 'reasoning', 'function_call'),
    content: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.string(),
  fc.integer(),
);

/** An arbitrary event object: a known or unknown `type` and arbitrary JSON in the usual fields. */
export const arbitraryEventArb: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    type: fc.oneof(
      fc.constantFrom(
        'response.created',
        'response.completed',
        'response.failed',
        'response.incomplete',
        'response.output_item.added',
        'response.output_item.done',
        'response.output_text.delta',
        'response.custom_tool_call_input.delta',
        'response.reasoning_summary_text.delta',
        'response.reasoning_summary_text.done',
        'response.reasoning_summary_part.added',
        'response.reasoning_text.delta',
        'response.metadata',
        'codex.rate_limits',
        'codex.response.metadata',
        'error',
      ),
      fc.string(),
      fc.integer(),
    ),
    response: fieldArb,
    response_id: fc.string(),
    delta: fieldArb,
    item: fieldArb,
    item_id: fieldArb,
    call_id: fieldArb,
    text: fieldArb,
    summary_index: fieldArb,
    content_index: fieldArb,
    headers: fieldArb,
    metadata: fieldArb,
    safety_buffering: fieldArb,
    rate_limits: fieldArb,
    status: fieldArb,
    error: fieldArb,
  },
  { requiredKeys: ['type'] },
);

/** Splits `bytes` at the given (arbitrary) offsets, mapped into the body, into 1…n non-empty pieces. */
export function splitAt(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  if (bytes.length < 2) return [bytes];
  return cutAt(
    bytes,
    offsets.map((o) => 1 + (o % (bytes.length - 1))),
  );
}
