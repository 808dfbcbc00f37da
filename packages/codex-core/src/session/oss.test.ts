// ensureOssProviderReady against a purpose-built local model server on 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureOssProviderReady } from '../index.js';

let server: Server | undefined;
afterEach(() => stopServer());

async function stopServer(): Promise<void> {
  const running = server;
  server = undefined;
  running?.closeAllConnections();
  await new Promise<void>((done) => (running ? running.close(() => done()) : done()));
}

/**
 * A local model server with a long keep-alive whose answers (but `/api/version`'s) are 32 MiB,
 * far more than the socket buffers hold: such a response only ends once the client has read it
 * or dropped the connection. `ends` has one promise per request, settled when its response ends.
 */
async function startLocalServer(): Promise<{ base: string; requests: string[]; ends: Promise<void>[] }> {
  const requests: string[] = [];
  const ends: Promise<void>[] = [];
  const chunk = Buffer.alloc(256 * 1024, 0x20);
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    ends.push(new Promise((done) => res.once('close', done)));
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url === '/api/version') return void res.end('{"version":"0.14.0"}');
    res.write('{"data":[]');
    void (async () => {
      for (let i = 0; i < 128 && !res.destroyed; i++) {
        if (!res.write(chunk)) await new Promise((done) => res.once('drain', done).once('close', done));
      }
      res.end('}');
    })();
  });
  server.keepAliveTimeout = 120_000;
  const listening = server;
  await new Promise<void>((done) => listening.listen(0, '127.0.0.1', done));
  return { base: `http://127.0.0.1:${(listening.address() as AddressInfo).port}/v1`, requests, ends };
}

/** Resolves once every response has ended; rejects after `ms` (an unread body never ends). */
async function allEnded(ends: Promise<void>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`a probe answer was still unread after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([Promise.all(ends), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('ensureOssProviderReady', () => {
  it('leaves no probe answer unread (an unread body holds its socket and the process)', async () => {
    for (const [provider, expected] of [
      ['ollama', ['GET /v1/models', 'GET /api/version', 'GET /api/tags']],
      ['lmstudio', ['GET /v1/models', 'POST /v1/responses']],
    ] as const) {
      const { base, requests, ends } = await startLocalServer();
      await ensureOssProviderReady(provider, {
        env: { CODEX_OSS_BASE_URL: base },
        version: '0.0.0',
        model: 'm',
        timeoutMs: 60_000,
      });
      expect(requests).toEqual(expected);
      await allEnded(ends, 10_000);
      await stopServer();
    }
  });
});
