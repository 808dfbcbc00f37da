/** WebSocket timeouts on the shared IdleClock: out-of-range durations and a zero idle timeout. */

import { captureWarnings, within } from '@codex-ts/client/test';
import { completed, outputTextDelta, responseCreated } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { staticBearerAuth } from '../auth/auth-provider.js';
import { ApiError } from '../errors/api-error.js';
import type { Provider } from '../provider/provider.js';
import type { ResponseEvent } from '../responses/events.js';
import { testProvider, testRequest, useResponsesServer } from '../test/index.js';
import { ResponsesWebsocketClient } from './client.js';
import { WebsocketErrorTexts } from './errors.js';
import type { ResponseCreateWsRequest } from './request.js';

const { server, open } = await useResponsesServer();
const warnings = captureWarnings();

function client(overrides: Partial<Provider>): ResponsesWebsocketClient {
  return new ResponsesWebsocketClient({
    provider: testProvider(server.url, overrides),
    auth: staticBearerAuth('sk-test'),
  });
}

const request: ResponseCreateWsRequest = testRequest({ tools: [] });

/** Sends `request` on a new connection and collects the event types, or the ApiError that ended it. */
async function run(c: ResponsesWebsocketClient): Promise<{ types: string[]; error: ApiError | undefined }> {
  const types: string[] = [];
  try {
    const connection = await c.connect();
    open.push(connection);
    const stream = await connection.stream(request);
    for await (const event of stream as AsyncIterable<ResponseEvent>) types.push(event.type);
    return { types, error: undefined };
  } catch (error) {
    if (!ApiError.isInstance(error)) throw error;
    return { types, error };
  }
}

describe('WebSocket durations beyond the range of Node timers', () => {
  it('a 3 000 000 000 ms connect timeout and idle timeout neither fire early nor warn', async () => {
    server.setWsScenario({
      handshakes: [{ kind: 'accept', delayMs: 40 }],
      responses: [{ events: [responseCreated('r'), outputTextDelta('a'), completed('r')], delayMs: 30 }],
    });
    const result = await within(
      run(client({ websocketConnectTimeoutMs: 3_000_000_000, streamIdleTimeoutMs: 3_000_000_000 })),
      5_000,
    );
    expect(result.error).toBeUndefined();
    expect(result.types.filter((t) => t === 'output_text.delta' || t === 'completed')).toEqual([
      'output_text.delta',
      'completed',
    ]);
    expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning');
  });
});

describe('WebSocket idle timeout of 0', () => {
  it('expires at once (not "disabled") when the server sends nothing', async () => {
    server.setWsScenario({ responses: [{ events: [responseCreated('r')], stallAfter: 0 }] });
    const result = await within(run(client({ streamIdleTimeoutMs: 0 })), 2_000);
    expect(result.error?.code).toBe('stream');
    // The send itself may be what the clock interrupts.
    expect([
      `stream disconnected before completion: ${WebsocketErrorTexts.idleTimeout}`,
      `stream disconnected before completion: ${WebsocketErrorTexts.idleTimeoutSending}`,
    ]).toContain(result.error?.message);
  });
});
