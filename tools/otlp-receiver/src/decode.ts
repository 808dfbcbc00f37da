// OTLP export requests (JSON or protobuf) decoded to one plain shape. Protobuf goes through the
// generated protobufjs code of @opentelemetry/otlp-transformer (the OTLP protos), never our own
// parsing; both encodings are then normalized by the same functions.
import { createRequire } from 'node:module';

/** Attribute values as OTLP carries them: string, number (int or double), boolean, arrays, maps. */
export type OtlpValue = string | number | boolean | null | OtlpValue[] | { [key: string]: OtlpValue };
/** An attribute set (`KeyValue[]` folded into an object). */
export type OtlpAttributes = Record<string, OtlpValue>;

/** One log record with its resource and instrumentation scope. */
export interface ReceivedLog {
  resource: OtlpAttributes;
  scope: string;
  /** `event.name` attribute (how SessionTelemetry names its events), else the record's eventName. */
  eventName: string | undefined;
  body: OtlpValue;
  attributes: OtlpAttributes;
  /** Lower-case hex; empty when the record has no span context. */
  traceId: string;
  spanId: string;
}

/** One span. Ids are lower-case hex; `parentSpanId` is empty for a root span. */
export interface ReceivedSpan {
  resource: OtlpAttributes;
  scope: string;
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: OtlpAttributes;
  events: { name: string; attributes: OtlpAttributes }[];
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

/** One data point of a metric: the value of a sum or gauge, the count (and sum) of a histogram. */
export interface ReceivedMetricPoint {
  attributes: OtlpAttributes;
  value: number;
  sum?: number;
}

/** One metric of one export request. */
export interface ReceivedMetric {
  resource: OtlpAttributes;
  scope: string;
  name: string;
  type: 'sum' | 'gauge' | 'histogram' | 'other';
  points: ReceivedMetricPoint[];
}

/** What one export request carried. */
export interface DecodedExport {
  logs: ReceivedLog[];
  spans: ReceivedSpan[];
  metrics: ReceivedMetric[];
}

/** The three OTLP signals, as in the OTLP/HTTP paths (`/v1/logs`, …) and the gRPC services. */
export type OtlpSignal = 'logs' | 'traces' | 'metrics';

interface ProtoMessageType {
  decode(data: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
}

const require = createRequire(import.meta.url);
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js') as {
  opentelemetry: {
    proto: {
      collector: {
        logs: { v1: { ExportLogsServiceRequest: ProtoMessageType } };
        trace: { v1: { ExportTraceServiceRequest: ProtoMessageType } };
        metrics: { v1: { ExportMetricsServiceRequest: ProtoMessageType } };
      };
    };
  };
};
const collector = root.opentelemetry.proto.collector;
const REQUEST_TYPES: Record<OtlpSignal, ProtoMessageType> = {
  logs: collector.logs.v1.ExportLogsServiceRequest,
  traces: collector.trace.v1.ExportTraceServiceRequest,
  metrics: collector.metrics.v1.ExportMetricsServiceRequest,
};

/** Decodes a protobuf `Export*ServiceRequest` of `signal` to the JSON-like object form. */
export function protobufToObject(signal: OtlpSignal, body: Uint8Array): Record<string, unknown> {
  const type = REQUEST_TYPES[signal];
  return type.toObject(type.decode(body), { longs: Number, bytes: Array, enums: Number, arrays: true });
}

type Obj = Record<string, unknown>;
const asArray = (value: unknown): Obj[] => (Array.isArray(value) ? (value as Obj[]) : []);

/** Hex of an id: JSON carries hex strings, protobuf bytes (here: arrays of numbers). */
function hexId(value: unknown): string {
  if (typeof value === 'string') return value.toLowerCase();
  if (Array.isArray(value) || value instanceof Uint8Array)
    return Buffer.from(value as number[]).toString('hex');
  return '';
}

function anyValue(value: unknown): OtlpValue {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Obj;
  if (v.stringValue !== undefined) return String(v.stringValue);
  if (v.boolValue !== undefined) return Boolean(v.boolValue);
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.arrayValue !== undefined) return asArray((v.arrayValue as Obj).values).map(anyValue);
  if (v.kvlistValue !== undefined) return attributes((v.kvlistValue as Obj).values);
  if (v.bytesValue !== undefined) return hexId(v.bytesValue);
  return null;
}

function attributes(list: unknown): OtlpAttributes {
  const out: OtlpAttributes = {};
  for (const kv of asArray(list)) out[String(kv.key)] = anyValue(kv.value);
  return out;
}

const scopeName = (scope: unknown): string => String((scope as Obj | undefined)?.name ?? '');

/** Normalizes an export request object (parsed JSON, or {@link protobufToObject}'s result). */
export function normalizeExport(signal: OtlpSignal, request: Obj): DecodedExport {
  const out: DecodedExport = { logs: [], spans: [], metrics: [] };
  if (signal === 'logs') {
    for (const rl of asArray(request.resourceLogs)) {
      const resource = attributes((rl.resource as Obj | undefined)?.attributes);
      for (const sl of asArray(rl.scopeLogs)) {
        for (const record of asArray(sl.logRecords)) {
          const attrs = attributes(record.attributes);
          const named = attrs['event.name'] ?? record.eventName;
          out.logs.push({
            resource,
            scope: scopeName(sl.scope),
            eventName: named === undefined || named === '' ? undefined : String(named),
            body: anyValue(record.body),
            attributes: attrs,
            traceId: hexId(record.traceId),
            spanId: hexId(record.spanId),
          });
        }
      }
    }
  } else if (signal === 'traces') {
    for (const rs of asArray(request.resourceSpans)) {
      const resource = attributes((rs.resource as Obj | undefined)?.attributes);
      for (const ss of asArray(rs.scopeSpans)) {
        for (const span of asArray(ss.spans)) {
          out.spans.push({
            resource,
            scope: scopeName(ss.scope),
            name: String(span.name ?? ''),
            kind: Number(span.kind ?? 0),
            traceId: hexId(span.traceId),
            spanId: hexId(span.spanId),
            parentSpanId: hexId(span.parentSpanId),
            attributes: attributes(span.attributes),
            events: asArray(span.events).map((e) => ({
              name: String(e.name ?? ''),
              attributes: attributes(e.attributes),
            })),
            statusCode: Number((span.status as Obj | undefined)?.code ?? 0),
          });
        }
      }
    }
  } else {
    for (const rm of asArray(request.resourceMetrics)) {
      const resource = attributes((rm.resource as Obj | undefined)?.attributes);
      for (const sm of asArray(rm.scopeMetrics)) {
        for (const metric of asArray(sm.metrics))
          out.metrics.push(decodeMetric(resource, scopeName(sm.scope), metric));
      }
    }
  }
  return out;
}

function decodeMetric(resource: OtlpAttributes, scope: string, metric: Obj): ReceivedMetric {
  const name = String(metric.name ?? '');
  const numberPoint = (dp: Obj): ReceivedMetricPoint => ({
    attributes: attributes(dp.attributes),
    value: Number(dp.asInt ?? dp.asDouble ?? 0),
  });
  if (metric.sum !== undefined)
    return {
      resource,
      scope,
      name,
      type: 'sum',
      points: asArray((metric.sum as Obj).dataPoints).map(numberPoint),
    };
  if (metric.gauge !== undefined)
    return {
      resource,
      scope,
      name,
      type: 'gauge',
      points: asArray((metric.gauge as Obj).dataPoints).map(numberPoint),
    };
  if (metric.histogram !== undefined) {
    const points = asArray((metric.histogram as Obj).dataPoints).map((dp) => ({
      attributes: attributes(dp.attributes),
      value: Number(dp.count ?? 0),
      sum: Number(dp.sum ?? 0),
    }));
    return { resource, scope, name, type: 'histogram', points };
  }
  return { resource, scope, name, type: 'other', points: [] };
}
