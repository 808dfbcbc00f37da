// Realtime URL normalisation, event parsing and the active transcript cap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRealtimeEvent, type RealtimeEvent } from './events.js';
import { realtimeSessionBody, realtimeWebsocketUrl } from './session.js';
import { ActiveTranscript, capTranscript } from './transcript.js';

describe('realtimeWebsocketUrl', () => {
  it.each([
    ['http://h:1', 'v1', undefined, 'ws://h:1/v1/realtime?intent=quicksilver'],
    [
      'https://api.openai.com/v1',
      'v1',
      'gpt-rt',
      'wss://api.openai.com/v1/realtime?intent=quicksilver&model=gpt-rt',
    ],
    ['https://h/v1/', 'v2', undefined, 'wss://h/v1/realtime'],
    ['wss://h/custom/realtime/', 'v2', undefined, 'wss://h/custom/realtime'],
    ['http://h/custom/realtime', 'v2', 'm', 'ws://h/custom/realtime?model=m'],
    ['http://h/backend-api/codex', 'v2', undefined, 'ws://h/backend-api/codex'],
  ] as const)('%s (%s, model %s) → %s', (baseUrl, version, model, expected) => {
    expect(realtimeWebsocketUrl({ baseUrl }, { version, model })).toBe(expected);
  });

  it('appends provider query params after intent and model, minus intent (and model when set)', () => {
    const provider = {
      baseUrl: 'http://h/v1',
      queryParams: { intent: 'x', model: 'p', 'api-version': '1 2' },
    };
    expect(realtimeWebsocketUrl(provider, { model: 'm' })).toBe(
      'ws://h/v1/realtime?intent=quicksilver&model=m&api-version=1+2',
    );
    expect(realtimeWebsocketUrl(provider, { version: 'v2' })).toBe(
      'ws://h/v1/realtime?model=p&api-version=1+2',
    );
  });

  it('rejects other schemes', () => {
    expect(() => realtimeWebsocketUrl({ baseUrl: 'ftp://h/v1' })).toThrow(
      'unsupported realtime api_url scheme: ftp',
    );
  });
});

describe('parseRealtimeEvent', () => {
  it('v1 audio needs sample_rate and channels; v2 defaults them', () => {
    const audio = JSON.stringify({ type: 'conversation.output_audio.delta', delta: 'AA' });
    expect(parseRealtimeEvent(audio, 'v1')).toBeUndefined();
    const v2 = JSON.stringify({ type: 'response.audio.delta', delta: 'AA' });
    expect(parseRealtimeEvent(v2, 'v2')).toMatchObject({ frame: { sampleRate: 24000, numChannels: 1 } });
    expect(parseRealtimeEvent(v2, 'v1')).toBeUndefined();
  });

  it('error text: `message`, else `error.message`, else `error` as JSON', () => {
    const parse = (event: object) => parseRealtimeEvent(JSON.stringify({ type: 'error', ...event }), 'v1');
    expect(parse({ message: 'top', error: { message: 'inner' } })).toEqual({ type: 'error', message: 'top' });
    expect(parse({ error: { message: 'inner' } })).toEqual({ type: 'error', message: 'inner' });
    expect(parse({ error: { code: 'x' } })).toEqual({ type: 'error', message: '{"code":"x"}' });
    expect(parse({})).toBeUndefined();
  });

  it('v2 handoff transcript: first non-empty known argument, else the raw arguments', () => {
    const handoff = (args: string) =>
      parseRealtimeEvent(
        JSON.stringify({
          type: 'conversation.item.done',
          item: { type: 'function_call', name: 'background_agent', call_id: 'c', arguments: args },
        }),
        'v2',
      );
    expect(handoff('{"input":" ","text":"t","prompt":"p"}')).toMatchObject({
      inputTranscript: 't',
      itemId: 'c',
    });
    expect(handoff('not json')).toMatchObject({ inputTranscript: 'not json' });
    expect(handoff('{"other":1}')).toMatchObject({ inputTranscript: '{"other":1}' });
  });

  it('ignores what is not an event: bad JSON, no type, unknown types, missing ids', () => {
    expect(parseRealtimeEvent('{', 'v1')).toBeUndefined();
    expect(parseRealtimeEvent('{"delta":"x"}', 'v1')).toBeUndefined();
    expect(parseRealtimeEvent('{"type":"future.event"}', 'v2')).toBeUndefined();
    expect(parseRealtimeEvent('{"type":"session.updated","session":{}}', 'v1')).toBeUndefined();
  });
});

describe('active transcript', () => {
  it('keeps the last 8 KiB: oldest entries dropped, the first kept one cut with …', () => {
    const capped = capTranscript(
      [
        { role: 'user', text: 'a'.repeat(5000) },
        { role: 'assistant', text: 'b'.repeat(6000) },
        { role: 'user', text: 'c'.repeat(3000) },
      ],
      8192,
    );
    expect(capped.map((e) => e.role)).toEqual(['assistant', 'user']);
    expect(capped[0]?.text.startsWith('…b')).toBe(true);
    expect(capped.reduce((n, e) => n + Buffer.byteLength(e.text), 0)).toBe(8192);
  });

  it('a final replaces the deltas of its part; a handoff takes the transcript and starts anew', () => {
    const t = new ActiveTranscript();
    t.observe({ type: 'inputTranscriptDelta', delta: 'hel' }, true);
    t.observe({ type: 'inputTranscriptDone', text: 'hello' }, true);
    t.observe({ type: 'outputTranscriptDelta', delta: 'hi' }, true);
    const handoff: RealtimeEvent = {
      type: 'handoffRequested',
      handoffId: 'h',
      itemId: 'i',
      inputTranscript: 'x',
      activeTranscript: [],
    };
    expect(t.observe(handoff, true)).toMatchObject({
      activeTranscript: [
        { role: 'user', text: 'hello' },
        { role: 'assistant', text: 'hi' },
      ],
    });
    expect(t.observe(handoff, true)).toMatchObject({ activeTranscript: [] });
  });
});

describe('realtimeSessionBody', () => {
  it('v2 transcription sessions carry only the input format and transcription model', () => {
    expect(realtimeSessionBody({ instructions: 'ignored', version: 'v2', mode: 'transcription' })).toEqual({
      type: 'transcription',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          transcription: { model: 'gpt-4o-mini-transcribe' },
        },
      },
    });
  });
});

describe('capTranscript (property)', () => {
  it('never exceeds the cap, keeps the newest text, and leaves a small transcript unchanged', () => {
    const entry = fc.record({
      role: fc.constantFrom<'user' | 'assistant'>('user', 'assistant'),
      text: fc.string({ unit: 'grapheme', maxLength: 60 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), fc.integer({ min: 8, max: 200 }), (entries, max) => {
        const size = (list: Array<{ text: string }>) =>
          list.reduce((n, e) => n + Buffer.byteLength(e.text), 0);
        const capped = capTranscript(entries, max);
        expect(size(capped)).toBeLessThanOrEqual(max);
        if (size(entries) <= max) expect(capped).toEqual(entries);
        const joined = entries.map((e) => e.text).join('');
        const kept = capped.map((e) => e.text).join('');
        expect(joined.endsWith(kept.startsWith('…') ? kept.slice(1) : kept)).toBe(true);
      }),
    );
  });
});
