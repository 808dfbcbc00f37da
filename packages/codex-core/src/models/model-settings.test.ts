// The catalog's decisions as pure functions (issue 10): default model choice, entry lookup and
// the effort / summary / verbosity / window rules of W-109, W-110 and C-71…C-73.
import { describe, expect, it } from 'vitest';
import { BUNDLED_MODELS } from './bundled-models.js';
import { defaultModelSlug, effectiveCatalog, findModelInfo, resolveModelSettings } from './model-settings.js';
import { parseModels } from './models-cache.js';

const NO_FAMILY = { reasoningEffort: undefined, verbosity: undefined };
const m = (slug: string, priority: number, fields: Record<string, unknown> = {}) => ({
  slug,
  visibility: 'list',
  supported_in_api: true,
  priority,
  ...fields,
});

describe('defaultModelSlug', () => {
  it('the bundled catalog picks gpt-6.1-sol (0.169.0), and every bundled entry parses as a catalog entry', () => {
    expect(defaultModelSlug(BUNDLED_MODELS, { chatgpt: false })).toBe('gpt-6.1-sol');
    expect(defaultModelSlug(BUNDLED_MODELS, { chatgpt: true })).toBe('gpt-6.1-sol');
    expect(parseModels([...BUNDLED_MODELS])).toHaveLength(BUNDLED_MODELS.length);
  });

  it('lowest priority first; hidden and (with an API key) API-less entries skipped; Responses-Lite entries count', () => {
    const catalog = [
      m('c', 3),
      m('hidden', 0, { visibility: 'hide' }),
      m('chatgpt-only', 1, { supported_in_api: false }),
      m('b', 2),
    ];
    expect(defaultModelSlug(catalog, { chatgpt: false })).toBe('b');
    expect(defaultModelSlug(catalog, { chatgpt: true })).toBe('chatgpt-only');
    expect(
      defaultModelSlug([...catalog, m('lite', 0, { use_responses_lite: true })], { chatgpt: false }),
    ).toBe('lite');
  });

  it('gpt-6.1-sol resolves to the Responses-Lite, code-mode settings 0.169.0 sent', () => {
    const settings = resolveModelSettings(BUNDLED_MODELS, 'gpt-6.1-sol', {}, NO_FAMILY);
    expect(settings).toMatchObject({
      reasoningEffort: 'low',
      reasoningSummary: undefined,
      verbosity: 'low',
      contextWindow: 272_000,
      responsesLite: true,
      codeModeOnly: true,
      nodeReplAutoReviewRequired: true,
    });
    expect(resolveModelSettings(BUNDLED_MODELS, 'gpt-5.5', {}, NO_FAMILY)).toMatchObject({
      responsesLite: false,
      codeModeOnly: false,
      nodeReplAutoReviewRequired: false,
    });
  });

  it('no visible entry: the first by priority; nothing left → undefined', () => {
    expect(
      defaultModelSlug([m('b', 2, { visibility: 'hide' }), m('a', 1, { visibility: 'hide' })], {
        chatgpt: true,
      }),
    ).toBe('a');
    expect(defaultModelSlug([], { chatgpt: true })).toBeUndefined();
  });
});

describe('effectiveCatalog and findModelInfo', () => {
  it('remote entries first, completed by the bundled entry of their slug; unlisted bundled entries after', () => {
    const catalog = effectiveCatalog([m('gpt-5.5', 9, { default_reasoning_level: 'low' }), m('new', 1)]);
    expect(catalog.slice(0, 2).map((e) => e.slug)).toEqual(['gpt-5.5', 'new']);
    expect(catalog[0]).toMatchObject({
      priority: 9,
      default_reasoning_level: 'low',
      support_verbosity: true,
    });
    expect(catalog.filter((e) => e.slug === 'gpt-5.5')).toHaveLength(1);
    expect(effectiveCatalog([])).toEqual([...BUNDLED_MODELS]);
  });

  it('exact slug, else the longest slug prefix', () => {
    expect(findModelInfo(BUNDLED_MODELS, 'gpt-5.1-codex-max-2026')?.slug).toBe('gpt-5.1-codex-max');
    expect(findModelInfo(BUNDLED_MODELS, 'gpt-5.1')?.slug).toBe('gpt-5.1');
    expect(findModelInfo(BUNDLED_MODELS, 'o3')).toBeUndefined();
  });
});

describe('resolveModelSettings', () => {
  it('effort: configured, else default_reasoning_level; ultra is sent as max; an unlisted configured effort warns', () => {
    const catalog = [
      m('x', 1, { default_reasoning_level: 'ultra', supported_reasoning_levels: [{ effort: 'low' }] }),
    ];
    expect(resolveModelSettings(catalog, 'x', {}, NO_FAMILY).reasoningEffort).toBe('max');
    const configured = resolveModelSettings(catalog, 'x', { reasoningEffort: 'high' }, NO_FAMILY);
    expect(configured.reasoningEffort).toBe('high');
    expect(configured.warnings).toEqual(['reasoning effort `high` is not listed for model `x`']);
  });

  it('summary: upstream default auto, none dropped, nothing without supports_reasoning_summary_parameter', () => {
    expect(resolveModelSettings([m('x', 1)], 'x', {}, NO_FAMILY).reasoningSummary).toBe('auto');
    expect(
      resolveModelSettings([m('x', 1)], 'x', { reasoningSummary: 'none' }, NO_FAMILY).reasoningSummary,
    ).toBe(undefined);
    const noParam = [m('x', 1, { supports_reasoning_summary_parameter: false })];
    expect(resolveModelSettings(noParam, 'x', { reasoningSummary: 'auto' }, NO_FAMILY).reasoningSummary).toBe(
      undefined,
    );
  });

  it('auto-compact limit: the entry value capped at 90 % of the window, 90 % without one', () => {
    const limit = (fields: Record<string, unknown>) =>
      resolveModelSettings([m('x', 1, fields)], 'x', {}, NO_FAMILY).autoCompactTokenLimit;
    expect(limit({ context_window: 1000, auto_compact_token_limit: 950 })).toBe(900);
    expect(limit({ context_window: 1000, auto_compact_token_limit: 500 })).toBe(500);
    expect(limit({ context_window: 1000 })).toBe(900);
    expect(limit({ auto_compact_token_limit: 500 })).toBe(500);
    expect(limit({})).toBeUndefined();
  });

  it('service tier: sent only when the entry lists it; kept for a model outside the catalog', () => {
    expect(
      resolveModelSettings(BUNDLED_MODELS, 'gpt-5.5', { serviceTier: 'priority' }, NO_FAMILY).serviceTier,
    ).toBe('priority');
    const none = resolveModelSettings(
      [m('x', 1, { service_tiers: [] })],
      'x',
      { serviceTier: 'flex' },
      NO_FAMILY,
    );
    expect(none).toMatchObject({
      serviceTier: undefined,
      warnings: ['model `x` does not offer service tier `flex`; not sent'],
    });
    expect(resolveModelSettings([], 'y', { serviceTier: 'flex' }, NO_FAMILY).serviceTier).toBe('flex');
  });

  it('prefer_websockets is reported, a model outside the catalog takes the family defaults', () => {
    expect(resolveModelSettings(BUNDLED_MODELS, 'gpt-5.5', {}, NO_FAMILY).preferWebsockets).toBe(true);
    const unknown = resolveModelSettings(
      BUNDLED_MODELS,
      'o3',
      {},
      { reasoningEffort: 'medium', verbosity: undefined },
    );
    expect(unknown).toMatchObject({ info: undefined, reasoningEffort: 'medium', verbosity: undefined });
  });
});
