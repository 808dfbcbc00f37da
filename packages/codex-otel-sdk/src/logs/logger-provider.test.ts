// CodexLoggerProvider against the SDK's own LoggerProvider (`@opentelemetry/sdk-logs` 0.205): the
// same emitted records, through the same processor and exporter, must export the same
// ReadableLogRecords (attributes, limits, dropped counts, times, trace context, scope, resource),
// and the provider behaves as the SDK's (logger cache, flush, shutdown, read-only after emit).

import { EMIT_OWNED_ATTRIBUTES, type OwnedAttributesLogger } from '@codex-ts/otel';
import { context, type HrTime, ROOT_CONTEXT, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import { type LogAttributes, type LogRecord, NOOP_LOGGER, SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type LogRecordLimits,
  type LogRecordProcessor,
  type ReadableLogRecord,
  type SdkLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodexLoggerProvider } from './logger-provider.js';

const resource = resourceFromAttributes({ 'service.name': 'codex_exec' });

function plain(r: ReadableLogRecord) {
  return {
    hrTime: [...r.hrTime],
    hrTimeObserved: [...r.hrTimeObserved],
    spanContext: r.spanContext,
    severityText: r.severityText,
    severityNumber: r.severityNumber,
    body: r.body,
    eventName: r.eventName,
    resource: r.resource.attributes,
    instrumentationScope: r.instrumentationScope,
    attributes: r.attributes,
    attributeKeys: Object.keys(r.attributes),
    droppedAttributesCount: r.droppedAttributesCount,
  };
}

/** Emits `records` through both providers (same limits, same extra processors) and returns both exports. */
function emitBoth(
  records: LogRecord[],
  limits?: LogRecordLimits,
  extra: () => LogRecordProcessor[] = () => [],
  scope: [string, string?, { schemaUrl: string }?] = ['codex_otel'],
  owned = false,
) {
  const ours = new InMemoryLogRecordExporter();
  const theirs = new InMemoryLogRecordExporter();
  const codex = new CodexLoggerProvider({
    resource,
    processors: [...extra(), new SimpleLogRecordProcessor(ours)],
    logRecordLimits: limits,
  });
  const sdk = new LoggerProvider({
    resource,
    processors: [...extra(), new SimpleLogRecordProcessor(theirs)],
    ...(limits ? { logRecordLimits: limits } : {}),
  });
  for (const record of records) {
    const logger = codex.getLogger(...scope);
    // Handed over: a fresh copy (same prototype, own keys and symbols) the caller never touches again.
    if (owned) (logger as unknown as OwnedAttributesLogger)[EMIT_OWNED_ATTRIBUTES](handedOver(record));
    else logger.emit(record);
    sdk.getLogger(...scope).emit(record);
  }
  return { ours: ours.getFinishedLogRecords().map(plain), theirs: theirs.getFinishedLogRecords().map(plain) };
}

function handedOver(record: LogRecord): LogRecord {
  const a = record.attributes;
  if (a === undefined) return { ...record };
  return { ...record, attributes: Object.assign(Object.create(Object.getPrototypeOf(a)), a) };
}

const spanContext: SpanContext = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
};

describe('CodexLoggerProvider exports what the SDK LoggerProvider exports', () => {
  it('for a codex.sse_event record with its 13 attributes', () => {
    const now = Date.now();
    const attributes: LogAttributes = {
      'event.name': 'codex.sse_event',
      'event.timestamp': new Date(now).toISOString(),
      'event.kind': 'response.output_text.delta',
      duration_ms: '0',
      'conversation.id': 'c1',
      'app.version': '0.0.0',
      originator: 'codex_exec',
      'terminal.type': 'unknown',
      model: 'gpt-5.5',
      slug: 'gpt-5.5',
      auth_mode: 'apikey',
      'user.account_id': 'acc',
      'user.email': 'a@b.c',
    };
    const record: LogRecord = {
      eventName: 'codex.sse_event',
      timestamp: now,
      observedTimestamp: now,
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: 'codex.sse_event',
      attributes,
    };
    const { ours, theirs } = emitBoth([record, record]);
    expect(ours).toHaveLength(2);
    expect(ours).toEqual(theirs);
    expect(ours[0]?.attributeKeys).toEqual(Object.keys(attributes));
  });

  it('through EMIT_OWNED_ATTRIBUTES: the same exports, the handed-over object kept only when plain', () => {
    const sse: LogAttributes = { 'event.name': 'codex.sse_event', 'event.kind': 'x', duration_ms: '0' };
    const odd = { a: null, b: [1, 2], c: 'text' } as unknown as LogAttributes;
    const records: LogRecord[] = [
      { attributes: sse, timestamp: 1, observedTimestamp: 1 },
      { attributes: odd, timestamp: 1, observedTimestamp: 1 },
    ];
    const both = emitBoth(records, undefined, undefined, undefined, true);
    expect(both.ours).toEqual(both.theirs);
    const limited = emitBoth(
      records,
      { attributeCountLimit: 2, attributeValueLengthLimit: 3 },
      undefined,
      undefined,
      true,
    );
    expect(limited.ours).toEqual(limited.theirs);

    const exporter = new InMemoryLogRecordExporter();
    const stamp: LogRecordProcessor = {
      onEmit: (record: SdkLogRecord) => void record.setAttribute('stamped', true),
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const provider = new CodexLoggerProvider({
      resource,
      processors: [stamp, new SimpleLogRecordProcessor(exporter)],
    });
    const logger = provider.getLogger('codex_otel') as unknown as OwnedAttributesLogger;
    const plainSet: LogAttributes = { a: 'x', b: 1 };
    const oddSet = { a: null, b: 'y' } as unknown as LogAttributes;
    logger[EMIT_OWNED_ATTRIBUTES]({ attributes: plainSet });
    logger[EMIT_OWNED_ATTRIBUTES]({ attributes: oddSet });
    const [first, second] = exporter.getFinishedLogRecords();
    expect(first?.attributes).toBe(plainSet);
    expect(plainSet).toEqual({ a: 'x', b: 1, stamped: true });
    expect(second?.attributes).not.toBe(oddSet);
    expect(second?.attributes).toEqual({ b: 'y', stamped: true });
  });

  it('for null, undefined, empty-key, invalid, array and map values', () => {
    const attributes = {
      a: null,
      b: undefined,
      '': 'empty key',
      c: [1, 'mixed'],
      d: [1, 2, 3],
      e: ['x', null, 'y'],
      f: { nested: 1 },
      g: {},
      h: [],
      i: 'text',
      j: 1.5,
      k: false,
    } as unknown as LogAttributes;
    const { ours, theirs } = emitBoth([
      { body: 'x', timestamp: Date.now() + 0.456, observedTimestamp: 1_000, attributes },
    ]);
    expect(ours).toEqual(theirs);
    expect(ours[0]?.attributeKeys).toEqual(['b', 'd', 'e', 'f', 'h', 'i', 'j', 'k']);
  });

  it('ignoring symbol keys and inherited keys of plain attribute sets', () => {
    const inherited = Object.create({ inherited: 'no' }) as LogAttributes;
    inherited.own = 'yes';
    const symbolic = { a: 'x', [Symbol('s')]: 'hidden' } as LogAttributes;
    const { ours, theirs } = emitBoth([
      { attributes: inherited, timestamp: 1, observedTimestamp: 1 },
      { attributes: symbolic, timestamp: 1, observedTimestamp: 1 },
    ]);
    expect(ours).toEqual(theirs);
    expect(ours.map((r) => r.attributeKeys)).toEqual([['own'], ['a']]);
    expect(Object.getOwnPropertySymbols(ours[1]?.attributes)).toEqual([]);
  });

  it('with the count and value length limits (dropped attributes counted)', () => {
    const attributes: LogAttributes = {};
    for (let i = 0; i < 10; i++) attributes[`k${i}`] = `value-${i}-long`;
    attributes.list = ['abcdefgh', 'ab'];
    attributes.mixed = ['abcdefgh', 3] as unknown as string[]; // invalid: neither kept nor counted
    const { ours, theirs } = emitBoth([{ attributes, timestamp: 3, observedTimestamp: 4 }], {
      attributeCountLimit: 4,
      attributeValueLengthLimit: 5,
    });
    expect(ours).toEqual(theirs);
    expect(ours[0]?.droppedAttributesCount).toBe(7);
    expect(ours[0]?.attributeKeys).toEqual(['k0', 'k1', 'k2', 'k3']);
    const both = emitBoth([{ attributes, timestamp: 3, observedTimestamp: 4 }], {
      attributeCountLimit: 20,
      attributeValueLengthLimit: 3,
    });
    expect(both.ours).toEqual(both.theirs);
    expect(both.ours[0]?.attributes.list).toEqual(['abc', 'ab']);
  });

  it('for Date, HrTime and missing timestamps, scope version and schema URL', () => {
    const hr: HrTime = [1_700_000_000, 5];
    const records: LogRecord[] = [
      { timestamp: new Date(1_700_000_000_000), observedTimestamp: hr, body: 'a' },
      { timestamp: hr, observedTimestamp: 9, body: { structured: true } },
    ];
    const { ours, theirs } = emitBoth(records, undefined, undefined, [
      'scope',
      '1.2.3',
      { schemaUrl: 'https://s' },
    ]);
    expect(ours).toEqual(theirs);
    // Without a timestamp both take Date.now() at emit: equal up to the ms they ran in.
    const now = emitBoth([{ body: 'now' }]);
    expect(now.ours[0]?.hrTime[0]).toBeCloseTo(now.theirs[0]?.hrTime[0] as number, -1);
  });

  it('with the trace context of the record or of the active context', () => {
    const active = trace.setSpanContext(ROOT_CONTEXT, spanContext);
    const explicit = trace.setSpanContext(ROOT_CONTEXT, { ...spanContext, spanId: '1111111111111111' });
    const invalid = trace.setSpanContext(ROOT_CONTEXT, { ...spanContext, traceId: '0'.repeat(32) });
    const manager = {
      active: () => active,
      with: <A extends unknown[], F extends (...args: A) => ReturnType<F>>(
        _c: unknown,
        fn: F,
        thisArg?: ThisParameterType<F>,
        ...args: A
      ) => fn.call(thisArg, ...args),
      bind: <T>(_c: unknown, target: T) => target,
      enable() {
        return this;
      },
      disable() {
        return this;
      },
    };
    context.disable();
    expect(context.setGlobalContextManager(manager)).toBe(true);
    try {
      const records: LogRecord[] = [
        { body: 'active' },
        { body: 'explicit', context: explicit },
        { context: invalid },
        // The same contexts again, repeated and interleaved (each span context is checked once).
        { context: invalid },
        { body: 'active' },
        { body: 'active' },
        { context: invalid },
        { body: 'explicit', context: explicit },
      ];
      const { ours, theirs } = emitBoth(records.map((r) => ({ ...r, timestamp: 1, observedTimestamp: 2 })));
      expect(ours).toEqual(theirs);
      expect(ours.map((r) => r.spanContext?.spanId)).toEqual([
        'b7ad6b7169203331',
        '1111111111111111',
        undefined,
        undefined,
        'b7ad6b7169203331',
        'b7ad6b7169203331',
        undefined,
        '1111111111111111',
      ]);
    } finally {
      context.disable();
    }
  });

  it('when a processor changes the record in onEmit, and not after', () => {
    const kept: SdkLogRecord[] = [];
    const editor = (): LogRecordProcessor => ({
      onEmit(record: SdkLogRecord) {
        record.setAttribute('added', 'yes').setAttribute('a', 'replaced').setBody('new body');
        record.setSeverityNumber(SeverityNumber.WARN).setSeverityText('WARN').setEventName('renamed');
        record.setAttributes({ more: 1, a: 'again' });
        kept.push(record);
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    });
    const { ours, theirs } = emitBoth(
      [{ body: 'b', timestamp: 5, observedTimestamp: 6, attributes: { a: 'first' } }],
      { attributeCountLimit: 2 },
      () => [editor()],
    );
    expect(ours).toEqual(theirs);
    expect(ours[0]).toMatchObject({
      body: 'new body',
      eventName: 'renamed',
      severityText: 'WARN',
      droppedAttributesCount: 3,
    });
    for (const record of kept) {
      record.setAttribute('late', 1).setBody('late');
      record.severityText = 'late';
      expect(record.attributes.late).toBeUndefined();
      expect(record.body).toBe('new body');
      expect(record.severityText).toBe('WARN');
    }
  });

  it('for any attributes (property)', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
      fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 6 }), value, { maxKeys: 12 }),
        fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
        fc.option(fc.integer({ min: -1, max: 8 }), { nil: undefined }),
        (attributes, count, length) => {
          const limits =
            count === undefined && length === undefined
              ? undefined
              : { attributeCountLimit: count, attributeValueLengthLimit: length };
          for (const owned of [false, true]) {
            const { ours, theirs } = emitBoth(
              [{ attributes: attributes as LogAttributes, timestamp: 7, observedTimestamp: 8 }],
              limits,
              undefined,
              undefined,
              owned,
            );
            expect(ours).toEqual(theirs);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('CodexLoggerProvider as a provider', () => {
  it('caches loggers per name, version and schema URL', () => {
    const provider = new CodexLoggerProvider({ resource, processors: [] });
    expect(provider.getLogger('a')).toBe(provider.getLogger('a'));
    expect(provider.getLogger('a', '1')).not.toBe(provider.getLogger('a'));
    expect(provider.getLogger('a', '1', { schemaUrl: 's' })).not.toBe(provider.getLogger('a', '1'));
  });

  it('flushes and shuts its processors down once, then hands out the no-op logger', async () => {
    const calls: string[] = [];
    const exporter = new InMemoryLogRecordExporter();
    const processor: LogRecordProcessor = {
      onEmit: (record) => exporter.export([record as ReadableLogRecord], () => {}),
      forceFlush: async () => void calls.push('flush'),
      shutdown: async () => void calls.push('shutdown'),
    };
    const provider = new CodexLoggerProvider({ resource, processors: [processor] });
    provider.getLogger('x').emit({ body: 'one' });
    await provider.forceFlush();
    const first = provider.shutdown();
    expect(provider.shutdown()).toBe(first);
    await first;
    await provider.forceFlush();
    expect(calls).toEqual(['flush', 'shutdown']);
    expect(provider.getLogger('x')).toBe(NOOP_LOGGER);
    expect(exporter.getFinishedLogRecords().map((r) => r.body)).toEqual(['one']);
  });

  it('bounds a processor flush that never settles by forceFlushTimeoutMillis', async () => {
    const stuck: LogRecordProcessor = {
      onEmit() {},
      forceFlush: () => new Promise(() => {}),
      shutdown: async () => {},
    };
    const provider = new CodexLoggerProvider({ resource, processors: [stuck], forceFlushTimeoutMillis: 20 });
    await expect(provider.forceFlush()).rejects.toThrow(/timed out/i);
  });
});
