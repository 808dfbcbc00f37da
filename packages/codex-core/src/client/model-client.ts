import { createHash } from 'node:crypto';
import {
  ApiError,
  type AuthProvider,
  apiErrorFromAuthFailure,
  type Provider,
  type ResponseCreateWsRequest,
  type ResponseEvent,
  type ResponsesApiRequest,
  ResponsesClient,
  ResponsesWebsocketClient,
  type ResponsesWebsocketConnection,
  type WebsocketTelemetry,
  websocketUrlForPath,
} from '@codex-ts/api';
import {
  clampTimerMs,
  type HttpTransport,
  type RequestTelemetry,
  SecretRedactor,
  type SseTelemetry,
} from '@codex-ts/client';
import type { SessionTelemetry, W3cTraceContext } from '@codex-ts/otel';
import type { ResponseItem } from '@codex-ts/protocol';
import {
  asciiJson,
  clientMetadata,
  mergeCallerClientMetadata,
  type SessionIdentity,
  type TurnMetadataInput,
  turnMetadata,
  windowId,
} from '../metadata/turn-metadata.js';
import { incrementalInput } from './incremental.js';
import { WebsocketSession } from './websocket-session.js';

/** Options of a {@link ModelClient}; one client serves one conversation (session scope). */
export interface ModelClientOptions {
  /** The resolved model provider (base URL, headers, retry policy, idle and connect timeouts). */
  provider: Provider;
  /** Credentials for every request and every WebSocket handshake. */
  auth: AuthProvider;
  /** Identifiers sent in headers and metadata on every request. */
  identity: SessionIdentity;
  /** `originator` header value, e.g. `codex_exec`. */
  originator: string;
  /** `User-Agent` header value (see `buildUserAgent`). */
  userAgent: string;
  /** Enabled beta features, sent comma-separated as `x-codex-beta-features` when non-empty. */
  betaFeatures?: readonly string[] | undefined;
  /** Add `client_metadata.mcp_attribution` (the built-in OpenAI provider does). */
  mcpAttribution?: boolean | undefined;
  /**
   * The provider's `supports_websockets` (C-14, C-16): when true, requests go as `response.create`
   * frames over one cached WebSocket until the session falls back to HTTP (W-81). Default false.
   */
  supportsWebsockets?: boolean | undefined;
  /**
   * Called just before each WebSocket `response.create` is sent; a non-empty result is sent as
   * `client_metadata.ws_request_header_traceparent` / `ws_request_header_tracestate` (W-66,
   * telemetry.md §7). `@codex-ts/otel`'s `w3cTraceContext` fits. HTTP requests are unaffected.
   * Defaults to `telemetry.w3cTraceContext()` when {@link telemetry} is given.
   */
  traceContext?: (() => W3cTraceContext) | undefined;
  /** Shared HTTP transport (keep-alive pool); one is created when omitted. */
  transport?: HttpTransport | undefined;
  /** Per-attempt HTTP telemetry hook. Defaults to `telemetry.requestTelemetry({ endpoint: '/responses' })`. */
  requestTelemetry?: RequestTelemetry | undefined;
  /** Per-event SSE telemetry hook. Defaults to `telemetry.sseTelemetry()`. */
  sseTelemetry?: SseTelemetry | undefined;
  /**
   * WebSocket hooks (`onWsRequest` per `response.create` sent, `onWsEvent` per frame; telemetry.md §5).
   * Defaults to `telemetry.websocketTelemetry()`.
   */
  websocketTelemetry?: WebsocketTelemetry | undefined;
  /**
   * The session's telemetry (`@codex-ts/otel`, telemetry.md). When given, the client records:
   * every HTTP attempt (`codex.api_request`, C-120) and SSE event (`codex.sse_event`) — the HTTP
   * requests also carry `traceparent` / `tracestate` of the active span (W-10); every WebSocket
   * connect (`codex.websocket_connect`, C-121), request (`codex.websocket.request`) and frame
   * (`codex.websocket.event`, C-118); the continuation decision of each WebSocket request
   * (`codex.websocket.continuation` with `mode`, `reason`, `phase`, C-125); the switch to HTTP
   * (`codex.transport.fallback_to_http`, once per session, C-26). The explicit hook options above
   * win over the ones derived from it. The turn loop records retries through it (`codex.retry`).
   */
  telemetry?: SessionTelemetry | undefined;
  /**
   * Where every credential the client sends is registered and which redacts every error it throws
   * (HTTP and WebSocket, see `@codex-ts/api`'s clients) and records. Default: `telemetry.redactor`
   * when {@link telemetry} is given, else a new one. Pass the one you print with (the CLI does).
   */
  redactor?: SecretRedactor | undefined;
}

/** `endpoint` label of the Responses endpoint in `codex.api_request` / `codex.websocket_connect`. */
const RESPONSES_ENDPOINT = '/responses';

/** Reasoning settings of a request (`reasoning` in the body). */
export interface ReasoningSettings {
  effort?: string | undefined;
  summary?: string | undefined;
}

/** Everything one sampling request needs besides the session-wide identity. */
export interface SamplingRequest {
  /** Model slug, e.g. `gpt-5.5`. */
  model: string;
  /**
   * The full input: base instructions, history and the new items. Over WebSocket the client
   * sends only the suffix after the previous response when it can (W-79); callers always pass
   * everything.
   */
  input: ResponseItem[];
  /** Responses tool definitions (raw JSON). */
  tools: unknown[];
  parallelToolCalls: boolean;
  reasoning?: ReasoningSettings | undefined;
  /** `text.verbosity`. */
  verbosity?: string | undefined;
  /** `service_tier` (`priority`, `flex`). */
  serviceTier?: string | undefined;
  /** Turn metadata of this request (`request_kind`, turn id, …). */
  metadata: TurnMetadataInput;
  /**
   * Caller-supplied `client_metadata` entries (string values), added after Codex's own keys;
   * reserved keys (see `RESERVED_CLIENT_METADATA_KEYS`) and keys already present are ignored.
   */
  clientMetadata?: Readonly<Record<string, string>> | undefined;
}

/**
 * How a startup prewarm ended ({@link ModelClient.prewarm}, W-80, C-47..C-52):
 * `ready` (a `generate:false` response completed; the first turn continues from it),
 * `skipped` (WebSockets off, or the socket already carried a request: C-48),
 * `http_fallback` (the handshake got 426; the session now uses HTTP),
 * `failed` (any other error; swallowed, the first turn connects by itself),
 * `cancelled` (the client was closed or the first turn stopped waiting).
 */
export type PrewarmOutcome = 'ready' | 'skipped' | 'http_fallback' | 'failed' | 'cancelled';

interface StartupPrewarm {
  promise: Promise<PrewarmOutcome>;
  startedAt: number;
  controller: AbortController;
  consumed: boolean;
}

/** Client state that turn scopes reach through {@link internalsOf}; not part of the public API. */
interface ClientInternals {
  websocketClient(): ResponsesWebsocketClient;
  takeWebsocketSession(): WebsocketSession;
  returnWebsocketSession(ws: WebsocketSession, discard: boolean): void;
  awaitStartupPrewarm(signal: AbortSignal | undefined): Promise<void>;
}

const INTERNALS = new WeakMap<ModelClient, ClientInternals>();

function internalsOf(client: ModelClient): ClientInternals {
  const internals = INTERNALS.get(client);
  if (!internals) throw new Error('ModelClient internals missing');
  return internals;
}

/**
 * The session-scoped model client (`ModelClient` in codex-rs, core-behaviour §1): holds the
 * provider, the credentials, the session identity, one keep-alive HTTP pool and, when the
 * provider supports WebSockets, the cached WebSocket session (socket + incremental baseline,
 * reused across turns, W-82) and the sticky HTTP-fallback flag (W-81, §13). Create a
 * {@link ModelClientSession} per turn with {@link ModelClient.newSession} and {@link
 * ModelClientSession.end} it when the turn is over so the socket goes back to the cache.
 */
export class ModelClient {
  readonly options: ModelClientOptions;
  readonly responses: ResponsesClient;
  /**
   * The session's redactor ({@link ModelClientOptions.redactor}): holds every credential sent so
   * far (auth header values, credential-named provider values) and masks them (`***`) in errors.
   */
  readonly redactor: SecretRedactor;
  #websocket: ResponsesWebsocketClient | undefined;
  #disableWebsockets = false;
  #cachedWebsocket: WebsocketSession | undefined;
  #startupPrewarm: StartupPrewarm | undefined;
  #closed = false;

  constructor(options: ModelClientOptions) {
    this.options = options;
    const telemetry = options.telemetry;
    const redactor = options.redactor ?? telemetry?.redactor ?? new SecretRedactor();
    this.redactor = redactor;
    const requestTelemetry =
      options.requestTelemetry ?? telemetry?.requestTelemetry({ endpoint: RESPONSES_ENDPOINT });
    const sseTelemetry = options.sseTelemetry ?? telemetry?.sseTelemetry();
    const websocketTelemetry = options.websocketTelemetry ?? telemetry?.websocketTelemetry();
    this.responses = new ResponsesClient({
      provider: options.provider,
      auth: options.auth,
      ...(options.transport ? { transport: options.transport } : {}),
      defaultHeaders: { originator: options.originator, 'user-agent': options.userAgent },
      ...(requestTelemetry ? { requestTelemetry } : {}),
      ...(sseTelemetry ? { sseTelemetry } : {}),
      redactor,
    });
    INTERNALS.set(this, {
      websocketClient: () => {
        this.#websocket ??= new ResponsesWebsocketClient({
          provider: this.options.provider,
          auth: this.options.auth,
          // 0.169.0 handshake order (observed-cli §6): user-agent before originator.
          defaultHeaders: { 'user-agent': this.options.userAgent, originator: this.options.originator },
          ...(websocketTelemetry ? { telemetry: websocketTelemetry } : {}),
          redactor,
        });
        return this.#websocket;
      },
      takeWebsocketSession: () => {
        const ws = this.#cachedWebsocket ?? new WebsocketSession();
        this.#cachedWebsocket = undefined;
        return ws;
      },
      returnWebsocketSession: (ws, discard) => {
        if (discard || this.#closed || !this.websocketsEnabled || this.#cachedWebsocket !== undefined) {
          ws.reset();
          return;
        }
        this.#cachedWebsocket = ws;
      },
      awaitStartupPrewarm: (signal) => this.#awaitStartupPrewarm(signal),
    });
  }

  /**
   * Whether requests go over WebSocket: the provider supports it and the session has not fallen
   * back to HTTP (C-16, core-behaviour §2).
   */
  get websocketsEnabled(): boolean {
    return this.options.supportsWebsockets === true && !this.#disableWebsockets;
  }

  /**
   * Switches the session to HTTP for good (W-81, C-25, core-behaviour §13) and drops the cached
   * socket. Returns true only for the call that activated the fallback; false when WebSockets
   * were not in use or the fallback was already active. The activating call counts
   * `codex.transport.fallback_to_http{from_wire_api="responses_websocket"}` (C-26).
   */
  forceHttpFallback(): boolean {
    const activated = this.websocketsEnabled;
    if (this.options.supportsWebsockets === true) this.#disableWebsockets = true;
    if (activated) this.options.telemetry?.recordFallbackToHttp();
    this.#cachedWebsocket?.reset();
    this.#cachedWebsocket = undefined;
    return activated;
  }

  /**
   * Starts the startup prewarm (W-80, C-47..C-52, 0.169.0 §6) in the background and returns its
   * outcome; never rejects. `request` is what the first turn will send without the user's items
   * (0.169.0: only the base-instructions message; `metadata.requestKind` `prewarm`, `turnId` `""`).
   * It is sent as `response.create` with `generate: false` and drained until
   * `response.completed`; the socket and its response id then wait in the cache, and the first
   * turn's first WebSocket request waits for this (at most `websocketConnectTimeoutMs` from now)
   * and continues with `previous_response_id`. A 426 handshake switches the session to HTTP.
   * Only the first call per client prewarms; later calls return the same promise.
   */
  prewarm(request: SamplingRequest): Promise<PrewarmOutcome> {
    if (this.#startupPrewarm) return this.#startupPrewarm.promise;
    if (!this.websocketsEnabled || this.#closed) return Promise.resolve('skipped');
    const controller = new AbortController();
    const session = this.newSession();
    const run = async (): Promise<PrewarmOutcome> => {
      try {
        return await session.prewarmWebsocket(request, { signal: controller.signal });
      } catch {
        return controller.signal.aborted ? 'cancelled' : 'failed';
      } finally {
        session.end({ discard: controller.signal.aborted });
      }
    };
    const promise = run();
    this.#startupPrewarm = { promise, startedAt: Date.now(), controller, consumed: false };
    return promise;
  }

  /** Releases the HTTP pool (when this client created it), cancels a running prewarm and drops the cached socket. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#startupPrewarm?.controller.abort(new ApiError('aborted', 'model client closed'));
    this.#cachedWebsocket?.reset();
    this.#cachedWebsocket = undefined;
    await this.responses.close();
  }

  /** Starts a turn scope: a fresh, empty `x-codex-turn-state` cell. Does no I/O. */
  newSession(): ModelClientSession {
    return new ModelClientSession(this);
  }

  async #awaitStartupPrewarm(signal: AbortSignal | undefined): Promise<void> {
    const prewarm = this.#startupPrewarm;
    if (!prewarm || prewarm.consumed) return;
    prewarm.consumed = true;
    if (signal?.aborted) return;
    const remainingMs = this.options.provider.websocketConnectTimeoutMs - (Date.now() - prewarm.startedAt);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const timedOut = await Promise.race([
      prewarm.promise.then(() => false),
      new Promise<boolean>((resolve) => {
        // Clamped: a connect timeout beyond Node's timer range must not become a 1 ms wait.
        timer = setTimeout(() => resolve(true), clampTimerMs(remainingMs));
      }),
      new Promise<boolean>((resolve) => {
        onAbort = () => resolve(false);
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    if (timedOut) prewarm.controller.abort(new ApiError('aborted', 'startup prewarm timed out'));
  }
}

/** A handshake answered `426 Upgrade Required` (W-78, W-81). */
const isUpgradeRequired = (error: unknown): boolean => ApiError.isInstance(error) && error.status === 426;

/**
 * The turn-scoped model client (`ModelClientSession` in codex-rs). It sends each request of one
 * turn over WebSocket or HTTP (C-16, core-behaviour §2) and latches the sticky-routing token:
 * the first `x-codex-turn-state` of the turn is replayed on every later request of the same
 * turn (HTTP header W-62/C-54, WebSocket `client_metadata` C-55/C-56) and never into the next
 * turn. Over WebSocket it takes the client's cached socket on first use, reuses it for every
 * request, and sends incremental `response.create`s (W-79); {@link end} hands the socket back.
 * Do not use one session for two turns or two requests at once.
 */
export class ModelClientSession {
  readonly #client: ModelClient;
  #turnState: string | undefined;
  #ws: WebsocketSession | undefined;
  #ended = false;

  constructor(client: ModelClient) {
    this.#client = client;
  }

  /** The latched `x-codex-turn-state` value of this turn, if any response carried one. */
  get turnState(): string | undefined {
    return this.#turnState;
  }

  /** The client's telemetry ({@link ModelClientOptions.telemetry}), if any. */
  get telemetry(): SessionTelemetry | undefined {
    return this.#client.options.telemetry;
  }

  /** Whether the next request goes over WebSocket (see {@link ModelClient.websocketsEnabled}). */
  get websocketsEnabled(): boolean {
    return this.#client.websocketsEnabled;
  }

  /** The HTTP wire body for `request`, in 0.169.0's field order (see `serializeResponsesRequest`). */
  buildRequest(request: SamplingRequest): ResponsesApiRequest {
    return this.#requestBody(request, this.#clientMetadata(request));
  }

  /** Codex's own `client_metadata` for `request` (before the caller's entries are merged in). */
  #clientMetadata(request: SamplingRequest): Record<string, string> {
    const { identity, mcpAttribution } = this.#client.options;
    return clientMetadata(identity, request.metadata, { mcpAttribution: mcpAttribution ?? false });
  }

  /** The wire body for `request` with `metadata` (the caller's entries merged in) as `client_metadata`. */
  #requestBody(request: SamplingRequest, metadata: Record<string, string>): ResponsesApiRequest {
    const { identity } = this.#client.options;
    const body: ResponsesApiRequest = {
      model: request.model,
      stream: true,
      input: request.input,
      tools: request.tools,
      tool_choice: 'auto',
      parallel_tool_calls: request.parallelToolCalls,
      reasoning: compact({ effort: request.reasoning?.effort, summary: request.reasoning?.summary }),
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: identity.threadId,
      client_metadata: mergeCallerClientMetadata(metadata, request.clientMetadata),
    };
    if (request.serviceTier) body.service_tier = request.serviceTier;
    if (request.verbosity) body.text = { verbosity: request.verbosity };
    return body;
  }

  /**
   * The full WebSocket `response.create` body for `request` (no `previous_response_id`): the HTTP
   * fields plus, in `client_metadata`, the latched `x-codex-turn-state` and the W3C trace context
   * as `ws_request_header_traceparent` / `ws_request_header_tracestate` (W-66). The API layer
   * stamps `x-codex-ws-stream-request-start-ms` when it sends the frame.
   */
  buildWebsocketRequest(
    request: SamplingRequest,
    options: { generate?: boolean } = {},
  ): ResponseCreateWsRequest {
    const { traceContext, telemetry } = this.#client.options;
    const metadata = this.#clientMetadata(request);
    if (this.#turnState !== undefined) metadata['x-codex-turn-state'] = this.#turnState;
    const trace = traceContext ? traceContext() : telemetry?.w3cTraceContext();
    if (trace?.traceparent) metadata.ws_request_header_traceparent = trace.traceparent;
    if (trace?.tracestate) metadata.ws_request_header_tracestate = trace.tracestate;
    const body: ResponseCreateWsRequest = this.#requestBody(request, metadata);
    if (options.generate !== undefined) body.generate = options.generate;
    return body;
  }

  /**
   * The request headers core adds, in the order 0.169.0 sent them: beta features, turn
   * state, window id, turn metadata, then `x-client-request-id`, `session-id`, `thread-id`
   * (the API layer adds provider headers before and accept/content-type/auth/originator/UA after).
   */
  buildHeaders(metadata: TurnMetadataInput): Record<string, string> {
    const { identity, betaFeatures } = this.#client.options;
    const headers: Record<string, string> = {};
    if (betaFeatures && betaFeatures.length > 0) headers['x-codex-beta-features'] = betaFeatures.join(',');
    if (this.#turnState !== undefined) headers['x-codex-turn-state'] = this.#turnState;
    headers['x-codex-window-id'] = windowId(identity);
    headers['x-codex-turn-metadata'] = asciiJson(turnMetadata(identity, metadata));
    headers['x-client-request-id'] = identity.threadId;
    headers['session-id'] = identity.sessionId;
    headers['thread-id'] = identity.threadId;
    return headers;
  }

  /**
   * The connection-level headers of a WebSocket handshake (C-19, W-68), in 0.169.0's order (§6):
   * the turn metadata of the request that opens the connection, the provider headers (e.g. the
   * built-in OpenAI provider's `version`), `x-codex-beta-features`, `x-client-request-id`,
   * `session-id`, `thread-id`, `x-codex-window-id`. The API layer puts auth, `User-Agent`,
   * `originator` and `openai-beta` before them. No turn state (W-62).
   */
  buildWebsocketHeaders(metadata: TurnMetadataInput): Record<string, string> {
    const { identity, betaFeatures, provider } = this.#client.options;
    const headers: Record<string, string> = {};
    headers['x-codex-turn-metadata'] = asciiJson(turnMetadata(identity, metadata));
    for (const [name, value] of Object.entries(provider.headers)) headers[name] = value;
    if (betaFeatures && betaFeatures.length > 0) headers['x-codex-beta-features'] = betaFeatures.join(',');
    headers['x-client-request-id'] = identity.threadId;
    headers['session-id'] = identity.sessionId;
    headers['thread-id'] = identity.threadId;
    headers['x-codex-window-id'] = windowId(identity);
    return headers;
  }

  /**
   * Sends one sampling request and returns its events (C-16): over WebSocket while
   * {@link websocketsEnabled} (first waiting, once per client, for the startup prewarm), else
   * over HTTP SSE. A 426 on the WebSocket handshake switches the session to HTTP and sends this
   * same request as a POST at once (C-22). Over WebSocket the request continues from the
   * previous response with `previous_response_id` and only the new items when W-79 allows; any
   * failure drops the socket and the baseline, so the retry is a full request on a new socket
   * (C-32). A `turn_state` event latches the turn state (first value wins) and is passed on.
   *
   * @throws ApiError from the returned promise (handshake or request failed) or from iteration;
   *   the turn loop decides about retries and the exhausted-retries fallback.
   */
  async stream(
    request: SamplingRequest,
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<AsyncIterable<ResponseEvent>> {
    if (this.#client.websocketsEnabled) {
      await internalsOf(this.#client).awaitStartupPrewarm(options.signal);
      if (this.#client.websocketsEnabled) {
        const events = await this.#streamWebsocket(request, undefined, options.signal);
        if (events) return events;
      }
    }
    const body = this.buildRequest(request);
    const extraHeaders = this.buildHeaders(request.metadata);
    // W-10: `traceparent` / `tracestate` of the active span (nothing without one).
    this.#client.options.telemetry?.injectTraceHeaders(extraHeaders);
    const stream = await this.#client.responses.stream(body, {
      extraHeaders,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return this.#latchTurnState(stream);
  }

  /**
   * Opens the turn's socket without sending a request (`preconnect_websocket`, C-30): a
   * handshake whose headers carry `metadata`, skipped when an open socket with the same
   * connection key is already held. The next {@link stream} reuses it. Resolves true when a
   * socket is open, false when WebSockets are off or the handshake got 426 (the session then
   * falls back to HTTP).
   *
   * @throws ApiError when the handshake fails otherwise (callers usually ignore it: the request
   *   will connect again).
   */
  async preconnect(metadata: TurnMetadataInput, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    if (!this.#client.websocketsEnabled) return false;
    await internalsOf(this.#client).awaitStartupPrewarm(options.signal);
    if (!this.#client.websocketsEnabled) return false;
    try {
      await this.#ensureConnection(this.#websocketSession(), metadata, options.signal);
      return true;
    } catch (error) {
      if (!isUpgradeRequired(error)) throw error;
      this.tryFallbackToHttp();
      return false;
    }
  }

  /**
   * `prewarm_websocket` (W-80, C-47, C-48): sends `request` as `response.create` with
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
    if (!this.#client.websocketsEnabled) return 'skipped';
    if (this.#websocketSession().lastRequest !== undefined) return 'skipped';
    const events = await this.#streamWebsocket(request, false, options.signal);
    if (!events) return 'http_fallback';
    for await (const _event of events) {
      // drained: the tracker records the response id on `completed`
    }
    return 'ready';
  }

  /**
   * `try_switch_fallback_transport` (§13): activates the session-wide HTTP fallback and drops
   * this turn's socket. Returns true only when this call activated it (so the caller emits the
   * "Falling back from WebSockets to HTTPS transport." warning once, C-23).
   */
  tryFallbackToHttp(): boolean {
    const activated = this.#client.forceHttpFallback();
    this.#ws?.reset();
    this.#ws = undefined;
    return activated;
  }

  /**
   * Ends the turn scope: the socket and its incremental baseline go back to the client cache for
   * the next turn (C-28, C-42), or are dropped with `discard` or when the client already holds
   * one. Idempotent; the session must not be used afterwards.
   */
  end(options: { discard?: boolean } = {}): void {
    if (this.#ended) return;
    this.#ended = true;
    const ws = this.#ws;
    this.#ws = undefined;
    if (ws) internalsOf(this.#client).returnWebsocketSession(ws, options.discard ?? false);
  }

  #websocketSession(): WebsocketSession {
    if (this.#ended) throw new Error('ModelClientSession used after end()');
    this.#ws ??= internalsOf(this.#client).takeWebsocketSession();
    return this.#ws;
  }

  /**
   * Makes sure the turn holds an open socket for `metadata`'s handshake headers; returns true
   * when an existing socket was reused, false when a new one was opened (baseline cleared).
   */
  async #ensureConnection(
    ws: WebsocketSession,
    metadata: TurnMetadataInput,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    const headers = this.buildWebsocketHeaders(metadata);
    const { key, authHeaderName } = await this.#connectionKey(headers, signal);
    if (ws.isOpen && ws.connectionKey === key) return true;
    // An open socket for other headers or credentials is replaced ('other'); a closed or failed
    // one is 'connection_closed' (C-125).
    ws.reset(ws.connection !== undefined && !ws.connection.isClosed ? 'other' : 'connection_closed');
    const telemetry = this.#client.options.telemetry;
    const started = performance.now();
    let connection: ResponsesWebsocketConnection;
    try {
      connection = await internalsOf(this.#client)
        .websocketClient()
        .connect({ extraHeaders: headers, ...(signal ? { signal } : {}) });
    } catch (error) {
      telemetry?.recordWebsocketConnect({
        durationMs: performance.now() - started,
        status: ApiError.isInstance(error) ? error.status : undefined,
        error,
        endpoint: RESPONSES_ENDPOINT,
        connectionReused: false,
        auth: authAttempt(authHeaderName),
      });
      throw error;
    }
    telemetry?.recordWebsocketConnect({
      durationMs: performance.now() - started,
      status: 101,
      endpoint: RESPONSES_ENDPOINT,
      connectionReused: false,
      auth: authAttempt(authHeaderName),
    });
    ws.connection = connection;
    ws.connectionKey = key;
    return false;
  }

  /**
   * The connection key (C-29): WebSocket URL, the handshake headers that do not vary per turn
   * (everything but `x-codex-turn-metadata`, so a prewarmed or preconnected socket serves later
   * turns, C-31) and the credentials, all hashed with SHA-256: provider headers may hold API keys
   * too, so the key never keeps a header value in clear.
   */
  async #connectionKey(
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<{ key: string; authHeaderName: string | undefined }> {
    const { provider, auth, telemetry } = this.#client.options;
    const redactor = this.#client.redactor;
    const { 'x-codex-turn-metadata': _perTurn, ...stable } = headers;
    let authHeaders: Record<string, string>;
    try {
      authHeaders = await auth.authHeaders(signal);
    } catch (error) {
      throw redactor.redactError(apiErrorFromAuthFailure(error, signal));
    }
    registerCredentials(redactor, authHeaders);
    if (telemetry && telemetry.redactor !== redactor) registerCredentials(telemetry.redactor, authHeaders);
    return {
      key: createHash('sha256')
        .update(JSON.stringify([websocketUrlForPath(provider, 'responses'), stable, authHeaders]))
        .digest('hex'),
      // Telemetry gets the header's name only, never its value.
      authHeaderName: Object.keys(authHeaders)[0],
    };
  }

  /**
   * Sends `request` over the turn's socket; `undefined` when the handshake got 426 (the session
   * has then fallen back to HTTP). `generate` is set only for the prewarm.
   */
  async #streamWebsocket(
    request: SamplingRequest,
    generate: boolean | undefined,
    signal: AbortSignal | undefined,
  ): Promise<AsyncIterable<ResponseEvent> | undefined> {
    const ws = this.#websocketSession();
    const full = this.buildWebsocketRequest(request, generate === undefined ? {} : { generate });
    let reused: boolean;
    try {
      reused = await this.#ensureConnection(ws, request.metadata, signal);
    } catch (error) {
      if (!isUpgradeRequired(error)) throw error;
      this.tryFallbackToHttp();
      return undefined;
    }
    const previous = ws.lastRequest;
    const last = ws.lastResponse;
    const resetReason = ws.takeContinuationResetReason();
    const delta = reused && previous ? incrementalInput(previous, last, full) : undefined;
    const incremental = delta !== undefined && last !== undefined;
    const wire: ResponseCreateWsRequest = incremental
      ? { ...full, previous_response_id: last.responseId, input: delta }
      : full;
    // C-125: one continuation decision per WebSocket request.
    this.#client.options.telemetry?.recordContinuation({
      mode: incremental ? 'incremental' : 'full',
      reason: incremental ? 'incremental' : (resetReason ?? (previous ? 'other' : 'no_previous_request')),
      phase: generate === false ? 'warmup' : 'generation',
    });
    const connection = ws.connection as ResponsesWebsocketConnection;
    ws.lastRequest = full;
    ws.lastResponse = undefined;
    try {
      const stream = await connection.stream(wire, signal ? { signal } : {});
      return this.#trackWebsocket(ws, connection, stream);
    } catch (error) {
      if (ws.connection === connection) ws.reset();
      throw error;
    }
  }

  /**
   * Passes the events on, latching turn state, collecting `output_item.done` items and
   * recording `{responseId, itemsAdded}` on `completed` (the next request's baseline). A stream
   * that fails or is abandoned before `completed` drops the socket and the baseline (C-32).
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
      yield event;
    }
  }
}

/**
 * Registers the auth header values (and for `<scheme> <token>`, `Bearer sk-…`, the token alone)
 * with `redactor`: errors quote response bodies, which a server may echo the key in.
 */
function registerCredentials(redactor: SecretRedactor, authHeaders: Record<string, string>): void {
  for (const value of Object.values(authHeaders)) redactor.addCredential(value);
}

/** `auth.*` attributes of a WebSocket connect: whether an auth header was sent, and its name. */
function authAttempt(headerName: string | undefined): { headerAttached: boolean; headerName?: string } {
  return headerName === undefined ? { headerAttached: false } : { headerAttached: true, headerName };
}

function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
