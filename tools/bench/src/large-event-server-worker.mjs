// Worker-thread host of the `sse-large-event` server: a node:http server on 127.0.0.1 that answers
// every POST with the body last set by `prepare`, written in `chunkBytes` pieces (each write waits
// for 'drain' when the socket buffer is full, as a server streaming a large event would).
// Messages in: `{ id, op: 'start' | 'prepare' | 'close', arg }`; out: `{ id, value }` or `{ id, error }`.

import { createServer } from 'node:http';
import { largeEventBody } from './large-event-body.mjs';
import { serveWorkerOps } from './worker-rpc.mjs';

let body = Buffer.alloc(0);
let chunkBytes = 64 * 1024;

async function writeBody(res) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_large' });
  for (let offset = 0; offset < body.length; offset += chunkBytes) {
    if (res.destroyed) return;
    if (!res.write(body.subarray(offset, offset + chunkBytes))) {
      await new Promise((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end();
}

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    writeBody(res).catch(() => res.destroy());
  });
});
// Long enough for the slowest path of one size to run between two requests on a kept-alive socket.
server.keepAliveTimeout = 600_000;

serveWorkerOps({
  start: async () => {
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${server.address().port}/v1` };
  },
  prepare: (arg) => {
    body = Buffer.from(largeEventBody(arg.eventBytes).bytes);
    chunkBytes = arg.chunkBytes;
    return { bodyBytes: body.length };
  },
  close: async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    return {};
  },
});
