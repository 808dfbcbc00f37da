// Property tests of the WebSocket stream path against the responses server on 127.0.0.1: stale
// frames of earlier responses inserted anywhere never change what a request yields, and arbitrary
// frames never make it throw anything but a typed ApiError.
import {
  completed,
  failed,
  incomplete,
  type ResponsesEvent,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
  type WsFrameEvent,
} from '@codex-ts/responses-server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticBearerAuth } from '../auth/auth-provider.js';
import { headerEvents } from '../responses/header-events.js';
import {
  arbitraryEventArb,
  expectedOutcome,
  outcomeOf,
  recordedStreamArb,
  testProvider,
  testRequest,
} from '../test/index.js';
import { ResponsesWebsocketClient } from './client.js';
import type { ResponsesWebsocketConnection } from './connection.js';
import type { ResponseCreateWsRequest } from './request.js';

let server: ResponsesServer;
let client: ResponsesWebsocketClient;
let connection: ResponsesWebsocketConnection | undefined;
/** Response ids the current connection has carried (what a stale frame may name before `response.created`). */
let known: string[] = [];
let stale = 0;

beforeAll(async () => {
  server = await startResponsesServer();
  client = new ResponsesWebsocketClient({
    provider: testProvider(server.url, { streamIdleTimeoutMs: 3000 }),
    auth: staticBearerAuth('sk-test'),
    telemetry: { onWsRequest: () => {}, onWsEvent: (info) => void (info.stale === true && stale++) },
  });
});
afterAll(async () => {
  connection?.close();
  await server.close();
});

/** The open connection, or a new one (with nothing known) after the last one was dropped. */
async function socket(): Promise<ResponsesWebsocketConnection> {
  if (connection === undefined || connection.isClosed) {
    connection = await client.connect();
    known = [];
  }
  return connection;
}

function request(previous?: string): ResponseCreateWsRequest {
  return testRequest(previous === undefined ? {} : { previous_response_id: previous });
}

type StaleKind = 'completed' | 'failed' | 'incomplete' | 'delta' | 'created';

function staleFrame(kind: StaleKind, id: string): ResponsesEvent {
  switch (kind) {
    case 'completed':
      return completed(id);
    case 'failed':
      return failed(id, 'server_error', `late failure of ${id}`);
    case 'incomplete':
      return incomplete(id, 'max_output_tokens');
    case 'delta':
      return { type: 'response.output_text.delta', response_id: id, delta: 'STALE' };
    case 'created':
      return responseCreated(id);
  }
}

const insertionArb = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom<StaleKind>('completed', 'failed', 'incomplete', 'delta', 'created'),
  id: fc.nat(),
  beforeCreated: fc.boolean(),
});

let nextId = 0;

const isTerminal = (event: ResponsesEvent): boolean =>
  event.type === 'response.completed' ||
  event.type === 'response.failed' ||
  event.type === 'response.incomplete';

describe('ResponsesWebsocketConnection stream path (property)', () => {
  it('yields the same events whatever stale frames of earlier responses are inserted', async () => {
    const withTerminal = recordedStreamArb('resp_current').filter((events) => events.some(isTerminal));
    await fc.assert(
      fc.asyncProperty(
        withTerminal,
        fc.array(insertionArb, { maxLength: 6 }),
        fc.boolean(),
        async (recorded, insertions, continueFrom) => {
          const conn = await socket();
          const id = `resp_${nextId++}`;
          const renamed = JSON.parse(
            JSON.stringify(recorded).replaceAll('resp_current', id),
          ) as ResponsesEvent[];
          // Frames after the terminal one would reach the next request: id-less ones belong to it.
          const events = renamed.slice(0, renamed.findIndex(isTerminal) + 1);
          const previous = continueFrom ? known.at(-1) : undefined;
          const frames: WsFrameEvent[] = [...events];
          const recent = known.slice(-32); // a socket remembers its last 64 response ids
          for (const { at, kind, id: pick, beforeCreated } of insertions) {
            // Before response.created only ids this socket knows are stale, and never a created.
            if (beforeCreated && kind !== 'created' && recent.length > 0) {
              frames.unshift(staleFrame(kind, recent[pick % recent.length] as string));
            } else {
              const old = recent.length > 0 ? (recent[pick % recent.length] as string) : 'resp_other';
              // Between this response's created and its terminal event: later frames could reach
              // the next request before its response.created, where an unknown id would name it.
              const created = frames.findIndex((f) => (f as ResponsesEvent).type === 'response.created');
              const terminal = frames.findIndex((f, i) => i > created && isTerminal(f as ResponsesEvent));
              frames.splice(created + 1 + (at % (terminal - created)), 0, staleFrame(kind, old));
            }
          }
          server.setWsScenario({ responses: [{ events: frames }], checkPreviousResponseId: false });
          const before = stale;
          const expected = expectedOutcome(
            events,
            'websocket',
            headerEvents(conn.handshakeHeaders, 'handshake'),
          );
          expect(await outcomeOf(await conn.stream(request(previous)))).toEqual(expected);
          known.push(id);
          if (expected.error === undefined) expect(conn.isClosed).toBe(false);
          if (insertions.length > 0 && expected.error === undefined) expect(stale).toBeGreaterThan(before);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('throws nothing but a typed ApiError for arbitrary frames', async () => {
    const frameArb: fc.Arbitrary<WsFrameEvent> = fc.oneof(
      arbitraryEventArb.map((event) => ({ raw: JSON.stringify(event) })),
      fc.string({ maxLength: 64 }).map((raw) => ({ raw })),
      fc.jsonValue({ maxDepth: 2 }).map((value) => ({ raw: JSON.stringify(value) ?? 'null' })),
    );
    connection?.close(); // start from a fresh socket
    await fc.assert(
      fc.asyncProperty(fc.array(frameArb, { maxLength: 12 }), async (frames) => {
        const conn = await socket();
        // A final wrapped 500 error frame ends a request the frames did not end.
        const end: WsFrameEvent = {
          type: 'error',
          status: 500,
          error: { type: 'server_error', message: 'end' },
        };
        server.setWsScenario({ responses: [{ events: [...frames, end] }] });
        const outcome = await outcomeOf(await conn.stream(request()));
        if (outcome.error === undefined) expect(outcome.events.at(-1)?.type).toBe('completed');
        else expect(conn.isClosed).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
