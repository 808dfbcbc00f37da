#!/usr/bin/env node
// SSE consumption throughput: how fast do consumers turn a local Responses SSE stream of N
// `response.output_text.delta` events into events? See ../README.md.
//
// node --expose-gc src/sse-throughput.mjs [--n=10000,100000] [--iterations=7] [--warmup=3]
//   [--servers=raw,prechunked] [--server-thread=worker|main] [--consumers=floor,ours,openai]
//   [--survey=events,raw,prechunked] [--survey-iterations=5] [--memory-n=100000] [--force-gc=yes|no]
//   [--v8-flags=--liftoff-only] [--out=results/sse-throughput.json]

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { CONSUMERS, createConsumer } from './consumers.mjs';
import {
  argList,
  argPairs,
  fmtInt,
  loadavg,
  mainThreadCpuMs,
  median,
  round,
  runMeta,
  table,
  toJson,
} from './report.mjs';
import { SERVER_KINDS, SERVER_THREADS, startServer } from './servers.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const options = {
    n: [10_000, 100_000],
    iterations: 7,
    warmup: 3,
    servers: ['raw', 'prechunked'],
    serverThread: 'worker',
    consumers: ['floor', 'floor-node', 'ours', 'ours-undici', 'openai'],
    survey: [...SERVER_KINDS],
    surveyIterations: 5,
    memoryN: 100_000,
    forceGc: true,
    v8Flags: '',
    out: join(here, '..', 'results', 'sse-throughput.json'),
  };
  for (const [key, value] of argPairs(argv)) {
    switch (key) {
      case 'n':
        options.n = argList(value).map((v) => Number(v.replaceAll('_', '')));
        break;
      case 'iterations':
      case 'warmup':
      case 'survey-iterations':
      case 'memory-n':
        options[key.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = Number(value);
        break;
      case 'servers':
        options.servers = argList(value);
        break;
      case 'server-thread':
        options.serverThread = value;
        break;
      case 'consumers':
        options.consumers = argList(value);
        break;
      case 'survey':
        options.survey = argList(value);
        break;
      case 'force-gc':
        if (value !== 'yes' && value !== 'no') throw new Error('--force-gc takes yes or no');
        options.forceGc = value === 'yes';
        break;
      case 'out':
        options.out = resolve(value);
        break;
      case 'v8-flags':
        options.v8Flags = value;
        break;
      default:
        throw new Error(`unknown option --${key}`);
    }
  }
  for (const n of options.n) if (!Number.isInteger(n) || n < 1) throw new Error(`bad --n value ${n}`);
  for (const c of options.consumers) if (!CONSUMERS.includes(c)) throw new Error(`unknown consumer "${c}"`);
  if (!SERVER_THREADS.includes(options.serverThread))
    throw new Error(`bad --server-thread ${options.serverThread}`);
  if (options.servers.length === 0) throw new Error('--servers needs at least one server kind');
  for (const k of [...options.servers, ...options.survey]) {
    if (!SERVER_KINDS.includes(k))
      throw new Error(`unknown server kind "${k}" (one of ${SERVER_KINDS.join(', ')})`);
  }
  if (!(options.iterations >= 1)) throw new Error('--iterations must be >= 1');
  return options;
}

const gc = globalThis.gc ?? (() => {});

/** One run: stream a response and check it held exactly `n` deltas and a completion. */
async function runOnce(consumer, n, expectedBytes, cpu) {
  const c0 = mainThreadCpuMs();
  const t0 = performance.now();
  const seen = await consumer.run(n);
  const ms = performance.now() - t0;
  if (cpu !== undefined && c0 !== undefined) cpu.push(mainThreadCpuMs() - c0);
  if (consumer.name.startsWith('server-only') || consumer.name === 'ours-transport') {
    if (seen.bytes < expectedBytes) {
      throw new Error(
        `${consumer.name} read ${seen.bytes} bytes, expected at least ${expectedBytes} (N=${n})`,
      );
    }
  } else {
    if (seen.deltas !== n) {
      throw new Error(`${consumer.name} saw ${seen.deltas} output_text.delta events, expected exactly ${n}`);
    }
    if (!seen.completed) throw new Error(`${consumer.name} never saw response.completed (N=${n})`);
  }
  return ms;
}

/**
 * Time `consumers` side by side: `warmup` untimed runs each, then `iterations` rounds in which every
 * consumer runs once (the order rotates every round so none always runs first). Unless `forceGc` is
 * false, a forced GC (untimed) precedes every run so one consumer's garbage is not collected on
 * another's clock, and every run starts like a new turn after the collector ran (see README). Resolves
 * with `{ wall, cpu }`: per consumer, the wall ms and the main-thread CPU ms of every timed run.
 */
async function timeSideBySide(consumers, n, expectedBytes, { warmup, iterations, forceGc = true }) {
  for (let i = 0; i < warmup; i++) {
    for (const c of consumers) await runOnce(c, n, expectedBytes);
  }
  const runs = new Map(consumers.map((c) => [c.name, []]));
  const cpu = new Map(consumers.map((c) => [c.name, []]));
  for (let i = 0; i < iterations; i++) {
    for (let j = 0; j < consumers.length; j++) {
      const c = consumers[(i + j) % consumers.length];
      if (forceGc) gc();
      runs.get(c.name).push(await runOnce(c, n, expectedBytes, cpu.get(c.name)));
    }
  }
  return { wall: runs, cpu };
}

/**
 * One untimed run with memory sampling: heapUsed/RSS before (after a forced GC), peak (sampled
 * every 5 ms), at the end, and retained after a forced GC; GC count and pause time during the run.
 */
async function measureMemory(consumer, n, expectedBytes) {
  gc();
  await new Promise((r) => setImmediate(r));
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  const sample = () => {
    const m = process.memoryUsage();
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    if (m.rss > peakRss) peakRss = m.rss;
  };
  const gcEntries = [];
  const observer = new PerformanceObserver((list) => gcEntries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const timer = setInterval(sample, 5);
  const t0 = performance.now();
  await runOnce(consumer, n, expectedBytes);
  const t1 = performance.now();
  clearInterval(timer);
  sample();
  const end = process.memoryUsage();
  await new Promise((r) => setTimeout(r, 20)); // let the observer deliver
  observer.disconnect();
  gc();
  const retained = process.memoryUsage();
  const during = gcEntries.filter((e) => e.startTime >= t0 && e.startTime <= t1);
  const mb = (b) => round(b / 1024 / 1024, 1);
  return {
    consumer: consumer.name,
    n,
    heapUsedBeforeMB: mb(before.heapUsed),
    heapPeakDeltaMB: mb(peakHeap - before.heapUsed),
    heapEndDeltaMB: mb(end.heapUsed - before.heapUsed),
    heapRetainedDeltaMB: mb(retained.heapUsed - before.heapUsed),
    rssBeforeMB: mb(before.rss),
    rssPeakMB: mb(peakRss),
    rssPeakDeltaMB: mb(peakRss - before.rss),
    gcCount: during.length,
    gcMs: round(
      during.reduce((s, e) => s + e.duration, 0),
      1,
    ),
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  // Set at run time, as an application would, before any consumer compiles llhttp (first connection).
  if (options.v8Flags !== '') v8.setFlagsFromString(options.v8Flags);
  if (!globalThis.gc) console.warn('warning: run with node --expose-gc for forced GCs between runs');
  const meta = {
    ...runMeta(options),
  };
  console.log(
    `sse-throughput  node ${meta.node}  ${meta.platform}  ${meta.cpus} cpus (${meta.cpuModel})\n` +
      `load average (1/5/15 min) at start: ${meta.loadavgStart.join(' / ')}\n` +
      `servers run on ${options.serverThread === 'worker' ? 'a worker thread' : 'the main thread'}`,
  );

  // 1. The server alone: each server kind read by the byte-counting reader.
  const survey = [];
  if (options.survey.length > 0) {
    console.log(
      `\n== server alone: a reader that only counts body bytes (${options.surveyIterations} runs after 1 warm-up)`,
    );
    for (const kind of options.survey) {
      const server = await startServer(kind, options.serverThread);
      const reader = createConsumer('server-only', server.url);
      try {
        for (const n of options.n) {
          const { bodyBytes } = await server.prepare(n);
          const runs = (
            await timeSideBySide([reader], n, bodyBytes, { warmup: 1, iterations: options.surveyIterations })
          ).wall.get('server-only');
          const med = median(runs);
          survey.push({
            server: kind,
            n,
            bodyBytes,
            medianMs: round(med, 2),
            minMs: round(Math.min(...runs), 2),
            eventsPerSec: Math.round((n / med) * 1000),
            mbPerSec: round(bodyBytes / 1024 / 1024 / (med / 1000)),
            runsMs: runs.map((v) => round(v, 2)),
          });
        }
      } finally {
        await reader.close();
        await server.close();
      }
    }
    console.log(
      table(
        ['server', 'N', 'body MB', 'median ms', 'min ms', 'events/s', 'MB/s'],
        survey.map((r) => [
          r.server,
          fmtInt(r.n),
          round(r.bodyBytes / 1024 / 1024, 1),
          r.medianMs.toFixed(1),
          r.minMs.toFixed(1),
          fmtInt(r.eventsPerSec),
          r.mbPerSec,
        ]),
      ),
    );
  }

  // 2. The consumers, side by side, against each server kind in turn.
  const results = [];
  const memory = [];
  const names = ['server-only', ...options.consumers.filter((c) => c !== 'server-only')];
  for (const [serverIndex, kind] of options.servers.entries()) {
    const server = await startServer(kind, options.serverThread);
    const consumers = names.map((name) => createConsumer(name, server.url));
    try {
      console.log(
        `\n== consumers side by side, server "${kind}" (${options.warmup} warm-up + ${options.iterations} ` +
          `timed runs each, rotating order${options.forceGc ? ', forced GC before each run' : ', NO forced GC'})`,
      );
      for (const n of options.n) {
        const { bodyBytes } = await server.prepare(n);
        const { wall: runs, cpu } = await timeSideBySide(consumers, n, bodyBytes, options);
        const floorMedian = runs.has('floor') ? median(runs.get('floor')) : undefined;
        const cpuMedian = (name) => (cpu.get(name).length > 0 ? median(cpu.get(name)) : undefined);
        const floorCpu = runs.has('floor') ? cpuMedian('floor') : undefined;
        for (const [name, values] of runs) {
          const med = median(values);
          const cpuMs = cpuMedian(name);
          results.push({
            server: kind,
            consumer: name,
            n,
            bodyBytes,
            medianMs: round(med, 2),
            minMs: round(Math.min(...values), 2),
            eventsPerSec: Math.round((n / med) * 1000),
            ratioToFloor: floorMedian === undefined ? undefined : round(med / floorMedian, 2),
            cpuMedianMs: round(cpuMs, 2),
            cpuRatioToFloor:
              cpuMs === undefined || floorCpu === undefined ? undefined : round(cpuMs / floorCpu, 2),
            runsMs: values.map((v) => round(v, 2)),
            cpuMs: cpu.get(name).map((v) => round(v, 2)),
          });
        }
        console.log(`  N=${fmtInt(n)} done (load ${loadavg().join(' / ')})`);
      }
      // Memory: the first server kind only, one run per consumer.
      if (serverIndex === 0 && options.n.includes(options.memoryN)) {
        const { bodyBytes } = await server.prepare(options.memoryN);
        for (const c of consumers)
          memory.push({ server: kind, ...(await measureMemory(c, options.memoryN, bodyBytes)) });
      }
    } finally {
      for (const c of consumers) await c.close();
      await server.close();
    }
  }

  const comparisons = [];
  for (const kind of options.servers) {
    console.log(`\nserver "${kind}"`);
    const rows = results.filter((r) => r.server === kind);
    console.log(
      table(
        ['consumer', 'N', 'median ms', 'min ms', 'events/s', 'ratio to floor', 'CPU ms', 'CPU ratio'],
        rows.map((r) => [
          r.consumer,
          fmtInt(r.n),
          r.medianMs.toFixed(1),
          r.minMs.toFixed(1),
          fmtInt(r.eventsPerSec),
          r.ratioToFloor === undefined ? '' : `${r.ratioToFloor.toFixed(2)}x`,
          r.cpuMedianMs === undefined ? '' : r.cpuMedianMs.toFixed(1),
          r.cpuRatioToFloor === undefined ? '' : `${r.cpuRatioToFloor.toFixed(2)}x`,
        ]),
      ),
    );
    for (const n of options.n) {
      const get = (name) => rows.find((r) => r.consumer === name && r.n === n);
      const o = get('ours');
      const a = get('openai');
      const f = get('floor');
      const c = { server: kind, n };
      if (o && a) c.oursThroughputVsOpenai = round(a.medianMs / o.medianMs, 2);
      if (o && f) {
        c.oursTimeVsFloor = round(o.medianMs / f.medianMs, 2);
        c.oursWithinTarget = o.medianMs / f.medianMs <= 1.3;
        if (o.cpuRatioToFloor !== undefined) c.oursCpuVsFloor = o.cpuRatioToFloor;
      }
      if (a && f) c.openaiTimeVsFloor = round(a.medianMs / f.medianMs, 2);
      const u = get('ours-undici');
      if (u && f) c.oursUndiciTimeVsFloor = round(u.medianMs / f.medianMs, 2);
      if (o && u) c.oursTimeVsOursUndici = round(o.medianMs / u.medianMs, 2);
      const d = get('ours-undici-deep');
      if (d && f) c.oursUndiciDeepTimeVsFloor = round(d.medianMs / f.medianMs, 2);
      const fn = get('floor-node');
      if (d && fn) c.oursUndiciDeepTimeVsFloorNode = round(d.medianMs / fn.medianMs, 2);
      if (o && fn) c.oursTimeVsFloorNode = round(o.medianMs / fn.medianMs, 2);
      if (fn && f) c.floorNodeTimeVsFloor = round(fn.medianMs / f.medianMs, 2);
      comparisons.push(c);
      const parts = [`N=${fmtInt(n)}:`];
      if (c.oursThroughputVsOpenai !== undefined)
        parts.push(`ours/openai throughput ${c.oursThroughputVsOpenai}x`);
      if (c.oursTimeVsFloor !== undefined) {
        parts.push(
          `ours time ${c.oursTimeVsFloor}x floor (target <= 1.3x: ${c.oursWithinTarget ? 'met' : 'MISSED'})`,
        );
        if (c.oursCpuVsFloor !== undefined) parts.push(`ours CPU ${c.oursCpuVsFloor}x floor`);
      }
      if (c.openaiTimeVsFloor !== undefined)
        parts.push(`openai time ${c.openaiTimeVsFloor}x floor (expected ~5x)`);
      if (c.oursTimeVsOursUndici !== undefined)
        parts.push(`ours (node:http) time ${c.oursTimeVsOursUndici}x ours-undici`);
      if (c.floorNodeTimeVsFloor !== undefined)
        parts.push(`floor-node time ${c.floorNodeTimeVsFloor}x floor`);
      console.log(parts.join('  '));
    }
  }

  if (memory.length > 0) {
    console.log(
      `\n== memory, server "${memory[0].server}", one run each at N=${fmtInt(options.memoryN)} (MB; "+" columns ` +
        'are deltas against the value after a forced GC just before the run; RSS is process-wide)',
    );
    console.log(
      table(
        [
          'consumer',
          'heap peak +',
          'heap end +',
          'heap retained +',
          'rss before',
          'rss peak',
          'rss peak +',
          'GCs',
          'GC ms',
        ],
        memory.map((m) => [
          m.consumer,
          m.heapPeakDeltaMB,
          m.heapEndDeltaMB,
          m.heapRetainedDeltaMB,
          m.rssBeforeMB,
          m.rssPeakMB,
          m.rssPeakDeltaMB,
          m.gcCount,
          m.gcMs,
        ]),
      ),
    );
  }

  const loadEnd = loadavg();
  console.log(`\nload average (1/5/15 min) at end: ${loadEnd.join(' / ')}`);
  const output = {
    benchmark: 'sse-throughput',
    meta: { ...meta, loadavgEnd: loadEnd, finishedAt: new Date().toISOString() },
    serverAlone: survey,
    results,
    comparisons,
    memory,
  };
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${toJson(output)}\n`);
  console.log(`results written to ${relative(process.cwd(), options.out)}`);
}

main().catch((error) => {
  console.error(`sse-throughput FAILED: ${error?.stack ?? error}`);
  process.exit(1);
});
