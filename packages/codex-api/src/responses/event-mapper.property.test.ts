// Property tests of the Responses event state machine in process (no I/O, so many runs): arbitrary
// input never throws anything but a typed ApiError, and what it emits is always a ResponseEvent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorTexts, streamMessage } from '../errors/messages.js';
import { arbitraryEventArb, isTypedApiError, recordedStreamArb } from '../test/index.js';
import { apiErrorFromResponseFailed, ResponsesEventMapper } from './event-mapper.js';
import type { ResponseEvent } from './events.js';

const EVENT_TYPES = new Set<ResponseEvent['type']>([
  'created',
  'output_item.added',
  'output_item.done',
  'output_text.delta',
  'tool_call_input.delta',
  'reasoning_summary_text.delta',
  'reasoning_summary_text.done',
  'reasoning_summary_part.added',
  'reasoning_text.delta',
  'completed',
  'rate_limits',
  'server_model',
  'models_etag',
  'server_reasoning_included',
  'turn_state',
  'model_verifications',
  'turn_moderation_metadata',
  'safety_buffering',
]);

/** Feeds `inputs` to a fresh mapper; returns what it emitted, and checks every throw is a typed ApiError. */
function feed(inputs: readonly unknown[], transport: 'http' | 'websocket'): ResponseEvent[] {
  const mapper = new ResponsesEventMapper({ transport, safetyBufferingFasterModel: 'gpt-fast' });
  const out: ResponseEvent[] = [];
  for (const input of inputs) {
    try {
      out.push(...mapper.drain(mapper.process(input)));
    } catch (error) {
      expect(isTypedApiError(error), String(error)).toBe(true);
      mapper.pending.length = 0;
    }
  }
  expect(isTypedApiError(mapper.finish())).toBe(true);
  return out;
}

const transportArb = fc.constantFrom('http' as const, 'websocket' as const);

describe('ResponsesEventMapper (property)', () => {
  it('maps arbitrary event objects to ResponseEvents or a typed ApiError, never another throw', () => {
    fc.assert(
      fc.property(fc.array(arbitraryEventArb, { maxLength: 20 }), transportArb, (events, transport) => {
        for (const event of feed(events, transport)) expect(EVENT_TYPES.has(event.type)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('accepts any JSON value or other input without a raw exception', () => {
    fc.assert(
      fc.property(
        fc.array(fc.anything({ maxDepth: 3 }), { maxLength: 10 }),
        transportArb,
        (inputs, transport) => {
          feed(inputs, transport);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ends a recorded stream at its terminal event: completed once, or the typed failure', () => {
    fc.assert(
      fc.property(recordedStreamArb(), transportArb, (events, transport) => {
        const mapper = new ResponsesEventMapper({ transport });
        const emitted: ResponseEvent[] = [];
        let failure: unknown;
        for (const event of events) {
          try {
            emitted.push(...mapper.drain(mapper.process(event)));
          } catch (error) {
            failure = error;
            break;
          }
          if (mapper.isCompleted) break;
        }
        const terminal = events.find((e) =>
          ['response.completed', 'response.failed', 'response.incomplete'].includes(e.type),
        );
        if (terminal?.type === 'response.completed') {
          expect(emitted.filter((e) => e.type === 'completed')).toEqual([
            expect.objectContaining({ type: 'completed', responseId: 'resp_1' }),
          ]);
          expect(failure).toBeUndefined();
        } else if (transport === 'websocket' && terminal !== undefined) {
          expect(isTypedApiError(failure)).toBe(true); // thrown at once
        } else {
          expect(failure).toBeUndefined();
          expect(mapper.isCompleted).toBe(false);
          const stored = mapper.finish();
          expect(isTypedApiError(stored)).toBe(true);
          if (terminal === undefined) {
            expect(stored.message).toBe(streamMessage(ErrorTexts.streamClosedEarly));
          } else if (terminal.type === 'response.incomplete') {
            expect([stored.code, stored.message]).toEqual([
              'response_incomplete',
              'Incomplete response returned, reason: ' +
                String(
                  (terminal.response as { incomplete_details: { reason: string } }).incomplete_details.reason,
                ),
            ]);
          } else {
            const mapped = apiErrorFromResponseFailed(terminal);
            expect([stored.code, stored.message]).toEqual([mapped.code, mapped.message]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
