// Issue 6, defect 4 at the turn level: a late duplicate `response.completed` of turn 1 arriving on
// the reused WebSocket during turn 2 must not end turn 2 (responses server on 127.0.0.1).

import { collect } from '@codex-ts/client/test';
import { TelemetryMetricNames as M } from '@codex-ts/otel';
import { inMemoryOtel } from '@codex-ts/otel/test';
import type { ResponseItem } from '@codex-ts/protocol';
import { completed, textTurn } from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, testConversation, testTelemetry } from '../test/index.js';
import type { TurnEvent } from '../turn/events.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const answerOf = (events: TurnEvent[]): string =>
  events.map((e) => (e.type === 'output_text.delta' ? e.delta : '')).join('');
const messagesOf = (items: ResponseItem[]): string[] =>
  items
    .filter((i) => i.type === 'message' && (i as { role?: string }).role === 'assistant')
    .map((i) => ((i as { content: { text?: string }[] }).content[0]?.text ?? '') as string);

describe('Conversation over a reused WebSocket with a late duplicate frame', () => {
  it('delivers turn 2 its real answer although turn 1’s response.completed arrives again', async () => {
    const otel = inMemoryOtel();
    const telemetry = testTelemetry({
      meterProvider: otel.meterProvider,
      loggerProvider: otel.loggerProvider,
    });
    const [created2, ...rest2] = textTurn({ responseId: 'resp_2', text: 'The real second answer.' });
    const h = await harness(
      { steps: [] },
      {
        ws: {
          responses: [
            { events: textTurn({ responseId: 'resp_1', text: 'First answer.' }) },
            // Before and after turn 2's response.created: the duplicate of turn 1's completion.
            { events: [completed('resp_1'), created2!, completed('resp_1'), ...rest2] },
            { events: textTurn({ responseId: 'resp_3', text: 'Third.' }) },
          ],
        },
        client: { supportsWebsockets: true, telemetry },
      },
    );
    closers.push(async () => {
      await h.close();
      await otel.shutdown();
    });
    const { conversation } = testConversation(h.client);

    const first = await collect(conversation.runTurn('one'));
    expect([first.at(-1)?.type, answerOf(first)]).toEqual(['turn.completed', 'First answer.']);
    const second = await collect(conversation.runTurn('two'));
    expect(second.filter((e) => e.type === 'stream_error')).toEqual([]);
    expect([second.at(-1)?.type, answerOf(second)]).toEqual(['turn.completed', 'The real second answer.']);
    const third = await collect(conversation.runTurn('three'));
    expect(third.at(-1)?.type).toBe('turn.completed');

    // One socket for all three turns; turn 3 continues from turn 2's real response.
    expect(h.server.handshakes).toHaveLength(1);
    const frames = h.server.wsFrames.map((f) => f.json as Record<string, unknown>);
    expect(frames.map((f) => f.previous_response_id)).toEqual([undefined, 'resp_1', 'resp_2']);
    expect(messagesOf(conversation.history)).toEqual(['First answer.', 'The real second answer.', 'Third.']);

    const stale = await otel.metricPoints(M.websocketStaleEvent);
    expect(stale.map((p) => [p.attributes.kind, p.value])).toEqual([['response.completed', 2]]);
    const completions = (await otel.metricPoints(M.websocketEvent)).filter(
      (p) => p.attributes.kind === 'response.completed',
    );
    expect(completions.reduce((sum, p) => sum + p.value, 0)).toBe(3);
  });
});
