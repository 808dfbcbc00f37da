// `codex-ts exec`'s OpenTelemetry export: the SDK package is imported only when `[otel]`
// configures an exporter; the run happens in the root span `codex.exec`; the flush is bounded.
import type { SecretRedactor } from '@codex-ts/client';
import { EXEC_ORIGINATOR, type OtelConfig, otelExportEnabled, resolveOriginator } from '@codex-ts/core';
import { context, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { OutputSink } from '../output/jsonl-printer.js';
import { CLI_VERSION } from '../version.js';

/**
 * Bound of the telemetry flush before `exec` exits, ms: each export request gives up after it
 * too, so a stalled collector delays the exit by about this much at most.
 */
export const OTEL_FLUSH_TIMEOUT_MS = 2000;

/** The exporting telemetry of one `exec` run. */
export interface ExecTelemetry {
  /** Runs `fn` inside the root span `codex.exec` (scope: the originator, `codex_exec`), ending it after. */
  inRootSpan<T>(fn: (span: Span | undefined) => Promise<T>): Promise<T>;
  /** Flushes every signal and shuts the SDK down within {@link OTEL_FLUSH_TIMEOUT_MS}; never throws. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK of `[otel]` (see `startOtelSdk` of `@codex-ts/otel-sdk`) when any
 * exporter is configured; resolves to undefined (nothing loaded) otherwise. Resource:
 * `service.name` = the originator (`codex_exec`), `service.version` = the CLI version, `env` =
 * `[otel].environment`. Exporter header values are registered with `redactor` first. When the
 * SDK cannot start (a TLS file that is no PEM, …), prints "Could not create otel exporter: …" on
 * stderr, as 0.169.0, and the run goes on without export.
 */
export async function startExecTelemetry(
  otel: OtelConfig,
  deps: { env: NodeJS.ProcessEnv; redactor: SecretRedactor; stderr: OutputSink },
): Promise<ExecTelemetry | undefined> {
  if (!otelExportEnabled(otel)) return undefined;
  for (const exporter of [otel.exporter, otel.traceExporter, otel.metricsExporter]) {
    if (exporter.kind !== 'none')
      for (const value of Object.values(exporter.headers)) deps.redactor.addCredential(value);
  }
  try {
    const { startOtelSdk } = await import('@codex-ts/otel-sdk');
    const serviceName = resolveOriginator(EXEC_ORIGINATOR, deps.env);
    const sdk = await startOtelSdk({
      serviceName,
      serviceVersion: CLI_VERSION,
      environment: otel.environment,
      logs: otel.exporter,
      traces: otel.traceExporter,
      metrics: otel.metricsExporter,
      exportTimeoutMs: OTEL_FLUSH_TIMEOUT_MS,
      env: deps.env,
    });
    return {
      inRootSpan(fn) {
        // Scope: the originator, no version (0.169.0's one trace scope, shared with SessionTelemetry).
        const tracer = sdk.tracerProvider?.getTracer(serviceName);
        if (tracer === undefined) return fn(undefined);
        const parent = sdk.parentContext ?? context.active();
        return tracer.startActiveSpan('codex.exec', { kind: SpanKind.INTERNAL }, parent, async (span) => {
          try {
            return await fn(span);
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw error;
          } finally {
            span.end();
          }
        });
      },
      async shutdown() {
        await sdk.shutdown({ timeoutMs: OTEL_FLUSH_TIMEOUT_MS });
      },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.stderr.write(`Could not create otel exporter: ${deps.redactor.redact(message)}\n`);
    return undefined;
  }
}
