// Frames of an earlier response on a reused WebSocket (issue 6, defect 4): matched by response id
// against the request in flight, ignored and counted, never allowed to end another request.
import { collect, until } from '@codex-ts/client/test';
import { userMessage } from '@codex-ts/protocol/test';
import {
  completed,
  failed,
  incomplete,
  outputTextDelta,
  textTurn,
  type WsFrameEvent,
  type WsResponseStep,
} from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { staticBearerAuth } from '../auth/auth-provider.js';
import type { ResponseEvent } from '../responses/events.js';
import { testProvider, testRequest, useResponsesServer } from '../test/index.js';
import { ResponsesWebsocketClient } from './client.js';
import type { ResponsesWebsocketConnection } from './connection.js';
import type { ResponseCreateWsRequest } from './request.js';
import type { WsEventTelemetryInfo } from './telemetry.js';

const { server, open } = await useResponsesServer();

async function connect(): Promise<{
  connection: ResponsesWebsocketConnection;
  seen: WsEventTelemetryInfo[];
}> {
  const seen: WsEventTelemetryInfo[] = [];
  const client = new ResponsesWebsocketClient({
    provider: testProvider(server.url, { streamIdleTimeoutMs: 3000 }),
    auth: staticBearerAuth('sk-test'),
    telemetry: { onWsRequest: () => {}, onWsEvent: (info) => seen.push(info) },
  });
  const connection = await client.connect();
  open.push(connection);
  return { connection, seen };
}

function request(overrides: Partial<ResponseCreateWsRequest> = {}): ResponseCreateWsRequest {
  return testRequest({ input: [userMessage('hi')], tools: [], ...overrides });
}

const answer = (events: ResponseEvent[]): string =>
  events.map((e) => (e.type === 'output_text.delta' ? e.delta : '')).join('');
const completedId = (events: ResponseEvent[]): string | undefined => {
  const last = events.at(-1);
  return last?.type === 'completed' ? last.responseId : undefined;
};
const staleKinds = (seen: WsEventTelemetryInfo[]): string[] =>
  seen.filter((info) => info.stale === true).map((info) => info.kind);

/** Turn 2's real answer, with `stale` frames inserted right after its `response.created`. */
function turnWithStaleAfterCreated(id: string, stale: WsFrameEvent[]): WsResponseStep {
  const [created, ...rest] = textTurn({ responseId: id, text: 'the real answer' });
  return { events: [created!, ...stale, ...rest] };
}

describe('stale frames on a reused WebSocket', () => {
  it('ignores a late duplicate response.completed of turn 1 that arrives during turn 2', async () => {
    server.setWsScenario({
      responses: [
        { events: textTurn({ responseId: 'resp_1', text: 'first' }) },
        turnWithStaleAfterCreated('resp_2', [completed('resp_1')]),
      ],
    });
    const { connection, seen } = await connect();
    expect(completedId(await collect(await connection.stream(request())))).toBe('resp_1');
    const second = await collect(await connection.stream(request({ previous_response_id: 'resp_1' })));
    expect(answer(second)).toBe('the real answer');
    expect(completedId(second)).toBe('resp_2');
    expect(second.filter((e) => e.type === 'completed')).toHaveLength(1);
    expect(connection.isClosed).toBe(false);
    expect(staleKinds(seen)).toEqual(['response.completed']);
  });

  it('treats a terminal event of the previous response before the new response.created as stale', async () => {
    server.setWsScenario({
      responses: [
        { events: textTurn({ responseId: 'resp_1', text: 'first' }) },
        { events: [completed('resp_1'), ...textTurn({ responseId: 'resp_2', text: 'the real answer' })] },
        {
          events: [
            failed('resp_2', 'server_error', 'late failure of resp_2'),
            incomplete('resp_1', 'max_output_tokens'),
            ...textTurn({ responseId: 'resp_3', text: 'third' }),
          ],
        },
      ],
    });
    const { connection, seen } = await connect();
    await collect(await connection.stream(request()));
    const second = await collect(await connection.stream(request()));
    expect(answer(second)).toBe('the real answer');
    expect(completedId(second)).toBe('resp_2');
    const third = await collect(await connection.stream(request()));
    expect(answer(third)).toBe('third');
    expect(completedId(third)).toBe('resp_3');
    expect(connection.isClosed).toBe(false);
    expect(staleKinds(seen)).toEqual(['response.completed', 'response.failed', 'response.incomplete']);
  });

  it('never lets a stale response.failed / response.incomplete fail the request in flight', async () => {
    server.setWsScenario({
      responses: [
        { events: textTurn({ responseId: 'resp_1', text: 'first' }) },
        turnWithStaleAfterCreated('resp_2', [
          failed('resp_1', 'rate_limit_exceeded', 'stale'),
          incomplete('resp_1', 'max_output_tokens'),
          { type: 'response.output_text.delta', response_id: 'resp_1', delta: 'STALE' },
          { type: 'response.created', response: { id: 'resp_1' } },
        ]),
      ],
    });
    const { connection, seen } = await connect();
    await collect(await connection.stream(request()));
    const second = await collect(await connection.stream(request()));
    expect(answer(second)).toBe('the real answer');
    expect(second.filter((e) => e.type === 'created')).toHaveLength(1);
    expect(completedId(second)).toBe('resp_2');
    expect(staleKinds(seen)).toEqual([
      'response.failed',
      'response.incomplete',
      'response.output_text.delta',
      'response.created',
    ]);
  });

  it('counts a duplicate that arrives between requests and keeps the socket for the next one', async () => {
    server.setWsScenario({
      responses: [
        { events: [...textTurn({ responseId: 'resp_1', text: 'first' }), completed('resp_1')] },
        { events: textTurn({ responseId: 'resp_2', text: 'second' }) },
      ],
    });
    const { connection, seen } = await connect();
    await collect(await connection.stream(request()));
    await until(() => staleKinds(seen).length === 1); // the duplicate arrived with no request in flight
    expect(seen.at(-1)).toMatchObject({ kind: 'response.completed', stale: true, error: undefined });
    expect(connection.isClosed).toBe(false);
    const second = await collect(await connection.stream(request()));
    expect([answer(second), completedId(second)]).toEqual(['second', 'resp_2']);
  });

  it('treats events naming the previous_response_id as stale on a fresh socket', async () => {
    server.setWsScenario({
      checkPreviousResponseId: false,
      responses: [{ events: [completed('resp_0'), ...textTurn({ responseId: 'resp_1', text: 'answer' })] }],
    });
    const { connection, seen } = await connect();
    const events = await collect(await connection.stream(request({ previous_response_id: 'resp_0' })));
    expect([answer(events), completedId(events)]).toEqual(['answer', 'resp_1']);
    expect(staleKinds(seen)).toEqual(['response.completed']);
  });

  it('delivers frames that name no response, and accepts a server without response.created or with reused ids', async () => {
    server.setWsScenario({
      responses: [
        { events: [outputTextDelta('no '), outputTextDelta('created'), completed('resp_x')] },
        { events: textTurn({ responseId: 'resp_same', text: 'one' }) },
        { events: textTurn({ responseId: 'resp_same', text: 'two' }) },
      ],
    });
    const { connection, seen } = await connect();
    const first = await collect(await connection.stream(request()));
    expect([answer(first), completedId(first)]).toEqual(['no created', 'resp_x']);
    const second = await collect(await connection.stream(request()));
    expect([answer(second), completedId(second)]).toEqual(['one', 'resp_same']);
    // A server that reuses ids: its response.created names the request in flight.
    const third = await collect(await connection.stream(request()));
    expect([answer(third), completedId(third)]).toEqual(['two', 'resp_same']);
    expect(staleKinds(seen)).toEqual([]);
  });
});
