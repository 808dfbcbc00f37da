import { ApiError } from '@codex-ts/api';
import { backoffMs, sleep as defaultSleep } from '@codex-ts/client';
import { developerMessage, type ResponseItem, userInputParts, userMessage } from '@codex-ts/protocol';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import type { ModelClient } from '../client/model-client.js';
import type { ModelClientSession } from '../client/model-client-session.js';
import type { PrewarmOutcome } from '../client/prewarm.js';
import type { SamplingRequest } from '../client/request-builder.js';
import { compactWith } from '../compaction/compact-with.js';
import type { CompactionOutcome } from '../compaction/run-compaction.js';
import type { CompactionImplementation, CompactionPhase } from '../compaction/strategy.js';
import type { TurnMetadataInput } from '../metadata/turn-metadata.js';
import type { TurnEvent } from '../turn/events.js';
import { runTurn, STREAM_RETRY_BASE_DELAY_MS } from '../turn/run-turn.js';
import { fallbackModelMetadataWarning } from '../turn/signals.js';
import { TurnTrace } from '../turn/turn-trace.js';
import type {
  ConversationCompaction,
  ConversationOptions,
  ConversationTurnOptions,
} from './conversation-options.js';
import {
  baseInstructionsPassthrough,
  ENVIRONMENT_CONTEXT_KIND,
  turnMessagePassthrough,
  unixSecondsNow,
  userContentItemKinds,
  withPassthrough,
} from './message-metadata.js';

/**
 * Namespace for the name-based (v5) id of the base-instructions message,
 * `6f1c7a52-9a43-4b0c-8d43-1f5d3c2e8b10`, as its 16 bytes: uuid parses (and validates) a string
 * namespace on every call.
 */
const BASE_INSTRUCTIONS_NAMESPACE = Buffer.from('6f1c7a529a434b0c8d431f5d3c2e8b10', 'hex');

/** The last text {@link baseInstructionsMessageId} hashed and its id (a thread asks twice). */
let lastBaseInstructions: { text: string; id: string } | undefined;

/**
 * The id of the base-instructions developer message for `text`: `msg_<uuid v5 of the text>`, the
 * same in every process (a resumed thread's first message keeps its id).
 */
export function baseInstructionsMessageId(text: string): string {
  // The UTF-8 bytes, not the string: uuid hashes a string's UTF-8 too, but converts it byte by byte
  // in JavaScript (~115 µs for 8 KB of text, paid by every turn's request; ~30 µs this way).
  if (lastBaseInstructions?.text === text) return lastBaseInstructions.id;
  const id = `msg_${uuidv5(Buffer.from(text, 'utf8'), BASE_INSTRUCTIONS_NAMESPACE)}`;
  lastBaseInstructions = { text, id };
  return id;
}

/**
 * The `additional_tools` item of a Responses-Lite conversation (observed-cli-0.169 §5.3):
 * `{type: "additional_tools", id: "at_<uuid v7>", role: "developer", tools}`, keys in that order.
 */
export function additionalToolsItem(tools: unknown[]): ResponseItem {
  return { type: 'additional_tools', id: `at_${uuidv7()}`, role: 'developer', tools } as ResponseItem;
}

/** A user or developer message item with a `msg_<uuid v7>` id. */
export function messageItem(role: 'user' | 'developer', text: string, id = `msg_${uuidv7()}`): ResponseItem {
  return role === 'user' ? userMessage(text, id) : developerMessage(text, id);
}

/**
 * Records the user items of a turn as `codex.user_prompt`: the `input_text` parts of the
 * user messages joined by newlines, with counts of text and image inputs. No-op without telemetry.
 */
function recordUserPrompt(client: ModelClient, items: readonly ResponseItem[]): void {
  const telemetry = client.options.telemetry;
  if (telemetry === undefined) return;
  const texts: string[] = [];
  let images = 0;
  for (const part of userInputParts(items)) {
    if (part.type === 'input_text') texts.push(part.text);
    else if (part.type === 'input_image') images += 1;
  }
  if (texts.length === 0 && images === 0) return;
  telemetry.userPrompt(texts.join('\n'), { textInputCount: texts.length, imageInputCount: images });
}

/**
 * One conversation (a thread): its history carries over between turns, each turn gets a
 * fresh turn scope (`ModelClientSession`, ended when the turn ends so a WebSocket goes back to
 * the client's cache), and every request carries the full history: over HTTP it is sent
 * whole, over WebSocket the client sends only what the server has not seen.
 * The first turn's input starts with the base-instructions developer message and the
 * environment context. See {@link Conversation.prewarm} for the WebSocket startup prewarm.
 * With the ChatGPT Codex backend (`ModelClientOptions.chatgpt`) each message the conversation
 * adds carries `internal_chat_message_metadata_passthrough` (observed-cli-0.169-auth §5): the
 * base instructions `{content_item_kinds: ["model.base_instructions"]}`, the environment context
 * and user messages `{turn_id, create_time, content_item_kinds}` (`environments.environment_context`;
 * one `user.text` / `user.image` per part), stamped once when they enter the history.
 */
export class Conversation {
  readonly #options: ConversationOptions;
  readonly #history: ResponseItem[];
  /** `usage.total_tokens` of the last response (the context-window fill), undefined after a compaction. */
  #contextTokens: number | undefined;

  constructor(options: ConversationOptions) {
    this.#options = options;
    this.#history = options.history
      ? [...options.history]
      : options.resumeHistory
        ? this.#resumed(options.resumeHistory)
        : [];
    this.#contextTokens = options.contextTokens;
  }

  /** The thread id (also the session id and `prompt_cache_key`). */
  get threadId(): string {
    return this.#options.client.options.identity.threadId;
  }

  /** A copy of the history so far. */
  get history(): ResponseItem[] {
    return [...this.#history];
  }

  /**
   * Runs one turn for `input` (a prompt string or ready-made items) and yields its events
   * (see `TurnEvent`); the sequence ends with `turn.completed`, `turn.failed` or
   * `turn.aborted`; it starts with `turn.started`, preceded only by the fallback-metadata `warning`
   * ({@link ConversationOptions.fallbackModelMetadata}). Do not run two turns of one conversation at once. Leaving the loop
   * early ends the turn (the recorder records it as aborted). With client telemetry,
   * the user's text is recorded as `codex.user_prompt` (`[REDACTED]` unless the telemetry was
   * built with `logUserPrompt`). `outputSchema` (a JSON Schema) goes into every sampling request
   * of this turn as `text.format` (`SamplingRequest.outputSchema`), not into the prewarm or a
   * compaction request.
   *
   * Automatic compaction (with {@link ConversationOptions.autoCompactTokenLimit}), as 0.169.0:
   * - mid-turn (observed-cli-0.169-auth §16): when a response's `usage.total_tokens` reaches the
   *   limit and the turn goes on (tool outputs to send), the history is compacted before the
   *   follow-up request;
   * - pre-turn: when the last response before this turn (or {@link ConversationOptions.contextTokens})
   *   reached the limit, the history without this turn's new items is compacted after
   *   `turn.started`, before the first request, and the new items follow the compacted history.
   *
   * With the `responses` implementation the compaction is an ordinary `POST /responses` (over
   * WebSocket: `response.create` on a new connection, full input) with the same headers,
   * `tools: []`, `parallel_tool_calls: false`, input = the history plus the checkpoint prompt
   * (`COMPACTION_CHECKPOINT_PROMPT`, a user message without `id`), turn metadata
   * `request_kind: "compaction"`, the same `turn_id`, no `model` / `reasoning_effort`, and
   * `compaction: {trigger:"auto", reason:"context_limit", implementation:"responses",
   * phase:"mid_turn"|"pre_turn", strategy:"memento"}`; its answer (the summary) is not yielded, its
   * usage is summed into `turn.completed.usage`, and the history becomes `[developer…, user…,
   * summary message]` (`compactedHistory`). With `responses_compaction_v2` it is the turn's own
   * request with `{"type":"compaction_trigger"}` appended (same tools, on the turn's socket,
   * `implementation: "responses_compaction_v2"`), the history becomes `[developer…, user…,
   * compaction item]` and its usage is not summed (see `runRemoteCompactionV2`). Either way the turn
   * then goes on in the next context window (`x-codex-window-id: <thread>:<n+1>`,
   * `window_number` n+1, a new `context_window_id`), in full over WebSocket.
   */
  async *runTurn(
    input: string | ResponseItem[],
    options: ConversationTurnOptions = {},
  ): AsyncGenerator<TurnEvent> {
    const o = this.#options;
    const turnId = uuidv7();
    const stamp = this.#stamper(turnId);
    const contextItems: ResponseItem[] = [];
    if (this.#history.length === 0) {
      // Responses-Lite: the additional_tools item leads, before the base instructions.
      const lead = o.responsesLite ? [additionalToolsItem(o.responsesLite.additionalTools())] : [];
      this.#history.push(...lead, this.#baseInstructionsMessage());
      contextItems.push(...lead);
      if (o.environmentContext) {
        const environment = stamp(messageItem('user', o.environmentContext), [ENVIRONMENT_CONTEXT_KIND]);
        contextItems.push(environment);
        this.#history.push(environment);
      }
    }
    const items = (typeof input === 'string' ? [messageItem('user', input)] : input).map((item) =>
      stamp(item, userContentItemKinds(item), true),
    );
    const telemetry = o.client.options.telemetry;
    // Spans as children of whatever span is active when the turn starts (the consumer's context).
    const trace =
      telemetry === undefined
        ? undefined
        : new TurnTrace(telemetry, { turnId, model: o.model, reasoningEffort: o.reasoning?.effort });
    telemetry?.recordTurnStarted();
    if (trace === undefined) recordUserPrompt(o.client, items);
    else trace.recordInputs(() => recordUserPrompt(o.client, items));
    const historyBefore = this.#history.length;
    this.#history.push(...items);
    o.recorder?.turnStarted({ turnId, history: this.#history, contextItems, userItems: items });

    const turnStartedAtUnixMs = Date.now();
    const session = o.client.newSession();
    const turnMetadata = {
      turnId,
      turnStartedAtUnixMs,
      turnTrigger: o.turnTrigger ?? 'exec',
      model: o.model,
      reasoningEffort: o.reasoning?.effort,
    };
    const makeRequest = (items: ResponseItem[]): SamplingRequest => ({
      ...this.#samplingRequest(items, { requestKind: 'turn', ...turnMetadata }),
      ...(options.outputSchema === undefined ? {} : { outputSchema: options.outputSchema }),
    });
    const limit = o.autoCompactTokenLimit;
    const preTurn =
      limit !== undefined &&
      this.#contextTokens !== undefined &&
      this.#contextTokens >= limit &&
      historyBefore > 0;
    const autoCompact =
      limit === undefined
        ? undefined
        : {
            limit,
            preTurn: preTurn ? { trailingItems: items.length } : undefined,
            compact: (
              history: readonly ResponseItem[],
              context: {
                turnState: string | undefined;
                signal: AbortSignal | undefined;
                phase: 'mid_turn' | 'pre_turn';
                session: ModelClientSession;
              },
            ) =>
              this.#compact(history, { ...context, trigger: 'auto', turnMetadata }).then((outcome) => {
                // The context is the compacted history now: its size is unknown until the next response.
                this.#contextTokens = undefined;
                return outcome;
              }),
          };
    let ended = false;
    try {
      if (o.fallbackModelMetadata === true)
        yield { type: 'warning', message: fallbackModelMetadataWarning(o.model) };
      for await (const event of runTurn({
        session,
        turnId,
        history: this.#history,
        makeRequest,
        streamMaxRetries: o.streamMaxRetries,
        tools: o.tools,
        signal: options.signal,
        sleep: o.sleep,
        random: o.random,
        contextWindow: o.contextWindow,
        autoCompact,
        trace,
      })) {
        if (event.type === 'token_count' && event.compaction !== true)
          this.#contextTokens = event.last.totalTokens;
        if (event.type === 'turn.completed' || event.type === 'turn.failed' || event.type === 'turn.aborted')
          ended = true;
        o.recorder?.turnEvent(event, this.#history);
        yield event;
      }
    } finally {
      // Left before its end (the consumer stopped iterating, or an unexpected error): the turn is
      // over, and recorded as aborted.
      if (!ended) o.recorder?.turnEvent({ type: 'turn.aborted', reason: 'abandoned' }, this.#history);
      session.end();
    }
  }

  /**
   * Compacts the conversation now, between turns (upstream's manual `/compact`, a standalone
   * compaction turn): with `options.implementation` (default
   * {@link ConversationOptions.compaction}, else `responses`), in a turn scope of its own with a
   * new `turn_id`, turn metadata `request_kind: "compaction"` and `compaction: {trigger:"manual",
   * reason:"user_requested", implementation, phase:"standalone_turn", strategy:"memento"}`. On
   * success the history is replaced as an automatic compaction replaces it (and told to the
   * recorder, `ConversationRecorder.historyReplaced`: a rollout gets its `compacted` record at
   * once), the client moves to its next context window and the next turn does not compact before
   * its first request. Nothing is
   * sent when the history is empty (`compacted: false`). Retryable failures are retried like a
   * sampling request (`stream_max_retries`, backoff from 200 ms); do not call it while a turn runs.
   *
   * @throws ApiError when the compaction failed for good (the history is unchanged); `aborted`
   *   when `options.signal` fired.
   */
  async compact(
    options: { signal?: AbortSignal; implementation?: CompactionImplementation } = {},
  ): Promise<ConversationCompaction> {
    const o = this.#options;
    const implementation = options.implementation ?? o.compaction ?? 'responses';
    if (this.#history.length === 0)
      return { compacted: false, implementation, summary: undefined, usage: undefined };
    const session = o.client.newSession();
    const turnMetadata = {
      turnId: uuidv7(),
      turnStartedAtUnixMs: Date.now(),
      turnTrigger: o.turnTrigger ?? 'exec',
      model: o.model,
      reasoningEffort: o.reasoning?.effort,
    };
    const sleep = o.sleep ?? defaultSleep;
    try {
      for (let retries = 0; ; retries++) {
        try {
          const outcome = await this.#compact(this.#history.slice(), {
            session,
            turnState: session.turnState,
            signal: options.signal,
            phase: 'standalone_turn',
            trigger: 'manual',
            turnMetadata,
            implementation,
          });
          this.#history.splice(0, this.#history.length, ...outcome.history);
          this.#contextTokens = undefined;
          o.recorder?.historyReplaced(this.#history);
          return {
            compacted: true,
            implementation,
            summary: outcome.summary || undefined,
            usage: outcome.usage,
          };
        } catch (error) {
          const retryable = ApiError.isInstance(error) && error.retryable && !options.signal?.aborted;
          if (!retryable || retries >= o.streamMaxRetries) throw error;
          await sleep(
            error.retryDelayMs ?? backoffMs(STREAM_RETRY_BASE_DELAY_MS, retries + 1, o.random),
            options.signal,
          );
        }
      }
    } finally {
      session.end();
    }
  }

  /** One compaction of `history` with this conversation's request shape (see `compactWith`). */
  #compact(
    history: readonly ResponseItem[],
    context: {
      session: ModelClientSession;
      turnState: string | undefined;
      signal: AbortSignal | undefined;
      phase: CompactionPhase;
      trigger: 'auto' | 'manual';
      turnMetadata: Omit<TurnMetadataInput, 'requestKind' | 'compaction'>;
      implementation?: CompactionImplementation;
    },
  ): Promise<CompactionOutcome> {
    return compactWith({
      client: this.#options.client,
      implementation: context.implementation ?? this.#options.compaction ?? 'responses',
      phase: context.phase,
      trigger: context.trigger,
      history,
      session: context.session,
      turnState: context.turnState,
      turnMetadata: context.turnMetadata,
      samplingRequest: (items, metadata) => this.#samplingRequest(items, metadata),
      signal: context.signal,
    });
  }

  /**
   * Starts the startup prewarm (0.169.0 §6) when the client is on WebSocket: a
   * `response.create` with `generate: false` whose input is only the base-instructions
   * developer message (the first history item of a resumed conversation), with the tools,
   * reasoning, verbosity and service tier the turns will send, and turn metadata
   * `request_kind: "prewarm"`, `turn_id: ""` (no root turn id, trigger or start time). Runs in
   * the background; the first turn waits for it and continues from its response. Never
   * rejects: failures are swallowed (the first turn then connects by itself) and a 426
   * switches the session to HTTP. Call once, before the first turn.
   */
  prewarm(): Promise<PrewarmOutcome> {
    const o = this.#options;
    const first = this.#history[0] ?? this.#baseInstructionsMessage();
    // Responses-Lite: 0.169.0's prewarm carried no input at all.
    return o.client.prewarm(
      this.#samplingRequest(o.responsesLite ? [] : [first], {
        requestKind: 'prewarm',
        turnId: '',
        model: o.model,
        reasoningEffort: o.reasoning?.effort,
      }),
    );
  }

  /**
   * A recorded item as this client sends it: 0.169.0 records every item with its
   * `internal_chat_message_metadata_passthrough` but sends it only to the Codex backend (and, with
   * `stampUserPrompt`, on user messages), so it is dropped elsewhere.
   */
  #resumedItem(item: ResponseItem): ResponseItem {
    const passthrough = (item as { internal_chat_message_metadata_passthrough?: unknown })
      .internal_chat_message_metadata_passthrough;
    if (passthrough === undefined || this.#codexBackend) return item;
    if (this.#options.stampUserPrompt === true && item.type === 'message' && item.role === 'user')
      return item;
    const { internal_chat_message_metadata_passthrough: _dropped, ...rest } = item as Record<string, unknown>;
    return rest as ResponseItem;
  }

  /**
   * The history of a resumed thread: the base-instructions message, then the recorded items; a
   * recorded `additional_tools` item (Responses-Lite) stays first, as 0.169.0 resent it.
   */
  #resumed(items: readonly ResponseItem[]): ResponseItem[] {
    const resumed = items.map((item) => this.#resumedItem(item));
    const lead = resumed[0]?.type === 'additional_tools' ? resumed.splice(0, 1) : [];
    return [...lead, this.#baseInstructionsMessage(), ...resumed];
  }

  #baseInstructionsMessage(): ResponseItem {
    const o = this.#options;
    const item = messageItem('developer', o.baseInstructions, baseInstructionsMessageId(o.baseInstructions));
    return this.#codexBackend ? withPassthrough(item, baseInstructionsPassthrough()) : item;
  }

  /** Whether the client talks to the ChatGPT Codex backend (`ModelClientOptions.chatgpt`). */
  get #codexBackend(): boolean {
    return this.#options.client.options.chatgpt !== undefined;
  }

  /**
   * Stamps messages entering the history in turn `turnId` with their passthrough metadata
   * (Codex backend; `create_time` is taken now, once): items that already carry one and items
   * without known kinds pass unchanged. In API-key mode only `prompt` items are stamped, with
   * `{turn_id, create_time}`, and only when {@link ConversationOptions.stampUserPrompt}.
   */
  #stamper(
    turnId: string,
  ): (item: ResponseItem, kinds: readonly string[] | undefined, prompt?: boolean) => ResponseItem {
    const clock = this.#options.clock ?? unixSecondsNow;
    return (item, kinds, prompt = false) => {
      if (kinds === undefined) return item;
      if (
        (item as { internal_chat_message_metadata_passthrough?: unknown })
          .internal_chat_message_metadata_passthrough
      )
        return item;
      if (this.#codexBackend) return withPassthrough(item, turnMessagePassthrough(turnId, clock(), kinds));
      if (prompt && this.#options.stampUserPrompt === true)
        return withPassthrough(item, { turn_id: turnId, create_time: clock() });
      return item;
    };
  }

  #samplingRequest(items: ResponseItem[], metadata: TurnMetadataInput): SamplingRequest {
    const o = this.#options;
    const lite = o.responsesLite !== undefined;
    return {
      model: o.model,
      input: items,
      tools: o.tools && !lite ? [...o.tools.specs] : [],
      parallelToolCalls: !lite,
      ...(lite ? { responsesLite: true } : {}),
      reasoning: o.reasoning,
      verbosity: o.verbosity,
      serviceTier: o.serviceTier,
      metadata: o.nodeReplAutoReviewRequired ? { ...metadata, nodeReplAutoReviewRequired: true } : metadata,
    };
  }
}
