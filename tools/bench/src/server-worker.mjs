// Worker-thread host of one bench server (see `startServer(kind, 'worker')` in servers.mjs).
// Messages in: `{ id, op: 'start' | 'prepare' | 'close', arg }`; out: `{ id, value }` or `{ id, error }`.

import { parentPort, workerData } from 'node:worker_threads';
import { startLocalServer } from './servers.mjs';

let server;
parentPort.on('message', async ({ id, op, arg }) => {
  try {
    let value;
    if (op === 'start') {
      server = await startLocalServer(workerData.kind);
      value = { url: server.url };
    } else if (op === 'prepare') {
      value = await server.prepare(arg);
    } else if (op === 'close') {
      await server?.close();
      value = {};
    } else {
      throw new Error(`unknown op "${op}"`);
    }
    parentPort.postMessage({ id, value });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error?.stack ?? error) });
  }
});
