// Worker-thread host of the chatgpt-first-request benchmark's HTTPS server (see
// chatgpt-first-request.mjs). Messages in: `{ id, op, arg }` with op `start` (`{ caFile }`),
// `refuseNextUpgrade`, `mark`, `since` (a mark) or `close`; out: `{ id, value }` or `{ id, error }`.
//
// Timestamps: the server stamps `receivedAt` with `Date.now()` (whole ms). This thread hosts nothing
// but the server, so `Date.now` is replaced here by `performance.timeOrigin + performance.now()`:
// the same wall clock with sub-millisecond digits, comparable with the client thread's
// `performance.timeOrigin + performance.now()`.

import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { accountsCheck, modelsCatalog, startResponsesServer, textTurn } from '@codex-ts/responses-server';

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

parentPort.on('message', async ({ id, op, arg }) => {
  try {
    let value;
    if (op === 'start') {
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
      value = {
        codexBaseUrl: server.codexBaseUrl,
        chatgptBaseUrl: server.chatgptBaseUrl,
        refreshTokenUrl: server.refreshTokenUrl,
      };
    } else if (op === 'refuseNextUpgrade') {
      server.pushHandshakes({ kind: 'reject', status: 426 });
      value = {};
    } else if (op === 'mark') {
      value = { requests: server.requests.length, handshakes: server.handshakes.length };
    } else if (op === 'since') {
      value = {
        requests: server.requests.slice(arg.requests).map(requestSummary),
        handshakes: server.handshakes
          .slice(arg.handshakes)
          .map((h) => ({ path: h.path, status: h.status, receivedAt: h.receivedAt })),
      };
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
