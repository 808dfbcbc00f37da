import { describe, expect, it } from 'vitest';
import {
  assistantMessage,
  completed,
  failed,
  functionCall,
  incomplete,
  openAiError,
  outputTextDelta,
  reasoningItem,
  reasoningSummaryDelta,
  responseCreated,
  splitText,
  textTurn,
  usage,
} from './builders.js';
import { sseBody } from './sse.js';

describe('event builders', () => {
  it('build the §3.3 shapes', () => {
    expect(responseCreated('resp_1')).toEqual({ type: 'response.created', response: { id: 'resp_1' } });
    expect(outputTextDelta('Hi')).toEqual({ type: 'response.output_text.delta', delta: 'Hi' });
    expect(reasoningSummaryDelta('**Plan**', 1)).toEqual({
      type: 'response.reasoning_summary_text.delta',
      delta: '**Plan**',
      summary_index: 1,
    });
    expect(assistantMessage('msg_1', 'Hello', 'final_answer')).toEqual({
      type: 'response.output_item.done',
      item: {
        type: 'message',
        role: 'assistant',
        id: 'msg_1',
        phase: 'final_answer',
        content: [{ type: 'output_text', text: 'Hello' }],
      },
    });
    expect(assistantMessage('msg_1', 'Hello').item).not.toHaveProperty('phase');
    expect(reasoningItem('rs_1', ['a', 'b'], 'gAAA')).toEqual({
      type: 'response.output_item.done',
      item: {
        type: 'reasoning',
        id: 'rs_1',
        summary: [
          { type: 'summary_text', text: 'a' },
          { type: 'summary_text', text: 'b' },
        ],
        encrypted_content: 'gAAA',
      },
    });
    expect(functionCall('call_1', 'exec_command', { cmd: 'ls' }, 'fc_1').item).toEqual({
      type: 'function_call',
      id: 'fc_1',
      call_id: 'call_1',
      name: 'exec_command',
      arguments: '{"cmd":"ls"}',
    });
    expect(failed('resp_1', 'rate_limit_exceeded', 'try again in 1.5s')).toEqual({
      type: 'response.failed',
      response: {
        id: 'resp_1',
        status: 'failed',
        error: { code: 'rate_limit_exceeded', message: 'try again in 1.5s' },
      },
    });
    expect(incomplete('resp_1', 'max_output_tokens')).toEqual({
      type: 'response.incomplete',
      response: { id: 'resp_1', status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
    });
    expect(openAiError('rate_limit_error', 'rate_limit_exceeded', 'slow down')).toEqual({
      error: { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'slow down' },
    });
  });

  it('completed() has the default usage shape and accepts usage or null', () => {
    expect(completed('r')).toEqual({
      type: 'response.completed',
      response: {
        id: 'r',
        usage: {
          input_tokens: 0,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 0,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 0,
        },
      },
    });
    expect(
      completed('r', usage({ input: 100, cached: 40, output: 10, reasoning: 5 })).response,
    ).toMatchObject({
      usage: { input_tokens: 100, output_tokens: 10, total_tokens: 110 },
    });
    expect(completed('r', null).response).toEqual({ id: 'r', usage: null });
  });

  it('textTurn() produces a realistic ordered event list', () => {
    const events = textTurn({ responseId: 'resp_9', text: 'Hello there world', reasoning: 'Think first' });
    const types = events.map((e) => e.type);
    expect(types).toEqual([
      'response.created',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_item.done',
      'response.completed',
    ]);
    const deltas = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta);
    expect(deltas.join('')).toBe('Hello there world');
    expect(events.at(-2)).toEqual(assistantMessage('msg_resp_9', 'Hello there world', 'final_answer'));
    expect(events.at(-1)).toMatchObject({ response: { id: 'resp_9' } });
    expect(textTurn({ responseId: 'r', text: 'abcdef', deltas: 3, phase: null })).toHaveLength(7);
    expect(() => textTurn({ responseId: 'r', text: 'abc', deltas: ['a', 'b'] })).toThrow(/join/);
  });

  it('splitText() keeps every character', () => {
    expect(splitText('  two  words ')).toEqual(['  two  ', 'words ']);
    expect(splitText('héllo😀', 3).join('')).toBe('héllo😀');
    expect(splitText('')).toEqual([]);
  });

  it('sseBody() renders event/data framing, data wrappers and raw text', () => {
    expect(
      sseBody([
        responseCreated('r'),
        { data: { type: 'x', a: 1 }, event: 'custom' },
        { data: 'line1\nline2' },
        { raw: ': comment\r\n\r\n' },
      ]),
    ).toBe(
      'event: response.created\ndata: {"type":"response.created","response":{"id":"r"}}\n\n' +
        'event: custom\ndata: {"type":"x","a":1}\n\n' +
        'data: line1\ndata: line2\n\n' +
        ': comment\r\n\r\n',
    );
  });
});
