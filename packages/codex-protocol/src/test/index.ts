/**
 * `@codex-ts/protocol/test`: wire fixtures shared by the workspace's tests (workspace-only: not
 * published, see tsup.shared.ts).
 */
import { parseResponseItem, type ResponseItem, type TokenUsage } from '@codex-ts/protocol';

/** A user `message` item with one `input_text` part holding `text`, parsed as a ResponseItem. */
export function userMessage(text: string): ResponseItem {
  return parseResponseItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
}

/**
 * The `response.completed` usage of wire-protocol §3.3: `wire` as the server sends it (snake_case,
 * with cached and reasoning details), `tokenUsage` what it maps to.
 */
export const USAGE_EXAMPLE: { readonly wire: Record<string, unknown>; readonly tokenUsage: TokenUsage } = {
  wire: {
    input_tokens: 100,
    input_tokens_details: { cached_tokens: 40, cache_write_tokens: 60 },
    output_tokens: 10,
    output_tokens_details: { reasoning_tokens: 5 },
    total_tokens: 110,
  },
  tokenUsage: {
    inputTokens: 100,
    cachedInputTokens: 40,
    cacheWriteInputTokens: 60,
    outputTokens: 10,
    reasoningOutputTokens: 5,
    totalTokens: 110,
  },
};
