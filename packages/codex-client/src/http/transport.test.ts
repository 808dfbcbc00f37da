import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortedError,
  BuildError,
  ConnectionError,
  HttpStatusError,
  NetworkError,
  TimeoutError,
  type TransportError,
} from '../errors/transport-error.js';
import type { RequestTelemetryInfo } from '../telemetry/telemetry.js';
import { closedPort, closeServersAndTransport, startServer, within } from '../test/index.js';
import { HttpTransport } from './transport.js';

let transport: HttpTransport;
beforeEach(() => {
  transport = new HttpTransport();
});
afterEach(() => closeServersAndTransport(transport));

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  return within(
    promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (error: unknown) => error as TransportError,
    ),
    5_000,
  );
}

/** The [name, value] pairs of rawHeaders whose lower-cased name is in `names`. */
function pick(rawHeaders: string[], names: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (names.includes(name.toLowerCase())) out.push([name, rawHeaders[i + 1] as string]);
  }
  return out;
}

describe('HttpTransport.request', () => {
  it('sends method, path, headers in insertion order with names as given, and body bytes', async () => {
    const server = await startServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true,"text":"héllo"}');
    });
    const body = Uint8Array.of(0, 1, 2, 0xff, 0xfe, 10, 13);
    const headers = {
      'X-Zeta': 'z',
      authorization: 'Bearer secret',
      'Content-Type': 'application/octet-stream',
      'x-alpha': 'a',
      'X-Mid': 'm',
    };
    const response = await transport.request({
      method: 'POST',
      url: `${server.url}/v1/responses?x=1`,
      headers,
      body,
    });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ ok: true, text: 'héllo' });
    expect(response.text()).toBe('{"ok":true,"text":"héllo"}');
    expect(response.headers['content-type']).toBe('application/json');

    const recorded = server.requests[0];
    expect(recorded?.method).toBe('POST');
    expect(recorded?.url).toBe('/v1/responses?x=1');
    expect(
      pick(
        recorded?.rawHeaders ?? [],
        Object.keys(headers).map((name) => name.toLowerCase()),
      ),
    ).toEqual(Object.entries(headers));
    expect([...(recorded?.body ?? [])]).toEqual([...body]);
  });

  it('sends a string body as UTF-8', async () => {
    const server = await startServer((_req, res) => res.end());
    await transport.request({ method: 'PUT', url: server.url, headers: {}, body: '{"a":"é🎉"}' });
    expect(server.requests[0]?.body.toString('utf8')).toBe('{"a":"é🎉"}');
  });

  it('reuses the keep-alive connection across requests', async () => {
    const server = await startServer((_req, res) => res.end('x'));
    await transport.request({ method: 'GET', url: server.url, headers: {} });
    // undici hands a finished socket back to the pool one event-loop turn later (on purpose, to
    // notice servers that close despite keep-alive); real retries wait far longer than that.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await transport.request({ method: 'GET', url: server.url, headers: {} });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.remotePort).toBeDefined();
    expect(server.requests[1]?.remotePort).toBe(server.requests[0]?.remotePort);
  });

  it('rejects a non-2xx response with HttpStatusError carrying url, lower-cased headers and body', async () => {
    const server = await startServer((_req, res) => {
      res.statusCode = 503;
      res.setHeader('X-Request-Id', 'req_123');
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.end('{"error":{"message":"overloaded"}}');
    });
    const url = `${server.url}/responses`;
    const error = await failure(
      transport.request({ method: 'POST', url, headers: { authorization: 'Bearer sk-1' } }),
    );
    expect(error).toBeInstanceOf(HttpStatusError);
    const http = error as HttpStatusError;
    expect(http.status).toBe(503);
    expect(http.statusText).toBe('Service Unavailable');
    expect(http.url).toBe(url);
    expect(http.headers['x-request-id']).toBe('req_123');
    expect(http.headers['set-cookie']).toBe('a=1, b=2');
    expect(http.body).toBe('{"error":{"message":"overloaded"}}');
    expect(http.message).not.toContain('sk-1');
  });

  it('reports a body that is not UTF-8 as undefined in HttpStatusError', async () => {
    const server = await startServer((_req, res) => {
      res.statusCode = 400;
      res.end(Buffer.from([0xff, 0xfe]));
    });
    const error = (await failure(
      transport.request({ method: 'GET', url: server.url, headers: {} }),
    )) as HttpStatusError;
    expect(error.status).toBe(400);
    expect(error.body).toBeUndefined();
  });

  it('rejects with ConnectionError when nothing listens', async () => {
    const port = await closedPort();
    const error = await failure(
      transport.request({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('connection');
  });

  it('rejects with NetworkError("error decoding response body") when the socket dies mid-body', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial', () => setTimeout(() => res.socket?.destroy(), 10));
    });
    const error = await failure(transport.request({ method: 'GET', url: server.url, headers: {} }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toBe('error decoding response body');
  });

  it('rejects with TimeoutError when timeoutMs passes', async () => {
    const server = await startServer(() => {
      // never answers
    });
    const error = await failure(
      transport.request({ method: 'GET', url: server.url, headers: {}, timeoutMs: 50 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe('request timed out after 50 ms');
  });

  it('applies timeoutMs to a body that stalls', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('x');
    });
    const error = await failure(
      transport.request({ method: 'GET', url: server.url, headers: {}, timeoutMs: 80 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('rejects an already-aborted signal without sending anything', async () => {
    const server = await startServer((_req, res) => res.end());
    const controller = new AbortController();
    controller.abort('gone');
    const probe = transport.request({
      method: 'GET',
      url: server.url,
      headers: {},
      signal: controller.signal,
    });
    const error = await failure(probe);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).reason).toBe('gone');
    // Give a request that was (wrongly) sent time to arrive before checking that none did.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.requests).toHaveLength(0);
  });

  it('rejects with AbortedError when aborted while waiting for the response', async () => {
    const server = await startServer(() => {
      // never answers
    });
    const controller = new AbortController();
    const pending = transport.request({
      method: 'GET',
      url: server.url,
      headers: {},
      signal: controller.signal,
    });
    setTimeout(() => controller.abort('user'), 20);
    const error = await failure(pending);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).reason).toBe('user');
  });

  it('rejects bad URLs and header values with BuildError', async () => {
    expect(await failure(transport.request({ method: 'GET', url: 'not a url', headers: {} }))).toBeInstanceOf(
      BuildError,
    );
    expect(
      await failure(transport.request({ method: 'GET', url: 'ftp://127.0.0.1/', headers: {} })),
    ).toBeInstanceOf(BuildError);
    const server = await startServer((_req, res) => res.end());
    const secret = 'sk-SECRET-42';
    const error = await failure(
      transport.request({
        method: 'GET',
        url: server.url,
        headers: { authorization: `Bearer ${secret}\nb` },
      }),
    );
    expect(error).toBeInstanceOf(BuildError);
    expect(error.message).not.toContain('Bearer');
    expect(error.message).not.toContain(secret);
    expect(String(error.stack)).not.toContain(secret);
  });

  it('calls telemetry once per request with attempt, status, error and duration', async () => {
    const server = await startServer((req, res) => {
      res.statusCode = req.url === '/fail' ? 500 : 200;
      res.end();
    });
    const seen: RequestTelemetryInfo[] = [];
    const telemetry = { onRequest: (info: RequestTelemetryInfo) => seen.push(info) };
    await transport.request({ method: 'GET', url: server.url, headers: {}, telemetry, attempt: 2 });
    await failure(transport.request({ method: 'GET', url: `${server.url}/fail`, headers: {}, telemetry }));
    const port = await closedPort();
    await failure(
      transport.request({ method: 'GET', url: `http://127.0.0.1:${port}`, headers: {}, telemetry }),
    );
    expect(seen).toHaveLength(3);
    expect(seen[0]).toMatchObject({ attempt: 2, status: 200, error: undefined });
    expect(seen[1]?.status).toBe(500);
    expect(seen[1]?.attempt).toBe(0);
    expect(seen[1]?.error).toBeInstanceOf(HttpStatusError);
    expect(seen[2]?.status).toBeUndefined();
    expect(seen[2]?.error).toBeInstanceOf(ConnectionError);
    for (const info of seen) expect(info.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('ignores an exception thrown by the onRequest hook', async () => {
    const server = await startServer((req, res) => {
      res.statusCode = req.url === '/fail' ? 500 : 200;
      res.end('ok');
    });
    let calls = 0;
    const telemetry = {
      onRequest: () => {
        calls++;
        throw new Error('telemetry broke');
      },
    };
    const response = await transport.request({ method: 'GET', url: server.url, headers: {}, telemetry });
    expect(response.text()).toBe('ok');
    const error = await failure(
      transport.request({ method: 'GET', url: `${server.url}/fail`, headers: {}, telemetry }),
    );
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(calls).toBe(2);
  });

  it('rejects with BuildError after close()', async () => {
    const server = await startServer((_req, res) => res.end());
    await transport.close();
    expect(await failure(transport.request({ method: 'GET', url: server.url, headers: {} }))).toBeInstanceOf(
      BuildError,
    );
  });
});

describe('HttpTransport.stream', () => {
  it('resolves at the headers and streams the body chunks', async () => {
    let finish: (() => void) | undefined;
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'r1' });
      res.write('first;');
      finish = () => res.end('second');
    });
    const response = await within(
      transport.stream({ method: 'POST', url: server.url, headers: {}, body: '{}' }),
      5_000,
    );
    expect(response.status).toBe(200);
    expect(response.headers['x-request-id']).toBe('r1');
    const decoder = new TextDecoder();
    let text = '';
    let steps = 0;
    for await (const chunk of response.body) {
      text += decoder.decode(chunk, { stream: true });
      if (text === 'first;') finish?.();
      if (++steps > 100) throw new Error('too many chunks');
    }
    expect(text).toBe('first;second');
  });

  it('returns the stream, and the connection stays usable, when the onRequest hook throws', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: 1\n\n');
    });
    const seen: RequestTelemetryInfo[] = [];
    const telemetry = {
      onRequest: (info: RequestTelemetryInfo) => {
        seen.push(info);
        throw new Error('telemetry broke');
      },
    };
    for (let round = 0; round < 3; round++) {
      const response = await within(
        transport.stream({ method: 'POST', url: server.url, headers: {}, body: '{}', telemetry }),
        5_000,
      );
      expect(response.status).toBe(200);
      const chunks: string[] = [];
      for await (const chunk of response.body) chunks.push(Buffer.from(chunk).toString());
      expect(chunks.join('')).toBe('data: 1\n\n');
    }
    expect(seen.map((info) => info.status)).toEqual([200, 200, 200]);
    expect(server.requests).toHaveLength(3);
  });

  it('reports the reason phrase of any status Node knows (one table for every status text)', async () => {
    const server = await startServer((_req, res) => {
      res.statusCode = 418;
      res.statusMessage = 'Server Says Something Else';
      res.end();
    });
    const error = (await failure(
      transport.stream({ method: 'GET', url: server.url, headers: {} }),
    )) as HttpStatusError;
    expect(error.status).toBe(418);
    expect(error.statusText).toBe("I'm a Teapot");
    expect(error.message).toBe("unexpected status 418 I'm a Teapot");
    expect(new HttpStatusError({ status: 451 }).statusText).toBe('Unavailable For Legal Reasons');
    expect(new HttpStatusError({ status: 599 }).message).toBe('unexpected status 599');
  });

  it('rejects a non-2xx response with HttpStatusError after reading its body', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(429, { 'retry-after': '2' });
      res.end('slow down');
    });
    const error = (await failure(
      transport.stream({ method: 'POST', url: `${server.url}/x`, headers: {} }),
    )) as HttpStatusError;
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.status).toBe(429);
    expect(error.url).toBe(`${server.url}/x`);
    expect(error.headers['retry-after']).toBe('2');
    expect(error.body).toBe('slow down');
  });

  it('rejects with ConnectionError when nothing listens', async () => {
    const port = await closedPort();
    const error = await failure(
      transport.stream({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
  });

  it('bounds only the wait for headers with timeoutMs', async () => {
    const stalled = await startServer(() => {
      // never answers
    });
    const error = await failure(
      transport.stream({ method: 'GET', url: stalled.url, headers: {}, timeoutMs: 50 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);

    let finish: (() => void) | undefined;
    const slowBody = await startServer((_req, res) => {
      res.writeHead(200);
      res.write('a');
      finish = () => res.end('b');
    });
    const response = await transport.stream({ method: 'GET', url: slowBody.url, headers: {}, timeoutMs: 50 });
    setTimeout(() => finish?.(), 120);
    const chunks: string[] = [];
    for await (const chunk of response.body) chunks.push(Buffer.from(chunk).toString());
    expect(chunks.join('')).toBe('ab');
  });

  it('maps a socket destroyed mid-body to NetworkError("error decoding response body")', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n', () => setTimeout(() => res.socket?.destroy(), 10));
    });
    const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
    const error = await failure(
      (async () => {
        for await (const _chunk of response.body) {
          // drain
        }
      })(),
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toBe('error decoding response body');
  });

  it('cancel() closes the connection and later reads throw AbortedError', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200);
      res.write('x');
    });
    const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
    const closed = server.nextSocketClose();
    response.cancel('enough');
    await within(closed, 5_000, 'server socket was not closed');
    const iterator = response.body[Symbol.asyncIterator]();
    const error = await failure(iterator.next());
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).reason).toBe('enough');
  });

  it('breaking out of the body closes the connection while a read is pending', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200);
      res.write('x');
    });
    const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
    const iterator = response.body[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    const closed = server.nextSocketClose();
    expect(iterator.return).toBeTypeOf('function');
    await within(Promise.resolve(iterator.return?.()), 5_000);
    await within(closed, 5_000, 'server socket was not closed');
    // The read that was pending when return() ran ends as done, not as an error.
    expect(await within(pending, 5_000)).toEqual({ done: true, value: undefined });
  });

  it('maps an abort while streaming to AbortedError', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200);
      res.write('x');
    });
    const controller = new AbortController();
    const response = await transport.stream({
      method: 'GET',
      url: server.url,
      headers: {},
      signal: controller.signal,
    });
    const iterator = response.body[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    controller.abort('stop');
    const error = await failure(pending);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).reason).toBe('stop');
  });
});
