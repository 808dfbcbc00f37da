// What a sampling request looks like on the wire: the Responses body (HTTP and WebSocket), the
// headers core adds to an HTTP request and to a WebSocket handshake, and `client_metadata`, in
// the order codex-cli 0.169.0 sent them (observed-cli-0.169 §4, §6).
// Pure functions of their arguments: no I/O, no clock, no state.

import type { ResponseCreateWsRequest, ResponsesApiRequest } from '@codex-ts/api';
import type { W3cTraceContext } from '@codex-ts/otel';
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

/** Reasoning settings of a request (`reasoning` in the body). */
export interface ReasoningSettings {
  effort?: string | undefined;
  summary?: string | undefined;
}

/** `text.format.name` of an output schema (codex-rs `codex_output_schema`). */
export const OUTPUT_SCHEMA_NAME = 'codex_output_schema';

/** Everything one sampling request needs besides the session-wide identity. */
export interface SamplingRequest {
  /** Model slug, e.g. `gpt-5.5`. */
  model: string;
  /**
   * The full input: base instructions, history and the new items. Over WebSocket the client
   * sends only the suffix after the previous response when it can; callers always pass
   * everything.
   */
  input: ResponseItem[];
  /** Responses tool definitions (raw JSON); not sent on a {@link responsesLite} request. */
  tools: unknown[];
  parallelToolCalls: boolean;
  /**
   * A Responses-Lite request (the model's catalog entry has `use_responses_lite`; 0.169.0 with
   * `gpt-6.1-sol`, observed-cli-0.169 §5.3): no top-level `tools` key (the tools travel in the
   * `additional_tools` input item), `reasoning.context: "all_turns"` after the effort and summary,
   * the HTTP header `x-openai-internal-codex-responses-lite: true` right after
   * `x-codex-turn-metadata`, and over WebSocket `client_metadata` key
   * `ws_request_header_x_openai_internal_codex_responses_lite: "true"` (no handshake header).
   */
  responsesLite?: boolean | undefined;
  reasoning?: ReasoningSettings | undefined;
  /** `text.verbosity`. */
  verbosity?: string | undefined;
  /** `service_tier` (`priority`, `flex`). */
  serviceTier?: string | undefined;
  /**
   * A JSON Schema the final answer must follow (`codex exec --output-schema`, the thread API's
   * `outputSchema`): sent as `text.format = {type: "json_schema", strict: true, schema, name:
   * "codex_output_schema"}` after `text.verbosity` (codex-rs `client_common.rs`
   * `create_text_param_for_request`; that key order on the wire, as codex-cli 0.169.0 sent it).
   * Sent as given; validating the schema is the caller's job.
   */
  outputSchema?: unknown;
  /** Turn metadata of this request (`request_kind`, turn id, …). */
  metadata: TurnMetadataInput;
  /**
   * Caller-supplied `client_metadata` entries (string values), added after Codex's own keys;
   * reserved keys (see `RESERVED_CLIENT_METADATA_KEYS`) and keys already present are ignored.
   */
  clientMetadata?: Readonly<Record<string, string>> | undefined;
}

/**
 * What makes a request a ChatGPT Codex backend request (observed-cli-0.169-auth §5, §6): set
 * `ModelClientOptions.chatgpt` when the provider resolved with `usesCodexBackend`. Auth headers
 * (`authorization`, `chatgpt-account-id`) still come from the `AuthProvider`.
 */
export interface ChatgptRequestOptions {
  /**
   * The workspace's account routing override, read before every HTTP request and every
   * WebSocket handshake (routing discovery may set or change it during the session): `us` or
   * `us_cr` is sent as `x-openai-account-routing-override`; undefined (discovery answered
   * `NO_CONSTRAINT`, or has not run) sends nothing. Other values are not sent.
   */
  readonly routingOverride?: (() => string | undefined) | undefined;
  /**
   * Awaited before the headers of every HTTP request and WebSocket handshake are built (the
   * prewarm's included), so that what it sets up (workspace routing discovery, which decides
   * {@link routingOverride}) is in the first request. A rejection fails the request like an
   * `authHeaders()` failure (an `ApiError` passes through, e.g. the retryable `auth_transient`).
   */
  readonly prepare?: ((signal?: AbortSignal) => Promise<void>) | undefined;
}

/**
 * The beta features `codex exec` advertises in `x-codex-beta-features` on every Responses request
 * and WebSocket handshake, as codex-cli 0.169.0 did (API key and ChatGPT login alike).
 */
export const EXEC_BETA_FEATURES: readonly string[] = ['remote_compaction_v2'];

/** The HTTP header of a Responses-Lite request (value `true`). */
export const RESPONSES_LITE_HEADER = 'x-openai-internal-codex-responses-lite';
/** Its WebSocket stand-in, a `client_metadata` key (value `"true"`). */
const RESPONSES_LITE_WS_METADATA_KEY = 'ws_request_header_x_openai_internal_codex_responses_lite';

/** `account_routing_override` values that become the `x-openai-account-routing-override` header. */
const ROUTING_OVERRIDES: ReadonlySet<string> = new Set(['us', 'us_cr']);

/** The session-wide settings every request is built from (a subset of `ModelClientOptions`). */
export interface RequestSettings {
  readonly identity: SessionIdentity;
  /** Sent comma-separated as `x-codex-beta-features` when non-empty. */
  readonly betaFeatures?: readonly string[] | undefined;
  /** Adds `client_metadata.mcp_attribution`. */
  readonly mcpAttribution?: boolean | undefined;
  /**
   * Set for the ChatGPT Codex backend: adds the routing override and `x-codex-routing-hint`
   * headers and `client_metadata.guardian_credits_requested`. Unset: API-key requests, unchanged.
   */
  readonly chatgpt?: ChatgptRequestOptions | undefined;
}

/** Per-turn values of a WebSocket `response.create` body. */
export interface WebsocketBodyOptions {
  /** The turn's latched `x-codex-turn-state`, replayed in `client_metadata`. */
  turnState?: string | undefined;
  /** W3C trace context of the active span, sent as `ws_request_header_traceparent` / `…tracestate`. */
  trace?: W3cTraceContext | undefined;
  /** `generate` (only the startup prewarm sets it, to false). */
  generate?: boolean | undefined;
}

/** Codex's own `client_metadata` for `request`, before the caller's entries are merged in. */
export function codexClientMetadata(
  settings: RequestSettings,
  request: SamplingRequest,
): Record<string, string> {
  return clientMetadata(settings.identity, request.metadata, {
    mcpAttribution: settings.mcpAttribution ?? false,
    guardianCreditsRequested: settings.chatgpt !== undefined,
  });
}

/**
 * The HTTP body of `request` (`POST /responses`): `model, stream, input, tools, tool_choice,
 * parallel_tool_calls, reasoning, store, include, prompt_cache_key, client_metadata`, then
 * `service_tier` and `text` when set. The API layer writes the wire order itself
 * (`serializeResponsesRequest`); `client_metadata` keeps this insertion order on the wire.
 */
export function httpRequestBody(settings: RequestSettings, request: SamplingRequest): ResponsesApiRequest {
  return requestBody(settings, request, codexClientMetadata(settings, request));
}

/**
 * The full WebSocket `response.create` body of `request` (no `previous_response_id`: the session
 * adds it for an incremental request): the HTTP body whose `client_metadata` also carries,
 * after Codex's own keys, `x-codex-turn-state` (when latched) and
 * `ws_request_header_traceparent` / `ws_request_header_tracestate`, then the
 * caller's entries; `generate` last when given. The API layer stamps
 * `x-codex-ws-stream-request-start-ms` when it sends the frame.
 */
export function websocketRequestBody(
  settings: RequestSettings,
  request: SamplingRequest,
  options: WebsocketBodyOptions = {},
): ResponseCreateWsRequest {
  const metadata = codexClientMetadata(settings, request);
  if (options.turnState !== undefined) metadata['x-codex-turn-state'] = options.turnState;
  if (options.trace?.traceparent) metadata.ws_request_header_traceparent = options.trace.traceparent;
  if (options.trace?.tracestate) metadata.ws_request_header_tracestate = options.trace.tracestate;
  if (request.responsesLite) metadata[RESPONSES_LITE_WS_METADATA_KEY] = 'true';
  const body: ResponseCreateWsRequest = requestBody(settings, request, metadata);
  if (options.generate !== undefined) body.generate = options.generate;
  return body;
}

/**
 * The headers core adds to an HTTP request, in 0.169.0's order (observed-cli-0.169 §4,
 * observed-cli-0.169-auth §5): `x-openai-account-routing-override` (ChatGPT, when `us` /
 * `us_cr`), `x-codex-beta-features` (when any), `x-codex-turn-state` (when latched),
 * `x-codex-window-id`, `x-codex-turn-metadata` (ASCII JSON), `x-openai-internal-codex-responses-lite:
 * true` (when `responsesLite`, see `SamplingRequest.responsesLite`), `x-codex-routing-hint:
 * model=<slug>[;tier=<serviceTier>]` (ChatGPT only), `x-client-request-id`, `session-id`, `thread-id`. The API layer
 * adds the provider headers (`version`) before and `accept`, `content-encoding` (its zstd
 * body, ChatGPT), `content-type`, the auth headers (`authorization`, `chatgpt-account-id`),
 * `originator` and `user-agent` after.
 */
export function httpRequestHeaders(
  settings: RequestSettings,
  metadata: TurnMetadataInput,
  turnState: string | undefined,
  serviceTier?: string | undefined,
  responsesLite?: boolean | undefined,
): Record<string, string> {
  const { identity, betaFeatures, chatgpt } = settings;
  const headers: Record<string, string> = {};
  const override = routingOverride(chatgpt);
  if (override !== undefined) headers['x-openai-account-routing-override'] = override;
  if (betaFeatures && betaFeatures.length > 0) headers['x-codex-beta-features'] = betaFeatures.join(',');
  if (turnState !== undefined) headers['x-codex-turn-state'] = turnState;
  headers['x-codex-window-id'] = windowId(identity);
  headers['x-codex-turn-metadata'] = asciiJson(turnMetadata(identity, metadata));
  if (responsesLite) headers[RESPONSES_LITE_HEADER] = 'true';
  if (chatgpt) headers['x-codex-routing-hint'] = routingHint(metadata.model, serviceTier);
  headers['x-client-request-id'] = identity.threadId;
  headers['session-id'] = identity.sessionId;
  headers['thread-id'] = identity.threadId;
  return headers;
}

/**
 * The connection-level headers of a WebSocket handshake, in 0.169.0's order. API key
 * (observed-cli-0.169 §6): `x-codex-turn-metadata` of the request that opens the connection,
 * `providerHeaders` (e.g. the built-in OpenAI provider's `version`), `x-codex-beta-features`
 * (when any), `x-client-request-id`, `session-id`, `thread-id`, `x-codex-window-id`. ChatGPT
 * Codex backend (observed-cli-0.169-auth §6): `providerHeaders`,
 * `x-openai-account-routing-override` (when `us` / `us_cr`), `x-codex-beta-features`,
 * `x-client-request-id`, `session-id`, `thread-id`, `x-codex-window-id`,
 * `x-codex-turn-metadata`, `x-codex-routing-hint: model=<slug>`. No turn state. The API layer
 * puts the auth headers (`chatgpt-account-id` first), `user-agent`, `originator` and
 * `openai-beta` before them.
 */
export function websocketHandshakeHeaders(
  settings: RequestSettings,
  providerHeaders: Readonly<Record<string, string>>,
  metadata: TurnMetadataInput,
  serviceTier?: string | undefined,
): Record<string, string> {
  const { identity, betaFeatures, chatgpt } = settings;
  const headers: Record<string, string> = {};
  const turnMetadataJson = asciiJson(turnMetadata(identity, metadata));
  if (!chatgpt) headers['x-codex-turn-metadata'] = turnMetadataJson;
  for (const [name, value] of Object.entries(providerHeaders)) headers[name] = value;
  const override = routingOverride(chatgpt);
  if (override !== undefined) headers['x-openai-account-routing-override'] = override;
  if (betaFeatures && betaFeatures.length > 0) headers['x-codex-beta-features'] = betaFeatures.join(',');
  headers['x-client-request-id'] = identity.threadId;
  headers['session-id'] = identity.sessionId;
  headers['thread-id'] = identity.threadId;
  headers['x-codex-window-id'] = windowId(identity);
  if (chatgpt) {
    headers['x-codex-turn-metadata'] = turnMetadataJson;
    headers['x-codex-routing-hint'] = routingHint(metadata.model, serviceTier);
  }
  return headers;
}

/**
 * `x-codex-routing-hint` value: `model=<slug>`, plus `;tier=<service_tier>` when the request
 * sets a service tier (upstream `build_routing_hint_header`).
 */
export function routingHint(model: string, serviceTier?: string | undefined): string {
  return serviceTier ? `model=${model};tier=${serviceTier}` : `model=${model}`;
}

/** The routing override to send now, if any (`us` / `us_cr` only). */
function routingOverride(chatgpt: ChatgptRequestOptions | undefined): string | undefined {
  const value = chatgpt?.routingOverride?.();
  return value !== undefined && ROUTING_OVERRIDES.has(value) ? value : undefined;
}

/** The body of `request` with `metadata` (the caller's entries merged in) as `client_metadata`. */
function requestBody(
  settings: RequestSettings,
  request: SamplingRequest,
  metadata: Record<string, string>,
): ResponsesApiRequest {
  const body: ResponsesApiRequest = {
    model: request.model,
    stream: true,
    input: request.input,
    ...(request.responsesLite ? {} : { tools: request.tools }),
    tool_choice: 'auto',
    parallel_tool_calls: request.parallelToolCalls,
    reasoning: compact({
      effort: request.reasoning?.effort,
      summary: request.reasoning?.summary,
      context: request.responsesLite ? 'all_turns' : undefined,
    }),
    store: false,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: settings.identity.threadId,
    client_metadata: mergeCallerClientMetadata(metadata, request.clientMetadata),
  };
  if (request.serviceTier) body.service_tier = request.serviceTier;
  const text = textControls(request);
  if (text) body.text = text;
  return body;
}

/** `text`: `{verbosity?, format?}` (the output schema's `json_schema` format), or undefined when neither is set. */
function textControls(request: SamplingRequest): Record<string, unknown> | undefined {
  if (!request.verbosity && request.outputSchema === undefined) return undefined;
  const text: Record<string, unknown> = {};
  if (request.verbosity) text.verbosity = request.verbosity;
  if (request.outputSchema !== undefined)
    text.format = {
      type: 'json_schema',
      strict: true,
      schema: request.outputSchema,
      name: OUTPUT_SCHEMA_NAME,
    };
  return text;
}

/** `value` without its `undefined` members. */
function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
