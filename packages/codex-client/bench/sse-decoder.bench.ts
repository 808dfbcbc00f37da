/**
 * Micro-benchmarks for the SSE path (not part of `vitest run`; run with
 * `npx vitest bench --run` in packages/codex-client).
 *
 * "floor" is the least work a consumer can do: split the text on "\n\n" and JSON.parse each
 * `data:` line. The stack must stay within 1.3× of it (tools/bench measures the whole
 * ResponsesClient stack; these numbers are for the decoder and the transport alone).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { bench, describe } from 'vitest';
import { HttpTransport, SseDecoder, type SseEvent, sseEventBatches, sseEvents } from '../src/index.js';

const EVENTS = 100_000;
const OPTIONS = { iterations: 20, warmupIterations: 3, time: 0 };
const CHUNK = 16 * 1024;

function makeStream(withEventLine: boolean): Uint8Array {
  const parts: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const data = `{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"delta":"tok${i}"}`;
    parts.push(withEventLine ? `event: response.output_text.delta\ndata: ${data}\n\n` : `data: ${data}\n\n`);
  }
  return new TextEncoder().encode(parts.join(''));
}

function chunked(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) out.push(bytes.subarray(i, i + CHUNK));
  return out;
}

const dataOnly = chunked(makeStream(false));
const withEvent = chunked(makeStream(true));
const full = makeStream(true);

function floor(chunks: Uint8Array[]): number {
  const decoder = new TextDecoder();
  let buffer = '';
  let count = 0;
  for (const chunk of chunks) {
    buffer += decoder.decode(chunk, { stream: true });
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      for (const line of block.split('\n')) {
        if (line.startsWith('data: ')) {
          JSON.parse(line.slice(6));
          count++;
        }
      }
    }
  }
  return count;
}

function decode(chunks: Uint8Array[]): number {
  const decoder = new SseDecoder();
  let count = 0;
  const onEvent = (event: SseEvent) => {
    JSON.parse(event.data);
    count++;
  };
  for (const chunk of chunks) decoder.feedBytes(chunk, onEvent);
  decoder.end(onEvent);
  return count;
}

async function* iterate(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

function check(count: number): void {
  if (count !== EVENTS) throw new Error(`decoded ${count} events, expected ${EVENTS}`);
}

describe(`decode ${EVENTS} "data:" events (in memory)`, () => {
  bench('floor: split("\\n\\n") + JSON.parse', () => check(floor(dataOnly)), OPTIONS);
  bench('SseDecoder.feedBytes + JSON.parse', () => check(decode(dataOnly)), OPTIONS);
});

describe(`decode ${EVENTS} "event:+data:" events (in memory)`, () => {
  bench('floor: split("\\n\\n") + JSON.parse', () => check(floor(withEvent)), OPTIONS);
  bench('SseDecoder.feedBytes + JSON.parse', () => check(decode(withEvent)), OPTIONS);
  bench(
    'sseEvents (async generator) + JSON.parse',
    async () => {
      let count = 0;
      for await (const event of sseEvents(iterate(withEvent), { idleTimeoutMs: 300_000 })) {
        JSON.parse(event.data);
        count++;
      }
      check(count);
    },
    OPTIONS,
  );
  bench(
    'sseEventBatches + JSON.parse',
    async () => {
      let count = 0;
      for await (const batch of sseEventBatches(iterate(withEvent), { idleTimeoutMs: 300_000 })) {
        for (const event of batch) {
          JSON.parse(event.data);
          count++;
        }
      }
      check(count);
    },
    OPTIONS,
  );
});

// The HTTP server is started at load time (vitest's bench mode does not run beforeAll before
// tinybench measures) and closed when the process exits.
const server: Server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(full);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
server.unref();
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/responses`;
const transport = new HttpTransport();

describe(`receive ${EVENTS} "event:+data:" events over HTTP (127.0.0.1)`, () => {
  bench(
    'floor: undici.request + split("\\n\\n") + JSON.parse',
    async () => {
      const response = await request(url, { method: 'POST', body: '{}' });
      const decoder = new TextDecoder();
      let buffer = '';
      let count = 0;
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        const blocks = buffer.split('\n\n');
        buffer = blocks.pop() ?? '';
        for (const block of blocks) {
          for (const line of block.split('\n')) {
            if (line.startsWith('data: ')) {
              JSON.parse(line.slice(6));
              count++;
            }
          }
        }
      }
      check(count);
    },
    OPTIONS,
  );

  bench(
    'HttpTransport.stream + sseEvents + JSON.parse',
    async () => {
      const response = await transport.stream({ method: 'POST', url, headers: {}, body: '{}' });
      let count = 0;
      for await (const event of sseEvents(response.body, { idleTimeoutMs: 300_000 })) {
        JSON.parse(event.data);
        count++;
      }
      check(count);
    },
    OPTIONS,
  );
});
