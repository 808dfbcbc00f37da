import { serializeResponseItem } from '@codex-ts/protocol';
import type { ResponsesApiRequest, ResponsesReasoning } from '../responses/request.js';

/**
 * Body of a WebSocket `response.create` frame (wire-protocol §3.2): the HTTP body fields
 * ({@link ResponsesApiRequest}, snake_case as sent) plus the two WebSocket-only fields.
 */
export interface ResponseCreateWsRequest extends ResponsesApiRequest {
  /**
   * Continue from this response (W-79): `input` then holds only the items that are new since it.
   * Written only when not undefined.
   */
  previous_response_id?: string | undefined;
  /** `false` for the startup prewarm (W-80): the server prepares but generates nothing. Written only when set. */
  generate?: boolean | undefined;
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

/**
 * The JSON text of one `response.create` frame, in the key order `codex-cli 0.169.0` sends
 * (observed-cli §6, wire-protocol §3.2):
 * `type, model, instructions?, stream, previous_response_id?, input, tools?, tool_choice,
 * parallel_tool_calls, reasoning?, store, stream_options?, include, service_tier?, prompt_cache_key?,
 * text?, generate?, client_metadata?`.
 *
 * Every shared field is written exactly as {@link serializeResponsesRequest} writes it for HTTP
 * (`instructions` only when non-empty, `reasoning: null` kept, other optional fields only when not
 * undefined), so the frame equals the HTTP body plus `"type":"response.create"`,
 * `previous_response_id` and `generate` (upstream `direct_serialization_preserves_websocket_request_payload`).
 * `client_metadata` keys keep their insertion order.
 */
export function serializeResponseCreate(request: ResponseCreateWsRequest): string {
  const body: Record<string, unknown> = { type: 'response.create', model: request.model };
  if (request.instructions) body.instructions = request.instructions;
  body.stream = request.stream;
  if (request.previous_response_id !== undefined) body.previous_response_id = request.previous_response_id;
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
  if (request.generate !== undefined) body.generate = request.generate;
  if (request.client_metadata !== undefined) body.client_metadata = request.client_metadata;
  return JSON.stringify(body);
}
