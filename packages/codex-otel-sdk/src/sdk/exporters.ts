// One OTLP exporter per signal, its package imported only when that kind is configured.
import { readFile } from 'node:fs/promises';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OtelExporterSettings, OtelTlsSettings } from './settings.js';

type Configured = Exclude<OtelExporterSettings, { kind: 'none' }>;

interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

async function readTls(tls: OtelTlsSettings | undefined): Promise<TlsMaterial> {
  const out: TlsMaterial = {};
  if (tls?.caCertificate) out.ca = await readFile(tls.caCertificate);
  if (tls?.clientCertificate) out.cert = await readFile(tls.clientCertificate);
  if (tls?.clientPrivateKey) out.key = await readFile(tls.clientPrivateKey);
  return out;
}

async function httpOptions(settings: Configured & { kind: 'otlp-http' }, timeoutMillis: number) {
  const tls = await readTls(settings.tls);
  return {
    url: settings.endpoint,
    headers: { ...settings.headers },
    timeoutMillis,
    httpAgentOptions: { keepAlive: true, ...tls },
  };
}

async function grpcOptions(settings: Configured & { kind: 'otlp-grpc' }, timeoutMillis: number) {
  const grpc = await import('@grpc/grpc-js');
  const metadata = new grpc.Metadata();
  for (const [name, value] of Object.entries(settings.headers)) metadata.set(name, value);
  const tls = await readTls(settings.tls);
  const secure = settings.endpoint.startsWith('https:') || Object.keys(tls).length > 0;
  const credentials = secure
    ? grpc.credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null)
    : grpc.credentials.createInsecure();
  return { url: settings.endpoint, metadata, credentials, timeoutMillis };
}

/** The span exporter of `settings`. */
export async function spanExporter(settings: Configured, timeoutMillis: number): Promise<SpanExporter> {
  if (settings.kind === 'otlp-grpc') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
    return new OTLPTraceExporter(await grpcOptions(settings, timeoutMillis));
  }
  const options = await httpOptions(settings, timeoutMillis);
  if (settings.protocol === 'json') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter(options);
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter(options);
}

/** The log record exporter of `settings`. */
export async function logExporter(settings: Configured, timeoutMillis: number): Promise<LogRecordExporter> {
  if (settings.kind === 'otlp-grpc') {
    const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-grpc');
    return new OTLPLogExporter(await grpcOptions(settings, timeoutMillis));
  }
  const options = await httpOptions(settings, timeoutMillis);
  if (settings.protocol === 'json') {
    const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-http');
    return new OTLPLogExporter(options);
  }
  const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-proto');
  return new OTLPLogExporter(options);
}

/** The metric exporter of `settings` (cumulative temporality, the OTLP default). */
export async function metricExporter(
  settings: Configured,
  timeoutMillis: number,
): Promise<PushMetricExporter> {
  if (settings.kind === 'otlp-grpc') {
    const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-grpc');
    return new OTLPMetricExporter(await grpcOptions(settings, timeoutMillis));
  }
  const options = await httpOptions(settings, timeoutMillis);
  if (settings.protocol === 'json') {
    const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-http');
    return new OTLPMetricExporter(options);
  }
  const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-proto');
  return new OTLPMetricExporter(options);
}
