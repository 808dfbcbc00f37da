import { parseResponseItem } from '@codex-ts/protocol';
import { describe, expect, it } from 'vitest';
import { HTTP_BODY_KEY_ORDER, testRequest } from '../test/index.js';
import { type ResponsesApiRequest, serializeResponsesRequest } from './request.js';

const base: ResponsesApiRequest = testRequest({ parallel_tool_calls: false });

describe('serializeResponsesRequest (§3.1, 0.169.0 order)', () => {
  it('writes every field in the 0.169.0 order', () => {
    const body = serializeResponsesRequest({
      client_metadata: { 'x-codex-turn-metadata': '{}' },
      text: { verbosity: 'low' },
      prompt_cache_key: 'k',
      service_tier: 'priority',
      include: ['reasoning.encrypted_content'],
      stream_options: { reasoning_summary_delivery: 'sequential_cutoff' },
      store: false,
      reasoning: { summary: 'auto', context: 'all_turns', effort: 'low' },
      parallel_tool_calls: true,
      tool_choice: 'auto',
      tools: [{ type: 'web_search', external_web_access: false }],
      input: [
        parseResponseItem({
          type: 'function_call_output',
          call_id: 'call_1',
          output: 'hi\n',
        }),
      ],
      stream: true,
      instructions: 'Be brief.',
      model: 'gpt-5.5',
    });
    expect(Object.keys(JSON.parse(body))).toEqual(HTTP_BODY_KEY_ORDER);
    expect(body).toContain('"reasoning":{"effort":"low","summary":"auto","context":"all_turns"}');
    expect(body).toContain('"input":[{"type":"function_call_output","call_id":"call_1","output":"hi\\n"}]');
  });

  it('omits empty instructions and undefined optionals, keeps reasoning null', () => {
    expect(serializeResponsesRequest({ ...base, instructions: '', reasoning: null, tools: undefined })).toBe(
      '{"model":"gpt-5.5","stream":true,"input":[],"tool_choice":"auto","parallel_tool_calls":false,"reasoning":null,"store":false,"include":[]}',
    );
    expect(serializeResponsesRequest(base)).toBe(
      '{"model":"gpt-5.5","stream":true,"input":[],"tool_choice":"auto","parallel_tool_calls":false,"store":false,"include":[]}',
    );
  });
});
