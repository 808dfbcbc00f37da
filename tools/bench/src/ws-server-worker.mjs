// Worker-thread host of the WebSocket benchmark's server + proxy (see `startBenchServer` in
// ws-servers.mjs). Messages in: `{ id, op, arg }` with op `start`, `configure`, `counters`,
// `records`, `tail` or `close`; out: `{ id, value }` or `{ id, error }`.

import { serveWorkerOps } from './worker-rpc.mjs';
import { startLocalBenchServer } from './ws-servers.mjs';

let server;
serveWorkerOps({
  start: async () => {
    server = await startLocalBenchServer();
    return { url: server.url, proxyUrl: server.proxyUrl };
  },
  close: async () => {
    await server?.close();
    return {};
  },
  configure: (arg) => server.configure(arg),
  counters: (arg) => server.counters(arg),
  records: (arg) => server.records(arg),
  tail: (arg) => server.tail(arg),
});
