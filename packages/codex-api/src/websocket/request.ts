import { orderedRequestBody, type ResponsesApiRequest } from '../responses/request.js';

/**
 * Body of a WebSocket `response.create` frame (wire-protocol §3.2): the HTTP body fields
 * ({@link ResponsesApiRequest}, snake_case as sent) plus the two WebSocket-only fields.
 */
export interface ResponseCreateWsRequest extends ResponsesApiRequest {
  /**
   * Continue from this response: `input` then holds only the items that are new since it.
   * Written only when not undefined.
   */
  previous_response_id?: string | undefined;
  /** `false` for the startup prewarm: the server prepares but generates nothing. Written only when set. */
  generate?: boolean | undefined;
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
  return JSON.stringify(orderedRequestBody(request, request));
}
