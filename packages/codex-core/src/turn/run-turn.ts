import { ApiError, ErrorTexts } from '@codex-ts/api';
import { backoffMs, sleep as defaultSleep } from '@codex-ts/client';
import type { SessionTelemetry } from '@codex-ts/otel';
import {
  addTokenUsage,
  customToolCallOutput,
  emptyTokenUsage,
  functionCallOutput,
  isToolCall,
  type ResponseItem,
  type TokenUsage,
  type ToolCallItem,
  toolCallId,
} from '@codex-ts/protocol';
import type { ModelClientSession } from '../client/model-client-session.js';
import type { SamplingRequest } from '../client/request-builder.js';
import type { CompactionOutcome } from '../compaction/run-compaction.js';
import type { ToolHandler, ToolItemEvent } from '../tools/tool-handler.js';
import { missingCallOutputs } from './call-outputs.js';
import type { TurnEvent } from './events.js';
import { contextWindowTokenCount, isReroute, MODEL_REROUTE_WARNING, modelWarningMessage } from './signals.js';
import { mergeSteps, parallelBatches } from './tool-batches.js';
import { toolCallRecorder } from './tool-telemetry.js';
import { TurnTiming, type TurnTrace } from './turn-trace.js';

/** Base delay of the turn-level retry backoff, in ms. */
export const STREAM_RETRY_BASE_DELAY_MS = 200;

/**
 * Start of the `warning` a turn emits when it gives up on WebSockets after exhausting its
 * retries; the error text follows after a space.
 */
export const WEBSOCKET_FALLBACK_WARNING = 'Falling back from WebSockets to HTTPS transport.';

/** Inputs of {@link runTurn}. */
export interface RunTurnOptions {
  /** The turn-scoped client (holds the turn-state cell). */
  session: ModelClientSession;
  turnId: string;
  /**
   * The conversation history including this turn's new user items. The loop appends the
   * items of every completed response and every tool output to it, so the next request
   * (a tool follow-up, a retry, the next turn) sends the full history.
   */
  history: ResponseItem[];
  /** Builds the sampling request for the current history. */
  makeRequest(input: ResponseItem[]): SamplingRequest;
  /** Turn-level retries of a failed sampling request (`stream_max_retries`, default 5). */
  streamMaxRetries: number;
  tools?: ToolHandler | undefined;
  signal?: AbortSignal | undefined;
  /** Injected for tests. */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /** Injected for tests: jitter source in [0, 1). */
  random?: (() => number) | undefined;
  /**
   * Records each turn-level retry as a `codex.retry` span event on the active span
   * (`retry.layer = stream`, `retry.operation = sampling`). Default: the telemetry of the
   * session's client (`ModelClientOptions.telemetry`).
   */
  telemetry?: SessionTelemetry | undefined;
  /**
   * The turn's spans (`TurnTrace`, made by `Conversation.runTurn`): each sampling request gets
   * `run_sampling_request` (`turn_id`, `model`) > one `try_run_sampling_request` per attempt
   * (`turn_id`, `model`; the `codex.turn_ttft` event) > `stream_request` (sending, the
   * transport's request spans below it) and `receiving_stream` (reading); `codex.retry` goes on
   * `run_sampling_request`. The turn metrics are recorded on the trace's telemetry
   * (`codex.turn.ttft/ttfm/e2e`, `codex.turn.token_usage`, `codex.turn.tool.call`, the
   * `response.completed` variant of `codex.sse_event`, `codex.tool.call`, `codex.tool_result`,
   * `codex.model_warning`) and the trace is ended when the turn ends. Default: none of these.
   */
  trace?: TurnTrace | undefined;
  /**
   * The model's context window in tokens, reported as `totalTokens` of the `token_count` that
   * precedes a context-window error (unknown: the turn's total so far).
   */
  contextWindow?: number | undefined;
  /**
   * Automatic compaction (observed-cli-0.169-auth §16): when a response's
   * `usage.total_tokens` reaches `limit` and the turn needs another request (tool outputs to
   * send), `compact(history, {phase: "mid_turn"})` runs before that request and its history
   * replaces the turn's (in place). With `preTurn`, `compact` runs first, before the turn's first
   * request, on the history without its last `preTurn.trailingItems` items (the turn's new user
   * items), which are appended again after the compacted history (`phase: "pre_turn"`). A
   * compaction's usage, when it reports one, is added to the turn's total. A failed compaction is
   * retried like a sampling request. Unset: never compacts.
   */
  autoCompact?:
    | {
        limit: number;
        preTurn?: { trailingItems: number } | undefined;
        compact(
          history: readonly ResponseItem[],
          context: {
            turnState: string | undefined;
            signal: AbortSignal | undefined;
            phase: 'mid_turn' | 'pre_turn';
            /** The turn's scope (remote compaction v2 sends on it). */
            session: ModelClientSession;
          },
        ): Promise<CompactionOutcome>;
      }
    | undefined;
}

/**
 * Runs one turn: samples, retries retryable failures, runs tool calls and sends their
 * outputs back until the model ends the turn (`handle_retryable_response_stream_error` and
 * the sampling loop of codex-rs, core-behaviour §17.4).
 *
 * Retry rule: a retryable `ApiError` is retried up to `streamMaxRetries` times per sampling
 * request, after the error's `retryDelayMs` (a "try again in N s" hint or `Retry-After`)
 * or `200 ms × 2^(n−1) ± 10 %`, with a `stream_error` event whose message is
 * `Reconnecting... n/max (<error text>)`; while the session is on WebSocket the 1/max notice
 * is not emitted (0.169.0 §7). Items of a failed attempt are neither kept in the history
 * nor delivered (`item.completed` waits for `response.completed`); when the failed attempt had
 * delivered deltas, `attempt.discarded` says so before the retry. The retry re-sends the same
 * request (over WebSocket: in full, on a new socket). See `TurnEvent` for the replay-safety rule.
 *
 * Fallback: when retries are exhausted while on WebSocket, the session switches
 * to HTTP for good, a `warning` "Falling back from WebSockets to HTTPS transport. <error>" is
 * emitted, the retry count restarts at 0 and the request is sent at once over HTTP.
 * Each retry is recorded as a `codex.retry` span event when telemetry is wired.
 * A non-retryable error, or exhausted retries on HTTP, ends the turn with `turn.failed`; the
 * caller's abort ends it with `turn.aborted`, after giving each tool call of the history still
 * without an output an `aborted` one (`missingCallOutputs`: the call running when the abort came
 * and those after it), so the next turn's request is valid. The caller owns `session` (and ends it).
 */
export async function* runTurn(options: RunTurnOptions): AsyncGenerator<TurnEvent> {
  const { session, history, streamMaxRetries, tools, signal } = options;
  const sleep = options.sleep ?? defaultSleep;
  const telemetry = options.telemetry ?? session.telemetry;
  const turnTrace = options.trace;
  const timing = turnTrace === undefined ? undefined : new TurnTiming(turnTrace);
  let total = emptyTokenUsage();
  let turnError: unknown;
  try {
    yield* runTurnLoop();
  } catch (error) {
    turnError = error;
    throw error;
  } finally {
    timing?.end(total, turnError);
  }

  async function* runTurnLoop(): AsyncGenerator<TurnEvent> {
    yield { type: 'turn.started', turnId: options.turnId };

    let retries = 0;
    let attempt = 0;
    let rerouteWarned = false;
    let lastUsage: TokenUsage | undefined;
    let compactionPending: 'mid_turn' | 'pre_turn' | undefined =
      options.autoCompact?.preTurn !== undefined ? 'pre_turn' : undefined;
    for (;;) {
      if (signal?.aborted) {
        yield { type: 'turn.aborted', reason: signal.reason };
        return;
      }
      attempt += 1;
      timing?.beginAttempt(retries > 0);
      // Items are withheld until the response completes (replay safety, see TurnEvent).
      const attemptItems: ResponseItem[] = [];
      let deliveredDeltas = false;
      try {
        if (compactionPending !== undefined && options.autoCompact) {
          // Retried like a sampling request (the flag stays set until a compaction succeeds).
          const phase = compactionPending;
          const trailing = phase === 'pre_turn' ? (options.autoCompact.preTurn?.trailingItems ?? 0) : 0;
          const tail = history.slice(history.length - trailing);
          // The turn keeps the prewarmed socket; the compaction goes on a new connection (0.169.0).
          if (phase === 'pre_turn') await session.holdWebsocket(signal);
          const outcome = await options.autoCompact.compact(history.slice(0, history.length - trailing), {
            turnState: session.turnState,
            signal,
            phase,
            session,
          });
          compactionPending = undefined;
          retries = 0;
          history.splice(0, history.length, ...outcome.history, ...tail);
          if (outcome.usage) {
            total = addTokenUsage(total, outcome.usage);
            yield { type: 'token_count', last: outcome.usage, total, compaction: true };
          }
          yield { type: 'context_compacted', phase };
        }
        const request = options.makeRequest(history.slice());
        const send = () => session.stream(request, signal ? { signal } : {});
        const events = timing === undefined ? await send() : await timing.streamRequest(send);
        let completedUsage: TokenUsage | undefined;
        let completed = false;
        for await (const event of events) {
          timing?.observe(event);
          switch (event.type) {
            case 'output_text.delta':
              deliveredDeltas = true;
              yield { type: 'output_text.delta', delta: event.delta, attempt };
              break;
            case 'reasoning_summary_text.delta':
              deliveredDeltas = true;
              yield {
                type: 'reasoning_summary.delta',
                delta: event.delta,
                summaryIndex: event.summaryIndex,
                attempt,
              };
              break;
            case 'output_item.done':
              attemptItems.push(event.item);
              break;
            case 'rate_limits':
              yield { type: 'rate_limits', snapshot: event.snapshot };
              break;
            case 'server_model':
              yield { type: 'server_model', model: event.model };
              if (!rerouteWarned && isReroute(request.model, event.model)) {
                rerouteWarned = true;
                yield {
                  type: 'model_reroute',
                  fromModel: request.model,
                  toModel: event.model,
                  reason: 'HighRiskCyberActivity',
                };
                telemetry?.recordModelWarning();
                yield { type: 'warning', message: MODEL_REROUTE_WARNING };
                history.push(modelWarningMessage(MODEL_REROUTE_WARNING));
              }
              break;
            case 'completed':
              completed = true;
              completedUsage = event.tokenUsage;
              timing?.completed(event.tokenUsage, request.reasoning?.effort);
              break;
            default:
              break;
          }
        }
        if (!completed) {
          throw ApiError.streamDisconnected(ErrorTexts.streamClosedEarly);
        }
        timing?.attemptSucceeded();
        // Into the history first: a consumer that stops at an item still leaves a consistent history.
        retries = 0;
        history.push(...attemptItems);
        for (const item of attemptItems) yield { type: 'item.completed', item };
        if (completedUsage) {
          lastUsage = completedUsage;
          total = addTokenUsage(total, completedUsage);
          yield { type: 'token_count', last: completedUsage, total };
        }
        const calls = attemptItems.filter(isToolCall);
        if (calls.length > 0 && tools) {
          const controller = signal ?? new AbortController().signal;
          timing?.countToolCalls(calls.length);
          const inTurn = timing ? <T>(fn: () => T) => timing.inTurn(fn) : undefined;
          for (const batch of parallelBatches(calls, tools)) {
            const outputs: (ResponseItem | undefined)[] = batch.map(() => undefined);
            const injected: ResponseItem[][] = batch.map(() => []);
            const runs = batch.map((call, i) =>
              runTool(
                tools,
                call,
                controller,
                options.turnId,
                telemetry,
                injected[i] as ResponseItem[],
                inTurn,
              ),
            );
            for await (const [i, step] of mergeSteps(runs)) {
              if ('output' in step) outputs[i] = step.output;
              else yield { type: 'tool.item', ...step.event };
            }
            // Outputs go into the history in call order, as 0.169.0 sends them.
            for (const [i, output] of outputs.entries()) {
              if (output === undefined) throw new Error('tool produced no output');
              for (const item of [output, ...(injected[i] as ResponseItem[])]) {
                history.push(item);
                yield { type: 'item.completed', item };
              }
            }
          }
          const limit = options.autoCompact?.limit;
          if (limit !== undefined && completedUsage && completedUsage.totalTokens >= limit)
            compactionPending = 'mid_turn';
          continue;
        }
        yield { type: 'turn.completed', usage: total };
        return;
      } catch (error) {
        timing?.attemptFailed(error);
        if (signal?.aborted || (ApiError.isInstance(error) && error.code === 'aborted')) {
          // Calls the abort cut off get `aborted` outputs, so that the thread can go on.
          history.push(...missingCallOutputs(history));
          yield { type: 'turn.aborted', reason: signal?.reason ?? error };
          return;
        }
        const apiError = ApiError.isInstance(error)
          ? error
          : ApiError.streamDisconnected(errorText(error), { cause: error });
        if (apiError.code === 'response_incomplete') {
          // 0.169.0: the items that arrived before `response.incomplete` are shown, then the error.
          history.push(...attemptItems);
          for (const item of attemptItems) yield { type: 'item.completed', item };
        } else if (deliveredDeltas) {
          yield { type: 'attempt.discarded', attempt, error: apiError };
        }
        if (apiError.code === 'usage_limit_reached' && apiError.rateLimits) {
          yield { type: 'rate_limits', snapshot: apiError.rateLimits };
        }
        if (apiError.code === 'context_window_exceeded') {
          yield { type: 'token_count', ...contextWindowTokenCount(lastUsage, total, options.contextWindow) };
        }
        if (!apiError.retryable) {
          yield { type: 'turn.failed', message: apiError.message, error: apiError };
          return;
        }
        if (retries >= streamMaxRetries) {
          if (session.tryFallbackToHttp()) {
            yield { type: 'warning', message: `${WEBSOCKET_FALLBACK_WARNING} ${apiError.message}` };
            retries = 0;
            continue;
          }
          yield { type: 'turn.failed', message: apiError.message, error: apiError };
          return;
        }
        const onWebsocket = session.websocketsEnabled;
        retries += 1;
        const delayMs =
          apiError.retryDelayMs ?? backoffMs(STREAM_RETRY_BASE_DELAY_MS, retries, options.random);
        if (retries > 1 || !onWebsocket) {
          yield {
            type: 'stream_error',
            message: `Reconnecting... ${retries}/${streamMaxRetries} (${apiError.message})`,
            retry: retries,
            maxRetries: streamMaxRetries,
            delayMs,
            error: apiError,
          };
        }
        const retry = { attempt: retries, delayMs, layer: 'stream', operation: 'sampling' } as const;
        if (timing === undefined) telemetry?.recordRetry(retry);
        else timing.inSampling(() => telemetry?.recordRetry(retry));
        try {
          await sleep(delayMs, signal);
        } catch {
          yield { type: 'turn.aborted', reason: signal?.reason };
          return;
        }
      }
    }
  }
}

/**
 * Runs one tool call, yielding the items it reports (`ToolContext.emit`) as they come and then
 * its output. A handler that throws or rejects (it should report failures in its output instead)
 * still answers the call: the model gets `tool call failed: <message>` as the output, so the
 * history never holds a call without an output and the turn goes on. Items the tool injects
 * (`ToolContext.inject`) are appended to `injected`.
 */
async function* runTool(
  tools: ToolHandler,
  call: ToolCallItem,
  signal: AbortSignal,
  turnId: string,
  telemetry: SessionTelemetry | undefined,
  injected: ResponseItem[],
  inTurn: <T>(fn: () => T) => T = (fn) => fn(),
): AsyncGenerator<{ event: ToolItemEvent } | { output: ResponseItem }> {
  const recorder = toolCallRecorder(call, telemetry, inTurn);
  const pending: ToolItemEvent[] = [];
  let wake: (() => void) | undefined;
  const emit = (event: ToolItemEvent): void => {
    pending.push(event);
    wake?.();
  };
  let settled = false;
  let handled: Promise<ResponseItem>;
  try {
    handled = inTurn(() =>
      tools.handle(call, {
        signal,
        turnId,
        emit,
        inject: (item) => injected.push(item),
        telemetry: recorder.context,
      }),
    );
  } catch (error) {
    // A handler that throws before returning its promise fails the call, not the sampling request.
    handled = Promise.reject(error);
  }
  const result = handled.then(
    (output) => ({ output }),
    (error: unknown) => ({ error }),
  );
  void result.finally(() => {
    settled = true;
    wake?.();
  });
  for (;;) {
    while (pending.length > 0) yield { event: pending.shift() as ToolItemEvent };
    if (settled) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
  const outcome = await result;
  while (pending.length > 0) yield { event: pending.shift() as ToolItemEvent };
  if ('output' in outcome) {
    recorder.finish(outcome.output, true);
    yield { output: outcome.output };
    return;
  }
  if (signal.aborted) throw outcome.error;
  const callId = toolCallId(call) ?? '';
  const text = `tool call failed: ${errorText(outcome.error)}`;
  const output =
    call.type === 'custom_tool_call' ? customToolCallOutput(callId, text) : functionCallOutput(callId, text);
  recorder.finish(output, false);
  yield { output };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
