import type { ResponseItem, TokenUsage } from '@codex-ts/protocol';
import { parseResponseItem, tokenUsageFromWire } from '@codex-ts/protocol';
import { ApiError } from '../errors/api-error.js';
import { ErrorTexts, streamMessage, usageLimitMessage } from '../errors/messages.js';
import { isObject, type JsonObject } from '../internal/json.js';
import { parseRateLimitEvent } from '../rate-limits/event.js';
import { parseRetryAfterHint } from '../rate-limits/retry-after.js';
import type { ResponseEvent } from './events.js';

/** Options of a {@link ResponsesEventMapper}. */
export interface ResponsesEventMapperOptions {
  /**
   * `http` (default): `response.failed` / `response.incomplete` errors are **stored** and surfaced at
   * end of stream by {@link ResponsesEventMapper.finish}; `codex.rate_limits` and
   * `codex.response.metadata` are ignored.
   * `websocket`: those errors are thrown at once from {@link ResponsesEventMapper.process};
   * `codex.rate_limits` becomes a `rate_limits` event; `codex.response.metadata` and
   * `response.metadata` headers give `models_etag` / `server_model` / `turn_state`.
   */
  transport?: 'http' | 'websocket';
  /**
   * Value of the `x-codex-safety-buffering-faster-model` response header, used as `fasterModel` of a
   * `safety_buffering` event whose payload has no `retry_model`.
   */
  safetyBufferingFasterModel?: string | undefined;
  /** Whether a turn state is already known (write-once); a later one is not emitted. */
  turnStateKnown?: boolean;
}

type Json = JsonObject;

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function tryParseItem(value: unknown): ResponseItem | undefined {
  if (!isObject(value)) return undefined;
  try {
    return parseResponseItem(value);
  } catch {
    return undefined;
  }
}

/** A model header (`openai-model` / `x-openai-model`, any case) in a JSON headers object. */
function modelFromHeaders(headers: unknown): string | undefined {
  if (!isObject(headers)) return undefined;
  for (const key in headers) {
    const lower = key.toLowerCase();
    if (lower !== 'openai-model' && lower !== 'x-openai-model') continue;
    const value = headers[key];
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  }
  return undefined;
}

function headerValue(headers: Json, name: string): string | undefined {
  for (const key in headers) {
    if (key.toLowerCase() !== name) continue;
    const value = headers[key];
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  }
  return undefined;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/**
 * The `response.failed` error object → {@link ApiError} (0.169.0 texts). First match wins:
 *
 * | `error.code` | code | message |
 * |---|---|---|
 * | `context_length_exceeded` | `context_window_exceeded` | "Codex ran out of room in the model's context window. …" |
 * | `insufficient_quota` | `quota_exceeded` | "Quota exceeded. Check your plan and billing details." |
 * | `usage_not_included` | `usage_not_included` | "To use Codex with your ChatGPT plan, upgrade to Plus: …" |
 * | `cyber_policy` | `cyber_policy` | message, or the default when blank |
 * | `misalignment_policy_violation` | `misalignment_policy_violation` | message, or the default when blank |
 * | `invalid_prompt` / `bio_policy` | `invalid_request` | message, or "Invalid request." |
 * | `server_is_overloaded` / `slow_down` | `server_overloaded` | "Selected model is at capacity. Please try a different model." |
 * | `rate_limit_exceeded` | `rate_limit_exceeded` | "rate limit exceeded: <message>", `retryDelayMs` from "try again in N s/ms" |
 * | `usage_limit_reached` (code or type) | `usage_limit_reached` | the plan's usage-limit text ({@link usageLimitMessage}) from `plan_type` / `resets_at` |
 * | anything else | `stream` | "stream disconnected before completion: <message>" |
 *
 * `response` missing or `error` not an object → `stream` "stream disconnected before completion:
 * response.failed event received".
 */
export function apiErrorFromResponseFailed(event: Json): ApiError {
  const response = event.response;
  const error = isObject(response) ? response.error : undefined;
  if (!isObject(error)) return new ApiError('stream', streamMessage(ErrorTexts.responseFailed));
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code === 'usage_limit_reached' || error.type === 'usage_limit_reached') {
    const info = {
      planType: typeof error.plan_type === 'string' ? error.plan_type : undefined,
      resetsAt: isInteger(error.resets_at) ? error.resets_at : undefined,
    };
    return new ApiError('usage_limit_reached', usageLimitMessage(info), info);
  }
  const message = typeof error.message === 'string' ? error.message : undefined;
  const blank = message === undefined || message.trim() === '';
  const details = {
    planType: typeof error.plan_type === 'string' ? error.plan_type : undefined,
    resetsAt: isInteger(error.resets_at) ? error.resets_at : undefined,
  };
  switch (code) {
    case 'context_length_exceeded':
      return new ApiError('context_window_exceeded', ErrorTexts.contextWindowExceeded, details);
    case 'insufficient_quota':
      return new ApiError('quota_exceeded', ErrorTexts.quotaExceeded, details);
    case 'usage_not_included':
      return new ApiError('usage_not_included', ErrorTexts.usageNotIncluded, details);
    case 'cyber_policy':
      return new ApiError(
        'cyber_policy',
        blank ? ErrorTexts.cyberPolicyFallback : (message as string),
        details,
      );
    case 'misalignment_policy_violation':
      return new ApiError(
        'misalignment_policy_violation',
        blank ? ErrorTexts.misalignmentFallback : (message as string),
        details,
      );
    case 'invalid_prompt':
    case 'bio_policy':
      return new ApiError('invalid_request', message ?? ErrorTexts.invalidRequestFallback, details);
    case 'server_is_overloaded':
    case 'slow_down':
      return new ApiError('server_overloaded', ErrorTexts.serverOverloaded, details);
    case 'rate_limit_exceeded':
      return new ApiError('rate_limit_exceeded', `rate limit exceeded: ${message ?? ''}`, {
        ...details,
        retryDelayMs: parseRetryAfterHint(message),
      });
    default:
      return new ApiError('stream', streamMessage(message ?? ''), details);
  }
}

/**
 * The Responses event state machine shared by HTTP SSE and WebSocket: feed it one parsed
 * JSON event object at a time with {@link process}. Per event it returns the event's own
 * {@link ResponseEvent} (or undefined) and queues the derived events that precede it
 * (server model → model verifications → moderation metadata → safety buffering) in
 * {@link pending}; callers emit `pending` first, then the returned event, then clear `pending`
 * (or use {@link drain}).
 *
 * Unknown event types, events lacking required fields and items that fail to parse are ignored.
 * Deltas are handled with plain property checks (no schema validation).
 * After `completed` ({@link isCompleted}) the caller should stop reading.
 */
export class ResponsesEventMapper {
  /** Derived events produced by the last {@link process} call, to be emitted before its result. */
  readonly pending: ResponseEvent[] = [];
  private readonly websocket: boolean;
  private readonly fasterModelHeader: string | undefined;
  private lastPayloadModel: string | undefined;
  private storedError: ApiError | undefined;
  private completedFlag = false;
  private turnStateKnown: boolean;

  constructor(options: ResponsesEventMapperOptions = {}) {
    this.websocket = options.transport === 'websocket';
    this.fasterModelHeader = options.safetyBufferingFasterModel;
    this.turnStateKnown = options.turnStateKnown ?? false;
  }

  /** True once a `response.completed` was mapped. */
  get isCompleted(): boolean {
    return this.completedFlag;
  }

  /** The error stored by `response.failed` / `response.incomplete` (HTTP mode), if any. */
  get error(): ApiError | undefined {
    return this.storedError;
  }

  /**
   * Maps one parsed event object. Returns the event's own result, or undefined (derived events may
   * still be in {@link pending}). Throws an {@link ApiError} for `response.failed` /
   * `response.incomplete` in `websocket` mode, and for an unparseable `response.completed` in both
   * modes ("stream disconnected before completion: failed to parse ResponseCompleted: …").
   */
  process(event: unknown): ResponseEvent | undefined {
    if (typeof event !== 'object' || event === null) return undefined;
    const ev = event as Json;
    const type = ev.type;
    // Hot path: a plain text delta has no payload headers / safety fields to look at.
    if (type === 'response.output_text.delta') {
      if (ev.response === undefined && ev.headers === undefined && ev.safety_buffering === undefined) {
        const delta = ev.delta;
        return typeof delta === 'string' ? { type: 'output_text.delta', delta } : undefined;
      }
    }
    if (typeof type !== 'string') return undefined;
    this.derive(ev, type);
    switch (type) {
      case 'response.created':
        return ev.response !== undefined && ev.response !== null ? { type: 'created' } : undefined;
      case 'response.output_item.added': {
        const item = tryParseItem(ev.item);
        return item ? { type: 'output_item.added', item } : undefined;
      }
      case 'response.output_item.done': {
        const item = tryParseItem(ev.item);
        return item ? { type: 'output_item.done', item } : undefined;
      }
      case 'response.output_text.delta':
        return typeof ev.delta === 'string' ? { type: 'output_text.delta', delta: ev.delta } : undefined;
      case 'response.custom_tool_call_input.delta': {
        const delta = ev.delta;
        const itemId = typeof ev.item_id === 'string' ? ev.item_id : undefined;
        const callId = typeof ev.call_id === 'string' ? ev.call_id : undefined;
        const id = itemId ?? callId;
        if (typeof delta !== 'string' || id === undefined) return undefined;
        return { type: 'tool_call_input.delta', itemId: id, callId, delta };
      }
      case 'response.reasoning_summary_text.delta':
        return typeof ev.delta === 'string' && isInteger(ev.summary_index)
          ? { type: 'reasoning_summary_text.delta', delta: ev.delta, summaryIndex: ev.summary_index }
          : undefined;
      case 'response.reasoning_summary_text.done':
        return typeof ev.item_id === 'string' && typeof ev.text === 'string' && isInteger(ev.summary_index)
          ? {
              type: 'reasoning_summary_text.done',
              itemId: ev.item_id,
              text: ev.text,
              summaryIndex: ev.summary_index,
            }
          : undefined;
      case 'response.reasoning_summary_part.added':
        return isInteger(ev.summary_index)
          ? { type: 'reasoning_summary_part.added', summaryIndex: ev.summary_index }
          : undefined;
      case 'response.reasoning_text.delta':
        return typeof ev.delta === 'string' && isInteger(ev.content_index)
          ? { type: 'reasoning_text.delta', delta: ev.delta, contentIndex: ev.content_index }
          : undefined;
      case 'response.completed':
        return this.completed(ev);
      case 'response.failed':
        return this.fail(apiErrorFromResponseFailed(ev));
      case 'response.incomplete': {
        const response = isObject(ev.response) ? ev.response : undefined;
        const details =
          response && isObject(response.incomplete_details) ? response.incomplete_details : undefined;
        const reason = details && typeof details.reason === 'string' ? details.reason : 'unknown';
        return this.fail(
          new ApiError('response_incomplete', `${ErrorTexts.incompleteResponsePrefix}${reason}`),
        );
      }
      case 'codex.rate_limits': {
        if (!this.websocket) return undefined;
        const snapshot = parseRateLimitEvent(ev);
        return snapshot ? { type: 'rate_limits', snapshot } : undefined;
      }
      case 'codex.response.metadata':
        if (this.websocket) this.metadataHeaders(ev.headers, true);
        return undefined;
      default:
        return undefined;
    }
  }

  /** Returns and clears {@link pending} plus `own` (when defined), in emission order. */
  drain(own: ResponseEvent | undefined): ResponseEvent[] {
    const out = this.pending.splice(0, this.pending.length);
    if (own !== undefined) out.push(own);
    return out;
  }

  /**
   * The error to raise when the stream ended without `response.completed`: the stored
   * `response.failed` / `response.incomplete` error, else `stream` "stream disconnected before
   * completion: stream closed before response.completed".
   */
  finish(): ApiError {
    return this.storedError ?? new ApiError('stream', streamMessage(ErrorTexts.streamClosedEarly));
  }

  private fail(error: ApiError): undefined {
    if (this.websocket) throw error;
    this.storedError = error;
    return undefined;
  }

  private completed(ev: Json): ResponseEvent | undefined {
    if (ev.response === undefined || ev.response === null) return undefined;
    const response = ev.response;
    let tokenUsage: TokenUsage | undefined;
    let problem: string | undefined;
    if (!isObject(response)) problem = 'expected an object';
    else if (typeof response.id !== 'string') problem = 'missing field `id`';
    else if (
      response.end_turn !== undefined &&
      response.end_turn !== null &&
      typeof response.end_turn !== 'boolean'
    ) {
      problem = 'invalid type for `end_turn`';
    } else if (response.usage !== undefined && response.usage !== null) {
      try {
        tokenUsage = tokenUsageFromWire(response.usage);
      } catch (err) {
        problem = err instanceof Error ? err.message : String(err);
      }
    }
    if (problem !== undefined || !isObject(response)) {
      const error = new ApiError('stream', streamMessage(`failed to parse ResponseCompleted: ${problem}`));
      if (this.websocket) throw error;
      this.storedError = error;
      return undefined;
    }
    this.completedFlag = true;
    return {
      type: 'completed',
      responseId: response.id as string,
      tokenUsage,
      endTurn: typeof response.end_turn === 'boolean' ? response.end_turn : undefined,
    };
  }

  /** Derived events, in the original's order: server model, verifications, moderation, safety buffering. */
  private derive(ev: Json, type: string): void {
    const response = ev.response;
    const responseHeaders = isObject(response) ? response.headers : undefined;
    if (responseHeaders !== undefined || ev.headers !== undefined) {
      const model = modelFromHeaders(responseHeaders) ?? modelFromHeaders(ev.headers);
      if (model !== undefined && model !== this.lastPayloadModel) {
        this.lastPayloadModel = model;
        this.pending.push({ type: 'server_model', model });
      }
    }
    let safety: unknown = ev.safety_buffering;
    if (type === 'response.metadata') {
      const metadata = ev.metadata;
      if (isObject(metadata)) {
        const rec = metadata.openai_verification_recommendation;
        if (isStringArray(rec)) {
          const verifications = [...new Set(rec.filter((v) => v === 'trusted_access_for_cyber'))];
          if (verifications.length > 0) this.pending.push({ type: 'model_verifications', verifications });
        }
        if (metadata.openai_chatgpt_moderation_metadata !== undefined) {
          this.pending.push({
            type: 'turn_moderation_metadata',
            metadata: metadata.openai_chatgpt_moderation_metadata,
          });
        }
        if (safety === undefined && metadata.type === 'safety_buffering') safety = metadata;
      }
      if (this.websocket) this.metadataHeaders(ev.headers, false);
    }
    if (
      safety !== undefined &&
      isObject(safety) &&
      isStringArray(safety.use_cases) &&
      isStringArray(safety.reasons)
    ) {
      const retryModel = typeof safety.retry_model === 'string' ? safety.retry_model : undefined;
      this.pending.push({
        type: 'safety_buffering',
        showBufferingUi: true,
        fasterModel: retryModel ?? this.fasterModelHeader,
      });
    }
  }

  /** WebSocket metadata headers: turn state (write-once) and, for `codex.response.metadata`, etag/model. */
  private metadataHeaders(headers: unknown, full: boolean): void {
    if (!isObject(headers)) return;
    if (full) {
      const etag = headerValue(headers, 'x-models-etag')?.trim();
      if (etag) this.pending.push({ type: 'models_etag', etag });
    }
    const turnState = headerValue(headers, 'x-codex-turn-state');
    if (turnState !== undefined && !this.turnStateKnown) {
      this.turnStateKnown = true;
      this.pending.push({ type: 'turn_state', value: turnState, source: 'metadata' });
    }
  }
}
