import type { ResponseItem } from '@codex-ts/protocol';
import { serializeResponseItem } from '@codex-ts/protocol';

/** `reasoning` of a Responses request (§3.1 field 7). */
export interface ResponsesReasoning {
  /** `minimal` | `low` | `medium` | `high` | `xhigh` | any string the server knows. */
  effort?: string | undefined;
  /** `auto` | `concise` | `detailed` | `none`. */
  summary?: string | undefined;
  /** `all_turns` for Responses-Lite models. */
  context?: string | undefined;
}

/**
 * The body of `POST {base}/responses` (wire-protocol §3.1), snake_case exactly as sent.
 * `input` holds protocol `ResponseItem`s; `tools` is passed through verbatim.
 */
export interface ResponsesApiRequest {
  model: string;
  /** Base instructions; omitted from the body when empty (0.169.0 sends them as the first developer message). */
  instructions?: string | undefined;
  input: ResponseItem[];
  /** Raw tool definitions; omitted when undefined (Responses-Lite). */
  tools?: unknown[] | undefined;
  /** Always `"auto"` from core. */
  tool_choice: string;
  parallel_tool_calls: boolean;
  /** Written as `null` when null (the `codex-api` level default); omitted only when undefined. */
  reasoning?: ResponsesReasoning | null | undefined;
  store: boolean;
  /** `true` for this endpoint. */
  stream: boolean;
  /** e.g. `{ reasoning_summary_delivery: "sequential_cutoff" }`. */
  stream_options?: Record<string, unknown> | undefined;
  /** e.g. `["reasoning.encrypted_content"]`. */
  include: string[];
  service_tier?: string | undefined;
  prompt_cache_key?: string | undefined;
  /** `{ verbosity?, format? }`. */
  text?: Record<string, unknown> | undefined;
  /** String map; sent in insertion order. */
  client_metadata?: Record<string, string> | undefined;
}

function orderedReasoning(reasoning: ResponsesReasoning): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (reasoning.effort !== undefined && reasoning.effort !== null) out.effort = reasoning.effort;
  if (reasoning.summary !== undefined && reasoning.summary !== null) out.summary = reasoning.summary;
  if (reasoning.context !== undefined && reasoning.context !== null) out.context = reasoning.context;
  for (const [key, value] of Object.entries(reasoning)) {
    if (!(key in out) && key !== 'effort' && key !== 'summary' && key !== 'context' && value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}

/** The WebSocket-only fields of a `response.create` frame (see `ResponseCreateWsRequest`). */
export interface WebsocketOnlyFields {
  previous_response_id?: string | undefined;
  generate?: boolean | undefined;
}

/**
 * The wire object of a Responses request with its keys in the order `codex-cli 0.169.0` sends
 * them. With `websocket` it is a `response.create` frame: `type` first, `previous_response_id`
 * after `stream`, `generate` before `client_metadata` (observed-cli §6). Shared by the HTTP and
 * WebSocket serialisers so both write every common field the same way. Internal to the package.
 */
export function orderedRequestBody(
  request: ResponsesApiRequest,
  websocket?: WebsocketOnlyFields,
): Record<string, unknown> {
  const body: Record<string, unknown> = websocket ? { type: 'response.create' } : {};
  body.model = request.model;
  if (request.instructions) body.instructions = request.instructions;
  body.stream = request.stream;
  if (websocket?.previous_response_id !== undefined)
    body.previous_response_id = websocket.previous_response_id;
  body.input = request.input.map((item) => serializeResponseItem(item));
  if (request.tools !== undefined) body.tools = request.tools;
  body.tool_choice = request.tool_choice;
  body.parallel_tool_calls = request.parallel_tool_calls;
  if (request.reasoning !== undefined) {
    body.reasoning = request.reasoning === null ? null : orderedReasoning(request.reasoning);
  }
  body.store = request.store;
  if (request.stream_options !== undefined) body.stream_options = request.stream_options;
  body.include = request.include;
  if (request.service_tier !== undefined) body.service_tier = request.service_tier;
  if (request.prompt_cache_key !== undefined) body.prompt_cache_key = request.prompt_cache_key;
  if (request.text !== undefined) body.text = request.text;
  if (websocket?.generate !== undefined) body.generate = websocket.generate;
  if (request.client_metadata !== undefined) body.client_metadata = request.client_metadata;
  return body;
}

/**
 * The JSON text of a Responses request, in the key order `codex-cli 0.169.0` sends (§3.1, observed
 * §5.1): `model, instructions, stream, input, tools, tool_choice, parallel_tool_calls, reasoning,
 * store, stream_options, include, service_tier, prompt_cache_key, text, client_metadata`.
 * `instructions` is written only when non-empty; other optional fields only when not undefined
 * (`reasoning: null` is written as `null`). Input items go through the protocol's
 * `serializeResponseItem` (wire field order). Call once per request: retries must reuse the
 * returned string so they are byte-identical (observed-cli §3).
 */
export function serializeResponsesRequest(request: ResponsesApiRequest): string {
  return JSON.stringify(orderedRequestBody(request));
}
