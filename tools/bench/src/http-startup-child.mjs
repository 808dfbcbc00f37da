// One process, one streamed POST: the child of http-startup.mjs. `node http-startup-child.mjs
// <variant> <url>` loads what the variant needs, streams `<url>` (an SSE body) to its end, and
// prints one JSON line at exit: in-process timings (ms since the process started, from
// performance.now()) and the peak RSS. See ../README.md, `http-startup`.

import { createRequire } from 'node:module';
import v8 from 'node:v8';

const [variant, url] = process.argv.slice(2);
const marks = { loaded: 0, headers: 0, done: 0 };
const require = createRequire(import.meta.url);
const body = JSON.stringify({ model: 'gpt-5.5', input: 'hi', stream: true });
const headers = {
  'content-type': 'application/json',
  accept: 'text/event-stream',
  authorization: 'Bearer bench',
};

/** undici without its index.js: the Agent and the promise `request()` from their own files. */
function deepUndiciDispatcher() {
  const root = require.resolve('undici/package.json').slice(0, -'package.json'.length);
  const Agent = require(`${root}lib/dispatcher/agent.js`);
  const apiRequest = require(`${root}lib/api/api-request.js`);
  const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  return { request: (options) => apiRequest.call(agent, options), close: () => agent.close() };
}

/** Streams one request through `HttpTransport`, draining the body. */
async function viaTransport(HttpTransport, dispatcher) {
  const transport = new HttpTransport(dispatcher === undefined ? undefined : { dispatcher });
  const response = await transport.stream({ method: 'POST', url, headers, body });
  marks.headers = performance.now();
  for await (const _chunk of response.body);
  await transport.close();
  await dispatcher?.close();
}

/** Streams one request with plain `node:http`: the floor. */
async function viaNodeHttp() {
  const { request } = await import('node:http');
  marks.loaded = performance.now();
  await new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      marks.headers = performance.now();
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
}

switch (variant) {
  case 'empty':
    break;
  case 'node-http':
    await viaNodeHttp();
    break;
  case 'ours': {
    const { HttpTransport } = await import('@codex-ts/client');
    marks.loaded = performance.now();
    await viaTransport(HttpTransport);
    break;
  }
  case 'ours-undici': {
    const { HttpTransport } = await import('@codex-ts/client');
    const { Agent } = await import('undici');
    marks.loaded = performance.now();
    await viaTransport(HttpTransport, new Agent({ headersTimeout: 0, bodyTimeout: 0 }));
    break;
  }
  case 'ours-undici-deep':
  case 'ours-undici-deep-notierup':
  case 'ours-undici-deep-liftoff': {
    // Before llhttp's WebAssembly module is compiled (on the first connection).
    if (variant.endsWith('-notierup')) v8.setFlagsFromString('--no-wasm-tier-up');
    if (variant.endsWith('-liftoff')) v8.setFlagsFromString('--liftoff-only');
    const { HttpTransport } = await import('@codex-ts/client');
    const dispatcher = deepUndiciDispatcher();
    marks.loaded = performance.now();
    await viaTransport(HttpTransport, dispatcher);
    break;
  }
  case 'ours-sender-undici':
  case 'ours-sender-undici-liftoff': {
    // `HttpTransport({ sender: 'undici' })`; the flag set at run time as the CLI's entry would.
    if (variant.endsWith('-liftoff')) v8.setFlagsFromString('--liftoff-only');
    const { HttpTransport } = await import('@codex-ts/client');
    marks.loaded = performance.now();
    const transport = new HttpTransport({ sender: 'undici' });
    const response = await transport.stream({ method: 'POST', url, headers, body });
    marks.headers = performance.now();
    for await (const _chunk of response.body);
    await transport.close();
    break;
  }
  default:
    throw new Error(`unknown variant "${variant}"`);
}
marks.done = performance.now();
process.on('exit', () => {
  const out = { ...marks, exit: performance.now(), maxRssKb: process.resourceUsage().maxRSS };
  process.stdout.write(`${JSON.stringify(out)}\n`);
});
