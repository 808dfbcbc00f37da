#!/usr/bin/env node
// Large single SSE events: decode time and peak memory of one `response.output_item.done` event of
// 1 … 64 MiB, delivered in socket-sized chunks. Growth must be linear in the event size.
// See ../README.md ("sse-large-event").
//
// node --expose-gc src/sse-large-event.mjs [--sizes-mib=1,2,4,8,16,32,64] [--chunk-kib=64]
//   [--paths=decoder,http,responses] [--runs=3] [--max-run-ms=60000] [--out=results/sse-large-event.json]

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ResponsesClient } from '@codex-ts/api';
import { HttpTransport, SseDecoder, sseEvents } from '@codex-ts/client';
import { benchClientOptions } from './consumers.mjs';
import { largeEventBody } from './large-event-body.mjs';
import { argList, argPairs, loadavg, median, round, runMeta, table, toJson } from './report.mjs';
import { startWorkerRpc } from './worker-rpc.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;
const PATHS = ['decoder', 'http', 'responses'];

function parseArgs(argv) {
  const options = {
    sizesMib: [1, 2, 4, 8, 16, 32, 64],
    chunkKib: 64,
    paths: [...PATHS],
    runs: 3,
    maxRunMs: 60_000,
    out: join(here, '..', 'results', 'sse-large-event.json'),
  };
  for (const [key, value] of argPairs(argv)) {
    switch (key) {
      case 'sizes-mib':
        options.sizesMib = argList(value).map(Number);
        break;
      case 'chunk-kib':
        options.chunkKib = Number(value);
        break;
      case 'paths':
        options.paths = argList(value);
        break;
      case 'runs':
        options.runs = Number(value);
        break;
      case 'max-run-ms':
        options.maxRunMs = Number(value);
        break;
      case 'out':
        options.out = resolve(value);
        break;
      default:
        throw new Error(`unknown option --${key}`);
    }
  }
  for (const s of options.sizesMib) if (!(s > 0)) throw new Error(`bad --sizes-mib value ${s}`);
  for (const p of options.paths) if (!PATHS.includes(p)) throw new Error(`unknown path "${p}"`);
  if (!(options.chunkKib > 0)) throw new Error('bad --chunk-kib');
  if (!(options.runs >= 1)) throw new Error('bad --runs');
  return options;
}

const gc = globalThis.gc;
if (typeof gc !== 'function') throw new Error('run with node --expose-gc');

/** Peak of `process.memoryUsage()` fields above a baseline taken after a forced GC. */
class MemoryPeak {
  constructor() {
    gc();
    gc();
    this.base = process.memoryUsage();
    this.peak = { ...this.base };
  }
  sample() {
    const m = process.memoryUsage();
    if (m.heapUsed > this.peak.heapUsed) this.peak.heapUsed = m.heapUsed;
    if (m.arrayBuffers > this.peak.arrayBuffers) this.peak.arrayBuffers = m.arrayBuffers;
    if (m.rss > this.peak.rss) this.peak.rss = m.rss;
  }
  /** MiB above the baseline: heap, arrayBuffers, rss. */
  deltas() {
    const d = (k) => round((this.peak[k] - this.base[k]) / MiB, 1);
    return { heapMib: d('heapUsed'), arrayBuffersMib: d('arrayBuffers'), rssMib: d('rss') };
  }
}

/** What a run saw; checked against the body so a broken path cannot report a fast time. */
function check(path, seen, textLength) {
  if (seen.events !== 3 || seen.largest < textLength || !seen.completed) {
    throw new Error(
      `${path}: saw ${JSON.stringify(seen)}, expected 3 events, completed, text ≥ ${textLength}`,
    );
  }
}

/** decoder: `SseDecoder.feedBytes` over the body cut into `chunkBytes` pieces, in memory. */
function runDecoder(bytes, chunkBytes, memory) {
  const decoder = new SseDecoder();
  const seen = { events: 0, largest: 0, completed: false };
  const onEvent = (event) => {
    seen.events++;
    if (event.data.length > seen.largest) seen.largest = event.data.length;
    if (event.event === 'response.completed') seen.completed = true;
  };
  const started = performance.now();
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    decoder.feedBytes(bytes.subarray(offset, offset + chunkBytes), onEvent);
    memory?.sample();
  }
  decoder.end(onEvent);
  memory?.sample();
  return { ms: performance.now() - started, seen };
}

/** http: `HttpTransport.stream` + `sseEvents` over loopback (the server runs on a worker thread). */
async function runHttp(transport, url, memory) {
  const seen = { events: 0, largest: 0, completed: false };
  const started = performance.now();
  const response = await transport.stream({
    method: 'POST',
    url: `${url}/responses`,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: '{}',
  });
  for await (const event of sseEvents(response.body, { idleTimeoutMs: 300_000 })) {
    seen.events++;
    if (event.data.length > seen.largest) seen.largest = event.data.length;
    if (event.event === 'response.completed') seen.completed = true;
    memory?.sample();
  }
  return { ms: performance.now() - started, seen };
}

/** responses: `ResponsesClient.stream` (`JSON.parse` + event mapping) until `completed`. */
async function runResponses(client, memory) {
  const seen = { events: 0, largest: 0, completed: false };
  const started = performance.now();
  const stream = await client.stream({
    model: 'gpt-5.5',
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
    tool_choice: 'auto',
    parallel_tool_calls: false,
    store: false,
    stream: true,
    include: [],
  });
  for await (const event of stream) {
    if (event.type === 'created') seen.events++;
    else if (event.type === 'output_item.done') {
      seen.events++;
      const text = event.item.content?.[0]?.text ?? '';
      if (text.length > seen.largest) seen.largest = text.length;
    } else if (event.type === 'completed') {
      seen.events++;
      seen.completed = true;
    }
    memory?.sample();
  }
  return { ms: performance.now() - started, seen };
}

/** Runs `fn(memory)` with a 1 ms sampler of `process.memoryUsage()` on top of the path's own samples. */
async function measured(fn) {
  const memory = new MemoryPeak();
  const sampler = setInterval(() => memory.sample(), 1);
  try {
    await fn(memory);
  } finally {
    clearInterval(sampler);
  }
  memory.sample();
  return memory.deltas();
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const meta = runMeta(options);
  console.log(`sse-large-event: node ${meta.node}, ${meta.cpus} CPUs, load ${meta.loadavgStart.join(' ')}`);
  const chunkBytes = options.chunkKib * 1024;
  const { worker, call } = startWorkerRpc(new URL('./large-event-server-worker.mjs', import.meta.url));
  const { url } = await call('start');
  const transport = new HttpTransport();
  const client = new ResponsesClient({
    ...benchClientOptions(url, 300_000),
  });
  const results = [];
  const stopped = new Set();
  try {
    for (const sizeMib of options.sizesMib) {
      const eventBytes = Math.round(sizeMib * MiB);
      let { bytes, textLength } = largeEventBody(eventBytes);
      await call('prepare', { eventBytes, chunkBytes });
      for (const path of options.paths) {
        if (stopped.has(path)) continue;
        const once = (memory) => {
          if (path === 'decoder') return runDecoder(bytes, chunkBytes, memory);
          if (path === 'http') return runHttp(transport, url, memory);
          return runResponses(client, memory);
        };
        // Warm-up (also checks the result), then timed runs after a forced GC each, then one
        // sampled run for memory.
        check(path, (await once(undefined)).seen, textLength);
        const runsMs = [];
        for (let i = 0; i < options.runs; i++) {
          gc();
          const run = await once(undefined);
          check(path, run.seen, textLength);
          runsMs.push(round(run.ms, 1));
        }
        const memory = await measured(once);
        const medianMs = round(median(runsMs), 1);
        results.push({ path, sizeMib, eventBytes, chunkBytes, medianMs, runsMs, ...memory });
        console.log(
          `${path.padEnd(9)} ${String(sizeMib).padStart(3)} MiB: ${medianMs} ms, heap +${memory.heapMib} MiB, ` +
            `arrayBuffers +${memory.arrayBuffersMib} MiB, rss +${memory.rssMib} MiB`,
        );
        if (medianMs > options.maxRunMs) {
          console.log(`${path}: ${medianMs} ms > --max-run-ms, larger sizes skipped`);
          stopped.add(path);
        }
      }
      bytes = undefined;
      textLength = undefined;
    }
  } finally {
    await client.close();
    await transport.close();
    await call('close').catch(() => {});
    await worker.terminate();
  }

  for (const path of options.paths) {
    const rows = results.filter((r) => r.path === path);
    if (rows.length === 0) continue;
    const first = rows[0];
    console.log(
      `\n${path} (${options.chunkKib} KiB chunks; ms and MiB per MiB of event in the last columns)`,
    );
    console.log(
      table(
        [
          'event MiB',
          'median ms',
          'heap peak +MiB',
          'arrayBuffers +MiB',
          'rss peak +MiB',
          'ms/MiB',
          'heap/MiB',
        ],
        rows.map((r) => [
          r.sizeMib,
          r.medianMs,
          r.heapMib,
          r.arrayBuffersMib,
          r.rssMib,
          round(r.medianMs / r.sizeMib, 2),
          round(r.heapMib / r.sizeMib, 2),
        ]),
      ),
    );
    const last = rows.at(-1);
    if (last !== first) {
      const factor = last.sizeMib / first.sizeMib;
      console.log(
        `${first.sizeMib} → ${last.sizeMib} MiB (×${factor}): time ×${round(last.medianMs / first.medianMs, 1)}, ` +
          `heap ×${round(last.heapMib / Math.max(first.heapMib, 0.1), 1)}`,
      );
    }
  }
  meta.loadavgEnd = loadavg();
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${toJson({ meta, results })}\n`);
  console.log(`\nload ${meta.loadavgEnd.join(' ')}; results in ${relative(process.cwd(), options.out)}`);
}

await main();
