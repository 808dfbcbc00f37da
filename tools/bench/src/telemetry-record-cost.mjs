// What one streamed SSE event costs the telemetry itself, without the client around it: the
// session's SSE hook called in a loop (with startOtelSdk and in-memory exporters, logs and / or
// metrics, each stream flushed), a bare record (the least an exported per-event log record can
// be), and the SDK's OTLP serializers (transformer, protobuf, JSON) on the records the hook built.
// CPU time of the process (`process.cpuUsage`: this script runs one thread of its own; V8's GC
// helpers count too), medians of rotating rounds. See README "telemetry-overhead".

import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SessionTelemetry } from '@codex-ts/otel';
import { startOtelSdk } from '@codex-ts/otel-sdk';
import { context, TraceFlags, trace } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter } from '@opentelemetry/sdk-metrics';
import { argList, argPairs, loadavg, median, round, runMeta, table, toJson } from './report.mjs';
import { benchSdkSettings, benchSessionTelemetry } from './telemetry-setup.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const options = {
  n: [10_000, 100_000],
  rounds: 15,
  out: join(here, '..', 'results', 'telemetry-record-cost.json'),
};
for (const [key, value] of argPairs(process.argv.slice(2))) {
  if (key === 'n') options.n = argList(value).map((v) => Number(v.replaceAll('_', '')));
  else if (key === 'rounds') options.rounds = Number(value);
  else if (key === 'out') options.out = resolve(value);
  else if (key === 'baseline') options.baseline = resolve(value);
  else if (key === 'baseline-sdk') options.baselineSdk = resolve(value);
  else throw new Error(`unknown option --${key}`);
}
const gc = globalThis.gc ?? (() => {});
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** Events in a timed window: at least this many (a window of ~30+ ms reads CPU time precisely). */
const WINDOW_EVENTS = 100_000;

// The OTLP serializers of the SDK's exporters (dependencies of @codex-ts/otel-sdk, not of the bench).
const fromSdk = createRequire(fileURLToPath(import.meta.resolve('@codex-ts/otel-sdk')));
const fromProto = createRequire(fromSdk.resolve('@opentelemetry/exporter-logs-otlp-proto'));
const transformer = fromProto('@opentelemetry/otlp-transformer');
const transformerDir = dirname(fromProto.resolve('@opentelemetry/otlp-transformer/package.json'));
const { createExportLogsServiceRequest } = fromProto(join(transformerDir, 'build/src/logs/internal.js'));
// Every case runs with the context manager `codex-ts exec` registers (AsyncLocalStorage).
const { AsyncLocalStorageContextManager } = fromSdk('@opentelemetry/context-async-hooks');
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/** SSE events as the decoder hands them over: the kind cut from chunk text of ~600 events. */
function sseEvents(n) {
  const events = [];
  let text = '';
  const per = 600;
  for (let i = 0; i < n; i++) {
    if (i % per === 0) {
      text =
        `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"${i}"}\n\n`.repeat(
          per,
        );
      text.charCodeAt(1); // flat, as decoded text is
    }
    const start = (i % per) * (text.length / per) + 7;
    events.push({ event: text.slice(start, start + 26), data: '{"delta":"ab"}', id: undefined });
  }
  return events;
}
const completed = { event: 'response.completed', data: '{}', id: undefined };

/** A session on startOtelSdk with in-memory exporters; `signals`: which providers it gets. */
async function hookCase(signals, Telemetry = SessionTelemetry, startSdk = startOtelSdk) {
  const records = [];
  const logs = {
    export(batch, done) {
      for (const r of batch) records.push(r);
      done({ code: 0 });
    },
    shutdown: async () => {},
  };
  const metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const sdk = await startSdk(
    benchSdkSettings(() => ({ kind: 'none' })),
    {
      exporters: { logs, metrics },
      registerGlobals: false,
    },
  );
  const span = trace.wrapSpanContext({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
  });
  const telemetry = benchSessionTelemetry(
    {
      ...(signals.includes('metrics') ? { meterProvider: sdk.meterProvider } : {}),
      ...(signals.includes('logs') ? { loggerProvider: sdk.loggerProvider } : {}),
    },
    Telemetry,
  );
  return {
    records,
    /** One stream: every event, the terminal event, then the flush of both signals. */
    async stream(events) {
      const read = () => {
        for (let i = 0; i < events.length; i++)
          telemetry.recordSsePoll({ event: events[i], error: undefined, durationMs: 0.05 });
        telemetry.recordSsePoll({ event: completed, error: undefined, durationMs: 0.05 });
      };
      if (signals.includes('span')) context.with(trace.setSpan(context.active(), span), read);
      else read();
      await Promise.all([sdk.loggerProvider?.forceFlush(), sdk.meterProvider?.forceFlush()]);
      records.length = 0;
      metrics.reset();
    },
    close: () => sdk.shutdown({ timeoutMs: 5000 }),
  };
}

/** The bare record: 13 plain attributes in one fresh object and a 10-field record, queued to the end. */
const template = {
  'event.name': 'codex.sse_event',
  'event.timestamp': '',
  'event.kind': '',
  duration_ms: '',
  'conversation.id': 'bench-thread',
  'app.version': '0.0.0',
  originator: 'codex_exec',
  'terminal.type': 'unknown',
  model: 'gpt-5.5',
  slug: 'gpt-5.5',
  auth_mode: 'apikey',
  'user.account_id': '',
  'user.email': '',
};
class BareRecord {
  constructor(hrTime, attributes) {
    this.hrTime = hrTime;
    this.hrTimeObserved = hrTime;
    this.spanContext = undefined;
    this.resource = undefined;
    this.instrumentationScope = undefined;
    this.attributes = attributes;
    this.severityText = 'INFO';
    this.severityNumber = 9;
    this.body = 'codex.sse_event';
    this.eventName = 'codex.sse_event';
  }
}
const bare = {
  async stream(events) {
    const queue = [];
    const hrTime = [0, 0];
    for (let i = 0; i < events.length; i++) {
      const attributes = { ...template };
      attributes['event.timestamp'] = '2026-12-04T05:00:00.000Z';
      attributes['event.kind'] = 'response.output_text.delta';
      attributes.duration_ms = String(i & 1);
      queue.push(new BareRecord(hrTime, attributes));
    }
    queue.length = 0;
  },
  close: async () => {},
};

async function main() {
  const meta = runMeta(options);
  console.log(
    `telemetry-record-cost: node ${process.version}, ${meta.cpus} CPUs, load ${loadavg().join(' ')}`,
  );
  const cases = {
    'hook (logs + metrics)': await hookCase(['logs', 'metrics']),
    'hook (logs + metrics, in a span)': await hookCase(['logs', 'metrics', 'span']),
    'hook (logs)': await hookCase(['logs']),
    'hook (metrics)': await hookCase(['metrics']),
    'bare record': bare,
  };
  if (options.baseline !== undefined && options.baselineSdk !== undefined) {
    // The same hook cases on other builds of @codex-ts/otel and @codex-ts/otel-sdk (e.g. main's).
    const Telemetry = (await import(options.baseline)).SessionTelemetry;
    const startSdk = (await import(options.baselineSdk)).startOtelSdk;
    cases['hook (logs + metrics)@base'] = await hookCase(['logs', 'metrics'], Telemetry, startSdk);
    cases['hook (logs + metrics, in a span)@base'] = await hookCase(
      ['logs', 'metrics', 'span'],
      Telemetry,
      startSdk,
    );
  }
  const results = [];
  for (const n of options.n) {
    const streams = Math.max(1, Math.round(WINDOW_EVENTS / n));
    const inputs = Array.from({ length: streams }, () => sseEvents(n));
    const names = Object.keys(cases);
    const samples = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = -2; round < options.rounds; round++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + Math.max(0, round)) % names.length];
        gc();
        const start = cpuMs();
        for (const events of inputs) await cases[name].stream(events);
        const us = ((cpuMs() - start) * 1000) / (n * streams);
        if (round >= 0) samples[name].push(us);
      }
    }
    for (const name of names)
      results.push({
        case: name,
        n,
        streams,
        cpuUsPerEvent: round(median(samples[name]), 3),
        // This case's run ÷ its @base run of the same round, median over rounds.
        pairedVsBase: samples[`${name}@base`]
          ? round(median(samples[name].map((v, i) => v / samples[`${name}@base`][i])), 3)
          : undefined,
        runsUs: samples[name].map((v) => round(v, 3)),
      });
    console.log(
      `\nN = ${n} events per stream, ${streams} streams per timed window (load ${loadavg().join(' ')})`,
    );
    console.log(
      table(
        ['case', 'CPU µs/event', 'paired vs @base'],
        results.filter((r) => r.n === n).map((r) => [r.case, r.cpuUsPerEvent, r.pairedVsBase]),
      ),
    );
  }

  // The OTLP serializers on codex.sse_event records built by the hook, in 512-record batches.
  const batches = [];
  const events = sseEvents(10_240);
  const telemetryRecords = await (async () => {
    const collected = [];
    const exporter = {
      export(batch, done) {
        collected.push(batch);
        done({ code: 0 });
      },
      shutdown: async () => {},
    };
    const sdk = await startOtelSdk(
      benchSdkSettings(() => ({ kind: 'none' })),
      {
        exporters: { logs: exporter },
        registerGlobals: false,
      },
    );
    const t = benchSessionTelemetry({ loggerProvider: sdk.loggerProvider });
    for (const event of events) t.recordSsePoll({ event, error: undefined, durationMs: 0.05 });
    await sdk.loggerProvider.forceFlush();
    await sdk.shutdown({ timeoutMs: 5000 });
    return collected;
  })();
  for (const b of telemetryRecords) for (let i = 0; i < b.length; i += 512) batches.push(b.slice(i, i + 512));
  const recordCount = batches.reduce((sum, b) => sum + b.length, 0);
  const serializers = {
    'OTLP transform (createExportLogsServiceRequest)': (b) =>
      createExportLogsServiceRequest(b, { useHex: true, useLongBits: false }),
    'OTLP protobuf (ProtobufLogsSerializer)': (b) => transformer.ProtobufLogsSerializer.serializeRequest(b),
    'OTLP JSON (JsonLogsSerializer)': (b) => transformer.JsonLogsSerializer.serializeRequest(b),
  };
  const encodeNames = Object.keys(serializers);
  const encodeSamples = Object.fromEntries(encodeNames.map((name) => [name, []]));
  const bytes = {};
  for (let round = -2; round < options.rounds; round++) {
    for (let k = 0; k < encodeNames.length; k++) {
      const name = encodeNames[(k + Math.max(0, round)) % encodeNames.length];
      gc();
      const start = cpuMs();
      let size = 0;
      // ~100 000 records per window: the batches ten times over.
      for (let rep = 0; rep < 10; rep++) for (const b of batches) size += serializers[name](b)?.length ?? 0;
      const us = ((cpuMs() - start) * 1000) / (recordCount * 10);
      bytes[name] = size / (recordCount * 10);
      if (round >= 0) encodeSamples[name].push(us);
    }
  }
  const encoding = encodeNames.map((name) => ({
    case: name,
    records: recordCount,
    cpuUsPerRecord: round(median(encodeSamples[name]), 3),
    bytesPerRecord: round(bytes[name], 1),
    runsUs: encodeSamples[name].map((v) => round(v, 3)),
  }));
  console.log(
    `\nOTLP serializers, ${recordCount} codex.sse_event records in batches of 512 (load ${loadavg().join(' ')})`,
  );
  console.log(
    table(
      ['serializer', 'CPU µs/record', 'bytes/record'],
      encoding.map((r) => [r.case, r.cpuUsPerRecord, r.bytesPerRecord || '']),
    ),
  );
  for (const c of Object.values(cases)) await c.close();
  meta.loadavgEnd = loadavg();
  writeFileSync(options.out, `${toJson({ meta, results, encoding })}\n`);
  console.log(`\nwrote ${options.out}`);
}

await main();
