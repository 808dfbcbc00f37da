import { describe, expect, it } from 'vitest';
import {
  addTokenUsage,
  blendedTotal,
  CONTEXT_WINDOW_BASELINE_TOKENS,
  cachedInput,
  emptyTokenUsage,
  nonCachedInput,
  percentOfContextWindowRemaining,
  type TokenUsage,
  tokenUsageFromWire,
  usageFromTokenUsage,
} from '../index.js';
import { USAGE_EXAMPLE } from '../test/index.js';

const usage = (fields: Partial<TokenUsage>): TokenUsage => ({ ...emptyTokenUsage(), ...fields });

describe('tokenUsageFromWire', () => {
  it('maps the response.completed usage of wire-protocol §3.3', () => {
    expect(tokenUsageFromWire(USAGE_EXAMPLE.wire)).toEqual(USAGE_EXAMPLE.tokenUsage);
  });

  it('defaults absent or null details and cache_write_tokens to 0', () => {
    expect(tokenUsageFromWire({ input_tokens: 3, output_tokens: 2, total_tokens: 5 })).toEqual(
      usage({ inputTokens: 3, outputTokens: 2, totalTokens: 5 }),
    );
    expect(
      tokenUsageFromWire({
        input_tokens: 3,
        input_tokens_details: null,
        output_tokens: 2,
        output_tokens_details: null,
        total_tokens: 5,
      }),
    ).toEqual(usage({ inputTokens: 3, outputTokens: 2, totalTokens: 5 }));
    expect(
      tokenUsageFromWire({
        input_tokens: 3,
        input_tokens_details: { cached_tokens: 1 },
        output_tokens: 2,
        total_tokens: 5,
      }),
    ).toEqual(usage({ inputTokens: 3, cachedInputTokens: 1, outputTokens: 2, totalTokens: 5 }));
  });

  it('keeps codex_rollout_budget_units and ignores other extra fields', () => {
    expect(
      tokenUsageFromWire({
        input_tokens: 1,
        output_tokens: 1,
        total_tokens: 2,
        codex_rollout_budget_units: 0.5,
        extra: true,
      }),
    ).toEqual({
      ...usage({ inputTokens: 1, outputTokens: 1, totalTokens: 2 }),
      codexRolloutBudgetUnits: 0.5,
    });
  });

  it.each(['input_tokens', 'output_tokens', 'total_tokens'])('throws naming a missing %s', (field) => {
    const wire: Record<string, unknown> = { input_tokens: 1, output_tokens: 1, total_tokens: 2 };
    delete wire[field];
    expect(() => tokenUsageFromWire(wire)).toThrow(
      `invalid response usage: missing required field "${field}"`,
    );
  });

  it('throws when details are present without their required count', () => {
    expect(() =>
      tokenUsageFromWire({ input_tokens: 1, input_tokens_details: {}, output_tokens: 1, total_tokens: 2 }),
    ).toThrow('"input_tokens_details" is present but lacks required field "cached_tokens"');
    expect(() =>
      tokenUsageFromWire({
        input_tokens: 1,
        output_tokens: 1,
        output_tokens_details: { other: 1 },
        total_tokens: 2,
      }),
    ).toThrow('"output_tokens_details" is present but lacks required field "reasoning_tokens"');
  });

  it('throws on wrong types and non-objects', () => {
    expect(() => tokenUsageFromWire({ input_tokens: '1', output_tokens: 1, total_tokens: 2 })).toThrow(
      /"input_tokens": .*expected number/,
    );
    expect(() => tokenUsageFromWire(null)).toThrow('invalid response usage: expected an object, got null');
    expect(() => tokenUsageFromWire([])).toThrow('invalid response usage');
  });
});

describe('derived values', () => {
  it('cachedInput, nonCachedInput, blendedTotal', () => {
    const u = usage({ inputTokens: 100, cachedInputTokens: 40, outputTokens: 10 });
    expect(cachedInput(u)).toBe(40);
    expect(nonCachedInput(u)).toBe(60);
    expect(blendedTotal(u)).toBe(70);
    const odd = usage({ inputTokens: 10, cachedInputTokens: 50, outputTokens: -5 });
    expect(nonCachedInput(odd)).toBe(0);
    expect(blendedTotal(odd)).toBe(0);
    expect(cachedInput(usage({ cachedInputTokens: -3 }))).toBe(0);
  });

  it('percentOfContextWindowRemaining uses a 12000-token baseline', () => {
    expect(CONTEXT_WINDOW_BASELINE_TOKENS).toBe(12_000);
    expect(percentOfContextWindowRemaining(usage({ totalTokens: 0 }), 12_000)).toBe(0);
    expect(percentOfContextWindowRemaining(usage({ totalTokens: 5_000 }), 112_000)).toBe(100);
    expect(percentOfContextWindowRemaining(usage({ totalTokens: 62_000 }), 112_000)).toBe(50);
    expect(percentOfContextWindowRemaining(usage({ totalTokens: 12_000 + 33_333 }), 112_000)).toBe(67);
    expect(percentOfContextWindowRemaining(usage({ totalTokens: 500_000 }), 112_000)).toBe(0);
  });
});

describe('accumulation', () => {
  it('adds field by field', () => {
    const a = usage({
      inputTokens: 1,
      cachedInputTokens: 2,
      cacheWriteInputTokens: 3,
      outputTokens: 4,
      reasoningOutputTokens: 5,
      totalTokens: 6,
    });
    const b = { ...a, codexRolloutBudgetUnits: 1.5 };
    expect(addTokenUsage(a, a)).toEqual(
      usage({
        inputTokens: 2,
        cachedInputTokens: 4,
        cacheWriteInputTokens: 6,
        outputTokens: 8,
        reasoningOutputTokens: 10,
        totalTokens: 12,
      }),
    );
    expect(addTokenUsage(a, b).codexRolloutBudgetUnits).toBe(1.5);
    expect(addTokenUsage(emptyTokenUsage(), a)).toEqual(a);
  });

  it('usageFromTokenUsage gives the exec turn.completed usage', () => {
    const u = usage({
      inputTokens: 1200,
      cachedInputTokens: 1024,
      outputTokens: 42,
      reasoningOutputTokens: 16,
      totalTokens: 1242,
    });
    expect(JSON.stringify(usageFromTokenUsage(u))).toBe(
      '{"input_tokens":1200,"cached_input_tokens":1024,"cache_write_input_tokens":0,"output_tokens":42,"reasoning_output_tokens":16}',
    );
  });
});
