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

/** The session-wide settings every request is built from (a subset of `ModelClientOptions`). */
export interface RequestSettings {
  readonly identity: SessionIdentity;
  /** Sent comma-separated as `x-codex-beta-features` when non-empty. */
  readonly betaFeatures?: readonly string[] | undefined;
  /** Adds `client_metadata.mcp_attribution`. */
  readonly mcpAttribution?: boolean | undefined;
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
  const body: ResponseCreateWsRequest = requestBody(settings, request, metadata);
  if (options.generate !== undefined) body.generate = options.generate;
  return body;
}

/**
 * The headers core adds to an HTTP request, in 0.169.0's order: `x-codex-beta-features` (when
 * any), `x-codex-turn-state` (when latched), `x-codex-window-id`,
 * `x-codex-turn-metadata` (ASCII JSON), `x-client-request-id`, `session-id`, `thread-id`. The API
 * layer adds the provider headers before and accept/content-type/auth/originator/UA after.
 */
export function httpRequestHeaders(
  settings: RequestSettings,
  metadata: TurnMetadataInput,
  turnState: string | undefined,
): Record<string, string> {
  const { identity, betaFeatures } = settings;
  const headers: Record<string, string> = {};
  if (betaFeatures && betaFeatures.length > 0) headers['x-codex-beta-features'] = betaFeatures.join(',');
  if (turnState !== undefined) headers['x-codex-turn-state'] = turnState;
  headers['x-codex-window-id'] = windowId(identity);
  headers['x-codex-turn-metadata'] = asciiJson(turnMetadata(identity, metadata));
  headers['x-client-request-id'] = identity.threadId;
  headers['session-id'] = identity.sessionId;
  headers['thread-id'] = identity.threadId;
  return headers;
}

/**
 * The connection-level headers of a WebSocket handshake, in 0.169.0's order (§6):
 * `x-codex-turn-metadata` of the request that opens the connection, `providerHeaders` (e.g. the
 * built-in OpenAI provider's `version`), `x-codex-beta-features` (when any),
 * `x-client-request-id`, `session-id`, `thread-id`, `x-codex-window-id`. No turn state.
 * The API layer puts auth, `User-Agent`, `originator` and `openai-beta` before them.
 */
export function websocketHandshakeHeaders(
  settings: RequestSettings,
  providerHeaders: Readonly<Record<string, string>>,
  metadata: TurnMetadataInput,
): Record<string, string> {
  const { identity, betaFeatures } = settings;
  const headers: Record<string, string> = {};
  headers['x-codex-turn-metadata'] = asciiJson(turnMetadata(identity, metadata));
  for (const [name, value] of Object.entries(providerHeaders)) headers[name] = value;
  if (betaFeatures && betaFeatures.length > 0) headers['x-codex-beta-features'] = betaFeatures.join(',');
  headers['x-client-request-id'] = identity.threadId;
  headers['session-id'] = identity.sessionId;
  headers['thread-id'] = identity.threadId;
  headers['x-codex-window-id'] = windowId(identity);
  return headers;
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
    tools: request.tools,
    tool_choice: 'auto',
    parallel_tool_calls: request.parallelToolCalls,
    reasoning: compact({ effort: request.reasoning?.effort, summary: request.reasoning?.summary }),
    store: false,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: settings.identity.threadId,
    client_metadata: mergeCallerClientMetadata(metadata, request.clientMetadata),
  };
  if (request.serviceTier) body.service_tier = request.serviceTier;
  if (request.verbosity) body.text = { verbosity: request.verbosity };
  return body;
}

/** `value` without its `undefined` members. */
function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
