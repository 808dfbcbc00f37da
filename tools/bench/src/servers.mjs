// The servers the consumers read from. All listen on 127.0.0.1 and answer every
// `POST …/responses` with the same turn of N delta events (`prepare(n)` switches N).
//
// kinds:
//   events     @codex-ts/responses-server, an `sse` step listing every event: the server renders and
//              writes each event separately (one HTTP chunk and one awaited write per event).
//   raw        @codex-ts/responses-server, an `sse` step with ONE `{ raw }` event holding the body
//              rendered once: a single write, a single HTTP chunk.
//   prechunked a tiny node:net server that sends a response rendered once per N, byte for byte what
//              a real server streaming one HTTP chunk per event sends (status line, headers, one
//              `<hex>\r\n<event>\r\n` chunk per event, `0\r\n\r\n`), with keep-alive. Costs the
//              server one socket write per request.

import { createServer } from 'node:net';
import { startResponsesServer } from '@codex-ts/responses-server';
import { renderBody, renderEvent, turnEvents } from './sse-body.mjs';
import { startWorkerRpc } from './worker-rpc.mjs';

export const SERVER_KINDS = ['events', 'raw', 'prechunked'];

const SSE_HEADERS = { 'x-request-id': 'req_bench', 'openai-model': 'gpt-5.5' };

export const SERVER_THREADS = ['worker', 'main'];

/**
 * Start a server of `kind` on `thread`: `'worker'` (default) runs it in a worker thread, so its
 * JavaScript and socket writes do not run on the consumers' event loop (as with a real, remote
 * server); `'main'` runs it on this thread. Resolves with
 * `{ kind, thread, url, prepare(n) → Promise<{ bodyBytes }>, close() }`; `url` is the base URL
 * including `/v1`.
 */
export async function startServer(kind, thread = 'worker') {
  if (!SERVER_KINDS.includes(kind)) {
    throw new Error(`unknown server kind "${kind}" (one of ${SERVER_KINDS.join(', ')})`);
  }
  if (thread === 'worker') return startWorkerServer(kind);
  if (thread !== 'main')
    throw new Error(`unknown server thread "${thread}" (one of ${SERVER_THREADS.join(', ')})`);
  return { ...(await startLocalServer(kind)), thread };
}

/** A server of `kind` on a worker thread (`server-worker.mjs`), driven by messages. */
async function startWorkerServer(kind) {
  const { worker, call } = startWorkerRpc(new URL('./server-worker.mjs', import.meta.url), { kind });
  const { url } = await call('start');
  return {
    kind,
    thread: 'worker',
    url,
    prepare: (n) => call('prepare', n),
    async close() {
      try {
        await call('close');
      } finally {
        await worker.terminate();
      }
    },
  };
}

/** A server of `kind` on the calling thread: `{ kind, url, prepare(n) → Promise<{ bodyBytes }>, close() }`. */
export async function startLocalServer(kind) {
  switch (kind) {
    case 'events':
    case 'raw':
      return startScenarioServer(kind);
    case 'prechunked':
      return startPrechunkedServer();
    default:
      throw new Error(`unknown server kind "${kind}" (one of ${SERVER_KINDS.join(', ')})`);
  }
}

async function startScenarioServer(kind) {
  const server = await startResponsesServer();
  return {
    kind,
    url: server.url,
    async prepare(n) {
      let events;
      let bodyBytes;
      if (kind === 'raw') {
        const body = renderBody(n);
        bodyBytes = Buffer.byteLength(body);
        events = [{ raw: body }];
      } else {
        events = turnEvents(n);
        bodyBytes = events.reduce((sum, e) => sum + Buffer.byteLength(renderEvent(e)), 0);
      }
      server.setScenario({ steps: [{ kind: 'sse', events, headers: SSE_HEADERS }], repeatLast: true });
      // The server records every request; keep that list from growing across thousands of runs.
      server.requests.length = 0;
      return { bodyBytes };
    },
    close: () => server.close(),
  };
}

/** The whole HTTP/1.1 response, one chunk per event. */
function renderChunkedResponse(n) {
  const parts = [
    'HTTP/1.1 200 OK\r\n' +
      'content-type: text/event-stream\r\n' +
      'cache-control: no-cache\r\n' +
      `x-request-id: ${SSE_HEADERS['x-request-id']}\r\n` +
      `openai-model: ${SSE_HEADERS['openai-model']}\r\n` +
      'connection: keep-alive\r\n' +
      'keep-alive: timeout=30\r\n' +
      'transfer-encoding: chunked\r\n\r\n',
  ];
  let bodyBytes = 0;
  for (const event of turnEvents(n)) {
    const text = renderEvent(event);
    const len = Buffer.byteLength(text);
    bodyBytes += len;
    parts.push(`${len.toString(16)}\r\n${text}\r\n`);
  }
  parts.push('0\r\n\r\n');
  return { response: Buffer.from(parts.join(''), 'utf8'), bodyBytes };
}

async function startPrechunkedServer() {
  let current = { response: Buffer.alloc(0), bodyBytes: 0 };
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      // Answer every complete request (headers + content-length body) in the buffer.
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = pending.subarray(0, end).toString('latin1');
        const match = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        const total = end + 4 + (match ? Number(match[1]) : 0);
        if (pending.length < total) return;
        pending = pending.subarray(total);
        if (!/^POST [^ ]*\/responses[ ?]/.test(head)) {
          socket.write('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
          continue;
        }
        socket.write(current.response);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    kind: 'prechunked',
    url: `http://127.0.0.1:${port}/v1`,
    async prepare(n) {
      current = renderChunkedResponse(n);
      return { bodyBytes: current.bodyBytes };
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
