/**
 * `@codex-ts/otel/test`: the in-memory OpenTelemetry SDK the workspace's telemetry tests record to
 * (workspace-only: not published, see tsup.shared.ts), and an async context manager switch.
 */
export { enableAsyncContext, type InMemoryOtel, inMemoryOtel, type MetricPoint } from './sdk.js';
