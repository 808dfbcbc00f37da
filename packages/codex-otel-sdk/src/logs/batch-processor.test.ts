// startOtelSdk's log processor exports a full batch without waiting for its 5 s schedule: a
// stream of more records than the queue holds (BATCH_QUEUE_SIZE), read in chunks with event-loop
// turns between them as a socket delivers them, loses none.
import {
  InMemoryLogRecordExporter,
  type LogRecordExporter,
  type SdkLogRecord,
} from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { BATCH_QUEUE_SIZE, startOtelSdk } from '../sdk/sdk.js';
import { EagerBatchLogRecordProcessor } from './batch-processor.js';

const none = { kind: 'none' } as const;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('startOtelSdk log export during a long stream', () => {
  it('exports every record of a stream longer than the queue (chunks of 400 records)', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const sdk = await startOtelSdk(
      {
        serviceName: 'codex_exec',
        serviceVersion: '1.0.0',
        environment: 'dev',
        logs: none,
        traces: none,
        metrics: none,
      },
      { exporters: { logs: exporter }, registerGlobals: false },
    );
    const logger = sdk.loggerProvider?.getLogger('codex_otel');
    const total = BATCH_QUEUE_SIZE + 8_000;
    for (let i = 0; i < total; i++) {
      logger?.emit({ body: 'codex.sse_event', attributes: { n: i } });
      if (i % 400 === 399) await turn();
    }
    // The in-memory exporter forgets its records on shutdown: flush first.
    await (sdk.loggerProvider as unknown as { forceFlush(): Promise<void> }).forceFlush();
    const exported = exporter.getFinishedLogRecords();
    await sdk.shutdown({ timeoutMs: 5_000 });
    // Before: the first BATCH_QUEUE_SIZE records, the rest dropped.
    expect(exported).toHaveLength(total);
    expect(exported.map((r) => r.attributes.n)).toEqual(Array.from({ length: total }, (_, i) => i));
  });
});

describe('EagerBatchLogRecordProcessor', () => {
  it('starts one export per full batch, never a second one while the first is in flight', async () => {
    const batches: number[] = [];
    const pending: (() => void)[] = [];
    const release = () => {
      for (const done of pending.splice(0)) done();
    };
    const exporter: LogRecordExporter = {
      export(records, done) {
        batches.push(records.length);
        pending.push(() => done({ code: 0 }));
      },
      shutdown: async () => {},
    };
    const processor = new EagerBatchLogRecordProcessor(exporter, {
      maxExportBatchSize: 10,
      maxQueueSize: 100,
      scheduledDelayMillis: 3_600_000,
    });
    const record = { resource: { asyncAttributesPending: false } } as unknown as SdkLogRecord;
    for (let i = 0; i < 9; i++) processor.onEmit(record);
    await turn();
    expect(batches).toEqual([]);
    processor.onEmit(record);
    await turn();
    expect(batches).toEqual([10]);
    // 25 more while the export is in flight: queued, no second export yet.
    for (let i = 0; i < 25; i++) processor.onEmit(record);
    await turn();
    expect(batches).toEqual([10]);
    release();
    // Settled: the 25 queued go out (as batches of at most 10).
    for (let i = 0; i < 10 && batches.length < 4; i++) {
      await turn();
      release();
    }
    expect(batches).toEqual([10, 10, 10, 5]);
  });
});
