// The SDK's BatchLogRecordProcessor, exporting as soon as a batch is full: `@opentelemetry/sdk-logs`
// 0.205 exports only when its scheduled delay (5 s) elapses, so a stream of more than
// `maxQueueSize` `codex.sse_event` records within that delay drops the rest.

import {
  BatchLogRecordProcessor,
  type BufferConfig,
  type LogRecordExporter,
  type SdkLogRecord,
} from '@opentelemetry/sdk-logs';

/** The SDK's default `maxExportBatchSize` (without `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`). */
const DEFAULT_MAX_EXPORT_BATCH_SIZE = 512;

/**
 * `BatchLogRecordProcessor` (queue, batches, timer, export timeout, flush and shutdown unchanged)
 * that also exports when `maxExportBatchSize` records were emitted since its last export started,
 * as the SDK's batch span processor does: on the next turn of the event loop (`setImmediate`,
 * so the records of the chunk being read are all queued first and no exporter runs inside an
 * emit), through `forceFlush` (everything queued, in batches), and never while such an export is
 * still in flight (the queue holds what arrives meanwhile, up to `maxQueueSize`; once the export
 * settles, a full batch starts the next one). Throws nothing.
 */
export class EagerBatchLogRecordProcessor extends BatchLogRecordProcessor {
  private readonly batchSize: number;
  // Records emitted since the last eager export started, and whether one is in flight.
  private sinceExport = 0;
  private exporting = false;

  constructor(exporter: LogRecordExporter, config?: BufferConfig) {
    super(exporter, config);
    const size = config?.maxExportBatchSize ?? Number(process.env.OTEL_BLRP_MAX_EXPORT_BATCH_SIZE);
    const queue = config?.maxQueueSize;
    const batch = Number.isFinite(size) && size > 0 ? size : DEFAULT_MAX_EXPORT_BATCH_SIZE;
    this.batchSize = queue !== undefined && queue > 0 && batch > queue ? queue : batch;
  }

  override onEmit(logRecord: SdkLogRecord): void {
    super.onEmit(logRecord);
    if (++this.sinceExport >= this.batchSize && !this.exporting) this.exportSoon();
  }

  private exportSoon(): void {
    this.exporting = true;
    this.sinceExport = 0;
    setImmediate(() => {
      this.forceFlush()
        .catch(() => {
          // The SDK reports export failures through its global error handler already.
        })
        .finally(() => {
          this.exporting = false;
          if (this.sinceExport >= this.batchSize) this.exportSoon();
        });
    }).unref();
  }
}
