// loadConfig: the [otel] table (exporters, environment, log_user_prompt, TLS files).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useConfigHome } from '../test/index.js';
import { otelExportEnabled } from './otel.js';

const { home, file, load, loadError } = await useConfigHome();

describe('loadConfig: [otel]', () => {
  it('defaults: environment dev, prompts redacted, every exporter none (metrics too)', async () => {
    const config = await load('');
    expect(config.otel).toEqual({
      logUserPrompt: false,
      environment: 'dev',
      exporter: { kind: 'none' },
      traceExporter: { kind: 'none' },
      metricsExporter: { kind: 'none' },
    });
    expect(otelExportEnabled(config.otel)).toBe(false);
  });

  it('reads otlp-http (json, binary) and otlp-grpc exporters with headers; statsig exports nothing', async () => {
    const config = await load(`
[otel]
environment = "staging"
log_user_prompt = true
exporter = { otlp-http = { endpoint = "http://127.0.0.1:4318/v1/logs", protocol = "json", headers = { "x-test" = "1" } } }
trace_exporter = { otlp-grpc = { endpoint = "https://collector.example:4317" } }
metrics_exporter = "statsig"
`);
    expect(config.otel).toEqual({
      logUserPrompt: true,
      environment: 'staging',
      exporter: {
        kind: 'otlp-http',
        endpoint: 'http://127.0.0.1:4318/v1/logs',
        protocol: 'json',
        headers: { 'x-test': '1' },
      },
      traceExporter: { kind: 'otlp-grpc', endpoint: 'https://collector.example:4317', headers: {} },
      metricsExporter: { kind: 'none' },
    });
    expect(otelExportEnabled(config.otel)).toBe(true);
    const binary = await load(
      '[otel.metrics_exporter.otlp-http]\nendpoint = "http://127.0.0.1:1/v1/metrics"\nprotocol = "binary"\n',
    );
    expect(binary.otel.metricsExporter).toMatchObject({ kind: 'otlp-http', protocol: 'binary' });
  });

  it('resolves TLS paths against CODEX_HOME and checks they are readable', async () => {
    await writeFile(join(home, 'ca.pem'), 'x');
    const config = await load(
      '[otel]\ntrace_exporter = { otlp-grpc = { endpoint = "https://c:4317", tls = { ca-certificate = "ca.pem" } } }\n',
    );
    expect(config.otel.traceExporter).toMatchObject({ tls: { caCertificate: join(home, 'ca.pem') } });
    const error = await loadError(
      '[otel]\nexporter = { otlp-http = { endpoint = "https://c/v1/logs", protocol = "binary", tls = { client-private-key = "missing.key" } } }\n',
    );
    expect(error.code).toBe('unreadable');
    expect(error.keyPath).toBe('otel.exporter.otlp-http.tls.client-private-key');
    expect(error.message).toBe(
      `cannot read \`otel.exporter.otlp-http.tls.client-private-key\` file ${join(home, 'missing.key')} (set in ${file})`,
    );
  });

  it('an unknown exporter, a bad endpoint or a missing protocol is an error naming the key', async () => {
    let error = await loadError('[otel]\nexporter = "bogus"\n');
    expect(error.code).toBe('invalid_value');
    expect(error.keyPath).toBe('otel.exporter');
    expect(error.message).toContain('expected one of "none", "statsig", "otlp-http", "otlp-grpc"');
    error = await loadError(
      '[otel]\ntrace_exporter = { otlp-http = { endpoint = "not a url", protocol = "json" } }\n',
    );
    expect(error.keyPath).toBe('otel.trace_exporter.otlp-http.endpoint');
    expect(error.message).toBe(
      `invalid value for \`otel.trace_exporter.otlp-http.endpoint\` in ${file}: expected an http:// or https:// URL`,
    );
    error = await loadError(
      '[otel]\nmetrics_exporter = { otlp-http = { endpoint = "http://c/v1/metrics" } }\n',
    );
    expect(error.keyPath).toBe('otel.metrics_exporter.otlp-http.protocol');
    error = await loadError(
      '[otel]\nexporter = { otlp-grpc = { endpoint = "http://c", protocol = "json" } }\n',
    );
    expect(error.keyPath).toBe('otel.exporter.otlp-grpc.protocol');
    expect(error.message).toContain('unknown key');
  });

  it('a header value never appears in an error', async () => {
    const error = await loadError(
      '[otel]\nexporter = { otlp-http = { endpoint = "nope", protocol = "json", headers = { authorization = "Bearer sk-otel-secret" } } }\n',
    );
    expect(error.message).not.toContain('sk-otel-secret');
  });

  it('an unknown [otel] key is a warning, an error with --strict-config', async () => {
    const config = await load('[otel]\nbogus_key = 1\n');
    expect(config.warnings.join('\n')).toContain('otel.bogus_key');
    const error = await loadError('[otel]\nbogus_key = 1\n', { strictConfig: true });
    expect(error.code).toBe('unknown_key');
    expect(error.message).toContain('otel.bogus_key');
  });
});
