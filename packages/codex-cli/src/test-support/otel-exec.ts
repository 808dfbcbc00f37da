// Shared by the `codex-ts exec` OpenTelemetry tests: `[otel]` config for a local OTLP receiver of
// each kind, and lookups over what the receiver collected (span parentage, exported bytes).
import {
  type OtlpCollected,
  type OtlpSignal,
  type ReceivedSpan,
  startOtlpGrpcReceiver,
  startOtlpHttpReceiver,
} from '@codex-ts/otlp-receiver';
import { expect } from 'vitest';

/** The three exporter forms of `[otel]`. */
export type OtlpKind = 'http/json' | 'http/protobuf' | 'grpc';

/** A value of an exporter header: must never appear in anything exported or printed. */
export const EXPORTER_HEADER_SECRET = 'otlp-header-secret-4242';

/**
 * `[otel]` sending all three signals to `endpoint(signal)` with the exporter form of `kind`; every
 * exporter sends `x-test: 1` and `authorization: Bearer <EXPORTER_HEADER_SECRET>`.
 */
export function otelToml(kind: OtlpKind, endpoint: (signal: OtlpSignal) => string, extra = ''): string {
  const headers = `headers = { "x-test" = "1", "authorization" = "Bearer ${EXPORTER_HEADER_SECRET}" }`;
  const exporter = (signal: OtlpSignal) =>
    kind === 'grpc'
      ? `{ otlp-grpc = { endpoint = "${endpoint(signal)}", ${headers} } }`
      : `{ otlp-http = { endpoint = "${endpoint(signal)}", protocol = "${kind === 'http/json' ? 'json' : 'binary'}", ${headers} } }`;
  return [
    '[otel]',
    'environment = "staging"',
    `exporter = ${exporter('logs')}`,
    `trace_exporter = ${exporter('traces')}`,
    `metrics_exporter = ${exporter('metrics')}`,
    extra,
  ].join('\n');
}

/** A receiver of `kind` on 127.0.0.1 with `endpoint(signal)` for {@link otelToml}. */
export async function otlpReceiver(
  kind: OtlpKind,
): Promise<OtlpCollected & { close(): Promise<void>; endpoint(s: OtlpSignal): string }> {
  if (kind === 'grpc') {
    const r = await startOtlpGrpcReceiver();
    return Object.assign(r, { endpoint: () => r.url });
  }
  const r = await startOtlpHttpReceiver();
  return Object.assign(r, { endpoint: (s: OtlpSignal) => r.endpoints[s] });
}

/** The one span named `name` (fails when there is not exactly one). */
export function onlySpan(got: OtlpCollected, name: string): ReceivedSpan {
  const spans = got.spans(name);
  expect(
    spans.map((s) => s.name),
    `spans named ${name}`,
  ).toEqual([name]);
  return spans[0]!;
}

/** The name of `span`'s parent among the exported spans ('' for a root, '?' when not exported). */
export function parentName(got: OtlpCollected, span: ReceivedSpan): string {
  if (span.parentSpanId === '') return '';
  return got.spans().find((s) => s.spanId === span.parentSpanId)?.name ?? '?';
}

/** `child name → parent name` for every exported span named in `names` (a name seen twice: both must agree). */
export function parentage(got: OtlpCollected, names: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of names) out[name] = [...new Set(got.spans(name).map((s) => parentName(got, s)))];
  return out;
}

/** Every export request body as one latin1 string (JSON text or protobuf bytes) for substring checks. */
export function exportedBytes(got: OtlpCollected): string {
  return got
    .requests()
    .map((r) => r.body.toString('latin1'))
    .join('\n');
}

/** The OTLP type of an attribute value as the capture prints it: `string`, `int`/`double` (numbers), `bool`. */
export function attributeTypes(
  attributes: Record<string, unknown>,
  keys: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const v = attributes[key];
    out[key] = typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : typeof v;
  }
  return out;
}
