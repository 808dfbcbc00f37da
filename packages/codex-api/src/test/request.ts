// Request bodies for tests of the Responses endpoints.
import type { ResponseCreateWsRequest } from '@codex-ts/api';
import { userMessage } from '@codex-ts/protocol/test';

/**
 * The smallest valid body (a `ResponseCreateWsRequest`, so also a `ResponsesApiRequest`): model
 * `gpt-5.5`, no input, `tool_choice: auto`, parallel tool calls, `store: false`, streaming, no
 * `include`; `overrides` replaces any field.
 */
export function testRequest(overrides: Partial<ResponseCreateWsRequest> = {}): ResponseCreateWsRequest {
  return {
    model: 'gpt-5.5',
    input: [],
    tool_choice: 'auto',
    parallel_tool_calls: true,
    store: false,
    stream: true,
    include: [],
    ...overrides,
  };
}

/**
 * A body shaped like a Codex turn: {@link testRequest} with the user message `text` as input,
 * medium reasoning effort, encrypted reasoning included, `prompt_cache_key: thread-1` and low
 * verbosity; `overrides` replaces any field.
 */
export function testTurnRequest(
  text: string,
  overrides: Partial<ResponseCreateWsRequest> = {},
): ResponseCreateWsRequest {
  return testRequest({
    input: [userMessage(text)],
    reasoning: { effort: 'medium' },
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: 'thread-1',
    text: { verbosity: 'low' },
    ...overrides,
  });
}
