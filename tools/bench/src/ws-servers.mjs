// The server side of the WebSocket benchmark: @codex-ts/responses-server (HTTP SSE + WebSocket with
// permessage-deflate, compressed synchronously: sync-server-deflate.mjs) plus a byte-counting TCP proxy in front of it, both on 127.0.0.1, on a worker
// thread by default so the server's JavaScript does not run on the client's event loop.
//
// `url` reaches the server directly (latency runs); `proxyUrl` goes through the proxy, which counts
// every byte in each direction at the TCP level (client → server: request lines, headers, bodies,
// the WebSocket handshake and the masked, deflated frames; server → client likewise).

import { createConnection, createServer } from 'node:net';
import { startResponsesServer } from '@codex-ts/responses-server';
import { syncServerCompression } from './sync-server-deflate.mjs';
import { startWorkerRpc } from './worker-rpc.mjs';

export const SERVER_THREADS = ['worker', 'main'];

/**
 * Start the server + proxy on `thread` (`'worker'` or `'main'`). Resolves with
 * `{ url, proxyUrl, configure({ http, ws }), counters(), records(), tail(), close() }`, all async:
 * - `configure` replaces the HTTP scenario and the WebSocket scenario and clears the records and the
 *   proxy counters;
 * - `counters()` → `{ sent, received, connections }`: bytes the proxy saw from clients (`sent`) and
 *   from the server (`received`), connections opened through it;
 * - `records()` → `summarizeRecords` of everything recorded since `configure`;
 * - `tail()` → `{ requests, handshakes, frames, last }`: counts so far and the last request or frame
 *   (a cheap per-sample check).
 */
export async function startBenchServer(thread = 'worker') {
  if (thread === 'main') {
    const local = await startLocalBenchServer();
    const wrap =
      (fn) =>
      async (...args) =>
        fn(...args);
    return {
      thread,
      url: local.url,
      proxyUrl: local.proxyUrl,
      configure: wrap(local.configure),
      counters: wrap(local.counters),
      records: wrap(local.records),
      tail: wrap(local.tail),
      close: local.close,
    };
  }
  if (thread !== 'worker') throw new Error(`unknown server thread "${thread}" (one of ${SERVER_THREADS})`);
  const { worker, call } = startWorkerRpc(new URL('./ws-server-worker.mjs', import.meta.url));
  const { url, proxyUrl } = await call('start');
  return {
    thread,
    url,
    proxyUrl,
    configure: (scenario) => call('configure', scenario),
    counters: () => call('counters'),
    records: () => call('records'),
    tail: () => call('tail'),
    async close() {
      try {
        await call('close');
      } finally {
        await worker.terminate();
      }
    },
  };
}

/** The server and the proxy on the calling thread (synchronous methods; see {@link startBenchServer}). */
export async function startLocalBenchServer() {
  syncServerCompression();
  const server = await startResponsesServer();
  const proxy = await startCountingProxy(server.port);
  const clear = () => {
    server.requests.length = 0;
    server.handshakes.length = 0;
    server.wsFrames.length = 0;
  };
  return {
    url: server.url,
    proxyUrl: `http://127.0.0.1:${proxy.port}/v1`,
    configure({ http, ws }) {
      server.setScenario(http);
      server.setWsScenario(ws);
      clear();
      proxy.reset();
      return {};
    },
    counters: () => proxy.counters(),
    records: () => summarizeRecords(server),
    tail() {
      const r = server.requests.at(-1);
      const f = server.wsFrames.at(-1);
      return {
        requests: server.requests.length,
        handshakes: server.handshakes.length,
        frames: server.wsFrames.length,
        lastRequest: r && requestSummary(r),
        lastFrame: f && frameSummary(f),
      };
    },
    async close() {
      await proxy.close();
      await server.close();
    },
  };
}

/** Bytes of an HTTP/1.1 request head as sent: request line, `name: value` lines, blank line. */
function headBytes(method, url, headers) {
  let n = Buffer.byteLength(`${method} ${url} HTTP/1.1\r\n\r\n`);
  for (const [name, value] of headers) n += Buffer.byteLength(`${name}: ${value}\r\n`);
  return n;
}

const inputCount = (json) => (Array.isArray(json?.input) ? json.input.length : undefined);

function requestSummary(r) {
  return {
    bodyBytes: r.bodyBytes.length,
    headerBytes: headBytes(r.method, r.url, r.headers),
    contentEncoding: r.headerMap['content-encoding'],
    inputItems: inputCount(r.json),
    previousResponseId: r.json?.previous_response_id,
  };
}

function frameSummary(f) {
  return {
    connection: f.connection,
    payloadBytes: Buffer.byteLength(f.text),
    type: f.json?.type,
    generate: f.json?.generate,
    inputItems: inputCount(f.json),
    previousResponseId: f.json?.previous_response_id,
  };
}

/**
 * What the server recorded, reduced to sizes: per HTTP request its body bytes as received and the
 * bytes of its request head; per handshake the bytes of its request head; per client frame its
 * payload bytes (uncompressed UTF-8 JSON, what `ws` handed the server after inflating).
 */
export function summarizeRecords(server) {
  return {
    requests: server.requests.map(requestSummary),
    handshakes: server.handshakes.map((h) => ({
      connection: h.connection,
      status: h.status,
      headerBytes: headBytes('GET', h.url, h.headers),
      extensions: h.headerMap['sec-websocket-extensions'],
    })),
    frames: server.wsFrames.map(frameSummary),
  };
}

/**
 * A TCP proxy on 127.0.0.1 to `targetPort` that counts bytes per direction. Resolves with
 * `{ port, counters(), reset(), close() }`.
 */
export async function startCountingProxy(targetPort) {
  let sent = 0;
  let received = 0;
  let connections = 0;
  const sockets = new Set();
  const server = createServer((client) => {
    connections++;
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => {
      sent += chunk.length;
    });
    upstream.on('data', (chunk) => {
      received += chunk.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    counters: () => ({ sent, received, connections }),
    reset() {
      sent = 0;
      received = 0;
      connections = 0;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
