// The spans of a turn (0.169.0's names, otel-capture 2026-12-03): `session_task.turn` > `run_turn`
// > `run_sampling_request` > `try_run_sampling_request` > {`stream_request`, `receiving_stream`}.
// A turn runs in an async generator, where the active context is the consumer's at each `next()`,
// so every span here gets an explicit parent context and calls that must see a span active are
// wrapped in `context.with`.

import { monotonicMs } from '@codex-ts/client';
import { type SessionTelemetry, TelemetrySpanNames } from '@codex-ts/otel';
import { type Attributes, type Context, context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';

/** A started span and the context that has it active. */
export interface SpanScope {
  span: Span;
  ctx: Context;
}

/** Starts `name` as a child of `parent` on the session's tracer. */
export function childSpan(
  telemetry: SessionTelemetry,
  name: string,
  attributes: Attributes,
  parent: Context,
): SpanScope {
  const span = telemetry.startSpan(name, { attributes }, parent);
  return { span, ctx: trace.setSpan(parent, span) };
}

/** Ends `scope` (if any), with status ERROR and the redacted message of `error` when given. */
export function endSpan(telemetry: SessionTelemetry, scope: SpanScope | undefined, error?: unknown): void {
  if (scope === undefined) return;
  if (error !== undefined) {
    const message = telemetry.redactor.redact(error instanceof Error ? error.message : String(error));
    scope.span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  scope.span.end();
}

/** Token usage of a turn as the `codex.turn.token_usage.*` span attributes and metric points. */
export interface TurnUsage {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteInputTokens: number;
  outputTokens: number;
  reasoningOutputTokens: number;
  totalTokens: number;
}

/**
 * The turn's outer spans: `session_task.turn` (`turn.id`, `model`, `codex.turn.reasoning_effort`)
 * as a child of the context active when the turn starts, and `run_turn` (`conversation.id`,
 * `turn.id`) below it; {@link end} sets the token usage attributes, adds `codex.turn_profile` and
 * ends both.
 */
export class TurnTrace {
  readonly telemetry: SessionTelemetry;
  readonly turn: SpanScope;
  readonly runTurn: SpanScope;
  readonly turnId: string;
  readonly model: string;

  constructor(
    telemetry: SessionTelemetry,
    info: { turnId: string; model: string; reasoningEffort: string | undefined },
    parent: Context = context.active(),
  ) {
    this.telemetry = telemetry;
    this.turnId = info.turnId;
    this.model = info.model;
    const turnAttributes: Attributes = { 'turn.id': info.turnId, model: info.model };
    if (info.reasoningEffort !== undefined)
      turnAttributes['codex.turn.reasoning_effort'] = info.reasoningEffort;
    this.turn = childSpan(telemetry, TelemetrySpanNames.sessionTaskTurn, turnAttributes, parent);
    this.runTurn = childSpan(
      telemetry,
      TelemetrySpanNames.runTurn,
      { 'conversation.id': telemetry.conversationId, 'turn.id': info.turnId },
      this.turn.ctx,
    );
  }

  /** Runs `fn` in a `run_hooks_and_record_inputs` span below `run_turn` (the user prompt is recorded there). */
  recordInputs(fn: () => void): void {
    const scope = childSpan(this.telemetry, TelemetrySpanNames.runHooksAndRecordInputs, {}, this.runTurn.ctx);
    try {
      context.with(scope.ctx, fn);
    } finally {
      scope.span.end();
    }
  }

  /**
   * Ends the turn: `codex.turn.token_usage.*` attributes (integers, `non_cached_input_tokens` =
   * input − cached) when `usage` is known, `codex.turn_profile` on `session_task.turn`, then
   * `run_turn` and `session_task.turn` (status ERROR with `error`'s redacted message when given).
   */
  end(info: {
    usage: TurnUsage | undefined;
    samplingRequests: number;
    retries: number;
    error?: unknown;
  }): void {
    const usage = info.usage;
    if (usage !== undefined) {
      const prefix = 'codex.turn.token_usage.';
      this.turn.span.setAttributes({
        [`${prefix}input_tokens`]: usage.inputTokens,
        [`${prefix}cached_input_tokens`]: usage.cachedInputTokens,
        [`${prefix}cache_write_input_tokens`]: usage.cacheWriteInputTokens,
        [`${prefix}non_cached_input_tokens`]: Math.max(0, usage.inputTokens - usage.cachedInputTokens),
        [`${prefix}output_tokens`]: usage.outputTokens,
        [`${prefix}reasoning_output_tokens`]: usage.reasoningOutputTokens,
        [`${prefix}total_tokens`]: usage.totalTokens,
      });
    }
    context.with(this.turn.ctx, () =>
      this.telemetry.recordTurnProfile({
        turnId: this.turnId,
        samplingRequestCount: info.samplingRequests,
        samplingRetryCount: info.retries,
      }),
    );
    endSpan(this.telemetry, this.runTurn, info.error);
    endSpan(this.telemetry, this.turn, info.error);
  }
}

/** The first output of a response: a text or reasoning delta. */
const OUTPUT_DELTAS: ReadonlySet<string> = new Set([
  'output_text.delta',
  'reasoning_summary_text.delta',
  'reasoning_content.delta',
]);

/**
 * The sampling spans and the timings of one turn (used by `runTurn` when given a {@link TurnTrace}):
 * `run_sampling_request` per request (kept over its retries), `try_run_sampling_request` per
 * attempt, `stream_request` around the send and `receiving_stream` around the read; time to
 * first token (first output delta of the turn), to first message (first assistant message item),
 * end to end, from the trace's creation. Never throws from a recorder.
 */
export class TurnTiming {
  readonly #trace: TurnTrace;
  readonly #telemetry: SessionTelemetry;
  readonly #startedAt = monotonicMs();
  #sampling: SpanScope | undefined;
  #attempt: SpanScope | undefined;
  #receiving: SpanScope | undefined;
  #requestStartedAt = 0;
  #firstOutputAt: number | undefined;
  #ttftRecorded = false;
  #ttfmRecorded = false;
  #samplingRequests = 0;
  #retries = 0;
  #toolCalls = 0;

  constructor(trace: TurnTrace) {
    this.#trace = trace;
    this.#telemetry = trace.telemetry;
  }

  /** A new attempt: a new `run_sampling_request` unless a retry of the current one, then `try_run_sampling_request`. */
  beginAttempt(retry: boolean): void {
    const attrs = { turn_id: this.#trace.turnId, model: this.#trace.model };
    if (this.#sampling === undefined) {
      this.#sampling = childSpan(
        this.#telemetry,
        TelemetrySpanNames.runSamplingRequest,
        attrs,
        this.#trace.runTurn.ctx,
      );
      this.#samplingRequests += 1;
    } else if (retry) {
      this.#retries += 1;
    }
    this.#attempt = childSpan(
      this.#telemetry,
      TelemetrySpanNames.tryRunSamplingRequest,
      attrs,
      this.#sampling.ctx,
    );
    this.#firstOutputAt = undefined;
  }

  /** Sends the request inside `stream_request` (the transport's spans become its children). */
  async streamRequest<T>(send: () => Promise<T>): Promise<T> {
    const parent = this.#attempt?.ctx ?? this.#trace.runTurn.ctx;
    const scope = childSpan(this.#telemetry, TelemetrySpanNames.streamRequest, {}, parent);
    this.#requestStartedAt = monotonicMs();
    try {
      const result = await context.with(scope.ctx, send);
      endSpan(this.#telemetry, scope);
      this.#receiving = childSpan(this.#telemetry, TelemetrySpanNames.receivingStream, {}, parent);
      return result;
    } catch (error) {
      endSpan(this.#telemetry, scope, error);
      throw error;
    }
  }

  /** Runs `fn` with `run_sampling_request` active (e.g. a `codex.retry` event). */
  inSampling(fn: () => void): void {
    const ctx = this.#sampling?.ctx;
    if (ctx === undefined) fn();
    else context.with(ctx, fn);
  }

  /**
   * Runs `fn` with `run_turn` active: a tool call's handler and its `codex.tool_result` belong to
   * the turn's trace (the turn runs in a generator, where the consumer's context is active).
   */
  inTurn<T>(fn: () => T): T {
    return context.with(this.#trace.runTurn.ctx, fn);
  }

  /** Sees one response event: the first output delta of the turn records ttft; the first assistant message ttfm. */
  observe(event: { type: string; item?: unknown }): void {
    if (OUTPUT_DELTAS.has(event.type)) {
      this.#firstOutputAt ??= monotonicMs();
      if (!this.#ttftRecorded) {
        this.#ttftRecorded = true;
        const ms = monotonicMs() - this.#startedAt;
        const ctx = this.#attempt?.ctx;
        if (ctx === undefined) this.#telemetry.recordTurnTtft(ms);
        else context.with(ctx, () => this.#telemetry.recordTurnTtft(ms));
      }
    } else if (event.type === 'output_item.done' && !this.#ttfmRecorded) {
      const item = event.item as { type?: string; role?: string } | undefined;
      if (item?.type === 'message' && item.role === 'assistant') {
        this.#ttfmRecorded = true;
        this.#telemetry.recordTurnTtfm(monotonicMs() - this.#startedAt);
      }
    }
  }

  /** A response completed: the `response.completed` variant of `codex.sse_event`. */
  completed(usage: TurnUsage | undefined, reasoningEffort: string | undefined): void {
    this.#telemetry.recordResponseCompleted({
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      cachedInputTokens: usage?.cachedInputTokens ?? 0,
      cacheWriteInputTokens: usage?.cacheWriteInputTokens ?? 0,
      reasoningOutputTokens: usage?.reasoningOutputTokens ?? 0,
      toolTokens: usage?.totalTokens ?? 0,
      ...(this.#firstOutputAt === undefined ? {} : { ttftMs: this.#firstOutputAt - this.#requestStartedAt }),
      ...(reasoningEffort === undefined ? {} : { reasoningEffort }),
    });
  }

  /** The attempt succeeded: ends its spans and the sampling request's. */
  attemptSucceeded(): void {
    this.#endAttempt(undefined);
    endSpan(this.#telemetry, this.#sampling);
    this.#sampling = undefined;
  }

  /** The attempt failed (it may be retried): ends its spans with the error. */
  attemptFailed(error: unknown): void {
    this.#endAttempt(error);
  }

  /** Tool calls the turn ran (`codex.turn.tool.call`). */
  countToolCalls(count: number): void {
    this.#toolCalls += count;
  }

  /** Ends whatever is open and the turn: the e2e / token usage / tool call metrics and {@link TurnTrace.end}. */
  end(usage: TurnUsage, error: unknown): void {
    this.#endAttempt(error);
    endSpan(this.#telemetry, this.#sampling, error);
    this.#sampling = undefined;
    this.#telemetry.recordTurnCompleted({
      durationMs: monotonicMs() - this.#startedAt,
      usage,
      toolCalls: this.#toolCalls,
    });
    this.#trace.end({ usage, samplingRequests: this.#samplingRequests, retries: this.#retries, error });
  }

  #endAttempt(error: unknown): void {
    endSpan(this.#telemetry, this.#receiving, error);
    endSpan(this.#telemetry, this.#attempt, error);
    this.#receiving = undefined;
    this.#attempt = undefined;
  }
}
