/**
 * Client TLS of an OTLP exporter: absolute paths of PEM files (config.toml's `tls = {
 * ca-certificate, client-certificate, client-private-key }`, resolved by `loadConfig`).
 */
export interface OtelTlsSettings {
  /** PEM CA bundle that verifies the collector (replaces the default roots for this exporter). */
  caCertificate?: string | undefined;
  /** PEM client certificate (mutual TLS, with `clientPrivateKey`). */
  clientCertificate?: string | undefined;
  /** PEM private key of `clientCertificate`. */
  clientPrivateKey?: string | undefined;
}

/**
 * Where one signal goes (the shape of `OtelExporterSetting` of `@codex-ts/core`):
 * - `none`: nothing is exported (no provider for that signal is registered);
 * - `otlp-http`: OTLP over HTTP POST to `endpoint` used as-is (the full URL, e.g.
 *   `http://collector:4318/v1/traces`), `protocol` `json` (`application/json`) or `binary`
 *   (`application/x-protobuf`);
 * - `otlp-grpc`: the OTLP gRPC collector service at `endpoint` (`http://host:4317`; `https://`
 *   or `tls` for TLS).
 * `headers` are sent with every export request (HTTP headers, gRPC metadata); they may hold
 * credentials and are never logged.
 */
export type OtelExporterSettings =
  | { kind: 'none' }
  | {
      kind: 'otlp-http';
      endpoint: string;
      headers: Readonly<Record<string, string>>;
      protocol: 'binary' | 'json';
      tls?: OtelTlsSettings | undefined;
    }
  | {
      kind: 'otlp-grpc';
      endpoint: string;
      headers: Readonly<Record<string, string>>;
      tls?: OtelTlsSettings | undefined;
    };

/** What {@link startOtelSdk} builds: one exporter per signal and the resource attributes. */
export interface OtelSdkSettings {
  /** Resource `service.name`: the originator (e.g. `codex_exec`). */
  serviceName: string;
  /** Resource `service.version` (e.g. the CLI version). */
  serviceVersion: string;
  /** Resource `env` (`[otel].environment`, default `dev`). */
  environment: string;
  /** Log records (`[otel].exporter`). */
  logs: OtelExporterSettings;
  /** Spans (`[otel].trace_exporter`). */
  traces: OtelExporterSettings;
  /** Metrics (`[otel].metrics_exporter`). */
  metrics: OtelExporterSettings;
  /**
   * Per-request export timeout in ms (each exporter gives up on a request after it; default
   * 5000). {@link OtelSdk.shutdown} bounds the whole flush separately.
   */
  exportTimeoutMs?: number | undefined;
  /** Where `TRACEPARENT` / `TRACESTATE` are read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}
