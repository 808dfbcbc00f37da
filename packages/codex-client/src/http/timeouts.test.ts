/** Time bounds of HttpTransport: the headers timeout, and durations beyond Node's timer range. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpStatusError, StreamError, type TransportError } from '../errors/transport-error.js';
import { runWithRetry } from '../retry/retry.js';
import { captureWarnings, closeServersAndTransport, startServer, within } from '../test/index.js';
import { HEADERS_TIMEOUT_MESSAGE, HttpTransport } from './transport.js';

let transport: HttpTransport;
const warnings = captureWarnings();
beforeEach(() => {
  transport = new HttpTransport();
});
afterEach(() => closeServersAndTransport(transport));

async function failure(promise: Promise<unknown>, ms = 5_000): Promise<TransportError> {
  return within(
    promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (error: unknown) => error as TransportError,
    ),
    ms,
    'the request hung',
  );
}

describe('HttpTransport headersTimeoutMs', () => {
  it('fails a request whose server accepts it and never answers, and closes the connection', async () => {
    const server = await startServer(() => {
      // reads the request, never answers
    });
    for (const call of ['stream', 'request'] as const) {
      const closed = server.nextSocketClose();
      const error = await failure(
        transport[call]({ method: 'POST', url: server.url, headers: {}, body: '{}', headersTimeoutMs: 100 }),
      );
      expect(error).toBeInstanceOf(StreamError);
      expect(error.message).toBe(HEADERS_TIMEOUT_MESSAGE);
      expect(error.message).toBe('idle timeout waiting for response headers');
      expect((error as StreamError).idleTimeout).toBe(true);
      await within(closed, 5_000, 'the connection was not closed');
    }
    expect(server.requests).toHaveLength(2);
  });

  it('fails on a retry that hangs: 500 first, then a server that never answers', async () => {
    let requests = 0;
    const server = await startServer((_req, res) => {
      requests++;
      if (requests === 1) res.writeHead(500).end('busy');
      // the retry is never answered
    });
    const policy = {
      maxAttempts: 4,
      baseDelayMs: 1,
      retryOn: { retry429: false, retry5xx: true, retryTransport: true },
    };
    const retried: unknown[] = [];
    const error = await failure(
      runWithRetry(
        policy,
        (attempt) =>
          transport.stream({ method: 'POST', url: server.url, headers: {}, headersTimeoutMs: 100, attempt }),
        { onRetry: (info) => retried.push(info.error) },
      ),
    );
    // The 500 was retried; the headers timeout is a stream error, left to the caller (not retried here).
    expect(retried).toHaveLength(1);
    expect(retried[0]).toBeInstanceOf(HttpStatusError);
    expect(error).toBeInstanceOf(StreamError);
    expect(error.message).toBe(HEADERS_TIMEOUT_MESSAGE);
    expect(requests).toBe(2);
  });

  it('does not bound the body once the headers arrived', async () => {
    let finish: (() => void) | undefined;
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('a');
      finish = () => res.end('b');
    });
    const response = await transport.stream({
      method: 'GET',
      url: server.url,
      headers: {},
      // Generous against a loaded machine: the headers come at once, the body ends well after the bound.
      headersTimeoutMs: 750,
    });
    setTimeout(() => finish?.(), 1_500);
    const chunks: string[] = [];
    for await (const chunk of response.body) chunks.push(Buffer.from(chunk).toString());
    expect(chunks.join('')).toBe('ab');
  });

  it('expires at once with 0 (not "no bound")', async () => {
    const server = await startServer(() => {
      // never answers
    });
    const error = await failure(
      transport.stream({ method: 'GET', url: server.url, headers: {}, headersTimeoutMs: 0 }),
      2_000,
    );
    expect(error).toBeInstanceOf(StreamError);
  });
});

describe('durations beyond the range of Node timers', () => {
  it('a 3 000 000 000 ms timeoutMs or headersTimeoutMs neither fires early nor warns', async () => {
    const server = await startServer((_req, res) => {
      setTimeout(() => res.writeHead(200).end('ok'), 40);
    });
    const response = await within(
      transport.request({
        method: 'GET',
        url: server.url,
        headers: {},
        timeoutMs: 3_000_000_000,
        headersTimeoutMs: 3_000_000_000,
      }),
      5_000,
    );
    expect(response.text()).toBe('ok');
    const streamed = await within(
      transport.stream({ method: 'GET', url: server.url, headers: {}, timeoutMs: 3_000_000_000 }),
      5_000,
    );
    for await (const _ of streamed.body) {
      // drain
    }
    expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning');
  });
});
