// Worker-thread host of the OTLP/HTTP receiver the telemetry-overhead bench exports to, so decoding
// the exports does not run on the consumers' event loop (as with a real collector).
// Messages in: `{ id, op: 'start' | 'counts' | 'close' }`; out: `{ id, value }` or `{ id, error }`.

import { startOtlpHttpReceiver } from '@codex-ts/otlp-receiver';
import { serveWorkerOps } from './worker-rpc.mjs';

let receiver;
serveWorkerOps({
  start: async () => {
    receiver = await startOtlpHttpReceiver();
    return { endpoints: receiver.endpoints };
  },
  counts: async () => ({
    requests: receiver.requests().length,
    logs: receiver.logs().length,
    spans: receiver.spans().length,
    metrics: receiver.metrics().length,
  }),
  close: async () => {
    await receiver?.close();
    return {};
  },
});
