/**
 * Both senders of HttpTransport (the default `node:http` one and `sender: 'undici'`) at the byte
 * level and at their edges: the request head (0.169.0's for node:http, undici's own for undici),
 * response headers, the connect timeout (TLS handshake included), idle keep-alive
 * connections, `close()`; and a caller's undici dispatcher instead.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { BuildError, ConnectionError } from '../errors/transport-error.js';
import { closeAllServers, startServer, until, within } from '../test/index.js';
import { HttpTransport } from './transport.js';

const SENDERS = ['node:http', 'undici'] as const;
const transports: HttpTransport[] = [];
const rawServers: Server[] = [];

function newTransport(options?: ConstructorParameters<typeof HttpTransport>[0]): HttpTransport {
  const transport = new HttpTransport(options);
  transports.push(transport);
  return transport;
}

/** A TCP server that hands each connection to `onSocket`; resolves with its port. */
async function rawServer(onSocket: (socket: Socket) => void): Promise<number> {
  const server = createServer(onSocket);
  rawServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** Answers the first request head on each connection with `response`, recording the head bytes. */
async function headServer(response: string, heads: Buffer[]): Promise<number> {
  return rawServer((socket) => {
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      heads.push(received.subarray(0, end + 4));
      received = Buffer.alloc(0);
      socket.write(response, 'latin1');
    });
  });
}

afterEach(async () => {
  await closeAllServers();
  for (const server of rawServers.splice(0)) {
    server.close();
  }
  await within(Promise.all(transports.splice(0).map((t) => t.close())), 5_000, 'transport did not close');
});

describe.each(SENDERS)('HttpTransport request head (%s)', (sender) => {
  // node:http (the default) writes 0.169.0's head (observed-cli-0.169.md §3): the headers as given,
  // then host and content-length, no connection; undici writes host and connection first.
  const head = (port: number, first: string, headers: string, last = ''): string =>
    sender === 'undici'
      ? `${first}\r\nhost: 127.0.0.1:${port}\r\nconnection: keep-alive\r\n${headers}${last}\r\n`
      : `${first}\r\n${headers}host: 127.0.0.1:${port}\r\n${last}\r\n`;

  it('writes the headers as given, host and content-length; values as Latin-1 bytes', async () => {
    const heads: Buffer[] = [];
    const port = await headServer('HTTP/1.1 204 No Content\r\n\r\n', heads);
    const transport = newTransport({ sender });
    await transport.request({
      method: 'POST',
      url: `http://127.0.0.1:${port}/v1/responses?x=1`,
      headers: { 'X-Zeta': 'ä', authorization: 'Bearer k', Accept: 'text/event-stream' },
      body: 'é',
    });
    await transport.request({ method: 'GET', url: `http://127.0.0.1:${port}/models`, headers: {} });
    await transport.request({ method: 'POST', url: `http://127.0.0.1:${port}/empty`, headers: {} });
    expect(heads[0]?.toString('latin1')).toBe(
      head(
        port,
        'POST /v1/responses?x=1 HTTP/1.1',
        'X-Zeta: \u00e4\r\nauthorization: Bearer k\r\nAccept: text/event-stream\r\n',
        'content-length: 2\r\n',
      ),
    );
    expect(
      heads[0]?.includes(Buffer.from([0x0a, 0x58, 0x2d, 0x5a, 0x65, 0x74, 0x61, 0x3a, 0x20, 0xe4])),
    ).toBe(true);
    expect(heads[1]?.toString('latin1')).toBe(head(port, 'GET /models HTTP/1.1', ''));
    expect(heads[2]?.toString('latin1')).toContain('\r\ncontent-length: 0\r\n\r\n');
    expect(heads).toHaveLength(3);
  });

  it.runIf(sender === 'node:http')(
    'keeps the connection alive without a connection header; a caller-given host or connection is kept',
    async () => {
      const heads: Buffer[] = [];
      let connections = 0;
      const port = await rawServer((socket) => {
        connections++;
        socket.on('data', (data) => {
          heads.push(data);
          socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
        });
      });
      const transport = newTransport({ sender });
      const url = `http://127.0.0.1:${port}/`;
      await transport.request({ method: 'GET', url, headers: {} });
      await transport.request({ method: 'GET', url, headers: { Host: 'example.test', a: '1' } });
      await transport.request({ method: 'GET', url, headers: { connection: 'close' } });
      expect(connections).toBe(1);
      expect(heads.map((h) => h.toString('latin1'))).toEqual([
        `GET / HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n\r\n`,
        'GET / HTTP/1.1\r\na: 1\r\nHost: example.test\r\n\r\n',
        `GET / HTTP/1.1\r\nconnection: close\r\nhost: 127.0.0.1:${port}\r\n\r\n`,
      ]);
    },
  );

  it('rejects a header value with a line break, writing nothing', async () => {
    const heads: Buffer[] = [];
    const port = await headServer('HTTP/1.1 204 No Content\r\n\r\n', heads);
    const transport = newTransport({ sender });
    await expect(
      transport.request({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: { a: 'x\r\nb: y' } }),
    ).rejects.toThrow();
    await transport.request({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} });
    expect(heads).toHaveLength(1);
    expect(heads[0]?.toString('latin1')).not.toContain('b: y');
  });
});

describe.each(SENDERS)('HttpTransport response headers (%s)', (sender) => {
  it('keeps every repeated header joined with ", " and gives values as Latin-1 text', async () => {
    const port = await headServer(
      'HTTP/1.1 200 OK\r\nContent-Type: a\r\ncontent-type: b\r\nX-Name: \u00c3\u00a9t\u00c3\u00a9\r\n' +
        'Set-Cookie: c=1\r\nSet-Cookie: d=2\r\nContent-Length: 2\r\n\r\nok',
      [],
    );
    const response = await newTransport({ sender }).request({
      method: 'GET',
      url: `http://127.0.0.1:${port}/`,
      headers: {},
    });
    expect(response.headers['content-type']).toBe('a, b');
    expect(response.headers['x-name']).toBe('\u00c3\u00a9t\u00c3\u00a9');
    expect(response.headers['set-cookie']).toBe('c=1, d=2');
    expect(response.text()).toBe('ok');
  });
});

describe.each(SENDERS)('HttpTransport connections (%s)', (sender) => {
  it('fails with ConnectionError when the TLS handshake does not finish within connectTimeoutMs', async () => {
    let accepted = 0;
    const port = await rawServer(() => {
      accepted++; // accepts TCP, never answers the ClientHello
    });
    const transport = newTransport({ sender, connectTimeoutMs: 150 });
    const error = await within(
      transport.request({ method: 'GET', url: `https://127.0.0.1:${port}/`, headers: {} }).catch((e) => e),
      5_000,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toBe(
      `Connect Timeout Error (attempted address: 127.0.0.1:${port}, timeout: 150ms)`,
    );
    expect(accepted).toBe(1);
  });

  it('closes an idle connection after keepAliveTimeoutMs when the server gives no keep-alive hint', async () => {
    let closes = 0;
    const port = await rawServer((socket) => {
      socket.on('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx'));
      socket.on('close', () => closes++);
    });
    const transport = newTransport({ sender, keepAliveTimeoutMs: 100 });
    await transport.request({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} });
    await until(() => closes === 1, 3_000);
  });

  it('follows the server keep-alive hint as undici does: timeout=10 keeps the connection, timeout=1 does not', async () => {
    const long = await startServer((_req, res) => res.end('x')); // sends `Keep-Alive: timeout=10`
    const transport = newTransport({ sender, keepAliveTimeoutMs: 50 });
    await transport.request({ method: 'GET', url: long.url, headers: {} });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await transport.request({ method: 'GET', url: long.url, headers: {} });
    expect(long.requests[1]?.remotePort).toBe(long.requests[0]?.remotePort);

    const ports: number[] = [];
    const port = await rawServer((socket) => {
      socket.on('data', () => {
        ports.push(socket.remotePort ?? 0);
        socket.write('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1\r\nContent-Length: 1\r\n\r\nx');
      });
    });
    await transport.request({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await transport.request({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} });
    expect(ports).toHaveLength(2);
    expect(ports[1]).not.toBe(ports[0]);
  });

  it('close() waits for a body still streaming, then closes; later requests reject with BuildError', async () => {
    const server = await startServer((_req, res) => {
      res.write('first');
      setTimeout(() => res.end('last'), 100);
    });
    const transport = newTransport({ sender });
    const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
    let closed = false;
    const closing = transport.close().then(() => {
      closed = true;
    });
    const chunks: string[] = [];
    for await (const chunk of response.body) {
      expect(closed).toBe(false);
      chunks.push(Buffer.from(chunk).toString('utf8'));
    }
    expect(chunks.join('')).toBe('firstlast');
    await within(closing, 3_000, 'close() did not finish');
    const error = await transport.request({ method: 'GET', url: server.url, headers: {} }).catch((e) => e);
    expect(error).toBeInstanceOf(BuildError);
  });
});

describe('HttpTransport with a caller dispatcher', () => {
  it('sends through an undici Agent and leaves it open on close()', async () => {
    const server = await startServer((_req, res) => res.end('via undici'));
    const dispatcher = new Agent();
    const transport = new HttpTransport({ dispatcher });
    const response = await transport.request({ method: 'GET', url: server.url, headers: { 'x-a': '1' } });
    expect(response.text()).toBe('via undici');
    await transport.close();
    expect(dispatcher.closed).toBe(false);
    await dispatcher.close();
    expect(server.requests[0]?.rawHeaders).toContain('x-a');
  });
});
