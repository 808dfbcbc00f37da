// The server process of sessions-1000 (forked with an IPC channel): @codex-ts/responses-server
// answering every `POST …/responses` and every WebSocket `response.create` with the same turn
// (`response.created`, `output_item.added`, N small `output_text.delta`, `output_item.done`,
// `response.completed`), and every prewarm (`generate: false`) with the automatic empty response.
//
// argv: --deltas=N --backlog=4096 (the accept queue, see sessions-1000.mjs) --deflate=on|off (on: permessage-deflate accepted, every message compressed with
// context takeover, synchronously (see below); off: the extension declined). IPC in: `{ op: 'counts' }` → `{ requests,
// handshakes, frames, cpuUs }` since the last `counts` (then cleared; `cpuUs`: the server process's
// user + system CPU), `{ op: 'close' }`. IPC out first:
// `{ ready: true, url }`.

import { pathToFileURL } from 'node:url';
import { startResponsesServer, textTurn } from '@codex-ts/responses-server';
import { argPairs } from './report.mjs';
import { syncServerCompression } from './sync-server-deflate.mjs';

/** The words of the streamed answer: each delta is one of these plus a space. */
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];

/** The turn every request gets: `deltas` deltas of one short word each. */
export function sessionTurn(deltas) {
  const pieces = Array.from({ length: deltas }, (_, i) => `${WORDS[i % WORDS.length]} `);
  const text = pieces.join('');
  return { text, events: textTurn({ responseId: 'resp_turn', text, deltas: pieces }) };
}

/** `--deflate` → `ResponsesServerOptions.websocketDeflate`. */
const DEFLATE = { on: true, off: false };

async function main() {
  const options = { deltas: 200, deflate: 'on', backlog: 4096 };
  for (const [key, value] of argPairs(process.argv.slice(2))) {
    if (key === 'deltas' || key === 'backlog') options[key] = Number(value);
    else if (key === 'deflate') options.deflate = value;
    else throw new Error(`unknown option --${key}`);
  }
  if (!(options.deflate in DEFLATE)) throw new Error(`bad --deflate ${options.deflate}`);
  if (options.deflate !== 'off') syncServerCompression();
  const { events } = sessionTurn(options.deltas);
  const server = await startResponsesServer({
    scenario: { steps: [{ kind: 'sse', events }], repeatLast: true },
    wsScenario: { responses: [{ events }], repeatLast: true },
    websocketDeflate: DEFLATE[options.deflate],
    backlog: options.backlog,
  });
  let cpuSince = process.cpuUsage();
  process.on('message', async (message) => {
    if (message.op === 'counts') {
      const cpu = process.cpuUsage(cpuSince);
      cpuSince = process.cpuUsage();
      const counts = {
        cpuUs: cpu.user + cpu.system,
        requests: server.requests.length,
        handshakes: server.handshakes.length,
        frames: server.wsFrames.length,
        extensions: server.handshakes[0]?.headerMap['sec-websocket-extensions'],
      };
      // Recordings would grow for the whole benchmark: keep only what the next count needs.
      server.requests.length = 0;
      server.handshakes.length = 0;
      server.wsFrames.length = 0;
      process.send({ counts });
    } else if (message.op === 'close') {
      await server.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true, url: server.url });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
