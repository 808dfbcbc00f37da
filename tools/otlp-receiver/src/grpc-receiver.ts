// OTLP/gRPC receiver on 127.0.0.1: the logs, trace and metrics collector services.
import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { normalizeExport, type OtlpSignal, protobufToObject } from './decode.js';
import type { ReceiverTls } from './http-receiver.js';
import { type OtlpCollected, OtlpStore } from './store.js';

/** A running OTLP/gRPC receiver. */
export interface OtlpGrpcReceiver extends OtlpCollected {
  /** `http://127.0.0.1:<port>`: the endpoint for every signal. */
  url: string;
  /** Stops the server at once (pending calls are cancelled). */
  close(): Promise<void>;
}

const SERVICES: Record<OtlpSignal, string> = {
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};

function serviceFor(signal: OtlpSignal): ServiceDefinition {
  return {
    Export: {
      path: SERVICES[signal],
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: Buffer) => value,
      requestDeserialize: (bytes: Buffer) => bytes,
      // An empty Export*ServiceResponse encodes as zero bytes.
      responseSerialize: () => Buffer.alloc(0),
      responseDeserialize: () => ({}),
    },
  };
}

/**
 * Starts an OTLP/gRPC receiver on 127.0.0.1 (an ephemeral port; TLS with `tls`) serving the three OTLP
 * collector services; each `Export` call is decoded through the OTLP protos, recorded with its
 * metadata (as headers) and answered with an empty response.
 */
export async function startOtlpGrpcReceiver(options: { tls?: ReceiverTls } = {}): Promise<OtlpGrpcReceiver> {
  const store = new OtlpStore();
  const server = new Server();
  for (const signal of Object.keys(SERVICES) as OtlpSignal[]) {
    server.addService(serviceFor(signal), {
      Export: (call: ServerUnaryCall<Buffer, unknown>, callback: sendUnaryData<unknown>) => {
        try {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(call.metadata.getMap())) headers[name] = String(value);
          store.add(
            { signal, transport: 'grpc', path: SERVICES[signal], headers, body: call.request },
            normalizeExport(signal, protobufToObject(signal, call.request)),
          );
          callback(null, {});
        } catch (error) {
          callback(error as Error, null);
        }
      },
    });
  }
  const credentials = options.tls
    ? ServerCredentials.createSsl(
        null,
        [{ cert_chain: Buffer.from(options.tls.cert), private_key: Buffer.from(options.tls.key) }],
        false,
      )
    : ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests: () => store.requests(),
    logs: (n) => store.logs(n),
    spans: (n) => store.spans(n),
    metrics: (n) => store.metrics(n),
    waitFor: (p, what, t) => store.waitFor(p, what, t),
    close: async () => {
      server.forceShutdown();
    },
  };
}
