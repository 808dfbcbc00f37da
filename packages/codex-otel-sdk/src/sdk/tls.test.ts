// startOtelSdk with `tls.caCertificate`: OTLP/HTTP over HTTPS and OTLP/gRPC over TLS to receivers
// serving a throwaway CA's certificate for 127.0.0.1; without the CA nothing is delivered.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OtlpCollected, startOtlpGrpcReceiver, startOtlpHttpReceiver } from '@codex-ts/otlp-receiver';
import { makeTestTls } from '@codex-ts/responses-server';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtelSdk } from './sdk.js';
import type { OtelExporterSettings } from './settings.js';

let dir: string;
let caFile: string;
let tls: { cert: string; key: string };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'codex-otel-sdk-tls-'));
  const material = await makeTestTls();
  tls = { cert: material.cert, key: material.key };
  caFile = join(dir, 'ca.pem');
  await writeFile(caFile, material.caCert);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function exportOneSpan(traces: OtelExporterSettings): Promise<boolean> {
  const none = { kind: 'none' } as const;
  const sdk = await startOtelSdk({
    serviceName: 'codex_exec',
    serviceVersion: '1.0.0',
    environment: 'dev',
    logs: none,
    traces,
    metrics: none,
    exportTimeoutMs: 3000,
  });
  trace.getTracer('codex_exec').startSpan('codex.exec').end();
  return (await sdk.shutdown({ timeoutMs: 5000 })).completed;
}

describe('startOtelSdk: exporter TLS', () => {
  for (const kind of ['otlp-http', 'otlp-grpc'] as const) {
    it(`${kind}: trusts the collector through tls.caCertificate`, async () => {
      const receiver: OtlpCollected & { url: string; close(): Promise<void> } =
        kind === 'otlp-http' ? await startOtlpHttpReceiver({ tls }) : await startOtlpGrpcReceiver({ tls });
      try {
        const endpoint = kind === 'otlp-http' ? `${receiver.url}/v1/traces` : receiver.url;
        const settings = (withCa: boolean): OtelExporterSettings =>
          kind === 'otlp-http'
            ? {
                kind,
                endpoint,
                protocol: 'binary',
                headers: {},
                ...(withCa ? { tls: { caCertificate: caFile } } : {}),
              }
            : { kind, endpoint, headers: {}, ...(withCa ? { tls: { caCertificate: caFile } } : {}) };
        expect(receiver.url.startsWith('https://')).toBe(true);
        await exportOneSpan(settings(false));
        expect(receiver.spans('codex.exec')).toHaveLength(0);
        await exportOneSpan(settings(true));
        expect(receiver.spans('codex.exec')).toHaveLength(1);
      } finally {
        await receiver.close();
      }
    });
  }
});
