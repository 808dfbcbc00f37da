// What the telemetry benchmarks share: the session telemetry they measure and the settings of the
// OpenTelemetry SDK they start.
import { SessionTelemetry } from '@codex-ts/otel';

/** A `SessionTelemetry` of a bench thread (`gpt-5.5`, `codex_exec`, API key), `providers` on top. */
export function benchSessionTelemetry(providers = {}, Telemetry = SessionTelemetry) {
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

/** `startOtelSdk` settings of the benches, each signal's exporter from `exporter(signal)`. */
export function benchSdkSettings(exporter) {
  return {
    serviceName: 'codex_exec',
    serviceVersion: '0.0.0',
    environment: 'bench',
    logs: exporter('logs'),
    traces: exporter('traces'),
    metrics: exporter('metrics'),
  };
}
