// The session-scoped model client (`ModelClient` in codex-rs, core-behaviour §1): options, the
// HTTP client, the sticky HTTP fallback, the WebSocket cache and the startup prewarm, and the
// turn scopes (`ModelClientSession`) created from it.

import { ApiError, type AuthProvider, CompactClient, type Provider, ResponsesClient } from '@codex-ts/api';
import { type HttpTransport, SecretRedactor } from '@codex-ts/client';
import type { SessionTelemetry } from '@codex-ts/otel';
import { v7 as uuidv7 } from 'uuid';
import type { SessionIdentity } from '../metadata/turn-metadata.js';
import { AuthAttemptTracker, withAuthRecoveryTelemetry } from './auth-recovery.js';
import {
  type ModelClientScope,
  type ModelClientSession,
  openModelClientSession,
} from './model-client-session.js';
import { type PrewarmOutcome, StartupPrewarm } from './prewarm.js';
import type { ChatgptRequestOptions, SamplingRequest } from './request-builder.js';
import { RESPONSES_ENDPOINT, WebsocketConnector } from './websocket-connector.js';

/** Options of a {@link ModelClient}; one client serves one conversation (session scope). */
export interface ModelClientOptions {
  /** The resolved model provider (base URL, headers, retry policy, idle and connect timeouts). */
  provider: Provider;
  /**
   * Credentials for every request and every WebSocket handshake. When it has
   * `unauthorizedRecovery()`, a 401 (HTTP status, WebSocket handshake or error frame) runs its
   * steps and the request is sent again with fresh `authHeaders()` (see `ModelClientSession.stream`);
   * each step is recorded as `codex.auth_recovery` when {@link telemetry} is given.
   */
  auth: AuthProvider;
  /**
   * Identifiers sent in headers and metadata on every request. The client keeps its own copy
   * (`client.options.identity`), whose window advances on {@link ModelClient.startNewContextWindow}.
   */
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
   * Set when the provider is the ChatGPT Codex backend (`ResolvedProvider.usesCodexBackend`):
   * requests then carry the ChatGPT-mode headers (`x-openai-account-routing-override` read per
   * request from {@link ChatgptRequestOptions.routingOverride}, `x-codex-routing-hint:
   * model=<slug>`, in the orders of observed-cli-0.169-auth §5 / §6) and
   * `client_metadata.guardian_credits_requested: "true"`, and a `Conversation` stamps each message
   * it creates with `internal_chat_message_metadata_passthrough`. Unset (API key): requests are
   * byte-identical to before. The credentials (`authorization`, `chatgpt-account-id`) still come
   * from {@link auth}.
   */
  chatgpt?: ChatgptRequestOptions | undefined;
  /**
   * Called with each `x-models-etag` a response announces (HTTP response header; WebSocket
   * handshake response or `codex.response.metadata` event), synchronously while the events pass
   * through, so it must not block: e.g. `ModelsCatalog.observeEtag`, which starts a refetch in
   * the background when the etag differs from the cached one. A throw is ignored.
   */
  onModelsEtag?: ((etag: string) => void) | undefined;
  /**
   * The provider's `supports_websockets`: when true, requests go as `response.create`
   * frames over one cached WebSocket until the session falls back to HTTP. Default false.
   */
  supportsWebsockets?: boolean | undefined;
  /** Shared HTTP transport (keep-alive pool); one is created when omitted. */
  transport?: HttpTransport | undefined;
  /**
   * `zstd`: every HTTP `POST /responses` body is one zstd frame with `content-encoding: zstd`
   * (what 0.169.0 did for the ChatGPT Codex backend, observed-cli-0.169-auth §5; see
   * `ResponsesClientOptions.requestCompression`). WebSocket frames are never compressed.
   * Default: plain JSON.
   */
  requestCompression?: 'zstd' | undefined;
  /**
   * Extra trusted CA certificates (PEM) for the WebSocket handshakes (`wss`), in addition to
   * Node's roots, e.g. `CODEX_CA_CERTIFICATE`. HTTP requests trust what {@link transport} trusts.
   */
  websocketCa?: string | readonly string[] | undefined;
  /**
   * The session's telemetry (`@codex-ts/otel`, telemetry.md); the client's only telemetry input.
   * When given, the client records: every HTTP attempt (`codex.api_request` with the auth
   * header's name and `auth.retry_after_unauthorized`, through
   * `telemetry.requestTelemetry({ endpoint: '/responses', auth })`) and SSE event
   * (`codex.sse_event`, `telemetry.sseTelemetry()`), each request inside the spans
   * `model_client.stream_responses_api` > `responses.stream_request` >
   * `endpoint_session.stream_encoded_json_with`, whose context is the request's `traceparent` /
   * `tracestate`; every WebSocket request inside `model_client.stream_responses_websocket`
   * (`websocket.warmup`), whose W3C trace context goes into that request's `client_metadata`
   * (`ws_request_header_traceparent` / `…_tracestate`), with `model_client.websocket_connection`
   * (> `responses_websocket.connect` for a handshake; `codex.websocket_connect` and
   * `codex.websocket.connect` with `reauth`) and `responses_websocket.stream_request`
   * (`codex.websocket_request`, `codex.websocket.request`); every frame (`codex.websocket.event`,
   * `telemetry.websocketTelemetry()`); the continuation decision of each WebSocket request
   * (`codex.websocket.continuation` with `mode`, `reason`, `phase`, `after_prewarm`); the startup
   * prewarm (`startup_prewarm` span, `codex.startup_phase` events, `codex.startup_prewarm.*`);
   * the switch to HTTP (`codex.transport.fallback_to_http`, once per session). The turn loop
   * records its spans, retries (`codex.retry`) and turn metrics through it. Without it nothing is
   * recorded and no trace context is sent.
   */
  telemetry?: SessionTelemetry | undefined;
  /**
   * Where every credential the client sends is registered and which redacts every error it throws
   * (HTTP and WebSocket, see `@codex-ts/api`'s clients) and records. Default: `telemetry.redactor`
   * when {@link telemetry} is given, else a new one. Pass the one you print with (the CLI does).
   */
  redactor?: SecretRedactor | undefined;
}

/**
 * The session-scoped model client (`ModelClient` in codex-rs, core-behaviour §1): holds the
 * provider, the credentials, the session identity, one keep-alive HTTP pool and, when the
 * provider supports WebSockets, the cached WebSocket session (socket + incremental baseline,
 * reused across turns) and the sticky HTTP-fallback flag (§13). Create a
 * {@link ModelClientSession} per turn with {@link ModelClient.newSession} and {@link
 * ModelClientSession.end} it when the turn is over so the socket goes back to the cache.
 */
export class ModelClient {
  /** The options the client was created with. */
  readonly options: ModelClientOptions;
  /** The HTTP Responses client (`POST /responses`, SSE) every turn's HTTP requests go through. */
  readonly responses: ResponsesClient;
  /**
   * The session's redactor ({@link ModelClientOptions.redactor}): holds every credential sent so
   * far (auth header values, credential-named provider values) and masks them (`***`) in errors.
   */
  readonly redactor: SecretRedactor;
  readonly #connector: WebsocketConnector;
  /** What every turn scope of this client reaches (handed to each {@link ModelClientSession}). */
  readonly #scope: ModelClientScope;
  #disableWebsockets = false;
  #startupPrewarm: StartupPrewarm | undefined;
  #compactClient: CompactClient | undefined;
  #closed = false;

  constructor(options: ModelClientOptions) {
    // Own copy of the identity: a compaction moves this session's window, not the caller's object.
    options = { ...options, identity: { ...options.identity } };
    this.options = options;
    const { telemetry } = options;
    const redactor = options.redactor ?? telemetry?.redactor ?? new SecretRedactor();
    this.redactor = redactor;
    const attempts = new AuthAttemptTracker();
    const requestTelemetry = telemetry?.requestTelemetry({
      endpoint: RESPONSES_ENDPOINT,
      auth: () => attempts.take(),
    });
    const sseTelemetry = telemetry?.sseTelemetry();
    // Both transports run the 401 recovery steps through this wrapper (`codex.auth_recovery`).
    const auth = withAuthRecoveryTelemetry(options.auth, telemetry, attempts);
    this.responses = new ResponsesClient({
      provider: options.provider,
      auth,
      ...(options.transport ? { transport: options.transport } : {}),
      ...(options.requestCompression ? { requestCompression: options.requestCompression } : {}),
      defaultHeaders: { originator: options.originator, 'user-agent': options.userAgent },
      ...(requestTelemetry ? { requestTelemetry } : {}),
      ...(sseTelemetry ? { sseTelemetry } : {}),
      redactor,
    });
    this.#connector = new WebsocketConnector({
      provider: options.provider,
      auth,
      originator: options.originator,
      userAgent: options.userAgent,
      telemetry,
      redactor,
      ca: options.websocketCa,
    });
    this.#scope = {
      options,
      auth,
      responses: this.responses,
      connector: this.#connector,
      websocketsEnabled: () => this.websocketsEnabled,
      forceHttpFallback: () => this.forceHttpFallback(),
      awaitStartupPrewarm: (signal) =>
        this.#startupPrewarm?.waitOnce(options.provider.websocketConnectTimeoutMs, signal) ??
        Promise.resolve(),
      giveBackWebsocket: (ws, discard) =>
        this.#connector.giveBack(ws, !discard && !this.#closed && this.websocketsEnabled),
    };
  }

  /**
   * Whether requests go over WebSocket: the provider supports it and the session has not fallen
   * back to HTTP (core-behaviour §2).
   */
  get websocketsEnabled(): boolean {
    return this.options.supportsWebsockets === true && !this.#disableWebsockets;
  }

  /**
   * Switches the session to HTTP for good (core-behaviour §13) and drops the cached
   * socket. Returns true only for the call that activated the fallback; false when WebSockets
   * were not in use or the fallback was already active. The activating call counts
   * `codex.transport.fallback_to_http{from_wire_api="responses_websocket"}`.
   */
  forceHttpFallback(): boolean {
    const activated = this.websocketsEnabled;
    if (this.options.supportsWebsockets === true) this.#disableWebsockets = true;
    if (activated) this.options.telemetry?.recordFallbackToHttp();
    this.#connector.dropCached();
    return activated;
  }

  /**
   * Starts the startup prewarm (0.169.0 §6) in the background and returns its
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
    this.#startupPrewarm = new StartupPrewarm(this.newSession(), request);
    return this.#startupPrewarm.promise;
  }

  /** Releases the HTTP pool (when this client created it), cancels a running prewarm and drops the cached socket. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#startupPrewarm?.cancel(new ApiError('aborted', 'model client closed'));
    this.#connector.dropCached();
    await this.responses.close();
    await this.#compactClient?.close();
  }

  /**
   * The session's `POST {base}/responses/compact` client (`CompactClient` of `@codex-ts/api`),
   * created on first use with the client's provider (its timeout: 4 × the stream idle timeout),
   * credentials (401 recovery included), transport and redactor, and `originator` / `user-agent`
   * as default headers; closed by {@link close}. Used by the `responses_compact` compaction.
   */
  get compactClient(): CompactClient {
    this.#compactClient ??= new CompactClient({
      provider: this.options.provider,
      auth: this.#scope.auth,
      ...(this.options.transport ? { transport: this.options.transport } : {}),
      redactor: this.redactor,
      defaultHeaders: { originator: this.options.originator, 'user-agent': this.options.userAgent },
    });
    return this.#compactClient;
  }

  /**
   * Moves the session to a new context window after a compaction replaced the history
   * (observed-cli-0.169-auth §16): `windowNumber` + 1 (so `x-codex-window-id: <thread>:<n>` and
   * turn metadata `window_number`) and a new UUID v7 `contextWindowId`, for every later request.
   * Open sockets stay usable (the window id is not part of the WebSocket connection key).
   */
  startNewContextWindow(): void {
    const identity = this.options.identity;
    identity.windowNumber += 1;
    identity.contextWindowId = uuidv7();
  }

  /**
   * Starts a turn scope: a fresh `x-codex-turn-state` cell, empty unless `options.turnState`
   * is given (a mid-turn compaction's scope carries the turn's latched value, C-58). Does no I/O.
   */
  newSession(options: { turnState?: string | undefined } = {}): ModelClientSession {
    return openModelClientSession(this.#scope, options.turnState);
  }
}
