import { describe, expect, it } from 'vitest';
import { type ResponsesApiRequest, serializeResponsesRequest } from '../responses/request.js';
import { keysWithout, testTurnRequest, WS_FRAME_KEY_ORDER } from '../test/index.js';
import { type ResponseCreateWsRequest, serializeResponseCreate } from './request.js';

function base(overrides: Partial<ResponseCreateWsRequest> = {}): ResponseCreateWsRequest {
  return testTurnRequest('hello', {
    tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object' } }],
    client_metadata: { session_id: 'thread-1', turn_id: '' },
    ...overrides,
  });
}

describe('serializeResponseCreate', () => {
  it('writes the 0.169.0 key order with previous_response_id after stream and generate before client_metadata', () => {
    const text = serializeResponseCreate(
      base({ previous_response_id: 'resp_1', generate: false, service_tier: 'priority' }),
    );
    expect(Object.keys(JSON.parse(text))).toEqual(
      keysWithout(WS_FRAME_KEY_ORDER, 'instructions', 'stream_options'),
    );
    expect(
      text.startsWith(
        '{"type":"response.create","model":"gpt-5.5","stream":true,"previous_response_id":"resp_1",',
      ),
    ).toBe(true);
    expect(text.endsWith('"generate":false,"client_metadata":{"session_id":"thread-1","turn_id":""}}')).toBe(
      true,
    );
  });

  it('omits previous_response_id and generate unless set, and writes generate: true when set', () => {
    const plain = JSON.parse(serializeResponseCreate(base()));
    expect(plain).not.toHaveProperty('previous_response_id');
    expect(plain).not.toHaveProperty('generate');
    expect(plain).not.toHaveProperty('service_tier');
    const generating = JSON.parse(serializeResponseCreate(base({ generate: true })));
    expect(generating.generate).toBe(true);
  });

  it('equals the HTTP body plus type, previous_response_id and generate (same order of shared keys)', () => {
    const shared: ResponsesApiRequest = base({
      instructions: 'Use the available tools.',
      reasoning: null,
      stream_options: { reasoning_summary_delivery: 'sequential_cutoff' },
      service_tier: 'priority',
    });
    const ws = JSON.parse(
      serializeResponseCreate({ ...shared, previous_response_id: 'resp-1', generate: false }),
    );
    const http = JSON.parse(serializeResponsesRequest(shared));
    const { type, previous_response_id, generate, ...rest } = ws;
    expect({ type, previous_response_id, generate }).toEqual({
      type: 'response.create',
      previous_response_id: 'resp-1',
      generate: false,
    });
    expect(rest).toEqual(http);
    expect(Object.keys(rest)).toEqual(Object.keys(http));
    expect(ws.reasoning).toBeNull();
  });
});
