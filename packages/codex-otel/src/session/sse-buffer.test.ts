// The buffered `codex.sse_event` metrics (SessionMetrics.sseEvent / flushSseEvents): what reaches
// the SDK must equal one counter add(1) and one histogram record per event, handed over when the
// stream ends (cleanly, by abort, by a read error or a terminal event) or before any collection.
import { AbortedError, type SseTelemetryInfo, StreamError } from '@codex-ts/client';
import type { Attributes, Meter, MeterOptions, MeterProvider } from '@opentelemetry/api';
import {
  DataPointType,
  type Histogram,
  MetricReader,
  MeterProvider as SdkMeterProvider,
} from '@opentelemetry/sdk-metrics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TelemetryMetricNames } from '../names.js';
import { type InMemoryOtel, inMemoryOtel } from '../test/index.js';
import { SessionTelemetry } from './session-telemetry.js';
import { MAX_PENDING_SSE_VALUES, SSE_FLUSH_GAUGE } from './sse-buffer.js';

class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** The calls the SSE instruments received, in order. */
type Call = { metric: string; value: number; attributes: Attributes };

/** A MeterProvider over `inner` that logs every add / record of the two SSE instruments. */
function spyingProvider(inner: MeterProvider, calls: Call[]): MeterProvider {
  const watched = new Set<string>([TelemetryMetricNames.sseEvent, TelemetryMetricNames.sseEventDuration]);
  return {
    getMeter(name: string, version?: string, options?: MeterOptions): Meter {
      const meter = inner.getMeter(name, version, options);
      return new Proxy(meter, {
        get(target, key, receiver) {
          const original = Reflect.get(target, key, receiver);
          if (key !== 'createCounter' && key !== 'createHistogram') return original.bind(target);
          return (metric: string, opts?: object) => {
            const instrument = original.call(target, metric, opts);
            if (!watched.has(metric)) return instrument;
            const method = key === 'createCounter' ? 'add' : 'record';
            const write = instrument[method].bind(instrument);
            instrument[method] = (value: number, attributes: Attributes = {}) => {
              calls.push({ metric, value, attributes });
              write(value, attributes);
            };
            return instrument;
          };
        },
      });
    },
  };
}

const delta = (durationMs: number): SseTelemetryInfo => ({
  event: {
    event: 'response.output_text.delta',
    data: '{"type":"response.output_text.delta"}',
    id: undefined,
  },
  error: undefined,
  durationMs,
});
const named = (event: string, durationMs: number): SseTelemetryInfo => ({
  event: { event, data: '{}', id: undefined },
  error: undefined,
  durationMs,
});
const END: SseTelemetryInfo = { event: undefined, error: undefined, durationMs: 0 };

let sdk: InMemoryOtel;
let calls: Call[];

function session(meterProvider: MeterProvider = spyingProvider(sdk.meterProvider, calls)): SessionTelemetry {
  return new SessionTelemetry({
    conversationId: 'conv-1',
    model: 'gpt-5.5',
    authMode: 'apikey',
    originator: 'codex_exec',
    appVersion: '0.1.0',
    sessionSource: 'exec',
    meterProvider,
    loggerProvider: sdk.loggerProvider,
    tracerProvider: sdk.tracerProvider,
  });
}

/** The SSE data points `reader` collects, by `metric kind/success`: attributes and values (histograms whole). */
async function ssePoints(reader: MetricReader): Promise<Map<string, unknown>> {
  const { resourceMetrics } = await reader.collect();
  const points = new Map<string, unknown>();
  const names = [TelemetryMetricNames.sseEvent, TelemetryMetricNames.sseEventDuration] as string[];
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      expect(metric.descriptor.name).not.toBe(SSE_FLUSH_GAUGE);
      if (!names.includes(metric.descriptor.name)) continue;
      for (const dp of metric.dataPoints) {
        const key = `${metric.descriptor.name} ${String(dp.attributes.kind)}/${String(dp.attributes.success)}`;
        const value =
          metric.dataPointType === DataPointType.HISTOGRAM ? { ...(dp.value as Histogram) } : dp.value;
        points.set(key, { attributes: { ...dp.attributes }, value });
      }
    }
  }
  return points;
}

const handed = (metric: string) => calls.filter((c) => c.metric === metric);

beforeEach(() => {
  sdk = inMemoryOtel();
  calls = [];
});
afterEach(async () => {
  await sdk.shutdown();
});

describe('buffered codex.sse_event metrics', () => {
  it('exports the same counts and histogram points as recording every event at once', async () => {
    const oursReader = new PullReader();
    const oursProvider = new SdkMeterProvider({ readers: [oursReader] });
    const hook = session(oursProvider).sseTelemetry();
    const polls: SseTelemetryInfo[] = [named('response.created', 120.25)];
    for (let i = 0; i < 300; i++) polls.push(delta((i * 7.3) % 61));
    polls.push(named('response.output_item.done', 3.5), delta(-4), delta(Number.NaN), delta(9_000.5));
    polls.push({ event: undefined, error: new StreamError('reset by peer'), durationMs: 42 });
    polls.push(delta(0.25), named('response.failed', 2.75));
    for (const poll of polls) hook.onSseEvent(poll);

    // The reference: the same events recorded one call each, with the tags SessionMetrics uses.
    const refReader = new PullReader();
    const refProvider = new SdkMeterProvider({ readers: [refReader] });
    const meter = refProvider.getMeter('ref');
    const counter = meter.createCounter(TelemetryMetricNames.sseEvent);
    const histogram = meter.createHistogram(TelemetryMetricNames.sseEventDuration, { unit: 'ms' });
    const tagsBase = {
      auth_mode: 'apikey',
      session_source: 'exec',
      originator: 'codex_exec',
      model: 'gpt-5.5',
      'app.version': '0.1.0',
    };
    for (const poll of polls) {
      const failed = poll.error !== undefined || poll.event?.event === 'response.failed';
      const tags = { ...tagsBase, kind: poll.event?.event ?? 'unknown', success: String(!failed) };
      counter.add(1, tags);
      const ms = poll.durationMs;
      histogram.record(ms > 0 && Number.isFinite(ms) ? Math.trunc(ms) : 0, tags);
    }

    const expected = await ssePoints(refReader);
    const ours = await ssePoints(oursReader);
    expect(expected.size).toBe(10); // 5 (kind, success) tag sets × 2 metrics
    expect(ours).toEqual(expected);
    await Promise.all([refProvider.shutdown(), oursProvider.shutdown()]);
  });

  it('hands the buffered points to the SDK when the stream ends cleanly, in arrival order', () => {
    const hook = session().sseTelemetry();
    hook.onSseEvent(named('response.created', 5));
    hook.onSseEvent(delta(1.5));
    hook.onSseEvent(delta(2.5));
    expect(calls).toEqual([]);
    hook.onSseEvent(END);
    expect(handed(TelemetryMetricNames.sseEvent).map((c) => [c.attributes.kind, c.value])).toEqual([
      ['response.created', 1],
      ['response.output_text.delta', 2],
    ]);
    expect(handed(TelemetryMetricNames.sseEventDuration).map((c) => c.value)).toEqual([5, 1, 2]);
    // One tag-set object per kind, shared by the counter and the histogram.
    const [created, deltas] = handed(TelemetryMetricNames.sseEvent);
    expect(handed(TelemetryMetricNames.sseEventDuration)[1]?.attributes).toBe(deltas?.attributes);
    expect(created?.attributes.success).toBe('true');
  });

  it('hands them over on an abort, a read error and a terminal event', () => {
    const hook = session().sseTelemetry();
    hook.onSseEvent(delta(1));
    hook.onSseEvent({ event: undefined, error: new AbortedError('stop'), durationMs: 1 });
    expect(handed(TelemetryMetricNames.sseEvent)).toEqual([
      expect.objectContaining({ value: 1, attributes: expect.objectContaining({ success: 'true' }) }),
    ]);

    calls.length = 0;
    hook.onSseEvent(delta(2));
    hook.onSseEvent({
      event: undefined,
      error: new StreamError('idle', { idleTimeout: true }),
      durationMs: 3,
    });
    expect(
      handed(TelemetryMetricNames.sseEvent).map((c) => [c.attributes.kind, c.attributes.success, c.value]),
    ).toEqual([
      ['response.output_text.delta', 'true', 1],
      ['unknown', 'false', 1],
    ]);
    expect(handed(TelemetryMetricNames.sseEventDuration).map((c) => c.value)).toEqual([2, 3]);

    for (const terminal of ['response.completed', 'response.failed', 'response.incomplete']) {
      calls.length = 0;
      hook.onSseEvent(delta(4));
      hook.onSseEvent(named(terminal, 5));
      expect(
        handed(TelemetryMetricNames.sseEventDuration).map((c) => c.value),
        terminal,
      ).toEqual([4, 5]);
    }
  });

  it('hands them over before a collection in the middle of a stream', async () => {
    const hook = session().sseTelemetry();
    hook.onSseEvent(delta(1));
    hook.onSseEvent(delta(2));
    expect(calls).toEqual([]);
    expect(await sdk.total(TelemetryMetricNames.sseEvent)).toBe(2);
    expect(await sdk.total(TelemetryMetricNames.sseEventDuration)).toBe(2);
    // Nothing is counted twice by the next collection or the end of the stream.
    hook.onSseEvent(END);
    expect(await sdk.total(TelemetryMetricNames.sseEvent)).toBe(2);
  });

  it('hands them over when one tag set has buffered MAX_PENDING_SSE_VALUES values', () => {
    const hook = session().sseTelemetry();
    for (let i = 0; i < MAX_PENDING_SSE_VALUES - 1; i++) hook.onSseEvent(delta(1));
    expect(calls).toEqual([]);
    hook.onSseEvent(delta(1));
    expect(handed(TelemetryMetricNames.sseEvent)).toEqual([
      expect.objectContaining({ value: MAX_PENDING_SSE_VALUES }),
    ]);
    expect(handed(TelemetryMetricNames.sseEventDuration)).toHaveLength(MAX_PENDING_SSE_VALUES);
  });

  it('hands them over under the old tags when the model changes', () => {
    const telemetry = session();
    const hook = telemetry.sseTelemetry();
    hook.onSseEvent(delta(1));
    telemetry.setModel('gpt-6');
    hook.onSseEvent(delta(2));
    hook.onSseEvent(END);
    expect(handed(TelemetryMetricNames.sseEvent).map((c) => [c.attributes.model, c.value])).toEqual([
      ['gpt-5.5', 1],
      ['gpt-6', 1],
    ]);
  });
});
