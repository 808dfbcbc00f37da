// The turn-scoped model client (`ModelClientSession` in codex-rs, core-behaviour §1, §2, §6):
// sends the requests of one turn over WebSocket or HTTP and latches the turn state.

import {
  ApiError,
  type AuthProvider,
  apiErrorFromAuthFailure,
  type ResponseCreateWsRequest,
  type ResponseEvent,
  type ResponsesApiRequest,
  type ResponsesClient,
  type ResponsesWebsocketConnection,
} from '@codex-ts/api';
import type { SessionTelemetry } from '@codex-ts/otel';
import { TelemetrySpanNames } from '@codex-ts/otel';
import type { ResponseItem, TokenUsage } from '@codex-ts/protocol';
import type { TurnMetadataInput } from '../metadata/turn-metadata.js';
import { isUnauthorized, UnauthorizedRetry } from './auth-recovery.js';
import { incrementalInput } from './incremental.js';
import type { ModelClientOptions } from './model-client.js';
import type { PrewarmOutcome } from './prewarm.js';
import {
  httpRequestBody,
  httpRequestHeaders,
  type SamplingRequest,
  websocketHandshakeHeaders,
  websocketRequestBody,
} from './request-builder.js';
import {
  inHttpRequestSpans,
  inSpan,
  WEBSOCKET_SPAN_ATTRIBUTES,
  websocketConnectionAttributes,
  websocketRequestAttributes,
} from './request-trace.js';
import type { WebsocketConnector } from './websocket-connector.js';
import type { WebsocketSession } from './websocket-session.js';

/**
 * What a turn scope uses of its `ModelClient`, handed over by `ModelClient.newSession`. Internal
 * to core: the session-wide state stays in the client, the turn reaches it only through these.
 */
export interface ModelClientScope {
  readonly options: ModelClientOptions;
  /** `options.auth` as the transports use it (401 steps recorded, see `withAuthRecoveryTelemetry`). */
  readonly auth: AuthProvider;
  readonly responses: ResponsesClient;
  readonly connector: WebsocketConnector;
  /** `ModelClient.websocketsEnabled`. */
  websocketsEnabled(): boolean;
  /** `ModelClient.forceHttpFallback`. */
  forceHttpFallback(): boolean;
  /** The first WebSocket request's wait for the startup prewarm (a no-op after the first call). */
  awaitStartupPrewarm(signal: AbortSignal | undefined): Promise<void>;
  /** Hands a turn's socket back to the client cache, which drops it when `discard`, closed or fallen back. */
  giveBackWebsocket(ws: WebsocketSession, discard: boolean): void;
}

/** A handshake answered `426 Upgrade Required`. */
const isUpgradeRequired = (error: unknown): boolean => ApiError.isInstance(error) && error.status === 426;

/**
 * Events that show the caller no model output: a request that saw only these may be sent again
 * after an error frame without anything being shown twice (see `TurnEvent`).
 */
const OUTPUT_FREE_EVENTS: ReadonlySet<ResponseEvent['type']> = new Set<ResponseEvent['type']>([
  'created',
  'rate_limits',
  'server_model',
  'models_etag',
  'server_reasoning_included',
  'turn_state',
]);

let createSession: (scope: ModelClientScope, turnState: string | undefined) => ModelClientSession;

/**
 * Creates a turn scope for `scope`'s client; `ModelClient.newSession` is the only caller (the
 * class's constructor is private so the public surface does not expose {@link ModelClientScope}).
 */
export function openModelClientSession(
  scope: ModelClientScope,
  turnState?: string | undefined,
): ModelClientSession {
  return createSession(scope, turnState);
}

/**
 * The turn-scoped model client (`ModelClientSession` in codex-rs), created by
 * `ModelClient.newSession`. It sends each request of one turn over WebSocket or HTTP (
 * core-behaviour §2) and latches the sticky-routing token: the first `x-codex-turn-state` of the
 * turn is replayed on every later request of the same turn (HTTP header WebSocket
 * `client_metadata`) and never into the next turn. Over WebSocket it takes the
 * client's cached socket on first use, reuses it for every request, and sends incremental
 * `response.create`s; {@link end} hands the socket back. Do not use one session for two
 * turns or two requests at once.
 */
export class ModelClientSession {
  readonly #scope: ModelClientScope;
  #turnState: string | undefined;
  #ws: WebsocketSession | undefined;
  #ended = false;

  private constructor(scope: ModelClientScope, turnState: string | undefined) {
    this.#scope = scope;
    this.#turnState = turnState;
  }

  static {
    createSession = (scope, turnState) => new ModelClientSession(scope, turnState);
  }

  /** The latched `x-codex-turn-state` value of this turn, if any response carried one. */
  get turnState(): string | undefined {
    return this.#turnState;
  }

  /**
   * Latches `value` as this turn's `x-codex-turn-state` when none is latched yet (the first value
   * wins, as for the response headers and metadata events), e.g. the `x-codex-turn-state` of a
   * `POST /responses/compact` answer. `undefined` changes nothing.
   */
  latchTurnState(value: string | undefined): void {
    if (value !== undefined && this.#turnState === undefined) this.#turnState = value;
  }

  /** The client's telemetry (`ModelClientOptions.telemetry`), if any. */
  get telemetry(): SessionTelemetry | undefined {
    return this.#scope.options.telemetry;
  }

  /** Whether the next request goes over WebSocket (see `ModelClient.websocketsEnabled`). */
  get websocketsEnabled(): boolean {
    return this.#scope.websocketsEnabled();
  }

  /**
   * The HTTP body this session sends for `request` (`httpRequestBody` of the request builder;
   * the API layer writes it in 0.169.0's field order, see `serializeResponsesRequest`).
   */
  buildRequest(request: SamplingRequest): ResponsesApiRequest {
    return httpRequestBody(this.#scope.options, request);
  }

  /**
   * The full WebSocket `response.create` body this session sends for `request` (no
   * `previous_response_id`): the HTTP fields plus, in `client_metadata`, the latched
   * `x-codex-turn-state` and the W3C trace context of the active span (from
   * `ModelClientOptions.telemetry`; when {@link stream} sends it, the request's own
   * `model_client.stream_responses_websocket` span) as `ws_request_header_traceparent` / `…_tracestate`;
   * `generate` when given. The API layer stamps `x-codex-ws-stream-request-start-ms` when it
   * sends the frame.
   */
  buildWebsocketRequest(
    request: SamplingRequest,
    options: { generate?: boolean } = {},
  ): ResponseCreateWsRequest {
    const trace = this.#scope.options.telemetry?.w3cTraceContext();
    return websocketRequestBody(this.#scope.options, request, {
      turnState: this.#turnState,
      trace,
      generate: options.generate,
    });
  }

  /**
   * Sends one sampling request and returns its events: over WebSocket while
   * {@link websocketsEnabled} (first waiting, once per client, for the startup prewarm), else
   * over HTTP SSE. A 426 on the WebSocket handshake switches the session to HTTP and sends this
   * same request as a POST at once. Over WebSocket the request continues from the
   * previous response with `previous_response_id` and only the new items when the previous request allows it (see `incremental.ts`); any
   * failure drops the socket and the baseline, so the retry is a full request on a new socket.
   * A `turn_state` event latches the turn state (first value wins) and is passed on; a
   * `models_etag` event is handed to `ModelClientOptions.onModelsEtag` and passed on.
   *
   * 401 recovery (`handle_unauthorized` of codex-rs `core/src/client.rs`), per call, with the
   * client's `auth.unauthorizedRecovery()` (created at the first 401 of the call): a WebSocket
   * handshake answered 401 runs the next step and handshakes again with fresh `authHeaders()`
   * (a changed token is a new connection key, so never the old socket); an error frame with
   * status 401 does the same and sends the request again in full on a new socket, when the
   * stream had shown no output yet (only `created`, `rate_limits`, `turn_state`, …); after
   * output, the step still runs and the 401 is thrown for the turn loop to retry (its
   * `attempt.discarded` rule applies). With no step left the mapped 401 (`unexpected_status`,
   * retryable) is thrown as before; a failed step throws its error (`refresh_token_failed`,
   * `auth_transient`). Over HTTP, `ResponsesClient` runs the same steps.
   *
   * @throws ApiError from the returned promise (handshake or request failed) or from iteration;
   *   the turn loop decides about retries and the exhausted-retries fallback.
   */
  async stream(
    request: SamplingRequest,
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<AsyncIterable<ResponseEvent>> {
    if (this.#scope.websocketsEnabled()) {
      await this.#scope.awaitStartupPrewarm(options.signal);
      if (this.#scope.websocketsEnabled()) {
        const retry = new UnauthorizedRetry(this.#scope.auth);
        const events = await this.#streamWebsocket(request, undefined, options.signal, retry);
        if (events) return this.#recoverErrorFrames(events, request, options.signal, retry);
      }
    }
    return this.#streamHttp(request, options.signal);
  }

  async #streamHttp(
    request: SamplingRequest,
    signal: AbortSignal | undefined,
  ): Promise<AsyncIterable<ResponseEvent>> {
    const { options: clientOptions, responses } = this.#scope;
    await this.#prepare(signal);
    const body = httpRequestBody(clientOptions, request);
    const extraHeaders = httpRequestHeaders(
      clientOptions,
      request.metadata,
      this.#turnState,
      request.serviceTier,
      request.responsesLite,
    );
    const telemetry = clientOptions.telemetry;
    const info = {
      model: body.model,
      hasMetadataHeader: extraHeaders['x-codex-turn-metadata'] !== undefined,
    };
    const stream = await inHttpRequestSpans(telemetry, info, () => {
      // `traceparent` / `tracestate` of the request's span (nothing without one).
      telemetry?.injectTraceHeaders(extraHeaders);
      return responses.stream(body, { extraHeaders, ...(signal ? { signal } : {}) });
    });
    return this.#latchTurnState(stream);
  }

  /**
   * Passes `events` on; when they fail with a 401 error frame, runs the next recovery step and
   * sends `request` again (see {@link stream}): transparently while no output was shown.
   */
  async *#recoverErrorFrames(
    events: AsyncIterable<ResponseEvent>,
    request: SamplingRequest,
    signal: AbortSignal | undefined,
    retry: UnauthorizedRetry,
  ): AsyncGenerator<ResponseEvent> {
    let current = events;
    for (;;) {
      let shown = false;
      try {
        for await (const event of current) {
          if (!OUTPUT_FREE_EVENTS.has(event.type)) shown = true;
          yield event;
        }
        return;
      } catch (error) {
        if (!isUnauthorized(error)) throw error;
        if (!(await this.#recover(retry, error, signal))) throw error;
        if (shown) throw error;
      }
      // The failed stream dropped its socket and baseline: this is a full request on a new one.
      const again = this.#scope.websocketsEnabled()
        ? await this.#streamWebsocket(request, undefined, signal, retry)
        : undefined;
      current = again ?? (await this.#streamHttp(request, signal));
    }
  }

  /** {@link UnauthorizedRetry.recover} with its failure redacted like the transports' errors. */
  async #recover(
    retry: UnauthorizedRetry,
    error: ApiError,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    try {
      return await retry.recover(error, signal);
    } catch (failure) {
      throw this.#scope.responses.redactor.redactError(failure);
    }
  }

  /**
   * Opens the turn's socket without sending a request (`preconnect_websocket`): a
   * handshake whose headers carry `metadata`, skipped when an open socket with the same
   * connection key is already held. The next {@link stream} reuses it. Resolves true when a
   * socket is open, false when WebSockets are off or the handshake got 426 (the session then
   * falls back to HTTP).
   *
   * @throws ApiError when the handshake fails otherwise (callers usually ignore it: the request
   *   will connect again).
   */
  async preconnect(metadata: TurnMetadataInput, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    if (!this.#scope.websocketsEnabled()) return false;
    await this.#scope.awaitStartupPrewarm(options.signal);
    if (!this.#scope.websocketsEnabled()) return false;
    try {
      await this.#connect(this.#websocketSession(), metadata, options.signal);
      return true;
    } catch (error) {
      if (!isUpgradeRequired(error)) throw error;
      this.tryFallbackToHttp();
      return false;
    }
  }

  /**
   * `prewarm_websocket`: sends `request` as `response.create` with
   * `generate: false` and drains it until `response.completed`, leaving the socket and the
   * response id for the next request. A no-op (`skipped`) when WebSockets are off or this
   * socket already carried a request; `http_fallback` after a 426 handshake.
   *
   * @throws ApiError on any other failure (the socket is dropped).
   */
  async prewarmWebsocket(
    request: SamplingRequest,
    options: { signal?: AbortSignal } = {},
  ): Promise<PrewarmOutcome> {
    if (!this.#scope.websocketsEnabled()) return 'skipped';
    if (this.#websocketSession().lastRequest !== undefined) return 'skipped';
    const retry = new UnauthorizedRetry(this.#scope.auth);
    const events = await this.#streamWebsocket(request, false, options.signal, retry);
    if (!events) return 'http_fallback';
    for await (const event of events) {
      // drained: the tracker records the response id on `completed`
      if (event.type === 'completed') this.#recordWarmupCompleted(event.tokenUsage);
    }
    const ws = this.#ws;
    if (ws !== undefined && ws.lastResponse !== undefined) ws.afterPrewarm = true;
    return 'ready';
  }

  /**
   * `try_switch_fallback_transport` (§13): activates the session-wide HTTP fallback and drops
   * this turn's socket. Returns true only when this call activated it (so the caller emits the
   * "Falling back from WebSockets to HTTPS transport." warning once).
   */
  tryFallbackToHttp(): boolean {
    const activated = this.#scope.forceHttpFallback();
    this.#ws?.reset();
    this.#ws = undefined;
    return activated;
  }

  /**
   * Takes the client's cached WebSocket for this turn scope now (after the startup prewarm
   * finished, waiting for it as {@link stream} does) without sending anything, so that another
   * scope streaming meanwhile opens its own connection: 0.169.0 sent a pre-turn compaction on a
   * new connection and then the turn on the prewarmed socket, continuing from the prewarm's
   * response. Does nothing over HTTP or when the scope already holds a socket.
   *
   * @throws ApiError `aborted` when `signal` fires while waiting for the prewarm.
   */
  async holdWebsocket(signal?: AbortSignal): Promise<void> {
    if (!this.#scope.websocketsEnabled()) return;
    await this.#scope.awaitStartupPrewarm(signal);
    if (this.#scope.websocketsEnabled()) this.#websocketSession();
  }

  /**
   * Ends the turn scope: the socket and its incremental baseline go back to the client cache for
   * the next turn, or are dropped with `discard` or when the client already holds
   * one. Idempotent; the session must not be used afterwards.
   */
  end(options: { discard?: boolean } = {}): void {
    if (this.#ended) return;
    this.#ended = true;
    const ws = this.#ws;
    this.#ws = undefined;
    if (ws) this.#scope.giveBackWebsocket(ws, options.discard ?? false);
  }

  #websocketSession(): WebsocketSession {
    if (this.#ended) throw new Error('ModelClientSession used after end()');
    this.#ws ??= this.#scope.connector.take();
    return this.#ws;
  }

  /** Runs `ModelClientOptions.chatgpt.prepare` (failures mapped like `authHeaders()` ones). */
  async #prepare(signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.#scope.options.chatgpt?.prepare?.(signal);
    } catch (error) {
      throw this.#scope.responses.redactor.redactError(apiErrorFromAuthFailure(error, signal));
    }
  }

  /** The warm-up's `response.completed` as `codex.sse_event` (its usage, zeros when absent). */
  #recordWarmupCompleted(usage: TokenUsage | undefined): void {
    this.#scope.options.telemetry?.recordResponseCompleted({
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      cachedInputTokens: usage?.cachedInputTokens ?? 0,
      cacheWriteInputTokens: usage?.cacheWriteInputTokens ?? 0,
      reasoningOutputTokens: usage?.reasoningOutputTokens ?? 0,
      toolTokens: usage?.totalTokens ?? 0,
    });
  }

  /**
   * Makes sure the turn holds an open socket for `metadata`'s handshake, in a
   * `model_client.websocket_connection` span; true when reused. `reauth`: the handshake follows
   * a 401 recovery step.
   */
  async #connect(
    ws: WebsocketSession,
    metadata: TurnMetadataInput,
    signal: AbortSignal | undefined,
    serviceTier?: string | undefined,
    reauth = false,
  ): Promise<boolean> {
    const options = this.#scope.options;
    return inSpan(
      options.telemetry,
      TelemetrySpanNames.modelClientWebsocketConnection,
      websocketConnectionAttributes(options.provider.name, true),
      async () => {
        await this.#prepare(signal);
        const headers = websocketHandshakeHeaders(options, options.provider.headers, metadata, serviceTier);
        return this.#scope.connector.connect(ws, headers, signal, reauth);
      },
    );
  }

  /**
   * Sends `request` over the turn's socket; `undefined` when the handshake got 426 (the session
   * has then fallen back to HTTP). `generate` is set only for the prewarm. A handshake answered
   * 401 runs `retry`'s next step and handshakes again while steps remain.
   */
  async #streamWebsocket(
    request: SamplingRequest,
    generate: boolean | undefined,
    signal: AbortSignal | undefined,
    retry: UnauthorizedRetry,
  ): Promise<AsyncIterable<ResponseEvent> | undefined> {
    // The request's span: its trace context goes into `client_metadata` (built inside it).
    return inSpan(
      this.#scope.options.telemetry,
      TelemetrySpanNames.modelClientStreamResponsesWebsocket,
      websocketRequestAttributes({
        model: request.model,
        hasMetadataHeader: true,
        warmup: generate === false,
      }),
      () => this.#sendWebsocket(request, generate, signal, retry),
    );
  }

  async #sendWebsocket(
    request: SamplingRequest,
    generate: boolean | undefined,
    signal: AbortSignal | undefined,
    retry: UnauthorizedRetry,
  ): Promise<AsyncIterable<ResponseEvent> | undefined> {
    const ws = this.#websocketSession();
    const full = this.buildWebsocketRequest(request, generate === undefined ? {} : { generate });
    let reused: boolean;
    let reauth = false;
    for (;;) {
      try {
        reused = await this.#connect(ws, request.metadata, signal, request.serviceTier, reauth);
        break;
      } catch (error) {
        if (isUpgradeRequired(error)) {
          this.tryFallbackToHttp();
          return undefined;
        }
        if (isUnauthorized(error) && (await this.#recover(retry, error, signal))) {
          reauth = true;
          continue;
        }
        throw error;
      }
    }
    const previous = ws.lastRequest;
    const last = ws.lastResponse;
    const resetReason = ws.takeContinuationResetReason();
    const delta = reused && previous ? incrementalInput(previous, last, full) : undefined;
    const incremental = delta !== undefined && last !== undefined;
    const wire: ResponseCreateWsRequest = incremental
      ? { ...full, previous_response_id: last.responseId, input: delta }
      : full;
    // one continuation decision per WebSocket request.
    const afterPrewarm = reused && ws.afterPrewarm;
    ws.afterPrewarm = false;
    this.#scope.options.telemetry?.recordContinuation({
      mode: incremental ? 'incremental' : 'full',
      reason: incremental ? 'incremental' : (resetReason ?? (previous ? 'other' : 'no_previous_request')),
      phase: generate === false ? 'warmup' : 'generation',
      afterPrewarm,
    });
    const connection = ws.connection as ResponsesWebsocketConnection;
    ws.lastRequest = full;
    ws.lastResponse = undefined;
    try {
      const stream = await inSpan(
        this.#scope.options.telemetry,
        TelemetrySpanNames.responsesWebsocketStreamRequest,
        WEBSOCKET_SPAN_ATTRIBUTES,
        () => connection.stream(wire, signal ? { signal } : {}),
      );
      return this.#trackWebsocket(ws, connection, stream);
    } catch (error) {
      if (ws.connection === connection) ws.reset();
      throw error;
    }
  }

  /**
   * Passes the events on, latching turn state, collecting `output_item.done` items and
   * recording `{responseId, itemsAdded}` on `completed` (the next request's baseline). A stream
   * that fails or is abandoned before `completed` drops the socket and the baseline.
   */
  async *#trackWebsocket(
    ws: WebsocketSession,
    connection: ResponsesWebsocketConnection,
    events: AsyncIterable<ResponseEvent>,
  ): AsyncGenerator<ResponseEvent> {
    const itemsAdded: ResponseItem[] = [];
    let completed = false;
    try {
      for await (const event of events) {
        if (event.type === 'turn_state' && event.source !== 'handshake' && this.#turnState === undefined)
          this.#turnState = event.value;
        else if (event.type === 'output_item.done') itemsAdded.push(event.item);
        else if (event.type === 'models_etag') this.#observeModelsEtag(event.etag);
        else if (event.type === 'completed') {
          completed = true;
          if (ws.connection === connection) ws.lastResponse = { responseId: event.responseId, itemsAdded };
        }
        yield event;
      }
    } finally {
      if (!completed && ws.connection === connection) ws.reset();
    }
  }

  async *#latchTurnState(events: AsyncIterable<ResponseEvent>): AsyncGenerator<ResponseEvent> {
    for await (const event of events) {
      if (event.type === 'turn_state' && this.#turnState === undefined) this.#turnState = event.value;
      else if (event.type === 'models_etag') this.#observeModelsEtag(event.etag);
      yield event;
    }
  }

  /** Hands a response's `x-models-etag` to `ModelClientOptions.onModelsEtag` (never throws). */
  #observeModelsEtag(etag: string): void {
    try {
      this.#scope.options.onModelsEtag?.(etag);
    } catch {
      // the observer's failure must not break the stream
    }
  }
}
