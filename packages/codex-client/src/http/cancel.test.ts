/**
 * A streamed body that is never iterated: cancelling it, or losing its connection, must not raise
 * an error nobody listens to (vitest fails the run on such an uncaught error).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortedError } from '../errors/transport-error.js';
import { closeServersAndTransport, startServer, within } from '../test/index.js';
import { HttpTransport } from './transport.js';

let transport: HttpTransport;
let uncaught: unknown[] = [];
const onUncaught = (error: unknown): void => {
  uncaught.push(error);
};

beforeEach(() => {
  transport = new HttpTransport();
  uncaught = [];
  process.on('uncaughtException', onUncaught);
});

afterEach(async () => {
  process.off('uncaughtException', onUncaught);
  await closeServersAndTransport(transport);
});

describe('HttpTransport.stream body that is never iterated', () => {
  it('cancel() of a fully received body raises no uncaught error; a later read throws AbortedError', async () => {
    const server = await startServer((_req, res) => {
      const page = '<html><body>a proxy page</body></html>';
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(page.length) });
      res.end(page);
    });
    const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
    // Let the whole body arrive, then cancel it unread.
    await new Promise((resolve) => setTimeout(resolve, 20));
    response.cancel('not an event stream');
    // Let any error event the cancel caused surface before the test ends.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(uncaught).toEqual([]);
    const iterator = response.body[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toBeInstanceOf(AbortedError);
  });

  it('cancel() of a body still arriving closes the connection', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<html>');
    });
    const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
    const closed = server.nextSocketClose();
    response.cancel();
    await within(closed, 5_000, 'the connection was not closed');
  });

  it('a connection that drops before the body is read raises nothing until it is read', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n', () => setTimeout(() => res.socket?.destroy(), 10));
    });
    const closed = server.nextSocketClose();
    const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
    await within(closed, 5_000, 'the server did not drop the connection');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const chunks: string[] = [];
    const read = async (): Promise<void> => {
      for await (const chunk of response.body) chunks.push(Buffer.from(chunk).toString());
    };
    // Either the buffered bytes and then the failure, or the failure at once: never an uncaught error.
    await read().catch(() => undefined);
    expect(uncaught).toEqual([]);
    expect(chunks.join('')).toMatch(/^(data: 1\n)?$/);
  });
});
