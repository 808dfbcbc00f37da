/**
 * The buffer of `codex.sse_event` metric points behind SessionMetrics.sseEvent (telemetry.md §4).
 * Internal to the package.
 */

import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { AggregatedHistogram } from './aggregated-histograms.js';

/**
 * The observable gauge whose callback flushes buffered `codex.sse_event` points before each
 * collection; it never observes a value, so nothing of that name is exported.
 */
export const SSE_FLUSH_GAUGE = 'codex.internal.sse_event_flush';

/** Most SSE event durations buffered per tag set before they are handed to the SDK. */
export const MAX_PENDING_SSE_VALUES = 4096;

/**
 * SSE event durations by tag set, handed to the SDK by {@link flush} as one counter `add(n)` and
 * the values of the histogram (each as measured, in arrival order): one `recordAll` of an
 * {@link AggregatedHistogram} when the meter provider offers one, else one `Histogram.record`
 * per value. The SDK hashes the tag set on every call, so the counter costs one call per tag set
 * and stream instead of one per event (and the aggregated histogram one per batch).
 * Flushes itself when a tag set holds {@link MAX_PENDING_SSE_VALUES} values or `maxTagSets` tag
 * sets are pending. Throws nothing for well-formed input.
 */
export class SseMetricBuffer {
  private pending = new Map<Attributes, number[]>();

  constructor(
    private readonly counter: Counter,
    private readonly histogram: Histogram | AggregatedHistogram,
    private readonly maxTagSets: number,
  ) {}

  /** Buffers one event's duration (ms, already sanitised) under `tags` (a reused, cached object). */
  add(tags: Attributes, durationMs: number): void {
    const values = this.pending.get(tags);
    if (values !== undefined) {
      values.push(durationMs);
      if (values.length >= MAX_PENDING_SSE_VALUES) this.flush();
      return;
    }
    if (this.pending.size >= this.maxTagSets) this.flush();
    this.pending.set(tags, [durationMs]);
  }

  /** Hands every buffered point to the SDK and empties the buffer. */
  flush(): void {
    const pending = this.pending;
    if (pending.size === 0) return;
    this.pending = new Map();
    const { counter, histogram } = this;
    for (const [tags, values] of pending) {
      counter.add(values.length, tags);
      if ('recordAll' in histogram) histogram.recordAll(values, tags);
      else for (let i = 0; i < values.length; i++) histogram.record(values[i] as number, tags);
    }
  }

  /**
   * Flushes `buffer` before every collection of `meter`'s provider through the callback of an
   * observable gauge {@link SSE_FLUSH_GAUGE} (the SDK runs observable callbacks before it reads
   * the synchronous instruments). The callback holds `owner` weakly: once the owner is garbage
   * collected it flushes the rest one last time and removes itself, so sessions are not kept alive.
   */
  static flushBeforeCollection(meter: Meter, buffer: SseMetricBuffer, owner: object): void {
    const gauge = meter.createObservableGauge(SSE_FLUSH_GAUGE, {
      description: 'Internal: flushes buffered SSE events',
    });
    const alive = new WeakRef(owner);
    const callback = () => {
      buffer.flush();
      if (alive.deref() === undefined) gauge.removeCallback(callback);
    };
    gauge.addCallback(callback);
  }
}
