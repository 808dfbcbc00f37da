// Worker-thread host of the WebSocket benchmark's server + proxy (see `startBenchServer` in
// ws-servers.mjs). Messages in: `{ id, op, arg }` with op `start`, `configure`, `counters`,
// `records`, `tail` or `close`; out: `{ id, value }` or `{ id, error }`.

import { parentPort } from 'node:worker_threads';
import { startLocalBenchServer } from './ws-servers.mjs';

let server;
parentPort.on('message', async ({ id, op, arg }) => {
  try {
    let value;
    if (op === 'start') {
      server = await startLocalBenchServer();
      value = { url: server.url, proxyUrl: server.proxyUrl };
    } else if (op === 'close') {
      await server?.close();
      value = {};
    } else if (['configure', 'counters', 'records', 'tail'].includes(op)) {
      value = await server[op](arg);
    } else {
      throw new Error(`unknown op "${op}"`);
    }
    parentPort.postMessage({ id, value });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error?.stack ?? error) });
  }
});
