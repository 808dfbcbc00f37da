import { USAGE_EXAMPLE } from '@codex-ts/protocol/test';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import { apiErrorFromResponseFailed, ResponsesEventMapper } from './event-mapper.js';
import type { ResponseEvent } from './events.js';

function run(events: unknown[], mapper = new ResponsesEventMapper()): ResponseEvent[] {
  const out: ResponseEvent[] = [];
  for (const event of events) out.push(...mapper.drain(mapper.process(event)));
  return out;
}

const failedEvent = (code: string | undefined, message?: string) => ({
  type: 'response.failed',
  response: { id: 'resp_1', status: 'failed', error: { code, message } },
});

describe('ResponsesEventMapper: event kinds', () => {
  it('maps created only with a response field', () => {
    expect(run([{ type: 'response.created', response: {} }])).toEqual([{ type: 'created' }]);
    expect(run([{ type: 'response.created' }, { type: 'response.created', response: null }])).toEqual([]);
  });

  it('maps output items and skips items that fail to parse', () => {
    const item = {
      type: 'message',
      role: 'assistant',
      id: 'msg_1',
      content: [{ type: 'output_text', text: 'Hi' }],
    };
    const out = run([
      { type: 'response.output_item.added', item },
      { type: 'response.output_item.done', item },
      { type: 'response.output_item.done', item: { type: 'message', role: 42 } },
      { type: 'response.output_item.done', item: 'nope' },
      { type: 'response.output_item.done' },
    ]);
    expect(out.map((e) => e.type)).toEqual(['output_item.added', 'output_item.done']);
    expect(out[1]).toMatchObject({ type: 'output_item.done', item: { type: 'message', id: 'msg_1' } });
  });

  it('maps deltas and requires their fields', () => {
    expect(
      run([
        { type: 'response.output_text.delta', delta: 'Hel' },
        { type: 'response.output_text.delta' },
        { type: 'response.custom_tool_call_input.delta', delta: 'x', item_id: 'ctc_1', call_id: 'call_1' },
        { type: 'response.custom_tool_call_input.delta', delta: 'y', call_id: 'call_2' },
        { type: 'response.custom_tool_call_input.delta', delta: 'z' },
        { type: 'response.reasoning_summary_text.delta', delta: '**P', summary_index: 0 },
        { type: 'response.reasoning_summary_text.delta', delta: 'no index' },
        { type: 'response.reasoning_summary_text.done', item_id: 'rs_1', text: '**Plan**', summary_index: 1 },
        { type: 'response.reasoning_summary_part.added', summary_index: 2 },
        { type: 'response.reasoning_text.delta', delta: 'think', content_index: 0 },
        { type: 'response.reasoning_text.delta', delta: 'think' },
      ]),
    ).toEqual([
      { type: 'output_text.delta', delta: 'Hel' },
      { type: 'tool_call_input.delta', itemId: 'ctc_1', callId: 'call_1', delta: 'x' },
      { type: 'tool_call_input.delta', itemId: 'call_2', callId: 'call_2', delta: 'y' },
      { type: 'reasoning_summary_text.delta', delta: '**P', summaryIndex: 0 },
      { type: 'reasoning_summary_text.done', itemId: 'rs_1', text: '**Plan**', summaryIndex: 1 },
      { type: 'reasoning_summary_part.added', summaryIndex: 2 },
      { type: 'reasoning_text.delta', delta: 'think', contentIndex: 0 },
    ]);
  });

  it('ignores unknown and explicitly ignored kinds', () => {
    expect(
      run([
        { type: 'response.in_progress', response: { id: 'r' } },
        { type: 'response.content_part.added' },
        { type: 'response.function_call_arguments.delta', delta: '{' },
        { type: 'response.refusal.delta', delta: 'no' },
        { type: 'response.output_text.done', text: 'x' },
        { type: 'error', message: 'x' },
        { type: 'codex.rate_limits', rate_limits: { primary: { used_percent: 1 } } },
        { type: 'codex.response.metadata', headers: { 'x-models-etag': 'e' } },
        { type: 'something.new' },
        { notype: true },
        null,
        42,
      ]),
    ).toEqual([]);
  });

  it('maps completed with usage and end_turn', () => {
    const mapper = new ResponsesEventMapper();
    const out = run(
      [
        {
          type: 'response.completed',
          response: {
            id: 'resp_1',
            end_turn: true,
            usage: USAGE_EXAMPLE.wire,
          },
        },
      ],
      mapper,
    );
    expect(mapper.isCompleted).toBe(true);
    expect(out).toEqual([
      {
        type: 'completed',
        responseId: 'resp_1',
        endTurn: true,
        tokenUsage: USAGE_EXAMPLE.tokenUsage,
      },
    ]);
    expect(run([{ type: 'response.completed', response: { id: 'r2' } }])).toEqual([
      { type: 'completed', responseId: 'r2', tokenUsage: undefined, endTurn: undefined },
    ]);
  });

  it('stores a parse failure of response.completed and ignores a missing response', () => {
    const mapper = new ResponsesEventMapper();
    expect(
      run([{ type: 'response.completed' }, { type: 'response.completed', response: { usage: {} } }], mapper),
    ).toEqual([]);
    expect(mapper.isCompleted).toBe(false);
    expect(mapper.finish().message).toMatch(
      /^stream disconnected before completion: failed to parse ResponseCompleted: /,
    );
  });
});

describe('ResponsesEventMapper: derived events', () => {
  it('emits server_model from payload headers, deduplicated, before the own event', () => {
    const mapper = new ResponsesEventMapper();
    expect(
      run(
        [
          { type: 'response.created', response: { headers: { 'OpenAI-Model': 'gpt-a' } } },
          { type: 'response.output_text.delta', delta: 'x', headers: { 'x-openai-model': ['gpt-a'] } },
          { type: 'response.output_text.delta', delta: 'y', headers: { 'openai-model': 'gpt-b' } },
          { type: 'response.in_progress', response: { model: 'gpt-c' } },
        ],
        mapper,
      ),
    ).toEqual([
      { type: 'server_model', model: 'gpt-a' },
      { type: 'created' },
      { type: 'output_text.delta', delta: 'x' },
      { type: 'server_model', model: 'gpt-b' },
      { type: 'output_text.delta', delta: 'y' },
    ]);
  });

  it('maps response.metadata to verifications, moderation and safety buffering in order', () => {
    const mapper = new ResponsesEventMapper({ safetyBufferingFasterModel: 'gpt-fast' });
    expect(
      run(
        [
          {
            type: 'response.metadata',
            headers: { 'openai-model': 'gpt-x', 'x-codex-turn-state': 'ignored-on-http' },
            metadata: {
              openai_verification_recommendation: [
                'trusted_access_for_cyber',
                'unknown',
                'trusted_access_for_cyber',
              ],
              openai_chatgpt_moderation_metadata: { flagged: false },
            },
            safety_buffering: { use_cases: ['a'], reasons: ['b'] },
          },
          { type: 'response.metadata', metadata: { openai_verification_recommendation: ['unknown'] } },
          {
            type: 'response.metadata',
            metadata: { type: 'safety_buffering', use_cases: [], reasons: [], retry_model: 'gpt-retry' },
          },
        ],
        mapper,
      ),
    ).toEqual([
      { type: 'server_model', model: 'gpt-x' },
      { type: 'model_verifications', verifications: ['trusted_access_for_cyber'] },
      { type: 'turn_moderation_metadata', metadata: { flagged: false } },
      { type: 'safety_buffering', showBufferingUi: true, fasterModel: 'gpt-fast' },
      { type: 'safety_buffering', showBufferingUi: true, fasterModel: 'gpt-retry' },
    ]);
  });
});

describe('ResponsesEventMapper: failures', () => {
  const cases: Array<[string | undefined, string | undefined, string, string, number | undefined]> = [
    [
      'rate_limit_exceeded',
      'Rate limit reached for gpt-5.5. Please try again in 1.5s.',
      'rate_limit_exceeded',
      'rate limit exceeded: Rate limit reached for gpt-5.5. Please try again in 1.5s.',
      1500,
    ],
    ['rate_limit_exceeded', 'Slow down', 'rate_limit_exceeded', 'rate limit exceeded: Slow down', undefined],
    [
      'context_length_exceeded',
      'too long',
      'context_window_exceeded',
      "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.",
      undefined,
    ],
    [
      'insufficient_quota',
      'x',
      'quota_exceeded',
      'Quota exceeded. Check your plan and billing details.',
      undefined,
    ],
    [
      'usage_not_included',
      'x',
      'usage_not_included',
      'To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus.',
      undefined,
    ],
    [
      'cyber_policy',
      ' ',
      'cyber_policy',
      'This request has been flagged for possible cybersecurity risk.',
      undefined,
    ],
    ['cyber_policy', 'Flagged.', 'cyber_policy', 'Flagged.', undefined],
    [
      'misalignment_policy_violation',
      undefined,
      'misalignment_policy_violation',
      'This request was blocked due to a misalignment policy violation.',
      undefined,
    ],
    ['invalid_prompt', 'Bad prompt', 'invalid_request', 'Bad prompt', undefined],
    ['bio_policy', undefined, 'invalid_request', 'Invalid request.', undefined],
    [
      'server_is_overloaded',
      'busy',
      'server_overloaded',
      'Selected model is at capacity. Please try a different model.',
      undefined,
    ],
    [
      'slow_down',
      'busy',
      'server_overloaded',
      'Selected model is at capacity. Please try a different model.',
      undefined,
    ],
    [
      'server_error',
      'boom, try again in 3s',
      'stream',
      'stream disconnected before completion: boom, try again in 3s',
      undefined,
    ],
    [
      'usage_limit_reached',
      'limit',
      'usage_limit_reached',
      'You’ve hit your usage limit. Try again later.',
      undefined,
    ],
    [undefined, undefined, 'stream', 'stream disconnected before completion: ', undefined],
  ];
  it.each(cases)('code %s (%s) → %s', (code, message, expectedCode, expectedMessage, delay) => {
    const error = apiErrorFromResponseFailed(failedEvent(code, message));
    expect(error.code).toBe(expectedCode);
    expect(error.message).toBe(expectedMessage);
    expect(error.retryDelayMs).toBe(delay);
  });

  it('maps a response.failed usage limit (code or type) to the plan text, not retried', () => {
    const error = apiErrorFromResponseFailed({
      type: 'response.failed',
      response: { error: { type: 'usage_limit_reached', plan_type: 'free', resets_at: 4102444800 } },
    });
    expect([error.code, error.retryable, error.planType, error.resetsAt]).toEqual([
      'usage_limit_reached',
      false,
      'free',
      4102444800,
    ]);
    expect(error.message).toMatch(
      /^You’ve hit your usage limit\. Upgrade to Plus to continue using Codex \(https:\/\/chatgpt\.com\/explore\/plus\), or try again at /,
    );
  });

  it('without an error object gives "response.failed event received"', () => {
    expect(apiErrorFromResponseFailed({ type: 'response.failed' }).message).toBe(
      'stream disconnected before completion: response.failed event received',
    );
    expect(apiErrorFromResponseFailed({ type: 'response.failed', response: { error: 'x' } }).code).toBe(
      'stream',
    );
  });

  it('HTTP mode stores the error and keeps mapping events', () => {
    const mapper = new ResponsesEventMapper();
    const out = run(
      [
        failedEvent('insufficient_quota', 'x'),
        { type: 'response.output_text.delta', delta: 'after' },
        { type: 'response.incomplete', response: { incomplete_details: { reason: 'content_filter' } } },
      ],
      mapper,
    );
    expect(out).toEqual([{ type: 'output_text.delta', delta: 'after' }]);
    expect(mapper.error?.message).toBe('Incomplete response returned, reason: content_filter');
    expect(mapper.finish()).toBe(mapper.error);
  });

  it('finish() without a stored error reports the early close', () => {
    const error = new ResponsesEventMapper().finish();
    expect(error.code).toBe('stream');
    expect(error.message).toBe(
      'stream disconnected before completion: stream closed before response.completed',
    );
  });

  it('incomplete without details gives reason unknown', () => {
    const mapper = new ResponsesEventMapper();
    run([{ type: 'response.incomplete', response: {} }], mapper);
    expect(mapper.finish().message).toBe('Incomplete response returned, reason: unknown');
  });

  it('WebSocket mode throws at once', () => {
    const mapper = new ResponsesEventMapper({ transport: 'websocket' });
    expect(() => mapper.process(failedEvent('context_length_exceeded', 'x'))).toThrow(ApiError);
    try {
      mapper.process({
        type: 'response.incomplete',
        response: { incomplete_details: { reason: 'max_output_tokens' } },
      });
      expect.unreachable();
    } catch (error) {
      expect(ApiError.isInstance(error) && error.message).toBe(
        'Incomplete response returned, reason: max_output_tokens',
      );
    }
  });

  it('WebSocket mode maps codex.rate_limits and metadata headers', () => {
    const mapper = new ResponsesEventMapper({ transport: 'websocket' });
    expect(
      run(
        [
          {
            type: 'codex.response.metadata',
            headers: { 'x-models-etag': 'etag-123', 'openai-model': 'gpt-5.5' },
          },
          {
            type: 'codex.rate_limits',
            plan_type: 'plus',
            rate_limits: {
              primary: { used_percent: 42, window_minutes: 60, reset_at: 1700000000 },
              secondary: null,
            },
            metered_limit_name: 'codex_other',
          },
          { type: 'response.metadata', headers: { 'x-codex-turn-state': 'ts-1' } },
          { type: 'response.metadata', headers: { 'x-codex-turn-state': 'ts-2' } },
        ],
        mapper,
      ),
    ).toEqual([
      { type: 'server_model', model: 'gpt-5.5' },
      { type: 'models_etag', etag: 'etag-123' },
      {
        type: 'rate_limits',
        snapshot: {
          limitId: 'codex_other',
          planType: 'plus',
          primary: { usedPercent: 42, windowMinutes: 60, resetsAt: 1700000000 },
        },
      },
      { type: 'turn_state', value: 'ts-1', source: 'metadata' },
    ]);
  });
});
