/**
 * `@codex-ts/otel/test`: the in-memory OpenTelemetry SDK the workspace's telemetry tests record to
 * (workspace-only: not published, see tsup.shared.ts), an async context manager switch, and a
 * minimal `SessionTelemetry` (`testSession`).
 */
export { enableAsyncContext, type InMemoryOtel, inMemoryOtel, type MetricPoint } from './sdk.js';
export { testSession } from './session.js';
