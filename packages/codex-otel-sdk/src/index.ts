/**
 * @codex-ts/otel-sdk: the OpenTelemetry SDK wiring of a Codex process (codex-rs `otel` provider
 * setup): OTLP/HTTP (JSON, protobuf) and OTLP/gRPC exporters for logs, traces and metrics built
 * from config.toml's `[otel]` table, the Codex resource attributes, `TRACEPARENT` as the process
 * parent context, and a bounded flush. Optional: `@codex-ts/otel` records to whatever SDK is
 * registered; this package is the one `codex-ts exec` loads when an exporter is configured.
 */

export {
  BATCH_QUEUE_SIZE,
  codexResource,
  DEFAULT_EXPORT_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  type OtelSdk,
  type OtelSdkExporters,
  type OtelShutdownResult,
  type StartOtelSdkOptions,
  startOtelSdk,
} from './sdk/sdk.js';
export type { OtelExporterSettings, OtelSdkSettings, OtelTlsSettings } from './sdk/settings.js';
