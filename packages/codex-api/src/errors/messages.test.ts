import { describe, expect, it } from 'vitest';
import { ErrorTexts, usageLimitMessage } from './messages.js';

describe('usageLimitMessage', () => {
  const now = new Date(2026, 2, 5, 9, 0, 0);
  const todayAt = (h: number, m: number) => new Date(2026, 2, 5, h, m).getTime() / 1000;

  it('per plan, without a reset time', () => {
    expect(usageLimitMessage({ planType: 'plus' }, now)).toBe(
      'You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again later.',
    );
    expect(usageLimitMessage({ planType: 'team' }, now)).toBe(
      'You’ve hit your usage limit. To get more access now, send a request to your admin or try again later.',
    );
    expect(usageLimitMessage({ planType: 'free' }, now)).toBe(
      'You’ve hit your usage limit. Upgrade to Plus to continue using Codex (https://chatgpt.com/explore/plus), or try again later.',
    );
    expect(usageLimitMessage({ planType: 'pro' }, now)).toBe(
      'You’ve hit your usage limit. Visit https://chatgpt.com/settings/usage to purchase more credits or try again later.',
    );
    expect(usageLimitMessage({ planType: 'enterprise' }, now)).toBe(
      'You’ve hit your usage limit. Try again later.',
    );
    expect(usageLimitMessage({}, now)).toBe('You’ve hit your usage limit. Try again later.');
  });

  it('formats reset times (same day: time only; otherwise date with ordinal)', () => {
    expect(usageLimitMessage({ planType: 'edu', resetsAt: todayAt(15, 7) }, now)).toBe(
      'You’ve hit your usage limit. Try again at 3:07 PM.',
    );
    const later = new Date(2026, 3, 22, 0, 5).getTime() / 1000;
    expect(usageLimitMessage({ planType: 'pro', resetsAt: later }, now)).toBe(
      'You’ve hit your usage limit. Visit https://chatgpt.com/settings/usage to purchase more credits or try again at Apr 22nd, 2026 12:05 AM.',
    );
  });

  it('named limits, workspace reasons and promo messages win over the plan', () => {
    expect(
      usageLimitMessage({ planType: 'plus', rateLimits: { limitId: 'x', limitName: 'gpt-sonic' } }, now),
    ).toBe('You’ve hit your usage limit for gpt-sonic. Switch to another model now, or try again later.');
    expect(usageLimitMessage({ rateLimitReachedType: 'workspace_owner_credits_depleted' }, now)).toBe(
      'Your workspace is out of credits. Add credits to continue.',
    );
    expect(usageLimitMessage({ promoMessage: 'Try the new plan', planType: 'plus' }, now)).toBe(
      'You’ve hit your usage limit. Try the new plan, or try again later.',
    );
  });

  it('words the three workspace cases apart: credits (owner / member) and the spend cap', () => {
    const member = usageLimitMessage(
      { planType: 'team', rateLimitReachedType: 'workspace_member_credits_depleted' },
      now,
    );
    expect(member).toBe(
      'Your workspace is out of credits. Ask your workspace owner to refill in order to continue.',
    );
    expect(usageLimitMessage({ rateLimitReachedType: 'workspace_owner_usage_limit_reached' }, now)).toBe(
      'You hit your spend cap set in your workspace. Increase your spend cap to continue.',
    );
    expect(usageLimitMessage({ rateLimitReachedType: 'workspace_member_usage_limit_reached' }, now)).toBe(
      'You hit your spend cap set by the owner of your workspace. Ask an owner to increase your spend cap to continue.',
    );
    // the generic reached type keeps the plan's text
    expect(usageLimitMessage({ planType: 'go', rateLimitReachedType: 'rate_limit_reached' }, now)).toBe(
      'You’ve hit your usage limit. Upgrade to Plus to continue using Codex (https://chatgpt.com/explore/plus), or try again later.',
    );
  });

  it('treats gpt-reserve like the default limit and business-like plans like team', () => {
    expect(
      usageLimitMessage({ planType: 'pro', rateLimits: { limitId: 'r', limitName: 'gpt-reserve' } }, now),
    ).toBe(
      'You’ve hit your usage limit. Visit https://chatgpt.com/settings/usage to purchase more credits or try again later.',
    );
    expect(usageLimitMessage({ planType: 'enterprise_cbp_automation' }, now)).toBe(
      'You’ve hit your usage limit. To get more access now, send a request to your admin or try again later.',
    );
    expect(usageLimitMessage({ planType: 'promax' }, now)).toContain(
      'Visit https://chatgpt.com/settings/usage',
    );
  });

  it('prints the observed 0.169.0 text for a pro plan (curly apostrophe, reset in local time)', () => {
    const text = usageLimitMessage({ planType: 'pro', resetsAt: 4102444800 }, new Date(2026, 0, 1));
    const at = new Date(4102444800 * 1000);
    if (at.getTimezoneOffset() === 0) {
      expect(text).toBe(
        'You\u2019ve hit your usage limit. Visit https://chatgpt.com/settings/usage to purchase more credits or try again at Jan 1st, 2100 12:00 AM.',
      );
    }
    expect(text.charCodeAt(3)).toBe(0x2019);
  });

  it('uses the curly apostrophe in the internal server error text', () => {
    expect(ErrorTexts.internalServerError).toBe(
      'We’re currently experiencing high demand, which may cause temporary errors.',
    );
    expect(ErrorTexts.internalServerError.charCodeAt(2)).toBe(0x2019);
  });
});
