import { describe, expect, it } from 'vitest';
import { redactUrlIn, redactUrlQuery } from './url.js';

describe('redactUrlQuery', () => {
  it('replaces every query value with *** and keeps the names', () => {
    expect(redactUrlQuery('http://h/v1/responses?api-version=2025-01-01')).toBe(
      'http://h/v1/responses?api-version=***',
    );
    expect(redactUrlQuery('wss://h/v1/responses?api-version=1&key=sk-secret&flag&empty=')).toBe(
      'wss://h/v1/responses?api-version=***&key=***&flag&empty=***',
    );
    // values are not URL-encoded: everything up to the next `&` is the value
    expect(redactUrlQuery('http://h/r?k=a=b#c?d')).toBe('http://h/r?k=***');
  });

  it('leaves a URL without a query unchanged', () => {
    expect(redactUrlQuery('http://127.0.0.1:1234/v1/responses')).toBe('http://127.0.0.1:1234/v1/responses');
  });

  it('masks the URL wherever it occurs in a text', () => {
    const url = 'ws://h:x/v1/responses?key=sk-secret';
    expect(redactUrlIn(`Invalid URL: ${url}`, url)).toBe('Invalid URL: ws://h:x/v1/responses?key=***');
    expect(redactUrlIn('no url here', url)).toBe('no url here');
    expect(redactUrlIn('Invalid URL: http://h/x', 'http://h/x')).toBe('Invalid URL: http://h/x');
  });
});
