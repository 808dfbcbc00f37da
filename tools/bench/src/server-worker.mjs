// Worker-thread host of one bench server (see `startServer(kind, 'worker')` in servers.mjs).
// Messages in: `{ id, op: 'start' | 'prepare' | 'close', arg }`; out: `{ id, value }` or `{ id, error }`.

import { workerData } from 'node:worker_threads';
import { startLocalServer } from './servers.mjs';
import { serveWorkerOps } from './worker-rpc.mjs';

let server;
serveWorkerOps({
  start: async () => {
    server = await startLocalServer(workerData.kind);
    return { url: server.url };
  },
  prepare: (arg) => server.prepare(arg),
  close: async () => {
    await server?.close();
    return {};
  },
});
