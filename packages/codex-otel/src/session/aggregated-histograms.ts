/**
 * The hook through which a meter provider can take whole batches of histogram values
 * (`@codex-ts/otel-sdk` offers it; any other provider is used through `@opentelemetry/api`).
 */

import type { Attributes, MeterProvider } from '@opentelemetry/api';

/**
 * The key of {@link AggregatedHistogramProvider}'s method on a meter provider:
 * `Symbol.for('@codex-ts/otel.aggregatedHistograms')`, so any copy of the packages finds it.
 */
export const AGGREGATED_HISTOGRAMS: unique symbol = Symbol.for('@codex-ts/otel.aggregatedHistograms');

/** A histogram instrument that takes a batch of values under one attribute set at once. */
export interface AggregatedHistogram {
  /**
   * Records every value of `values` (in arrival order) under `attributes`: the export must be the
   * one `values.length` calls of `Histogram.record(value, attributes)` of the same provider
   * would give (same buckets, sum, min, max, count, series and start time). Throws nothing.
   */
  recordAll(values: readonly number[], attributes: Attributes): void;
}

/** What the histogram of {@link AggregatedHistogramProvider} is created with (as `Meter.createHistogram`). */
export interface AggregatedHistogramOptions {
  /** The instrument's description (`Meter.createHistogram`'s `description`). */
  description: string;
  /** The unit of the values (`ms` for `codex.sse_event.duration_ms`). */
  unit: string;
  /**
   * The metric of the same meter created just before this histogram: the histogram is exported
   * right after it, where the SDK lists instruments in creation order.
   */
  after?: string | undefined;
}

/**
 * A meter provider that can aggregate histogram batches itself. `SessionTelemetry` uses it for
 * `codex.sse_event.duration_ms` (one value per streamed event) when its meter provider has it;
 * the method returns undefined when it cannot give the same export as the plain instrument
 * (e.g. another temporality or aggregation was selected), and the plain API instrument is used.
 */
export interface AggregatedHistogramProvider {
  /**
   * The histogram `name` of the meter `scope` (no version, no schema URL), created as
   * `Meter.createHistogram(name, options)` would be; one per name, shared by every caller.
   * Undefined when it cannot be exported as the plain instrument would be.
   */
  [AGGREGATED_HISTOGRAMS](
    scope: string,
    name: string,
    options: AggregatedHistogramOptions,
  ): AggregatedHistogram | undefined;
}

/** The aggregated histogram `provider` offers for `scope` / `name`, if any. Throws nothing. */
export function aggregatedHistogram(
  provider: MeterProvider,
  scope: string,
  name: string,
  options: AggregatedHistogramOptions,
): AggregatedHistogram | undefined {
  const create = (provider as Partial<AggregatedHistogramProvider>)[AGGREGATED_HISTOGRAMS];
  if (typeof create !== 'function') return undefined;
  try {
    return create.call(provider, scope, name, options);
  } catch {
    return undefined;
  }
}
