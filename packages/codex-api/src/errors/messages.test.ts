import { describe, expect, it } from 'vitest';
import { ErrorTexts, usageLimitMessage } from './messages.js';

describe('usageLimitMessage', () => {
  const now = new Date(2026, 2, 5, 9, 0, 0);
  const todayAt = (h: number, m: number) => new Date(2026, 2, 5, h, m).getTime() / 1000;

  it('per plan, without a reset time', () => {
    expect(usageLimitMessage({ planType: 'plus' }, now)).toBe(
      "You've hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/codex/settings/usage to purchase more credits or try again later.",
    );
    expect(usageLimitMessage({ planType: 'team' }, now)).toBe(
      "You've hit your usage limit. To get more access now, send a request to your admin or try again later.",
    );
    expect(usageLimitMessage({ planType: 'free' }, now)).toBe(
      "You've hit your usage limit. Upgrade to Plus to continue using Codex (https://chatgpt.com/explore/plus), or try again later.",
    );
    expect(usageLimitMessage({ planType: 'pro' }, now)).toBe(
      "You've hit your usage limit. Visit https://chatgpt.com/codex/settings/usage to purchase more credits or try again later.",
    );
    expect(usageLimitMessage({ planType: 'enterprise' }, now)).toBe(
      "You've hit your usage limit. Try again later.",
    );
    expect(usageLimitMessage({}, now)).toBe("You've hit your usage limit. Try again later.");
  });

  it('formats reset times (same day: time only; otherwise date with ordinal)', () => {
    expect(usageLimitMessage({ planType: 'edu', resetsAt: todayAt(15, 7) }, now)).toBe(
      "You've hit your usage limit. Try again at 3:07 PM.",
    );
    const later = new Date(2026, 3, 22, 0, 5).getTime() / 1000;
    expect(usageLimitMessage({ planType: 'pro', resetsAt: later }, now)).toBe(
      "You've hit your usage limit. Visit https://chatgpt.com/codex/settings/usage to purchase more credits or try again at Apr 22nd, 2026 12:05 AM.",
    );
  });

  it('named limits, workspace reasons and promo messages win over the plan', () => {
    expect(
      usageLimitMessage({ planType: 'plus', rateLimits: { limitId: 'x', limitName: 'gpt-sonic' } }, now),
    ).toBe("You've hit your usage limit for gpt-sonic. Switch to another model now, or try again later.");
    expect(usageLimitMessage({ rateLimitReachedType: 'workspace_owner_credits_depleted' }, now)).toBe(
      'Your workspace is out of credits. Add credits to continue.',
    );
    expect(usageLimitMessage({ promoMessage: 'Try the new plan', planType: 'plus' }, now)).toBe(
      "You've hit your usage limit. Try the new plan, or try again later.",
    );
  });

  it('uses the curly apostrophe in the internal server error text', () => {
    expect(ErrorTexts.internalServerError).toBe(
      'We’re currently experiencing high demand, which may cause temporary errors.',
    );
    expect(ErrorTexts.internalServerError.charCodeAt(2)).toBe(0x2019);
  });
});
