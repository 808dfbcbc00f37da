// `codex-ts exec` against a server that accepts a request and never answers (the stream idle
// timeout bounds the wait for headers, on the first attempt and on a transport retry), and against
// a 2xx that is not an event stream (issue 6, items 3 and 7a).
import { type ResponsesServer, startResponsesServer, textTurn } from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHomes } from '../test-support/run-cli.js';

let server: ResponsesServer;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
});
afterEach(() => server.close());

function home(extra: string): string {
  return newHome(server.url, extra);
}

const textStep = { kind: 'sse', events: textTurn({ responseId: 'resp_1', text: 'ok' }) } as const;
const HEADERS_TIMEOUT =
  'Reconnecting... 1/5 (stream disconnected before completion: idle timeout waiting for response headers)';

describe('codex-ts exec: a server that never sends response headers', () => {
  it('gives up on the first attempt after stream_idle_timeout_ms and retries the turn', async () => {
    server.pushSteps({ kind: 'hang' }, textStep);
    const r = await runCli(['exec', '--json', 'hi'], {
      home: home('stream_idle_timeout_ms = 300'),
      timeoutMs: 10_000,
    });
    expect(r.code).toBe(0);
    expect(r.lines[2]).toBe(`{"type":"error","message":"${HEADERS_TIMEOUT}"}`);
    expect(JSON.parse(r.lines.at(-1) ?? '{}')).toMatchObject({ type: 'turn.completed' });
    expect(server.requests).toHaveLength(2);
  });

  it('gives up the same way when the transport retry after a 500 is the attempt that hangs', async () => {
    server.pushSteps({ kind: 'error', status: 500 }, { kind: 'hang' }, textStep);
    const r = await runCli(['exec', '--json', 'hi'], {
      home: home('stream_idle_timeout_ms = 300'),
      timeoutMs: 10_000,
    });
    expect(r.code).toBe(0);
    expect(r.lines[2]).toBe(`{"type":"error","message":"${HEADERS_TIMEOUT}"}`);
    expect(server.requests).toHaveLength(3);
  });

  it('fails the turn when every attempt hangs', async () => {
    server.setScenario({ steps: [{ kind: 'hang' }], repeatLast: true });
    const r = await runCli(['exec', '--json', 'hi'], {
      home: home('stream_idle_timeout_ms = 200\nstream_max_retries = 1'),
      timeoutMs: 10_000,
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.lines.at(-1) ?? '{}')).toEqual({
      type: 'turn.failed',
      error: { message: 'stream disconnected before completion: idle timeout waiting for response headers' },
    });
    expect(server.requests).toHaveLength(2);
  });
});

describe('codex-ts exec: a 2xx that is not an event stream', () => {
  it('fails at once with an error naming the content type, without retrying', async () => {
    server.setScenario({
      steps: [
        {
          kind: 'error',
          status: 200,
          headers: { 'content-type': 'text/html; charset=utf-8' },
          body: '<html><body>Please log in to the network</body></html>',
        },
      ],
      repeatLast: true,
    });
    const r = await runCli(['exec', '--json', 'hi'], { home: home(''), timeoutMs: 10_000 });
    expect(r.code).toBe(1);
    const message = `unexpected content type \\"text/html; charset=utf-8\\" in a 200 OK response (expected text/event-stream), url: ${server.url}/responses`;
    expect(r.lines.slice(1)).toEqual([
      '{"type":"turn.started"}',
      `{"type":"error","message":"${message}"}`,
      `{"type":"turn.failed","error":{"message":"${message}"}}`,
    ]);
    expect(server.requests).toHaveLength(1);
  });
});
