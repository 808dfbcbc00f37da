// Histograms aggregated here from whole batches of values (`AggregatedHistogramProvider` of
// `@codex-ts/otel`) and merged into what the SDK's reader collects, so they export as the SDK's
// own explicit-bucket histograms would: `codex.sse_event.duration_ms` takes one value per
// streamed event, and the SDK hashes the attributes of every `Histogram.record`.

import {
  AGGREGATED_HISTOGRAMS,
  type AggregatedHistogram,
  type AggregatedHistogramOptions,
  type AggregatedHistogramProvider,
} from '@codex-ts/otel';
import { type Attributes, diag, type HrTime, ValueType } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  DataPointType,
  type HistogramMetricData,
  InstrumentType,
  MeterProvider,
  type MetricReader,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';

/** The SDK's default explicit bucket boundaries (ms here), `@opentelemetry/sdk-metrics` 2.x. */
export const DEFAULT_HISTOGRAM_BOUNDARIES: readonly number[] = Object.freeze([
  0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000,
]);

const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ 'otel.metric.overflow': true });

/** The series key of `attributes`: equal attribute sets (any key order) give equal keys, as the SDK's. */
function seriesKey(attributes: Attributes): string {
  const keys = Object.keys(attributes);
  if (keys.length === 0) return '';
  keys.sort();
  return JSON.stringify(keys.map((key) => [key, attributes[key]]));
}

/** Index of the bucket of `value`: the first boundary ≥ value, else the last (overflow) bucket. */
function bucketIndex(boundaries: readonly number[], value: number): number {
  let lo = 0;
  let hi = boundaries.length - 1;
  let found = boundaries.length;
  while (hi >= lo) {
    const mid = lo + ((hi - lo) >> 1);
    if ((boundaries[mid] as number) < value) lo = mid + 1;
    else {
      found = mid;
      hi = mid - 1;
    }
  }
  return found;
}

interface Series {
  readonly attributes: Attributes;
  readonly startTime: HrTime;
  readonly counts: number[];
  count: number;
  sum: number;
  min: number;
  max: number;
  hasMinMax: boolean;
}

/** One histogram instrument: cumulative series by attribute set. */
class HistogramStream implements AggregatedHistogram {
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly options: AggregatedHistogramOptions,
    private readonly cardinalityLimit: number,
  ) {}

  recordAll(values: readonly number[], attributes: Attributes): void {
    if (values.length === 0) return;
    let key = seriesKey(attributes);
    let series = this.series.get(key);
    if (series === undefined) {
      // As the SDK: past the cardinality limit, new attribute sets share the overflow series.
      if (this.series.size >= this.cardinalityLimit - 1) {
        attributes = OVERFLOW_ATTRIBUTES;
        key = seriesKey(attributes);
        series = this.series.get(key);
      }
      if (series === undefined) {
        series = {
          attributes,
          startTime: millisToHrTime(Date.now()),
          counts: new Array<number>(DEFAULT_HISTOGRAM_BOUNDARIES.length + 1).fill(0),
          count: 0,
          sum: 0,
          min: Number.POSITIVE_INFINITY,
          max: Number.NEGATIVE_INFINITY,
          hasMinMax: false,
        };
        this.series.set(key, series);
      }
    }
    const counts = series.counts;
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as number;
      // The checks of the SDK's Histogram.record: non-numbers and negative values are ignored.
      if (typeof value !== 'number') {
        diag.warn(`non-number value provided to metric ${this.name}: ${value}`);
        continue;
      }
      if (value < 0) {
        diag.warn(`negative value provided to histogram ${this.name}: ${value}`);
        continue;
      }
      if (Number.isNaN(value)) continue;
      series.count += 1;
      series.sum += value;
      if (value < series.min) series.min = value;
      if (value > series.max) series.max = value;
      series.hasMinMax = true;
      (counts[bucketIndex(DEFAULT_HISTOGRAM_BOUNDARIES, value)] as number)++;
    }
  }

  /** The cumulative metric data at `endTime` (a copy), or undefined without any series. */
  metricData(endTime: HrTime): HistogramMetricData | undefined {
    if (this.series.size === 0) return undefined;
    // The descriptor the SDK's instrument carries (its `type` and `advice` beyond MetricDescriptor).
    const descriptor = {
      name: this.name,
      type: InstrumentType.HISTOGRAM,
      description: this.options.description,
      unit: this.options.unit,
      valueType: ValueType.DOUBLE,
      advice: {},
    };
    return {
      descriptor,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: [...this.series.values()].map((s) => ({
        attributes: s.attributes,
        startTime: s.startTime,
        endTime,
        value: {
          min: s.hasMinMax ? s.min : undefined,
          max: s.hasMinMax ? s.max : undefined,
          sum: s.sum,
          buckets: { boundaries: DEFAULT_HISTOGRAM_BOUNDARIES as number[], counts: [...s.counts] },
          count: s.count,
        },
      })),
    };
  }
}

/** The aggregated histograms of one reader, by scope name and instrument name. */
class HistogramStore {
  private readonly scopes = new Map<string, Map<string, HistogramStream>>();

  constructor(private readonly reader: MetricReader) {}

  /**
   * The stream of `scope` / `name` (one per name, shared by every caller, as an SDK instrument),
   * or undefined when the reader would not export the SDK's default explicit-bucket histogram
   * with cumulative temporality for it.
   */
  histogram(scope: string, name: string, options: AggregatedHistogramOptions): HistogramStream | undefined {
    const reader = this.reader;
    if (reader.selectAggregationTemporality(InstrumentType.HISTOGRAM) !== AggregationTemporality.CUMULATIVE)
      return undefined;
    if (reader.selectAggregation(InstrumentType.HISTOGRAM).type !== AggregationType.DEFAULT) return undefined;
    let streams = this.scopes.get(scope);
    if (streams === undefined) {
      streams = new Map();
      this.scopes.set(scope, streams);
    }
    let stream = streams.get(name);
    if (stream === undefined) {
      const limit = reader.selectCardinalityLimit(InstrumentType.HISTOGRAM);
      stream = new HistogramStream(name, options, limit);
      streams.set(name, stream);
    }
    return stream;
  }

  /**
   * Adds every stream with data to `collected`: into the scope of the same name (no version,
   * no schema URL) after the metric named by its `after` option (else at the end), or as a new
   * scope. Data points end at the `endTime` of that neighbour when there is one, else now.
   */
  mergeInto(collected: ResourceMetrics): void {
    for (const [scopeName, streams] of this.scopes) {
      let scopeMetrics = collected.scopeMetrics.find(
        (s) =>
          s.scope.name === scopeName && (s.scope.version ?? '') === '' && s.scope.schemaUrl === undefined,
      );
      for (const stream of streams.values()) {
        const metrics = scopeMetrics?.metrics ?? [];
        const afterIndex = metrics.findIndex((m) => m.descriptor.name === stream.options.after);
        const neighbour = metrics[afterIndex]?.dataPoints[0];
        const data = stream.metricData(neighbour?.endTime ?? millisToHrTime(Date.now()));
        if (data === undefined) continue;
        if (scopeMetrics === undefined) {
          scopeMetrics = { scope: { name: scopeName, version: '', schemaUrl: undefined }, metrics: [] };
          collected.scopeMetrics.push(scopeMetrics);
        }
        if (afterIndex >= 0) scopeMetrics.metrics.splice(afterIndex + 1, 0, data);
        else scopeMetrics.metrics.push(data);
      }
    }
  }
}

/**
 * The SDK's `PeriodicExportingMetricReader` whose every collection (periodic, `forceFlush`,
 * shutdown) also carries the histograms aggregated by {@link CodexMeterProvider}.
 */
export class CodexMetricReader extends PeriodicExportingMetricReader {
  /** The histograms this reader exports besides the SDK's own instruments. */
  readonly histograms = new HistogramStore(this);

  override async collect(options?: Parameters<MetricReader['collect']>[0]) {
    const result = await super.collect(options);
    this.histograms.mergeInto(result.resourceMetrics);
    return result;
  }
}

/**
 * The SDK's `MeterProvider` with one {@link CodexMetricReader}, offering `@codex-ts/otel`'s
 * {@link AggregatedHistogramProvider}: a histogram that takes a batch of values under one
 * attribute set in one call (hashing the attributes once per batch instead of once per value)
 * and exports as the SDK's default explicit-bucket histogram with cumulative temporality
 * (same boundaries, counts, sum, min, max, series start times, cardinality overflow). With
 * another temporality or aggregation selected it offers none (`SessionTelemetry` then records
 * through the plain instrument).
 */
export class CodexMeterProvider extends MeterProvider implements AggregatedHistogramProvider {
  private readonly store: HistogramStore;

  constructor(options: { resource: Resource; reader: CodexMetricReader }) {
    super({ resource: options.resource, readers: [options.reader] });
    this.store = options.reader.histograms;
  }

  [AGGREGATED_HISTOGRAMS](
    scope: string,
    name: string,
    options: AggregatedHistogramOptions,
  ): AggregatedHistogram | undefined {
    return this.store.histogram(scope, name, options);
  }
}
