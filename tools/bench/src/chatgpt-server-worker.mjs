// Worker-thread host of the chatgpt-first-request benchmark's HTTPS server (see
// chatgpt-first-request.mjs). Messages in: `{ id, op, arg }` with op `start` (`{ caFile }`),
// `refuseNextUpgrade`, `mark`, `since` (a mark) or `close`; out: `{ id, value }` or `{ id, error }`.
//
// Timestamps: the server stamps `receivedAt` with `Date.now()` (whole ms). This thread hosts nothing
// but the server, so `Date.now` is replaced here by `performance.timeOrigin + performance.now()`:
// the same wall clock with sub-millisecond digits, comparable with the client thread's
// `performance.timeOrigin + performance.now()`.

import { performance } from 'node:perf_hooks';
import { accountsCheck, modelsCatalog, startResponsesServer, textTurn } from '@codex-ts/responses-server';
import { serveWorkerOps } from './worker-rpc.mjs';

Date.now = () => performance.timeOrigin + performance.now();

let server;

/**
 * What the benchmark needs of one recorded request; model requests also carry the body as received
 * (`raw`: the server's `body` is not zstd-decoded on Node 20, the benchmark decodes it).
 */
const requestSummary = (r) => ({
  method: r.method,
  path: r.path,
  route: r.route,
  receivedAt: r.receivedAt,
  bodyBytes: r.bodyBytes.length,
  contentEncoding: r.headerMap['content-encoding'],
  routingOverride: r.headerMap['x-openai-account-routing-override'],
  chatgptAccountId: r.headerMap['chatgpt-account-id'],
  ...(r.route === 'responses' ? { raw: new Uint8Array(r.bodyBytes) } : {}),
});

serveWorkerOps({
  start: async (arg) => {
    server = await startResponsesServer({
      tls: { caFile: arg.caFile },
      scenario: {
        steps: [{ kind: 'sse', events: textTurn({ responseId: 'resp_bench', text: 'Hello there.' }) }],
        repeatLast: true,
      },
      chatgpt: {
        accountsCheck: { replies: [accountsCheck({ id: 'acct-bench-0000' })], repeatLast: true },
        models: { replies: [modelsCatalog([], '"models-etag-bench"')], repeatLast: true },
      },
    });
    return {
      codexBaseUrl: server.codexBaseUrl,
      chatgptBaseUrl: server.chatgptBaseUrl,
      refreshTokenUrl: server.refreshTokenUrl,
    };
  },
  refuseNextUpgrade: () => {
    server.pushHandshakes({ kind: 'reject', status: 426 });
    return {};
  },
  mark: () => ({ requests: server.requests.length, handshakes: server.handshakes.length }),
  since: (arg) => ({
    requests: server.requests.slice(arg.requests).map(requestSummary),
    handshakes: server.handshakes
      .slice(arg.handshakes)
      .map((h) => ({ path: h.path, status: h.status, receivedAt: h.receivedAt })),
  }),
  close: async () => {
    await server?.close();
    return {};
  },
});
