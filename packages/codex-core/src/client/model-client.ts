import {
  type AuthProvider,
  type Provider,
  type ResponseEvent,
  type ResponsesApiRequest,
  ResponsesClient,
} from '@codex-ts/api';
import type { HttpTransport, RequestTelemetry, SseTelemetry } from '@codex-ts/client';
import type { ResponseItem } from '@codex-ts/protocol';
import {
  asciiJson,
  clientMetadata,
  type SessionIdentity,
  type TurnMetadataInput,
  turnMetadata,
  windowId,
} from '../metadata/turn-metadata.js';

/** Options of a {@link ModelClient}; one client serves one conversation (session scope). */
export interface ModelClientOptions {
  /** The resolved model provider (base URL, headers, retry policy, idle timeout). */
  provider: Provider;
  /** Credentials for every request. */
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
  /** Shared HTTP transport (keep-alive pool); one is created when omitted. */
  transport?: HttpTransport | undefined;
  /** Per-attempt HTTP telemetry hook. */
  requestTelemetry?: RequestTelemetry | undefined;
  /** Per-event SSE telemetry hook. */
  sseTelemetry?: SseTelemetry | undefined;
}

/** Reasoning settings of a request (`reasoning` in the body). */
export interface ReasoningSettings {
  effort?: string | undefined;
  summary?: string | undefined;
}

/** Everything one sampling request needs besides the session-wide identity. */
export interface SamplingRequest {
  /** Model slug, e.g. `gpt-5.5`. */
  model: string;
  /** The full input: base instructions, history and the new items. */
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
}

/**
 * The session-scoped model client (`ModelClient` in codex-rs): holds the provider, the
 * credentials, the session identity and one keep-alive HTTP pool. Cheap to share; create a
 * {@link ModelClientSession} per turn with {@link ModelClient.newSession}.
 */
export class ModelClient {
  readonly options: ModelClientOptions;
  readonly responses: ResponsesClient;

  constructor(options: ModelClientOptions) {
    this.options = options;
    this.responses = new ResponsesClient({
      provider: options.provider,
      auth: options.auth,
      ...(options.transport ? { transport: options.transport } : {}),
      defaultHeaders: { originator: options.originator, 'user-agent': options.userAgent },
      ...(options.requestTelemetry ? { requestTelemetry: options.requestTelemetry } : {}),
      ...(options.sseTelemetry ? { sseTelemetry: options.sseTelemetry } : {}),
    });
  }

  /** Releases the HTTP connection pool (when this client created it). Idempotent. */
  async close(): Promise<void> {
    await this.responses.close();
  }

  /** Starts a turn scope: a fresh, empty `x-codex-turn-state` cell. Does no I/O. */
  newSession(): ModelClientSession {
    return new ModelClientSession(this);
  }
}

/**
 * The turn-scoped model client (`ModelClientSession` in codex-rs). It builds each request
 * of one turn and latches the sticky-routing token: the first `x-codex-turn-state` a
 * response carries is sent as a request header on every later request of the same turn
 * (W-62, C-54) and never into the next turn (a new session starts empty).
 */
export class ModelClientSession {
  readonly #client: ModelClient;
  #turnState: string | undefined;

  constructor(client: ModelClient) {
    this.#client = client;
  }

  /** The latched `x-codex-turn-state` value of this turn, if any response carried one. */
  get turnState(): string | undefined {
    return this.#turnState;
  }

  /** The wire body for `request`, in 0.169.0's field order (see `serializeResponsesRequest`). */
  buildRequest(request: SamplingRequest): ResponsesApiRequest {
    const { identity, mcpAttribution } = this.#client.options;
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
      client_metadata: clientMetadata(identity, request.metadata, {
        mcpAttribution: mcpAttribution ?? false,
      }),
    };
    if (request.serviceTier) body.service_tier = request.serviceTier;
    if (request.verbosity) body.text = { verbosity: request.verbosity };
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
   * Sends one sampling request over HTTP SSE and returns its events. Transport-level
   * retries (5xx, connection errors) happen inside; stream failures are thrown from the
   * iterator as `ApiError` for the turn loop to retry. A `turn_state` event latches the
   * turn state (first value wins) and is passed on.
   *
   * @throws ApiError from the returned promise (request failed) or from iteration.
   */
  async stream(
    request: SamplingRequest,
    options: { signal?: AbortSignal } = {},
  ): Promise<AsyncIterable<ResponseEvent>> {
    const body = this.buildRequest(request);
    const extraHeaders = this.buildHeaders(request.metadata);
    const stream = await this.#client.responses.stream(body, {
      extraHeaders,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return this.#latchTurnState(stream);
  }

  async *#latchTurnState(events: AsyncIterable<ResponseEvent>): AsyncGenerator<ResponseEvent> {
    for await (const event of events) {
      if (event.type === 'turn_state' && this.#turnState === undefined) this.#turnState = event.value;
      yield event;
    }
  }
}

function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
