/**
 * The metric side of SessionTelemetry: its instruments (telemetry.md §4), the session tags every
 * metric carries (§2) and the cached tag sets. Internal to the package.
 */

import {
  type Attributes,
  type Counter,
  createNoopMeter,
  type Histogram,
  type MeterProvider,
  ValueType,
} from '@opentelemetry/api';
import { METER_SCOPE, TelemetryMetricNames } from '../names.js';
import { type AggregatedHistogram, aggregatedHistogram } from './aggregated-histograms.js';
import { LifecycleMetrics } from './lifecycle-metrics.js';
import type { SessionMeta } from './meta.js';
import { SseMetricBuffer } from './sse-buffer.js';
import { boundedOriginatorTagValue, sanitizeMetricTagValue } from './tags.js';
import type { ApiRequestInfo, ContinuationRecord, WebsocketRequestInfo } from './types.js';
import { durationValue } from './values.js';

const NOOP_METER_CLASS = createNoopMeter().constructor;

/** Most tag sets kept per cache; further keys get a fresh tag set on every record. */
export const MAX_CACHED_TAG_SETS = 256;

/** `timing_metrics` field → histogram (telemetry.md §4). */
export const TIMING_FIELDS: ReadonlyArray<readonly [field: string, metric: string]> = [
  [
    'responses_duration_excl_engine_and_client_tool_time_ms',
    TelemetryMetricNames.responsesApiOverheadDuration,
  ],
  ['engine_service_total_ms', TelemetryMetricNames.responsesApiInferenceTimeDuration],
  ['engine_iapi_ttft_total_ms', TelemetryMetricNames.responsesApiEngineIapiTtftDuration],
  ['engine_service_ttft_total_ms', TelemetryMetricNames.responsesApiEngineServiceTtftDuration],
  ['engine_iapi_tbt_across_engine_calls_ms', TelemetryMetricNames.responsesApiEngineIapiTbtDuration],
  ['engine_service_tbt_across_engine_calls_ms', TelemetryMetricNames.responsesApiEngineServiceTbtDuration],
];

/**
 * The session tags of every metric: `auth_mode` (when known), `session_source`,
 * `originator` (bounded), `service_name` (when set), `model`, `app.version`, all sanitised; `{}`
 * when `useMetadataTags` is false. Frozen.
 */
export function sessionMetricTags(meta: SessionMeta, useMetadataTags: boolean): Readonly<Attributes> {
  const tags: Attributes = {};
  if (useMetadataTags) {
    if (meta.authMode !== undefined) tags.auth_mode = sanitizeMetricTagValue(meta.authMode);
    tags.session_source = sanitizeMetricTagValue(meta.sessionSource);
    tags.originator = boundedOriginatorTagValue(meta.originator);
    if (meta.serviceName !== undefined) tags.service_name = sanitizeMetricTagValue(meta.serviceName);
    tags.model = sanitizeMetricTagValue(meta.model);
    tags['app.version'] = sanitizeMetricTagValue(meta.appVersion);
  }
  return Object.freeze(tags);
}

/** Tag sets by `kind`, one map per outcome: index 0 = `success=false`, 1 = `success=true`. */
type KindTagCache = [Map<string, Attributes>, Map<string, Attributes>];

/**
 * The session's metric instruments, created once from `provider` (scope {@link METER_SCOPE},
 * no version, as 0.169.0). Counters are integers; histograms are in ms, fed by {@link durationValue}.
 * Every recorder but {@link fallbackToHttp} returns at once when the meter is the API's no-op one.
 * Tag sets are built from the session tags and cached ({@link MAX_CACHED_TAG_SETS} per cache);
 * {@link setMeta} rebuilds them. Throws nothing for well-formed input.
 */
export class SessionMetrics {
  /** False when the provider handed out the API's no-op meter: nothing would be exported. */
  readonly enabled: boolean;
  /** The session, start-up, turn and tool metrics. */
  readonly lifecycle: LifecycleMetrics;

  private readonly useMetadataTags: boolean;
  private readonly apiRequestCounter: Counter;
  private readonly apiRequestDuration: Histogram;
  private readonly sseEventCounter: Counter;
  private readonly sseEventDuration: Histogram | AggregatedHistogram;
  private readonly wsRequestCounter: Counter;
  private readonly wsRequestDuration: Histogram;
  private readonly wsEventCounter: Counter;
  private readonly wsEventDuration: Histogram;
  private readonly wsStaleEventCounter: Counter;
  private readonly continuationCounter: Counter;
  private readonly fallbackCounter: Counter;
  private readonly timingHistograms: ReadonlyArray<readonly [string, Histogram]>;

  // Derived from the session metadata, rebuilt by setMeta().
  private sessionTags!: Readonly<Attributes>;
  private apiRequestTags = new Map<number, Attributes>();
  private sseTags: KindTagCache = [new Map(), new Map()];
  private wsEventTags: KindTagCache = [new Map(), new Map()];
  private wsStaleEventTags = new Map<string, Attributes>();
  private wsRequestTags!: [Attributes, Attributes];
  private fallbackTags!: Attributes;
  private continuationTags = new Map<string, Attributes>();
  // SSE event durations not yet handed to the SDK (see sseEvent / flushSseEvents).
  private readonly sseBuffer: SseMetricBuffer;

  constructor(provider: MeterProvider, meta: SessionMeta, useMetadataTags: boolean) {
    const meter = provider.getMeter(METER_SCOPE);
    this.enabled = !(meter instanceof NOOP_METER_CLASS);
    this.useMetadataTags = useMetadataTags;

    const counter = (name: string, description: string) =>
      meter.createCounter(name, { description, valueType: ValueType.INT });
    const histogram = (name: string, description: string) =>
      meter.createHistogram(name, { description, unit: 'ms' });
    const M = TelemetryMetricNames;
    this.apiRequestCounter = counter(M.apiRequest, 'HTTP API request attempts');
    this.apiRequestDuration = histogram(M.apiRequestDuration, 'HTTP API request attempt duration');
    this.sseEventCounter = counter(M.sseEvent, 'SSE events read');
    // One value per streamed event: a provider that aggregates batches itself takes them whole.
    const sseDuration = { description: 'Time waiting for each SSE event', unit: 'ms', after: M.sseEvent };
    this.sseEventDuration =
      (this.enabled
        ? aggregatedHistogram(provider, METER_SCOPE, M.sseEventDuration, sseDuration)
        : undefined) ?? histogram(M.sseEventDuration, sseDuration.description);
    this.wsRequestCounter = counter(M.websocketRequest, 'WebSocket requests sent');
    this.wsRequestDuration = histogram(M.websocketRequestDuration, 'WebSocket request send duration');
    this.wsEventCounter = counter(M.websocketEvent, 'WebSocket events read');
    this.wsEventDuration = histogram(M.websocketEventDuration, 'Time waiting for each WebSocket event');
    this.wsStaleEventCounter = counter(
      M.websocketStaleEvent,
      'WebSocket frames of another response, ignored',
    );
    this.continuationCounter = counter(M.websocketContinuation, 'WebSocket request continuation decisions');
    this.fallbackCounter = counter(M.transportFallbackToHttp, 'Fallbacks from WebSocket to HTTP');
    this.timingHistograms = TIMING_FIELDS.map(
      ([field, name]) => [field, histogram(name, `Responses API timing: ${field}`)] as const,
    );

    this.lifecycle = new LifecycleMetrics(meter, this.enabled, sessionMetricTags(meta, useMetadataTags));
    this.sseBuffer = new SseMetricBuffer(this.sseEventCounter, this.sseEventDuration, MAX_CACHED_TAG_SETS);
    if (this.enabled) SseMetricBuffer.flushBeforeCollection(meter, this.sseBuffer, this);
    this.setMeta(meta);
  }

  /** Rebuilds the session tags from `meta` (after a model switch) and drops every cached tag set. */
  setMeta(meta: SessionMeta): void {
    this.flushSseEvents();
    const sessionTags = sessionMetricTags(meta, this.useMetadataTags);
    this.sessionTags = sessionTags;
    this.lifecycle.setSessionTags(sessionTags);
    this.apiRequestTags = new Map();
    this.sseTags = [new Map(), new Map()];
    this.wsEventTags = [new Map(), new Map()];
    this.wsStaleEventTags = new Map();
    this.continuationTags = new Map();
    this.wsRequestTags = [
      Object.freeze({ ...sessionTags, success: 'false' }),
      Object.freeze({ ...sessionTags, success: 'true' }),
    ];
    this.fallbackTags = Object.freeze({ ...sessionTags, from_wire_api: 'responses_websocket' });
  }

  /**
   * `codex.api_request` + `codex.api_request.duration_ms`, tags `status` (code or `none`) and
   * `success` (no error and a 2xx status).
   */
  apiRequest(info: ApiRequestInfo): void {
    if (!this.enabled) return;
    const status = info.status;
    const hasError = info.error !== undefined && info.error !== null;
    const success = !hasError && status !== undefined && status >= 200 && status <= 299;
    const key = (status === undefined ? -1 : status) * 2 + (success ? 1 : 0);
    let tags = this.apiRequestTags.get(key);
    if (tags === undefined) {
      tags = {
        ...this.sessionTags,
        status: status === undefined ? 'none' : String(status),
        success: String(success),
      };
      if (this.apiRequestTags.size < MAX_CACHED_TAG_SETS) this.apiRequestTags.set(key, tags);
    }
    this.apiRequestCounter.add(1, tags);
    this.apiRequestDuration.record(durationValue(info.durationMs), tags);
  }

  /** `codex.sse_event` + `codex.sse_event.duration_ms`, tags `kind` (sanitised) and `success`. */
  sseEvent(kind: string, success: boolean, durationMs: number): void {
    if (!this.enabled) return;
    // Buffered (SseMetricBuffer): the SDK hashes the tag set on every call.
    this.sseBuffer.add(this.kindTagsFor(this.sseTags, kind, success), durationValue(durationMs));
  }

  /**
   * Hands the SSE events buffered by {@link sseEvent} to the SDK: per tag set one
   * `codex.sse_event` `add(n)` and one `codex.sse_event.duration_ms` `record` per event, each value
   * as it was measured, in arrival order. Called at the end of every SSE stream (end, abort, read
   * error, terminal event), on {@link setMeta}, every `MAX_PENDING_SSE_VALUES` events of a tag
   * set, and by the SDK before each collection (observable callback), so every export holds the
   * same counts and histogram points as recording each event at once would give.
   */
  flushSseEvents(): void {
    this.sseBuffer.flush();
  }

  /** `codex.websocket.request` + `….duration_ms`, tag `success` (no error). */
  websocketRequest(info: WebsocketRequestInfo): void {
    if (!this.enabled) return;
    const tags = this.wsRequestTags[info.error !== undefined && info.error !== null ? 0 : 1];
    this.wsRequestCounter.add(1, tags);
    this.wsRequestDuration.record(durationValue(info.durationMs), tags);
  }

  /** `codex.websocket.event` + `….duration_ms`, tags `kind` (sanitised) and `success`. */
  websocketEvent(kind: string, success: boolean, durationMs: number): void {
    if (!this.enabled) return;
    const tags = this.kindTagsFor(this.wsEventTags, kind, success);
    this.wsEventCounter.add(1, tags);
    this.wsEventDuration.record(durationValue(durationMs), tags);
  }

  /** `codex.websocket.stale_event`, tag `kind` (sanitised); no `success` tag. */
  staleWebsocketEvent(kind: string): void {
    if (!this.enabled) return;
    const cache = this.wsStaleEventTags;
    let tags = cache.get(kind);
    if (tags === undefined) {
      tags = { ...this.sessionTags, kind: sanitizeMetricTagValue(kind) };
      if (cache.size < MAX_CACHED_TAG_SETS) cache.set(kind, tags);
    }
    this.wsStaleEventCounter.add(1, tags);
  }

  /**
   * The six `codex.responses_api_*.duration_ms` histograms (session tags only) from a
   * `timing_metrics` object; fields that are missing, non-numeric, negative or non-finite are
   * skipped, and anything other than an object is ignored.
   */
  responsesApiTiming(timingMetrics: unknown): void {
    if (!this.enabled || typeof timingMetrics !== 'object' || timingMetrics === null) return;
    const source = timingMetrics as Record<string, unknown>;
    for (const [field, histogram] of this.timingHistograms) {
      const value = source[field];
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
        histogram.record(value, this.sessionTags);
      }
    }
  }

  /** `codex.transport.fallback_to_http`, tag `from_wire_api = responses_websocket`. */
  fallbackToHttp(): void {
    this.fallbackCounter.add(1, this.fallbackTags);
  }

  /**
   * `codex.websocket.continuation`, tags `mode`, `reason`, `phase`, `after_prewarm`,
   * `previous_item_type`, `current_item_type` (sanitised; the item types default to `none`).
   */
  continuation(info: ContinuationRecord): void {
    if (!this.enabled) return;
    const afterPrewarm = info.afterPrewarm === true ? 'true' : 'false';
    const previousItemType = info.previousItemType ?? 'none';
    const currentItemType = info.currentItemType ?? 'none';
    const key = `${info.mode}|${info.reason}|${info.phase}|${afterPrewarm}|${previousItemType}|${currentItemType}`;
    let tags = this.continuationTags.get(key);
    if (tags === undefined) {
      tags = {
        ...this.sessionTags,
        mode: sanitizeMetricTagValue(info.mode),
        reason: sanitizeMetricTagValue(info.reason),
        phase: sanitizeMetricTagValue(info.phase),
        after_prewarm: afterPrewarm,
        previous_item_type: sanitizeMetricTagValue(previousItemType),
        current_item_type: sanitizeMetricTagValue(currentItemType),
      };
      if (this.continuationTags.size < MAX_CACHED_TAG_SETS) this.continuationTags.set(key, tags);
    }
    this.continuationCounter.add(1, tags);
  }

  private kindTagsFor(cache: KindTagCache, kind: string, success: boolean): Attributes {
    const map = cache[success ? 1 : 0];
    let tags = map.get(kind);
    if (tags === undefined) {
      tags = { ...this.sessionTags, kind: sanitizeMetricTagValue(kind), success: String(success) };
      if (map.size < MAX_CACHED_TAG_SETS) map.set(kind, tags);
    }
    return tags;
  }
}
