// SSE throughput of ResponsesClient with the session's telemetry hooks: off (no hooks), on with no
// OpenTelemetry SDK (the API's no-ops), on with the SDK and in-memory exporters, and on with the
// SDK exporting OTLP/HTTP to a local receiver (worker thread). Side by side in one run; the
// overhead ratios are medians against `off`. Each run is timed over the stream (throughput) and
// charged CPU over the stream plus the flush of everything the SDK queued during it (main thread
// CPU, GC pauses, process CPU), so work moved after the stream still counts. See README
// "telemetry-overhead".

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ResponsesClient } from '@codex-ts/api';
import { SessionTelemetry } from '@codex-ts/otel';
import { startOtelSdk } from '@codex-ts/otel-sdk';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { benchClientOptions } from './consumers.mjs';
import { argList, argPairs, loadavg, median, round, runMeta, table, toJson } from './report.mjs';
import { startServer } from './servers.mjs';
import { benchSdkSettings, benchSessionTelemetry } from './telemetry-setup.mjs';
import { startWorkerRpc } from './worker-rpc.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CONSUMERS = ['off', 'noop', 'sdk-memory', 'sdk-otlp'];
// Diagnostic consumers (not run by default): sdk-memory with only its logs or only its metrics;
// sdk-otlp with the OTLP/HTTP JSON encoding instead of protobuf.
const EXTRA = ['sdk-memory-logs', 'sdk-memory-metrics', 'sdk-otlp-json'];
// With --baseline, each consumer but off also runs as `<name>@base` on that build of @codex-ts/otel.
const BASE_SUFFIX = '@base';

function parseArgs(argv) {
  const options = {
    n: [10_000],
    iterations: 9,
    warmup: 3,
    server: 'raw',
    consumers: [...CONSUMERS],
    out: join(here, '..', 'results', 'telemetry-overhead.json'),
    baseline: undefined,
    baselineSdk: undefined,
  };
  for (const [key, value] of argPairs(argv)) {
    if (key === 'n') options.n = argList(value).map((v) => Number(v.replaceAll('_', '')));
    else if (key === 'iterations' || key === 'warmup') options[key] = Number(value);
    else if (key === 'server') options.server = value;
    else if (key === 'consumers') options.consumers = argList(value);
    else if (key === 'out') options.out = resolve(value);
    else if (key === 'baseline') options.baseline = resolve(value);
    else if (key === 'baseline-sdk') options.baselineSdk = resolve(value);
    else throw new Error(`unknown option --${key}`);
  }
  for (const c of options.consumers)
    if (!CONSUMERS.includes(c) && !EXTRA.includes(c)) throw new Error(`unknown consumer "${c}"`);
  if (options.baseline !== undefined)
    options.consumers = options.consumers.flatMap((c) => (c === 'off' ? [c] : [c, c + BASE_SUFFIX]));
  if (!options.consumers.includes('off')) throw new Error('--consumers must include off (the baseline)');
  if (options.baselineSdk !== undefined && options.baseline === undefined)
    throw new Error('--baseline-sdk needs --baseline');
  return options;
}

const gc = globalThis.gc ?? (() => {});

/**
 * CPU time of this thread (the consumers' event loop), ms: Linux's `se.sum_exec_runtime` of
 * `/proc/thread-self/sched` (ns precision; the server and the receiver run on other threads and
 * are not counted). Undefined where that file is missing.
 */
function threadCpuMs() {
  try {
    const m = /se\.sum_exec_runtime\s*:\s*([\d.]+)/.exec(readFileSync('/proc/thread-self/sched', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Total duration of the garbage collections of this thread so far, ms (`gc` performance entries). */
let gcTotalMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcTotalMs += entry.duration;
}).observe({ entryTypes: ['gc'] });
/** Resolves after the pending `gc` entries were delivered (they arrive on a later macrotask). */
const settleGcEntries = () => new Promise((resolve) => setTimeout(resolve, 1));

/** CPU time of the whole process (every thread: server, receiver, GC helpers), ms. */
function processCpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const body = {
  model: 'gpt-5.5',
  input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
  tool_choice: 'auto',
  parallel_tool_calls: false,
  store: false,
  stream: true,
  include: [],
};

function client(url, telemetry) {
  return new ResponsesClient({
    ...benchClientOptions(url),
    ...(telemetry
      ? {
          requestTelemetry: telemetry.requestTelemetry({ endpoint: '/responses' }),
          sseTelemetry: telemetry.sseTelemetry(),
        }
      : {}),
  });
}

/** The consumer `name`: `{ name, run() → { deltas, completed }, close() }`. */
async function consumer(label, url, receiverEndpoints, baseline, baselineSdk) {
  const name = label.endsWith(BASE_SUFFIX) ? label.slice(0, -BASE_SUFFIX.length) : label;
  const Telemetry = name === label ? SessionTelemetry : (await import(baseline)).SessionTelemetry;
  const startSdk =
    name === label || baselineSdk === undefined ? startOtelSdk : (await import(baselineSdk)).startOtelSdk;
  let telemetry;
  let sdk;
  let reset = () => {};
  if (name === 'noop') telemetry = benchSessionTelemetry({}, Telemetry);
  if (name.startsWith('sdk-memory')) {
    const exporters = {
      logs: new InMemoryLogRecordExporter(),
      traces: new InMemorySpanExporter(),
      metrics: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    };
    sdk = await startSdk(
      benchSdkSettings(() => ({ kind: 'none' })),
      { exporters, registerGlobals: false },
    );
    reset = () => {
      exporters.logs.reset();
      exporters.traces.reset();
      exporters.metrics.reset();
    };
  }
  if (name === 'sdk-otlp' || name === 'sdk-otlp-json') {
    const http = (signal) => ({
      kind: 'otlp-http',
      endpoint: receiverEndpoints[signal],
      protocol: name === 'sdk-otlp' ? 'binary' : 'json',
      headers: {},
    });
    sdk = await startSdk(benchSdkSettings(http), { registerGlobals: false });
  }
  if (sdk)
    telemetry = benchSessionTelemetry(
      {
        ...(name === 'sdk-memory-logs' ? {} : { meterProvider: sdk.meterProvider }),
        ...(name === 'sdk-memory-metrics' ? {} : { loggerProvider: sdk.loggerProvider }),
        tracerProvider: sdk.tracerProvider,
      },
      Telemetry,
    );
  const c = client(url, telemetry);
  return {
    name: label,
    async run() {
      const stream = await c.stream(body);
      let deltas = 0;
      let completed = false;
      for await (const event of stream) {
        if (event.type === 'output_text.delta') deltas++;
        else if (event.type === 'completed') completed = true;
      }
      return { deltas, completed };
    },
    /** Exports everything the run left in the SDK (every signal's forceFlush), then empties the in-memory exporters. */
    async flush() {
      if (sdk)
        await Promise.all([
          sdk.loggerProvider?.forceFlush(),
          sdk.meterProvider?.forceFlush(),
          sdk.tracerProvider?.forceFlush(),
        ]);
      reset();
    },
    async close() {
      await c.close();
      await sdk?.shutdown({ timeoutMs: 5000 });
    },
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const meta = runMeta(options);
  console.log(`telemetry-overhead: node ${process.version}, ${meta.cpus} CPUs, load ${loadavg().join(' ')}`);
  const server = await startServer(options.server, 'worker');
  const rpc = startWorkerRpc(new URL('./otlp-receiver-worker.mjs', import.meta.url));
  const { endpoints } = await rpc.call('start');
  const results = [];
  try {
    for (const n of options.n) {
      await server.prepare(n);
      const consumers = [];
      for (const name of options.consumers)
        consumers.push(await consumer(name, server.url, endpoints, options.baseline, options.baselineSdk));
      const runs = new Map(consumers.map((c) => [c.name, []]));
      // One timed run: the stream (wall ms, the throughput window), then the flush of everything the
      // run left in the SDK (not timed); CPU is taken over both.
      const once = async (c) => {
        gc();
        await settleGcEntries();
        const gc0 = gcTotalMs;
        const cpu0 = threadCpuMs();
        const pcpu0 = processCpuMs();
        const t0 = performance.now();
        const seen = await c.run();
        const ms = performance.now() - t0;
        if (seen.deltas !== n || !seen.completed) throw new Error(`${c.name} saw ${seen.deltas}/${n} deltas`);
        await c.flush();
        const flushMs = performance.now() - t0 - ms;
        const cpu1 = threadCpuMs();
        const pcpu1 = processCpuMs();
        await settleGcEntries();
        return {
          ms,
          flushMs,
          gcMs: gcTotalMs - gc0,
          cpuMs: cpu0 === undefined || cpu1 === undefined ? Number.NaN : cpu1 - cpu0,
          processCpuMs: pcpu1 - pcpu0,
        };
      };
      for (let i = 0; i < options.warmup; i++) for (const c of consumers) await once(c);
      for (let i = 0; i < options.iterations; i++) {
        for (let j = 0; j < consumers.length; j++) {
          const c = consumers[(i + j) % consumers.length];
          runs.get(c.name).push(await once(c));
        }
      }
      for (const c of consumers) await c.close();
      const pick = (name, key) => runs.get(name).map((r) => r[key]);
      const base = median(pick('off', 'ms'));
      const baseCpu = median(pick('off', 'cpuMs'));
      const rows = consumers.map((c) => {
        const ms = pick(c.name, 'ms');
        const cpu = pick(c.name, 'cpuMs');
        const med = median(ms);
        const medCpu = median(cpu);
        const row = {
          consumer: c.name,
          n,
          medianMs: round(med, 2),
          minMs: round(Math.min(...ms), 2),
          eventsPerSec: Math.round(n / (med / 1000)),
          overheadPct: round((med / base - 1) * 100, 1),
          addedUsPerEvent: round(((med - base) / n) * 1000, 2),
          flushMedianMs: round(median(pick(c.name, 'flushMs')), 2),
          cpuUsPerEvent: round((medCpu / n) * 1000, 2),
          cpuOverheadPct: round((medCpu / baseCpu - 1) * 100, 1),
          gcUsPerEvent: round((median(pick(c.name, 'gcMs')) / n) * 1000, 2),
          processCpuUsPerEvent: round((median(pick(c.name, 'processCpuMs')) / n) * 1000, 2),
          runsMs: ms.map((v) => round(v, 2)),
          runsCpuMs: cpu.map((v) => round(v, 2)),
        };
        // Paired with off: median over rounds of this consumer's run ÷ off's run of the same round.
        const offRuns = runs.get('off');
        row.pairedVsOff = round(median(ms.map((v, i) => v / offRuns[i].ms)), 3);
        row.pairedCpuVsOff = round(median(cpu.map((v, i) => v / offRuns[i].cpuMs)), 3);
        // Paired with the same consumer on the baseline build: median over rounds of the ratio of
        // the two runs of one round (neighbours in time), wall and CPU.
        const other = runs.get(c.name + BASE_SUFFIX);
        if (other !== undefined) {
          row.pairedVsBase = round(median(ms.map((v, i) => v / other[i].ms)), 3);
          row.pairedCpuVsBase = round(median(cpu.map((v, i) => v / other[i].cpuMs)), 3);
        }
        return row;
      });
      results.push(...rows);
      console.log(`\nN = ${n} deltas (server ${options.server}, load ${loadavg().join(' ')})`);
      console.log(
        table(
          [
            'consumer',
            'median ms',
            'min ms',
            'events/s',
            'overhead vs off',
            'added µs/event',
            'flush ms',
            'CPU µs/event',
            'CPU vs off',
            'GC µs/event',
            'process CPU µs/event',
            'paired vs off (wall / CPU)',
            'paired vs @base (wall / CPU)',
          ],
          rows.map((r) => [
            r.consumer,
            r.medianMs,
            r.minMs,
            r.eventsPerSec.toLocaleString('en-US'),
            `${r.overheadPct} %`,
            r.addedUsPerEvent,
            r.flushMedianMs,
            r.cpuUsPerEvent,
            `${r.cpuOverheadPct} %`,
            r.gcUsPerEvent,
            r.processCpuUsPerEvent,
            `${r.pairedVsOff} / ${r.pairedCpuVsOff}`,
            r.pairedVsBase === undefined ? '' : `${r.pairedVsBase} / ${r.pairedCpuVsBase}`,
          ]),
        ),
      );
    }
    const received = await rpc.call('counts');
    console.log(
      `\nreceiver got ${received.requests} export requests (${received.logs} log records, ${received.metrics} metrics, ${received.spans} spans)`,
    );
    const out = { meta: { ...meta, loadavgEnd: loadavg() }, results, received };
    writeFileSync(options.out, `${toJson(out)}\n`);
    console.log(`\nwrote ${options.out}`);
  } finally {
    await rpc.call('close').catch(() => {});
    await rpc.worker.terminate();
    await server.close();
  }
}

await main();
