// A meter provider that offers AGGREGATED_HISTOGRAMS gets the SSE durations of each stream as one
// batch per tag set (in arrival order, with the tag set the plain instrument would get); one
// that declines, throws or lacks the method gets the plain Histogram.record path.
import type { Attributes, MeterProvider } from '@opentelemetry/api';
import { MetricReader, MeterProvider as SdkMeterProvider } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { METER_SCOPE, TelemetryMetricNames } from '../names.js';
import { testSession } from '../test/index.js';
import { AGGREGATED_HISTOGRAMS, type AggregatedHistogramOptions } from './aggregated-histograms.js';
import type { SessionTelemetry } from './session-telemetry.js';

class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

type Offer = (scope: string, name: string, options: AggregatedHistogramOptions) => unknown;

function providerWith(offer: Offer | undefined) {
  const reader = new PullReader();
  const provider: MeterProvider = new SdkMeterProvider({ readers: [reader] });
  if (offer !== undefined) Object.defineProperty(provider, AGGREGATED_HISTOGRAMS, { value: offer });
  return { provider, reader };
}

function session(meterProvider: MeterProvider) {
  return testSession({ meterProvider });
}

function stream(telemetry: SessionTelemetry, durations: number[]) {
  for (const durationMs of durations)
    telemetry.recordSsePoll({
      event: { event: 'delta', data: '{}', id: '' } as never,
      error: undefined,
      durationMs,
    });
  telemetry.recordSsePoll({
    event: { event: 'response.completed', data: '{}', id: '' } as never,
    error: undefined,
    durationMs: 9,
  });
}

async function exportedNames(reader: PullReader) {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name));
}

describe('SessionTelemetry with an AggregatedHistogramProvider', () => {
  it('hands each stream’s SSE durations over as one batch per tag set', async () => {
    const batches: { values: number[]; attributes: Attributes }[] = [];
    const asked: unknown[] = [];
    const { provider, reader } = providerWith((scope, name, options) => {
      asked.push({ scope, name, options });
      return {
        recordAll: (values: readonly number[], attributes: Attributes) =>
          batches.push({ values: [...values], attributes }),
      };
    });
    stream(session(provider), [1.5, -2, 3]);
    expect(asked).toEqual([
      {
        scope: METER_SCOPE,
        name: TelemetryMetricNames.sseEventDuration,
        options: {
          description: 'Time waiting for each SSE event',
          unit: 'ms',
          after: TelemetryMetricNames.sseEvent,
        },
      },
    ]);
    expect(batches.map((b) => [b.values, b.attributes.kind, b.attributes.success])).toEqual([
      [[1, 0, 3], 'delta', 'true'],
      [[9], 'response.completed', 'true'],
    ]);
    expect(batches[0]?.attributes).toMatchObject({
      originator: 'codex_exec',
      model: 'm',
      session_source: 'exec',
    });
    // The counter still goes to the SDK; the histogram does not.
    expect(await exportedNames(reader)).toEqual([TelemetryMetricNames.sseEvent]);
  });

  for (const [label, offer] of [
    ['declines', () => undefined],
    [
      'throws',
      () => {
        throw new Error('no');
      },
    ],
    ['lacks the method', undefined],
  ] as const) {
    it(`records through the plain histogram when the provider ${label}`, async () => {
      const { provider, reader } = providerWith(offer);
      stream(session(provider), [1, 2]);
      expect(await exportedNames(reader)).toEqual([
        TelemetryMetricNames.sseEvent,
        TelemetryMetricNames.sseEventDuration,
      ]);
    });
  }
});
