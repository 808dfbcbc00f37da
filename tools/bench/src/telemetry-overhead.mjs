// SSE throughput of ResponsesClient with the session's telemetry hooks: off (no hooks), on with no
// OpenTelemetry SDK (the API's no-ops), on with the SDK and in-memory exporters, and on with the
// SDK exporting OTLP/HTTP to a local receiver (worker thread). Side by side in one run; the
// overhead ratios are medians against `off`. See README "telemetry-overhead".

import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
import { startWorkerRpc } from './worker-rpc.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CONSUMERS = ['off', 'noop', 'sdk-memory', 'sdk-otlp'];
// Diagnostic consumers (not run by default): sdk-memory with only its logs or only its metrics.
const EXTRA = ['sdk-memory-logs', 'sdk-memory-metrics'];
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
  };
  for (const [key, value] of argPairs(argv)) {
    if (key === 'n') options.n = argList(value).map((v) => Number(v.replaceAll('_', '')));
    else if (key === 'iterations' || key === 'warmup') options[key] = Number(value);
    else if (key === 'server') options.server = value;
    else if (key === 'consumers') options.consumers = argList(value);
    else if (key === 'out') options.out = resolve(value);
    else if (key === 'baseline') options.baseline = resolve(value);
    else throw new Error(`unknown option --${key}`);
  }
  for (const c of options.consumers)
    if (!CONSUMERS.includes(c) && !EXTRA.includes(c)) throw new Error(`unknown consumer "${c}"`);
  if (options.baseline !== undefined)
    options.consumers = options.consumers.flatMap((c) => (c === 'off' ? [c] : [c, c + BASE_SUFFIX]));
  if (!options.consumers.includes('off')) throw new Error('--consumers must include off (the baseline)');
  return options;
}

const gc = globalThis.gc ?? (() => {});

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

function sessionTelemetry(providers = {}, Telemetry = SessionTelemetry) {
  return new Telemetry({
    conversationId: 'bench-thread',
    model: 'gpt-5.5',
    authMode: 'apikey',
    originator: 'codex_exec',
    appVersion: '0.0.0',
    sessionSource: 'exec',
    ...providers,
  });
}

const settings = (exporter) => ({
  serviceName: 'codex_exec',
  serviceVersion: '0.0.0',
  environment: 'bench',
  logs: exporter('logs'),
  traces: exporter('traces'),
  metrics: exporter('metrics'),
});

/** The consumer `name`: `{ name, run() → { deltas, completed }, close() }`. */
async function consumer(label, url, receiverEndpoints, baseline) {
  const name = label.endsWith(BASE_SUFFIX) ? label.slice(0, -BASE_SUFFIX.length) : label;
  const Telemetry = name === label ? SessionTelemetry : (await import(baseline)).SessionTelemetry;
  let telemetry;
  let sdk;
  let reset = () => {};
  if (name === 'noop') telemetry = sessionTelemetry({}, Telemetry);
  if (name.startsWith('sdk-memory')) {
    const exporters = {
      logs: new InMemoryLogRecordExporter(),
      traces: new InMemorySpanExporter(),
      metrics: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    };
    sdk = await startOtelSdk(
      settings(() => ({ kind: 'none' })),
      { exporters, registerGlobals: false },
    );
    reset = () => {
      exporters.logs.reset();
      exporters.traces.reset();
      exporters.metrics.reset();
    };
  }
  if (name === 'sdk-otlp') {
    const http = (signal) => ({
      kind: 'otlp-http',
      endpoint: receiverEndpoints[signal],
      protocol: 'binary',
      headers: {},
    });
    sdk = await startOtelSdk(settings(http), { registerGlobals: false });
  }
  if (sdk)
    telemetry = sessionTelemetry(
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
      reset();
      return { deltas, completed };
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
        consumers.push(await consumer(name, server.url, endpoints, options.baseline));
      const runs = new Map(consumers.map((c) => [c.name, []]));
      const once = async (c) => {
        gc();
        const t0 = performance.now();
        const seen = await c.run();
        const ms = performance.now() - t0;
        if (seen.deltas !== n || !seen.completed) throw new Error(`${c.name} saw ${seen.deltas}/${n} deltas`);
        return ms;
      };
      for (let i = 0; i < options.warmup; i++) for (const c of consumers) await once(c);
      for (let i = 0; i < options.iterations; i++) {
        for (let j = 0; j < consumers.length; j++) {
          const c = consumers[(i + j) % consumers.length];
          runs.get(c.name).push(await once(c));
        }
      }
      for (const c of consumers) await c.close();
      const base = median(runs.get('off'));
      const rows = consumers.map((c) => {
        const ms = runs.get(c.name);
        const med = median(ms);
        return {
          consumer: c.name,
          n,
          medianMs: round(med, 2),
          minMs: round(Math.min(...ms), 2),
          eventsPerSec: Math.round(n / (med / 1000)),
          overheadPct: round((med / base - 1) * 100, 1),
          addedUsPerEvent: round(((med - base) / n) * 1000, 2),
          runsMs: ms.map((v) => round(v, 2)),
        };
      });
      results.push(...rows);
      console.log(`\nN = ${n} deltas (server ${options.server}, load ${loadavg().join(' ')})`);
      console.log(
        table(
          ['consumer', 'median ms', 'min ms', 'events/s', 'overhead vs off', 'added µs/event'],
          rows.map((r) => [
            r.consumer,
            r.medianMs,
            r.minMs,
            r.eventsPerSec.toLocaleString('en-US'),
            `${r.overheadPct} %`,
            r.addedUsPerEvent,
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
