/**
 * @codex-ts/otlp-receiver: local OTLP receivers for tests and benchmarks, on 127.0.0.1 only.
 * OTLP/HTTP (JSON and protobuf) and OTLP/gRPC requests are decoded through the OTLP protos of
 * `@opentelemetry/otlp-transformer` into one shape (resource attributes, log records, spans with
 * parent ids, metric points); plus collectors that never answer, for exit-bound tests.
 */
export { closedPortUrl, type StallingCollector, startStallingCollector } from './dead-collector.js';
export type {
  DecodedExport,
  OtlpAttributes,
  OtlpSignal,
  OtlpValue,
  ReceivedLog,
  ReceivedMetric,
  ReceivedMetricPoint,
  ReceivedSpan,
} from './decode.js';
export { normalizeExport, protobufToObject } from './decode.js';
export { type OtlpGrpcReceiver, startOtlpGrpcReceiver } from './grpc-receiver.js';
export { type OtlpHttpReceiver, type ReceiverTls, startOtlpHttpReceiver } from './http-receiver.js';
export type { OtlpCollected, OtlpTransport, ReceivedRequest } from './store.js';
