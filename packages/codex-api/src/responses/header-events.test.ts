import { describe, expect, it } from 'vitest';
import { headerEvents } from './header-events.js';

const all = {
  'openai-model': 'gpt-5.5-server',
  'x-codex-primary-used-percent': '12.5',
  'x-models-etag': '  etag-1  ',
  'x-reasoning-included': '',
  'x-codex-turn-state': 'ts-1',
};

describe('headerEvents', () => {
  it('HTTP: model, rate limits, etag (trimmed), reasoning, turn state with source response', () => {
    expect(headerEvents(all, 'response')).toEqual([
      { type: 'server_model', model: 'gpt-5.5-server' },
      { type: 'rate_limits', snapshot: { limitId: 'codex', primary: { usedPercent: 12.5 } } },
      { type: 'models_etag', etag: 'etag-1' },
      { type: 'server_reasoning_included', included: true },
      { type: 'turn_state', value: 'ts-1', source: 'response' },
    ]);
  });

  it('WebSocket handshake: model, reasoning, etag (trimmed), turn state with source handshake; no rate limits', () => {
    expect(headerEvents(all, 'handshake')).toEqual([
      { type: 'server_model', model: 'gpt-5.5-server' },
      { type: 'server_reasoning_included', included: true },
      { type: 'models_etag', etag: 'etag-1' },
      { type: 'turn_state', value: 'ts-1', source: 'handshake' },
    ]);
  });

  it('drops an empty or blank models etag on both transports', () => {
    for (const etag of ['', '   ']) {
      const headers = { 'x-models-etag': etag };
      expect(headerEvents(headers, 'handshake')).toEqual([]);
      expect(headerEvents(headers, 'response')).toEqual([
        { type: 'rate_limits', snapshot: { limitId: 'codex' } },
      ]);
    }
  });
});
