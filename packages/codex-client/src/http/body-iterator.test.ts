/**
 * The streamed body's iterator against real sockets: many HTTP chunks per socket read arrive as
 * one piece, a consumer that stops reading stops the socket (bounded read-ahead), and a consumer
 * that stops in the middle of a batch closes the connection at once.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sseEvents } from '../sse/events.js';
import { closeServersAndTransport, startServer, within } from '../test/index.js';
import { HttpTransport } from './transport.js';

let transport: HttpTransport;
const rawServers: Server[] = [];
beforeEach(() => {
  transport = new HttpTransport();
});
afterEach(async () => {
  for (const server of rawServers.splice(0)) server.close();
  await closeServersAndTransport(transport);
});

/**
 * A server that answers every request with `response` (head and chunked body bytes) in ONE socket
 * write, as a server flushing one HTTP chunk per event does under load, and keeps the connection.
 */
async function oneWriteServer(response: Buffer): Promise<{ url: string; closed: Promise<void> }> {
  let onClose: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    onClose = resolve;
  });
  const server = createServer((socket: Socket) => {
    let head = '';
    socket.on('data', (data) => {
      head += data.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      head = '';
      socket.write(response);
    });
    socket.on('close', onClose);
    socket.on('error', () => {});
  });
  rawServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, closed };
}

/** Resolves once `read()` has not changed for `quietMs` (polled every 20 ms), or after `timeoutMs`. */
async function whenStill(read: () => number, quietMs = 200, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = read();
  let since = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = read();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return;
    }
  }
}

/** `events` as an SSE body, one HTTP chunk per event, with the terminating chunk when `end`. */
function chunkedSse(events: string[], end: boolean): Buffer {
  let out = 'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n';
  for (const event of events) out += `${Buffer.byteLength(event).toString(16)}\r\n${event}\r\n`;
  if (end) out += '0\r\n\r\n';
  return Buffer.from(out);
}

const event = (i: number): string => `event: delta\ndata: {"i":${i},"text":"héllo"}\n\n`;

describe('HttpTransport.stream body iterator', () => {
  it('hands over the HTTP chunks of one socket read in one piece, in order', async () => {
    const events = Array.from({ length: 500 }, (_, i) => event(i));
    const server = await oneWriteServer(chunkedSse(events, true));
    const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
    const pieces: Buffer[] = [];
    for await (const piece of response.body) {
      pieces.push(Buffer.from(piece));
      if (pieces.length > events.length) throw new Error('more pieces than chunks');
    }
    expect(Buffer.concat(pieces).toString('utf8')).toBe(events.join(''));
    // 500 chunks (~20 KB) written at once arrive in a few socket reads, not one piece per chunk.
    expect(pieces.length).toBeLessThan(50);
  });

  it('stops reading the socket while the consumer does not read, and delivers every byte after', async () => {
    const piece = Buffer.alloc(64 * 1024, 'abcdefgh');
    const total = 32 * 1024 * 1024;
    let flushed = 0;
    let finished = false;
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const pump = (): void => {
        while (flushed < total) {
          flushed += piece.length;
          if (!res.write(piece)) {
            res.once('drain', pump);
            return;
          }
        }
        finished = true;
        res.end();
      };
      pump();
    });
    const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
    const iterator = response.body[Symbol.asyncIterator]();
    const first = await within(iterator.next(), 5_000);
    let received = first.done ? 0 : first.value.length;
    // Wait until the server can write no more: the kernel buffers and the client's read-ahead are full.
    await whenStill(() => flushed);
    expect(finished).toBe(false);
    expect(flushed).toBeLessThan(total / 2);
    for (;;) {
      const next = await within(iterator.next(), 10_000);
      if (next.done) break;
      received += next.value.length;
    }
    expect(received).toBe(total);
  });

  it('closes the connection at once when the consumer stops in the middle of a batch', async () => {
    const events = Array.from({ length: 200 }, (_, i) => event(i));
    // No terminating chunk: the stream stays open, so only the client can close it.
    const server = await oneWriteServer(chunkedSse(events, false));
    const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
    const seen: string[] = [];
    for await (const sse of sseEvents(response.body, { idleTimeoutMs: 10_000 })) {
      seen.push(sse.data);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 2].map((i) => `{"i":${i},"text":"héllo"}`));
    await within(server.closed, 5_000, 'the connection was not closed');
    // The transport is still usable.
    const again = await startServer((_req, res) => res.end('ok'));
    expect((await transport.request({ method: 'GET', url: again.url, headers: {} })).text()).toBe('ok');
  });

  it('keeps one small chunk of the last body alive after a full GC, and only the latest', async () => {
    // Why: the chunks Node's HTTP parser makes have a hidden class of their own; when the last of
    // them dies, V8 throws away the code optimized for it and the next stream starts cold.
    const server = await oneWriteServer(chunkedSse([event(1)], true));
    const first = await readChunks(transport, server.url);
    expect(first).toHaveLength(1);
    await collectGarbage();
    expect(first[0]?.deref()).toBeDefined();
    const second = await readChunks(transport, server.url);
    await collectGarbage();
    expect(second[0]?.deref()).toBeDefined();
    expect(first[0]?.deref()).toBeUndefined();
  });

  it("keeps the node:http chunk while another sender's bodies stream in the same process", async () => {
    const server = await oneWriteServer(chunkedSse([event(1)], true));
    const kept = await readChunks(transport, server.url);
    const other = new HttpTransport({ sender: 'undici' });
    try {
      expect(await readChunks(other, server.url)).toHaveLength(1);
    } finally {
      await other.close();
    }
    await collectGarbage();
    expect(kept[0]?.deref()).toBeDefined();
  });
});

/** A full GC after the current job ended (WeakRef targets stay alive until then), three times. */
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

/**
 * Streams one body from `url` to its end and returns weak references to the pieces it yielded
 * (a one-chunk response is handed over as the very chunk the sender produced).
 */
async function readChunks(via: HttpTransport, url: string): Promise<WeakRef<Uint8Array>[]> {
  const response = await via.stream({ method: 'GET', url, headers: {} });
  const refs: WeakRef<Uint8Array>[] = [];
  for await (const piece of response.body) refs.push(new WeakRef(piece));
  return refs;
}
