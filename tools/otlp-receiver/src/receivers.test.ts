// The receivers decode what is posted and refuse what is not OTLP.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { startOtlpHttpReceiver } from './http-receiver.js';

const span = {
  traceId: '0123456789abcdef0123456789abcdef',
  spanId: '0123456789abcdef',
  parentSpanId: '',
  name: 'codex.exec',
  kind: 1,
  attributes: [
    { key: 'thread.id', value: { stringValue: 't-1' } },
    { key: 'n', value: { intValue: 3 } },
  ],
};
const request = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'env', value: { stringValue: 'dev' } }] },
      scopeSpans: [{ scope: { name: 'codex_exec' }, spans: [span] }],
    },
  ],
};

describe('startOtlpHttpReceiver', () => {
  it('decodes JSON and protobuf into the same shape', async () => {
    const receiver = await startOtlpHttpReceiver();
    try {
      const json = await fetch(receiver.endpoints.traces, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      expect(json.status).toBe(200);
      const root = createRequire(import.meta.url)(
        '@opentelemetry/otlp-transformer/build/src/generated/root.js',
      );
      const type = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
      const message = type.fromObject({
        resourceSpans: [
          {
            ...request.resourceSpans[0],
            scopeSpans: [
              {
                scope: { name: 'codex_exec' },
                spans: [
                  {
                    ...span,
                    traceId: Buffer.from(span.traceId, 'hex'),
                    spanId: Buffer.from(span.spanId, 'hex'),
                    parentSpanId: Buffer.alloc(0),
                  },
                ],
              },
            ],
          },
        ],
      });
      const proto = await fetch(receiver.endpoints.traces, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: type.encode(message).finish(),
      });
      expect(proto.status).toBe(200);
      const [a, b] = receiver.spans('codex.exec');
      expect(a).toEqual({
        resource: { env: 'dev' },
        scope: 'codex_exec',
        name: 'codex.exec',
        kind: 1,
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: '',
        attributes: { 'thread.id': 't-1', n: 3 },
        events: [],
        statusCode: 0,
      });
      expect(b).toEqual(a);
      expect(receiver.requests().map((r) => r.transport)).toEqual(['http/json', 'http/protobuf']);
      expect((await fetch(`${receiver.url}/v1/other`, { method: 'POST' })).status).toBe(404);
      expect(
        (
          await fetch(receiver.endpoints.logs, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{',
          })
        ).status,
      ).toBe(400);
    } finally {
      await receiver.close();
    }
  });
});
