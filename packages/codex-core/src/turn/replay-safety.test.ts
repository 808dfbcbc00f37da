// Replay safety (issue: a retried attempt must never hand the caller output twice). A recorded
// stream is dropped after every event index k, over HTTP SSE and over WebSocket, and the turn's
// visible output must equal the output of a single clean attempt every time.

import { collect } from '@codex-ts/client/test';
import type { ResponseItem } from '@codex-ts/protocol';
import { type ResponsesEvent, textTurn } from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, testConversation } from '../test/index.js';
import type { TurnEvent } from './events.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const recorded: ResponsesEvent[] = textTurn({
  responseId: 'resp_1',
  text: 'alpha beta gamma delta epsilon',
  deltas: ['alpha ', 'beta ', 'gamma ', 'delta ', 'epsilon'],
  reasoning: ['**Thinking** about greek letters'],
});

/** What a consumer following the documented contract shows: live text minus discarded attempts. */
function visible(events: TurnEvent[]): { text: string; reasoning: string; items: ResponseItem[] } {
  const discarded = new Set(events.flatMap((e) => (e.type === 'attempt.discarded' ? [e.attempt] : [])));
  let text = '';
  let reasoning = '';
  const items: ResponseItem[] = [];
  for (const e of events) {
    if (e.type === 'output_text.delta' && !discarded.has(e.attempt)) text += e.delta;
    if (e.type === 'reasoning_summary.delta' && !discarded.has(e.attempt)) reasoning += e.delta;
    if (e.type === 'item.completed') items.push(e.item);
  }
  return { text, reasoning, items };
}

async function runOnce(transport: 'http' | 'ws', dropAfter: number | undefined): Promise<TurnEvent[]> {
  const first = dropAfter === undefined ? { events: recorded } : { events: recorded, dropAfter };
  const h =
    transport === 'http'
      ? await harness({
          steps: [
            { kind: 'sse', ...first },
            { kind: 'sse', events: recorded },
          ],
        })
      : await harness(
          { steps: [] },
          {
            ws: { responses: [first, { events: recorded }], autoPrewarm: true },
            client: { supportsWebsockets: true },
          },
        );
  closers.push(h.close);
  const { conversation } = testConversation(h.client);
  return collect(conversation.runTurn('Say the greek letters.'));
}

describe.each(['http', 'ws'] as const)('a stream dropped after every event index (%s)', (transport) => {
  it('shows each item once and the text of exactly one attempt', async () => {
    const clean = visible(await runOnce(transport, undefined));
    expect(clean.text).toBe('alpha beta gamma delta epsilon');
    expect(clean.items.map((i) => i.type)).toEqual(['reasoning', 'message']);

    // Every k before response.completed is written (the last event) breaks the first attempt.
    for (let k = 0; k < recorded.length - 1; k++) {
      const events = await runOnce(transport, k);
      expect(events.at(-1)?.type, `drop after ${k}`).toBe('turn.completed');
      const seen = visible(events);
      expect(seen, `drop after ${k}`).toEqual(clean);
      // Items are never delivered for the attempt that failed, so nothing has to be taken back.
      const completedItems = events.filter((e) => e.type === 'item.completed');
      expect(completedItems.length, `drop after ${k}`).toBe(2);
      // Only an attempt that actually showed text is declared discarded, and always before the retry.
      const discards = events.filter((e) => e.type === 'attempt.discarded');
      const firstAttemptDeltas = events.some(
        (e) => (e.type === 'output_text.delta' || e.type === 'reasoning_summary.delta') && e.attempt === 1,
      );
      expect(discards.map((e) => e.type === 'attempt.discarded' && e.attempt)).toEqual(
        firstAttemptDeltas ? [1] : [],
      );
    }
  }, 60_000);
});
