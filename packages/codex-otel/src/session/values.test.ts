import { SecretRedactor } from '@codex-ts/client';
import { describe, expect, it } from 'vitest';
import { durationValue, errorMessage, MAX_ERROR_MESSAGE_LENGTH, MAX_KIND_LENGTH, sseKind } from './values.js';

const SECRET = 'sk-test-0123456789abcdef';

describe('errorMessage (error.message of every event and span status)', () => {
  it('masks a secret that straddles the length limit instead of keeping its head', () => {
    const redactor = new SecretRedactor();
    redactor.add(SECRET);
    // The secret starts 4 characters before the cut: cutting first would keep `sk-t`.
    const message = errorMessage(
      new Error(`${'x'.repeat(MAX_ERROR_MESSAGE_LENGTH - 4)}${SECRET} tail`),
      redactor,
    );
    // Masked, then cut.
    expect(message).toBe(
      `${'x'.repeat(MAX_ERROR_MESSAGE_LENGTH - 4)}*** tail`.slice(0, MAX_ERROR_MESSAGE_LENGTH),
    );
    expect(message).not.toContain('sk-t');
  });

  it('takes the message of errors, strings and error-like objects, cut to the limit', () => {
    const redactor = new SecretRedactor();
    expect(errorMessage(new TypeError('bad'), redactor)).toBe('bad');
    expect(errorMessage('plain', redactor)).toBe('plain');
    expect(errorMessage({ code: 'stream', message: 'idle' }, redactor)).toBe('idle');
    expect(errorMessage(42, redactor)).toBe('42');
    expect(errorMessage('y'.repeat(MAX_ERROR_MESSAGE_LENGTH + 10), redactor)).toHaveLength(
      MAX_ERROR_MESSAGE_LENGTH,
    );
  });
});

describe('durationValue (histogram values, ms)', () => {
  it('truncates positive finite durations to whole ms and turns the rest into 0', () => {
    // Whole ms, truncated (0.169.0's histograms hold whole ms only).
    expect([12.5, 0, -3, Number.NaN, Number.POSITIVE_INFINITY].map(durationValue)).toEqual([12, 0, 0, 0, 0]);
  });
});

describe('sseKind (event.kind and the kind tag, no JSON parse)', () => {
  const kind = (event: string, data = '') => sseKind({ event, data });

  it('uses the SSE event: field, cut to the kind limit', () => {
    expect(kind('response.output_text.delta', '{"type":"other"}')).toBe('response.output_text.delta');
    expect(kind('e'.repeat(MAX_KIND_LENGTH + 5))).toBe('e'.repeat(MAX_KIND_LENGTH));
  });

  it('falls back to a leading "type" in data for an unnamed event, else message', () => {
    expect(kind('message', '{"type":"response.created","response":{}}')).toBe('response.created');
    expect(kind('', '{"type":"response.in_progress"}')).toBe('response.in_progress');
    // Not at the start, empty, or longer than the limit: not parsed further.
    expect(kind('message', '{"response":{},"type":"response.created"}')).toBe('message');
    expect(kind('message', '{"type":""}')).toBe('message');
    expect(kind('message', `{"type":"${'k'.repeat(MAX_KIND_LENGTH)}"}`)).toBe('k'.repeat(MAX_KIND_LENGTH));
    expect(kind('message', `{"type":"${'k'.repeat(MAX_KIND_LENGTH + 1)}"}`)).toBe('message');
    expect(kind('message', 'not json')).toBe('message');
  });
});
