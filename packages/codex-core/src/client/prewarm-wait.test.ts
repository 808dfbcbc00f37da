// The first turn's wait for the startup prewarm is bounded by websocketConnectTimeoutMs; a value
// beyond Node's timer range must not turn into a 1 ms wait that abandons the prewarm (issue 6).

import { collect } from '@codex-ts/client/test';
import { textTurn } from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harness, testConversation } from '../test/index.js';

const closers: (() => Promise<void>)[] = [];
let warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(async () => {
  process.off('warning', onWarning);
  for (const close of closers.splice(0)) await close();
});

describe('waiting for the startup prewarm', () => {
  it('waits for a slow prewarm with a 3 000 000 000 ms connect timeout, on one socket, without warnings', async () => {
    const h = await harness(
      { steps: [] },
      {
        client: { supportsWebsockets: true },
        provider: { websocketConnectTimeoutMs: 3_000_000_000 },
        ws: {
          handshakes: [{ kind: 'accept', delayMs: 80 }],
          responses: [
            { events: textTurn({ responseId: 'resp_1', text: 'warm' }) },
            { events: textTurn({ responseId: 'resp_2', text: 'Hello!' }) },
          ],
        },
      },
    );
    closers.push(h.close);
    const { conversation } = testConversation(h.client);
    const prewarm = conversation.prewarm(); // not awaited: the turn has to wait for it
    const events = await collect(conversation.runTurn('Say hello.'));
    expect(await prewarm).toBe('ready');
    expect(events.at(-1)?.type).toBe('turn.completed');
    // The turn continued on the prewarmed socket instead of abandoning it after 1 ms.
    expect(h.server.handshakes).toHaveLength(1);
    const frames = h.server.wsFrames.map((f) => f.json as Record<string, unknown>);
    expect(frames).toHaveLength(2);
    expect(frames[0]?.generate).toBe(false);
    expect(frames[1]?.previous_response_id).toEqual(expect.stringMatching(/^resp_/));
    expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning');
  });
});
