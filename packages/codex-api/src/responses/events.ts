import type { RateLimitSnapshot, ResponseItem, TokenUsage } from '@codex-ts/protocol';

/**
 * One typed event of a Responses stream, the same for HTTP SSE and WebSocket. Mirrors the
 * original's `ResponseEvent`. Errors are not events:
 * the stream's iterator throws an `ApiError`.
 *
 * | `type` | produced from |
 * |---|---|
 * | `created` | `response.created` (with a `response` field) |
 * | `output_item.added` / `output_item.done` | `response.output_item.added` / `.done` |
 * | `output_text.delta` | `response.output_text.delta` |
 * | `tool_call_input.delta` | `response.custom_tool_call_input.delta` |
 * | `reasoning_summary_text.delta` / `.done` | `response.reasoning_summary_text.delta` / `.done` |
 * | `reasoning_summary_part.added` | `response.reasoning_summary_part.added` |
 * | `reasoning_text.delta` | `response.reasoning_text.delta` |
 * | `completed` | `response.completed` (ends the stream) |
 * | `rate_limits` | rate-limit response headers (HTTP), `codex.rate_limits` frames (WebSocket) |
 * | `server_model` | `openai-model` response/handshake header or a model header inside an event |
 * | `models_etag` | `x-models-etag` header (HTTP) / `codex.response.metadata` or the handshake response (WebSocket) |
 * | `server_reasoning_included` | `x-reasoning-included` header (presence) |
 * | `turn_state` | `x-codex-turn-state` header (HTTP, `source: 'response'`) / metadata frame headers (WebSocket, `'metadata'`) / the WebSocket handshake response (`'handshake'`, at the start of every stream on that socket: callers that latch turn state per request ignore it) |
 * | `model_verifications` | `response.metadata` `openai_verification_recommendation` |
 * | `turn_moderation_metadata` | `response.metadata` `openai_chatgpt_moderation_metadata` |
 * | `safety_buffering` | `safety_buffering` fields and metadata |
 */
export type ResponseEvent =
  | { type: 'created' }
  | { type: 'output_item.added'; item: ResponseItem }
  | { type: 'output_item.done'; item: ResponseItem }
  | { type: 'output_text.delta'; delta: string }
  | { type: 'tool_call_input.delta'; itemId: string; callId: string | undefined; delta: string }
  | { type: 'reasoning_summary_text.delta'; delta: string; summaryIndex: number }
  | { type: 'reasoning_summary_text.done'; itemId: string; text: string; summaryIndex: number }
  | { type: 'reasoning_summary_part.added'; summaryIndex: number }
  | { type: 'reasoning_text.delta'; delta: string; contentIndex: number }
  | {
      type: 'completed';
      /** `response.id`; continue from it with `previous_response_id`. */
      responseId: string;
      /** `response.usage`, when the server sent it. */
      tokenUsage: TokenUsage | undefined;
      /** `response.end_turn`, when present. */
      endTurn: boolean | undefined;
    }
  | { type: 'rate_limits'; snapshot: RateLimitSnapshot }
  | { type: 'server_model'; model: string }
  | { type: 'models_etag'; etag: string }
  | { type: 'server_reasoning_included'; included: true }
  | { type: 'turn_state'; value: string; source: 'response' | 'metadata' | 'handshake' }
  | { type: 'model_verifications'; verifications: string[] }
  | { type: 'turn_moderation_metadata'; metadata: unknown }
  | { type: 'safety_buffering'; showBufferingUi: true; fasterModel: string | undefined };
