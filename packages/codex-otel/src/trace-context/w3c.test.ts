import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contextFromW3cTraceContext,
  injectTraceHeaders,
  parentContextFromEnv,
  w3cTraceContext,
} from './w3c.js';

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/;
const tracer = new BasicTracerProvider().getTracer('w3c-test');

beforeAll(() => {
  context.setGlobalContextManager(new AsyncHooksContextManager().enable());
});
afterAll(() => {
  context.disable();
});

describe('w3cTraceContext', () => {
  it('is empty without an active span', () => {
    expect(w3cTraceContext()).toEqual({});
    expect(injectTraceHeaders({ accept: 'text/event-stream' })).toEqual({ accept: 'text/event-stream' });
  });

  it('formats the active span as 00-<32hex>-<16hex>-01', () => {
    const span = tracer.startSpan('turn');
    const value = context.with(trace.setSpan(context.active(), span), () => w3cTraceContext());
    span.end();
    expect(value.traceparent).toMatch(TRACEPARENT);
    expect(value.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    expect(value).not.toHaveProperty('tracestate');
  });

  it('gives consecutive turns different traceparents', async () => {
    const values: string[] = [];
    for (let turn = 0; turn < 2; turn++) {
      await tracer.startActiveSpan(`turn ${turn}`, async (span) => {
        await Promise.resolve();
        values.push(w3cTraceContext().traceparent ?? '');
        span.end();
      });
    }
    expect(values.every((v) => TRACEPARENT.test(v))).toBe(true);
    expect(values[0]).not.toBe(values[1]);
  });

  it('carries the tracestate and unsampled flags of a remote parent', () => {
    const parent = contextFromW3cTraceContext({
      traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-00',
      tracestate: 'vendor=abc,other=1',
    });
    expect(parent).toBeDefined();
    expect(w3cTraceContext(parent)).toEqual({
      traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-00',
      tracestate: 'vendor=abc,other=1',
    });
    const headers = injectTraceHeaders({} as Record<string, string>, parent);
    expect(headers).toEqual({
      traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-00',
      tracestate: 'vendor=abc,other=1',
    });
  });

  it('makes a child of a sampled remote parent share its trace id', () => {
    const parent = contextFromW3cTraceContext({
      traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01',
    });
    const span = tracer.startSpan('child', undefined, parent);
    const value = w3cTraceContext(trace.setSpan(ROOT_CONTEXT, span));
    span.end();
    expect(value.traceparent).toMatch(/^00-0123456789abcdef0123456789abcdef-[0-9a-f]{16}-01$/);
    expect(value.traceparent).not.toContain('-0123456789abcdef-01');
  });
});

describe('contextFromW3cTraceContext / parentContextFromEnv', () => {
  it('rejects malformed or invalid traceparents', () => {
    for (const traceparent of [
      undefined,
      '',
      'garbage',
      '00-0123456789abcdef0123456789abcdef-0123456789abcdef',
      'ff-0123456789abcdef0123456789abcdef-0123456789abcdef-01',
      '00-00000000000000000000000000000000-0123456789abcdef-01',
      '00-0123456789abcdef0123456789abcdef-0000000000000000-01',
      '00-0123456789ABCDEF0123456789ABCDEF-0123456789abcdef-01',
      '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01-extra',
    ]) {
      expect(
        contextFromW3cTraceContext(traceparent === undefined ? {} : { traceparent }),
        traceparent,
      ).toBeUndefined();
    }
  });

  it('reads TRACEPARENT / TRACESTATE from the given environment', () => {
    expect(parentContextFromEnv({})).toBeUndefined();
    const ctx = parentContextFromEnv({
      TRACEPARENT: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01',
      TRACESTATE: 'k=v',
    });
    expect(trace.getSpanContext(ctx ?? ROOT_CONTEXT)).toMatchObject({
      traceId: '0123456789abcdef0123456789abcdef',
      spanId: '0123456789abcdef',
      isRemote: true,
    });
    expect(w3cTraceContext(ctx)).toEqual({
      traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01',
      tracestate: 'k=v',
    });
  });
});
