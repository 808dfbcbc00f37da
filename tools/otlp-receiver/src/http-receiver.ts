// OTLP/HTTP receiver on 127.0.0.1: POST /v1/logs, /v1/traces, /v1/metrics with JSON or protobuf.
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { normalizeExport, type OtlpSignal, protobufToObject } from './decode.js';
import { type OtlpCollected, OtlpStore } from './store.js';

/** A running OTLP/HTTP receiver. */
export interface OtlpHttpReceiver extends OtlpCollected {
  /** `http://127.0.0.1:<port>` (`https://` with `tls`; no trailing slash). */
  url: string;
  /** Full endpoint per signal: `${url}/v1/logs`, `/v1/traces`, `/v1/metrics`. */
  endpoints: Record<OtlpSignal, string>;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

const PATHS: Record<string, OtlpSignal> = {
  '/v1/logs': 'logs',
  '/v1/traces': 'traces',
  '/v1/metrics': 'metrics',
};

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Server certificate and key (PEM) to serve HTTPS / gRPC over TLS with. */
export interface ReceiverTls {
  cert: string;
  key: string;
}

/**
 * Starts an OTLP/HTTP receiver on 127.0.0.1 (an ephemeral port; HTTPS with `tls`). Each POST to `/v1/<signal>`
 * is decoded (`application/json`, or `application/x-protobuf` through the OTLP protos; gzip
 * bodies are inflated), recorded with its headers, and answered 200 with an empty export
 * response in the request's encoding. Anything else gets 404; an undecodable body 400.
 */
export async function startOtlpHttpReceiver(options: { tls?: ReceiverTls } = {}): Promise<OtlpHttpReceiver> {
  const store = new OtlpStore();
  const handler: RequestListener = (req, res) => {
    const signal = PATHS[(req.url ?? '').split('?')[0] ?? ''];
    if (req.method !== 'POST' || signal === undefined) {
      res.writeHead(404).end();
      return;
    }
    readBody(req)
      .then((raw) => {
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        const json = String(req.headers['content-type'] ?? '').includes('json');
        const object = json
          ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>)
          : protobufToObject(signal, body);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === 'string') headers[name] = value;
        store.add(
          { signal, transport: json ? 'http/json' : 'http/protobuf', path: req.url ?? '', headers, body },
          normalizeExport(signal, object),
        );
        res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
        res.end(json ? '{}' : '');
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(400);
        res.end();
      });
  };
  const server: Server = options.tls ? createTlsServer(options.tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    endpoints: { logs: `${url}/v1/logs`, traces: `${url}/v1/traces`, metrics: `${url}/v1/metrics` },
    requests: () => store.requests(),
    logs: (n) => store.logs(n),
    spans: (n) => store.spans(n),
    metrics: (n) => store.metrics(n),
    waitFor: (p, what, t) => store.waitFor(p, what, t),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
