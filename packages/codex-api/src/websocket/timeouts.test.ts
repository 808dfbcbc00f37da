/** WebSocket timeouts on the shared IdleClock: out-of-range durations and a zero idle timeout. */
import {
  completed,
  outputTextDelta,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
} from '@codex-ts/responses-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { staticBearerAuth } from '../auth/auth-provider.js';
import { ApiError } from '../errors/api-error.js';
import type { Provider } from '../provider/provider.js';
import type { ResponseEvent } from '../responses/events.js';
import { ResponsesWebsocketClient } from './client.js';
import type { ResponsesWebsocketConnection } from './connection.js';
import { WebsocketErrorTexts } from './errors.js';
import type { ResponseCreateWsRequest } from './request.js';

let server: ResponsesServer;
const open: ResponsesWebsocketConnection[] = [];
let warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};

beforeAll(async () => {
  server = await startResponsesServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
  for (const connection of open.splice(0)) connection.close();
  server.setWsScenario({ responses: [] });
});

function client(overrides: Partial<Provider>): ResponsesWebsocketClient {
  return new ResponsesWebsocketClient({
    provider: {
      name: 'test',
      baseUrl: server.url,
      headers: {},
      retry: {
        maxAttempts: 0,
        baseDelayMs: 1,
        retryOn: { retry429: false, retry5xx: true, retryTransport: true },
      },
      streamIdleTimeoutMs: 5_000,
      websocketConnectTimeoutMs: 2_000,
      ...overrides,
    },
    auth: staticBearerAuth('sk-test'),
  });
}

const request: ResponseCreateWsRequest = {
  model: 'gpt-5.5',
  input: [],
  tools: [],
  tool_choice: 'auto',
  parallel_tool_calls: true,
  store: false,
  stream: true,
  include: [],
};

/** Bounds `promise` by `ms`: a hang fails the test instead of the run. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

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
