// Many concurrent streams must not pile listeners onto one shared emitter or signal: Node warns
// (MaxListenersExceededWarning) above 10 listeners of one event.
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { completed, responseCreated } from '../events/builders.js';
import type { Step } from '../scenario/types.js';
import { type ResponsesServer, startResponsesServer } from './server.js';

const STREAMS = 20;

let warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
let server: ResponsesServer | undefined;
afterEach(async () => {
  process.off('warning', onWarning);
  await server?.close();
  server = undefined;
});

async function listenForWarnings(): Promise<void> {
  warnings = [];
  process.on('warning', onWarning);
}

/** Warnings are emitted on the next tick; let them arrive. */
async function settledWarnings(): Promise<string[]> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return warnings.map((w) => `${w.name}: ${w.message}`);
}

/** A raw POST that resolves when the response ends or the connection is dropped. */
function post(url: string): Promise<void> {
  return new Promise((resolve) => {
    const req = httpRequest(`${url}/responses`, { method: 'POST', agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', () => resolve());
      res.on('close', resolve);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve());
    req.end('{}');
  });
}

describe(`${STREAMS} concurrent streams`, () => {
  it('over HTTP (stalled and hanging until close) raise no MaxListenersExceededWarning', async () => {
    await listenForWarnings();
    server = await startResponsesServer();
    const steps: Step[] = Array.from({ length: STREAMS }, (_, i) =>
      i % 2 === 0
        ? { kind: 'sse', events: [responseCreated('r'), completed('r')], stallAfter: 1 }
        : { kind: 'hang' },
    );
    server.pushSteps(...steps);
    const done = Array.from({ length: STREAMS }, () => post(server!.url));
    await server.waitForRequests(STREAMS);
    await server.close();
    await Promise.all(done);
    expect(await settledWarnings()).toEqual([]);
  });

  it('over WebSocket (delayed handshakes, stalled responses) raise no MaxListenersExceededWarning', async () => {
    await listenForWarnings();
    server = await startResponsesServer({
      wsScenario: { responses: [{ events: [responseCreated('r')], stallAfter: 1 }], repeatLast: true },
    });
    // STREAMS handshakes held back by a delay, then STREAMS connections each with a stalled response.
    server.pushHandshakes(
      ...Array.from({ length: STREAMS }, () => ({ kind: 'accept', delayMs: 10_000 }) as const),
    );
    const connect = () => {
      const ws = new WebSocket(`${server!.wsUrl}/responses`);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'response.create', model: 'm', input: [] })));
      return new Promise<void>((resolve) => {
        ws.on('error', () => resolve());
        ws.on('close', () => resolve());
      });
    };
    const sockets = Array.from({ length: STREAMS }, connect);
    await server.waitForHandshakes(STREAMS);
    sockets.push(...Array.from({ length: STREAMS }, connect));
    await server.waitForHandshakes(2 * STREAMS);
    await server.waitForWsFrames(STREAMS);
    await server.close();
    await Promise.all(sockets);
    expect(await settledWarnings()).toEqual([]);
  });
});
