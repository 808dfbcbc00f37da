import { describe, expect, it } from 'vitest';
import { parseRateLimitEvent } from './event.js';
import { parseCreditsHeaders, parseRateLimitForLimit, parseRateLimitHeaders } from './headers.js';
import { parseRetryAfterHeader, parseRetryAfterHint } from './retry-after.js';

describe('parseRateLimitHeaders', () => {
  it('always emits the default codex family first, even when empty', () => {
    expect(parseRateLimitHeaders({})).toEqual([{ limitId: 'codex' }]);
  });

  it('reads primary and secondary windows of the default family', () => {
    const [codex] = parseRateLimitHeaders({
      'x-codex-primary-used-percent': '12.5',
      'x-codex-primary-window-minutes': '60',
      'x-codex-primary-reset-at': '1704069000',
      'x-codex-secondary-used-percent': '40',
      'x-codex-secondary-window-minutes': '10080',
    });
    expect(codex).toEqual({
      limitId: 'codex',
      primary: { usedPercent: 12.5, windowMinutes: 60, resetsAt: 1704069000 },
      secondary: { usedPercent: 40, windowMinutes: 10080 },
    });
  });

  it('drops a window without data and ignores non-finite or malformed numbers', () => {
    const [codex] = parseRateLimitHeaders({
      'x-codex-primary-used-percent': '0',
      'x-codex-primary-window-minutes': '0',
      'x-codex-secondary-used-percent': 'inf',
    });
    expect(codex).toEqual({ limitId: 'codex' });
    const [other] = parseRateLimitHeaders({
      'x-codex-primary-used-percent': '0',
      'x-codex-primary-reset-at': '17',
      'x-codex-primary-window-minutes': 'sixty',
    });
    expect(other?.primary).toEqual({ usedPercent: 0, resetsAt: 17 });
  });

  it('emits extra families sorted by id after the default one, only with data', () => {
    const snapshots = parseRateLimitHeaders({
      'x-codex-zeta-primary-used-percent': '5',
      'x-codex-other-primary-used-percent': '80',
      'x-codex-other-primary-window-minutes': '1440',
      'x-codex-other-limit-name': '  gpt-5.2-codex-sonic  ',
      'x-codex-empty-primary-used-percent': '0',
    });
    expect(snapshots.map((s) => s.limitId)).toEqual(['codex', 'codex_other', 'codex_zeta']);
    expect(snapshots[1]).toEqual({
      limitId: 'codex_other',
      limitName: 'gpt-5.2-codex-sonic',
      primary: { usedPercent: 80, windowMinutes: 1440 },
    });
  });

  it('reads credits (both flags required) and applies them to every family', () => {
    const headers = {
      'x-codex-credits-has-credits': 'TRUE',
      'x-codex-credits-unlimited': '0',
      'x-codex-credits-balance': ' 123.45 ',
      'x-codex-secondary-primary-used-percent': '0',
    };
    const snapshots = parseRateLimitHeaders(headers);
    expect(snapshots).toEqual([
      { limitId: 'codex', credits: { hasCredits: true, unlimited: false, balance: '123.45' } },
      { limitId: 'codex_secondary', credits: { hasCredits: true, unlimited: false, balance: '123.45' } },
    ]);
    expect(parseCreditsHeaders({ 'x-codex-credits-has-credits': 'true' })).toBeUndefined();
    expect(
      parseCreditsHeaders({ 'x-codex-credits-has-credits': 'yes', 'x-codex-credits-unlimited': '1' }),
    ).toBe(undefined);
    expect(
      parseCreditsHeaders({
        'x-codex-credits-has-credits': '1',
        'x-codex-credits-unlimited': 'false',
        'x-codex-credits-balance': ' ',
      }),
    ).toEqual({ hasCredits: true, unlimited: false });
  });

  it('maps a limit id to its header prefix (codex_secondary ↔ x-codex-secondary-…)', () => {
    const snapshot = parseRateLimitForLimit(
      { 'x-codex-secondary-primary-used-percent': '80', 'x-codex-secondary-primary-reset-at': '1704074400' },
      'codex_secondary',
    );
    expect(snapshot).toEqual({
      limitId: 'codex_secondary',
      primary: { usedPercent: 80, resetsAt: 1704074400 },
    });
  });
});

describe('parseRateLimitEvent', () => {
  it('maps a codex.rate_limits event', () => {
    expect(
      parseRateLimitEvent({
        type: 'codex.rate_limits',
        plan_type: 'plus',
        rate_limits: {
          allowed: true,
          primary: { used_percent: 42, window_minutes: 60, reset_at: 1700000000 },
          secondary: null,
        },
        credits: { has_credits: true, unlimited: false, balance: '123' },
        metered_limit_name: 'Codex-Other',
        limit_name: 'ignored',
      }),
    ).toEqual({
      limitId: 'codex_other',
      planType: 'plus',
      primary: { usedPercent: 42, windowMinutes: 60, resetsAt: 1700000000 },
      credits: { hasCredits: true, unlimited: false, balance: '123' },
    });
  });

  it('defaults the id to codex, falls back to limit_name, rejects bad shapes', () => {
    expect(parseRateLimitEvent({ type: 'codex.rate_limits' })).toEqual({ limitId: 'codex' });
    expect(parseRateLimitEvent({ type: 'codex.rate_limits', limit_name: 'x_y' })).toEqual({ limitId: 'x_y' });
    expect(parseRateLimitEvent({ type: 'response.completed' })).toBeUndefined();
    expect(
      parseRateLimitEvent({ type: 'codex.rate_limits', rate_limits: { primary: { used_percent: 'x' } } }),
    ).toBe(undefined);
    expect(
      parseRateLimitEvent({ type: 'codex.rate_limits', credits: { has_credits: true } }),
    ).toBeUndefined();
  });
});

describe('retry hints', () => {
  it('parses "try again in" hints', () => {
    expect(parseRetryAfterHint('Rate limit reached. Please try again in 11.054s. Visit …')).toBe(11054);
    expect(parseRetryAfterHint('try again in 28ms')).toBe(28);
    expect(parseRetryAfterHint('Try again in 35 seconds.')).toBe(35000);
    expect(parseRetryAfterHint('Please TRY AGAIN IN 1 second')).toBe(1000);
    expect(parseRetryAfterHint('Rate limit reached for gpt-5.5. Please try again in 1.5s.')).toBe(1500);
    expect(parseRetryAfterHint('try again later')).toBeUndefined();
    expect(parseRetryAfterHint(undefined)).toBeUndefined();
  });

  it('parses Retry-After seconds and HTTP-dates', () => {
    expect(parseRetryAfterHeader('2')).toBe(2000);
    expect(parseRetryAfterHeader(' 1.5 ')).toBe(1500);
    expect(parseRetryAfterHeader('0')).toBe(0);
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfterHeader('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterHeader('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
    expect(parseRetryAfterHeader('-1')).toBeUndefined();
    expect(parseRetryAfterHeader('soon')).toBeUndefined();
    expect(parseRetryAfterHeader('')).toBeUndefined();
    expect(parseRetryAfterHeader(undefined)).toBeUndefined();
  });
});
