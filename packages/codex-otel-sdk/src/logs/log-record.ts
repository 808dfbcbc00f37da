// The log record our Logger hands to the SDK's processors: the `SdkLogRecord` / `ReadableLogRecord`
// contract of `@opentelemetry/sdk-logs` (0.205) built with less work per record than its
// `LogRecordImpl` (no per-attribute key counting, the hrTime of one ms shared).

import { diag, type HrTime, type SpanContext } from '@opentelemetry/api';
import type { AnyValue, LogAttributes, LogBody, SeverityNumber } from '@opentelemetry/api-logs';
import { type InstrumentationScope, isAttributeValue } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { SdkLogRecord } from '@opentelemetry/sdk-logs';

/** The limits every record of one provider honours (the SDK's `LogRecordLimits`, resolved). */
export interface ResolvedLogRecordLimits {
  /** Most attributes kept per record; later new keys are dropped and counted. */
  readonly attributeCountLimit: number;
  /** Longest string value kept (UTF-16 code units; strings and string array items are cut); `Infinity`: no limit. */
  readonly attributeValueLengthLimit: number;
}

/** What a provider shares with each of its records. */
export interface LogRecordShared {
  readonly resource: Resource;
  readonly limits: ResolvedLogRecordLimits;
}

/** What every record of one logger shares: its provider's resource and limits, the logger's scope. */
export interface LoggerShared extends LogRecordShared {
  readonly scope: InstrumentationScope;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * One emitted log record, as the SDK's `LogRecordImpl` behaves: attributes copied from the
 * emitted record (own enumerable keys; `null` values skipped, empty keys and invalid values
 * skipped with a diag warning, the count limit honoured with `droppedAttributesCount`, strings cut to
 * the value length limit), writable through the setters while processors run `onEmit`, read-only
 * (writes ignored with a diag warning) afterwards. With `ownsAttributes`, the emitted attributes
 * object itself becomes the record's when a copy would equal it (the caller handed it over, see
 * `OwnedAttributesLogger` of `@codex-ts/otel`). `resource` and `instrumentationScope` are read
 * from the logger's shared part (one field per record instead of three).
 */
export class CodexLogRecord implements SdkLogRecord {
  readonly hrTime: HrTime;
  readonly hrTimeObserved: HrTime;
  readonly spanContext: SpanContext | undefined;
  attributes: LogAttributes = {};
  /** Attributes set so far, kept or dropped (the SDK's `totalAttributesCount`). */
  totalAttributesCount = 0;

  private keptCount = 0;
  private readonly shared: LoggerShared;
  private readonlyState = false;
  private severityTextValue: string | undefined;
  private severityNumberValue: SeverityNumber | undefined;
  private bodyValue: LogBody | undefined;
  private eventNameValue: string | undefined;

  constructor(
    shared: LoggerShared,
    hrTime: HrTime,
    hrTimeObserved: HrTime,
    spanContext: SpanContext | undefined,
    record: {
      severityText?: string | undefined;
      severityNumber?: SeverityNumber | undefined;
      body?: LogBody | undefined;
      eventName?: string | undefined;
      attributes?: LogAttributes | undefined;
    },
    ownsAttributes = false,
  ) {
    this.hrTime = hrTime;
    this.hrTimeObserved = hrTimeObserved;
    this.spanContext = spanContext;
    this.shared = shared;
    this.severityTextValue = record.severityText;
    this.severityNumberValue = record.severityNumber;
    this.bodyValue = record.body;
    this.eventNameValue = record.eventName;
    const source = record.attributes;
    if (source !== undefined) this.copyAttributes(source, ownsAttributes);
  }

  get resource(): Resource {
    return this.shared.resource;
  }
  get instrumentationScope(): InstrumentationScope {
    return this.shared.scope;
  }

  get severityText(): string | undefined {
    return this.severityTextValue;
  }
  set severityText(value: string | undefined) {
    if (!this.isReadonly()) this.severityTextValue = value;
  }
  get severityNumber(): SeverityNumber | undefined {
    return this.severityNumberValue;
  }
  set severityNumber(value: SeverityNumber | undefined) {
    if (!this.isReadonly()) this.severityNumberValue = value;
  }
  get body(): LogBody | undefined {
    return this.bodyValue;
  }
  set body(value: LogBody | undefined) {
    if (!this.isReadonly()) this.bodyValue = value;
  }
  get eventName(): string | undefined {
    return this.eventNameValue;
  }
  set eventName(value: string | undefined) {
    if (!this.isReadonly()) this.eventNameValue = value;
  }
  /** Attributes set but not kept (count limit). */
  get droppedAttributesCount(): number {
    return this.totalAttributesCount - this.keptCount;
  }

  setAttribute(key: string, value?: AnyValue): this {
    if (this.isReadonly() || value === null) return this;
    this.put(key, value, hasOwn.call(this.attributes, key));
    return this;
  }

  setAttributes(attributes: LogAttributes): this {
    for (const key in attributes) if (hasOwn.call(attributes, key)) this.setAttribute(key, attributes[key]);
    return this;
  }

  setBody(body: LogBody): this {
    this.body = body;
    return this;
  }

  setEventName(eventName: string): this {
    this.eventName = eventName;
    return this;
  }

  setSeverityNumber(severityNumber: SeverityNumber): this {
    this.severityNumber = severityNumber;
    return this;
  }

  setSeverityText(severityText: string): this {
    this.severityText = severityText;
    return this;
  }

  /** After the processors' `onEmit`: later writes are ignored. */
  makeReadonly(): void {
    this.readonlyState = true;
  }

  // The emitted attributes: their keys are distinct and the record starts empty, so no key can
  // already be present.
  private copyAttributes(source: LogAttributes, owned: boolean): void {
    // The common case (`codex.sse_event`): string / number / boolean values under non-empty keys,
    // within the count limit, no length limit: the result is a shallow copy, made in one clone
    // (or, when the caller handed the object over, that object itself).
    const limits = this.shared.limits;
    if (limits.attributeValueLengthLimit === Number.POSITIVE_INFINITY) {
      let count = 0;
      let plain = true;
      for (const key in source) {
        const type = typeof source[key];
        if (
          (type !== 'string' && type !== 'number' && type !== 'boolean') ||
          key.length === 0 ||
          !hasOwn.call(source, key)
        ) {
          plain = false;
          break;
        }
        count++;
      }
      if (plain && count <= limits.attributeCountLimit && Object.getOwnPropertySymbols(source).length === 0) {
        this.attributes = owned ? source : { ...source };
        this.keptCount = count;
        this.totalAttributesCount = count;
        return;
      }
    }
    for (const key in source) {
      if (!hasOwn.call(source, key)) continue;
      const value = source[key];
      if (value !== null) this.put(key, value, false);
    }
  }

  private put(key: string, value: AnyValue, present: boolean): void {
    if (key.length === 0) {
      diag.warn(`Invalid attribute key: ${key}`);
      return;
    }
    const type = typeof value;
    const primitive = type === 'string' || type === 'number' || type === 'boolean' || value === undefined;
    if (
      !primitive &&
      !isAttributeValue(value) &&
      !(typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length > 0)
    ) {
      diag.warn(`Invalid attribute value set for key: ${key}`);
      return;
    }
    this.totalAttributesCount += 1;
    if (!present) {
      if (this.keptCount >= this.shared.limits.attributeCountLimit) {
        if (this.droppedAttributesCount === 1) diag.warn('Dropping extra attributes.');
        return;
      }
      this.keptCount += 1;
    }
    const limit = this.shared.limits.attributeValueLengthLimit;
    if (primitive) {
      this.attributes[key] = limit === Number.POSITIVE_INFINITY ? value : truncated(value, limit);
    } else if (isAttributeValue(value)) {
      // An array: always a copy, as the SDK's record keeps.
      this.attributes[key] = truncated(value, limit);
    } else {
      this.attributes[key] = value;
    }
  }

  private isReadonly(): boolean {
    if (this.readonlyState) diag.warn('Can not execute the operation on emitted log record');
    return this.readonlyState;
  }
}

/**
 * `value` with strings (alone or in an array, which is copied) cut to `limit`; a limit ≤ 0 is
 * invalid and ignored with a diag warning.
 */
function truncated(value: AnyValue, limit: number): AnyValue {
  if (limit <= 0) {
    diag.warn(`Attribute value limit must be positive, got ${limit}`);
    return value;
  }
  if (typeof value === 'string') return value.length <= limit ? value : value.substring(0, limit);
  if (Array.isArray(value))
    return value.map((item) =>
      typeof item === 'string' && item.length > limit ? item.substring(0, limit) : item,
    );
  return value;
}
