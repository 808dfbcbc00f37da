// What the models catalog decides about a request (issue 10, upstream `ModelInfo` in protocol
// `openai_models.rs`, `ModelsManager` default-model choice, `ModelClient::build_responses_request`;
// wire-protocol W-106…W-111, core-behaviour C-71…C-73): the default model when config names none,
// `reasoning.effort` / `reasoning.summary` and `text.verbosity` defaults, the context window and
// the auto-compact limit. Pure functions: no I/O.

import { BUNDLED_MODELS } from './bundled-models.js';
import type { ModelInfo } from './models-cache.js';

/**
 * The catalog a session works from: the `/models` entries (when any) first, each completed by the
 * bundled entry of the same slug for fields it lacks, then the bundled entries the answer does not
 * list. An empty or absent answer leaves the bundled catalog (0.169.0 accepted `{"models":[]}`
 * and went on).
 */
export function effectiveCatalog(remote: readonly ModelInfo[] | undefined): ModelInfo[] {
  if (!remote || remote.length === 0) return [...BUNDLED_MODELS];
  const bundled = new Map(BUNDLED_MODELS.map((m) => [m.slug, m]));
  const merged = remote.map((m) => ({ ...bundled.get(m.slug), ...m }));
  const listed = new Set(remote.map((m) => m.slug));
  return [...merged, ...BUNDLED_MODELS.filter((m) => !listed.has(m.slug))];
}

/**
 * The model used when neither `-m` nor `model` is set (upstream `ModelsManager` /
 * `ModelPreset::mark_default_by_picker_visibility`): the catalog sorted by `priority` (ascending,
 * stable; entries without one last), outside ChatGPT mode only entries with `supported_in_api` not
 * false; the first with `visibility: "list"`, else the first one (Responses-Lite entries
 * included: with the bundled catalog this is `gpt-6.1-sol`, as 0.169.0 picked). Undefined when
 * none qualifies.
 */
export function defaultModelSlug(
  catalog: readonly ModelInfo[],
  options: { chatgpt: boolean },
): string | undefined {
  const priority = (m: ModelInfo) => (typeof m.priority === 'number' ? m.priority : Number.MAX_SAFE_INTEGER);
  const candidates = [...catalog]
    .sort((a, b) => priority(a) - priority(b))
    .filter((m) => options.chatgpt || m.supported_in_api !== false);
  return (candidates.find((m) => m.visibility === 'list') ?? candidates[0])?.slug;
}

/**
 * The entry for `model`: the exact slug, else the entry whose slug is the longest prefix of it
 * (`gpt-5.5-2026-01-15` → `gpt-5.5`), else undefined (upstream: fallback metadata).
 */
export function findModelInfo(catalog: readonly ModelInfo[], model: string): ModelInfo | undefined {
  const exact = catalog.find((m) => m.slug === model);
  if (exact) return exact;
  let best: ModelInfo | undefined;
  for (const m of catalog)
    if (model.startsWith(m.slug) && (best === undefined || m.slug.length > best.slug.length)) best = m;
  return best;
}

/** What config.toml says about the request shape (each undefined when not configured). */
export interface ModelSettingsConfig {
  /** `model_reasoning_effort`. */
  reasoningEffort?: string | undefined;
  /** `model_reasoning_summary`. */
  reasoningSummary?: string | undefined;
  /** `model_verbosity`. */
  verbosity?: string | undefined;
  /** `model_context_window`, tokens. */
  contextWindow?: number | undefined;
  /** `model_auto_compact_token_limit`, tokens. */
  autoCompactTokenLimit?: number | undefined;
  /** `service_tier` as a request value (`priority` for config `fast`, `flex`). */
  serviceTier?: string | undefined;
}

/** The request settings of a session's model (see {@link resolveModelSettings}). */
export interface ModelSettings {
  /** The catalog entry used; undefined when the model is not in the catalog (family defaults apply). */
  info: ModelInfo | undefined;
  /** `reasoning.effort` (`ultra` sent as `max`); undefined: no `effort` key. */
  reasoningEffort: string | undefined;
  /** `reasoning.summary`; undefined: no `summary` key (never `none`). */
  reasoningSummary: string | undefined;
  /** `text.verbosity`; undefined: no `text` object. */
  verbosity: string | undefined;
  /** `service_tier`; undefined: not sent. */
  serviceTier: string | undefined;
  /** Context window, tokens (`model_context_window`, else the entry's `context_window`). */
  contextWindow: number | undefined;
  /**
   * Token usage at which the turn loop compacts: `model_auto_compact_token_limit`, else the
   * entry's `auto_compact_token_limit`, capped at 90 % of the context window (floored); 90 % of
   * the window when neither is set; undefined without a window or limit.
   */
  autoCompactTokenLimit: number | undefined;
  /**
   * The entry's `use_responses_lite`: the request is Responses-Lite (no top-level `tools`; the
   * `additional_tools` input item; `parallel_tool_calls: false`; `reasoning.context:
   * "all_turns"`; the `x-openai-internal-codex-responses-lite: true` header). False when absent.
   */
  responsesLite: boolean;
  /** The entry's `tool_mode` is `code_mode_only`: the model gets the code-mode `exec` / `wait` tools only. */
  codeModeOnly: boolean;
  /** The entry's `node_repl_auto_review_required` (turn metadata); false when absent. */
  nodeReplAutoReviewRequired: boolean;
  /** The entry's `prefer_websockets` (false when absent). 0.169.0 decides WebSocket use by the provider alone; informational. */
  preferWebsockets: boolean;
  /** Problems found, e.g. a configured verbosity the model does not support (dropped). Not printed by `exec`. */
  warnings: string[];
}

/**
 * The request settings of `model` (W-109, W-110, C-71…C-73):
 * - effort: configured, else the entry's `default_reasoning_level`; `ultra` → `max`. A
 *   configured effort is sent as configured even when the entry's `supported_reasoning_levels`
 *   does not list it (a warning is recorded).
 * - summary: configured, else the entry's `default_reasoning_summary` (upstream default `auto`);
 *   omitted when `none` or when the entry has `supports_reasoning_summary_parameter: false`.
 * - verbosity: only when the entry has `support_verbosity: true` (configured, else
 *   `default_verbosity`); a configured verbosity for a model without support is dropped with a warning.
 * - service tier: the configured request value only when the entry's `service_tiers` lists its
 *   `id` (upstream `ModelInfo::service_tier_for_request`; `default` never sent); else dropped with
 *   a warning.
 * Models not in the catalog keep codex-ts's family defaults (`familyDefaults`): effort/verbosity
 * from it unless configured, the summary and service tier only when configured.
 */
export function resolveModelSettings(
  catalog: readonly ModelInfo[],
  model: string,
  config: ModelSettingsConfig,
  familyDefaults: { reasoningEffort: string | undefined; verbosity: string | undefined },
): ModelSettings {
  const info = findModelInfo(catalog, model);
  const warnings: string[] = [];
  const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const num = (value: unknown) => (typeof value === 'number' && value > 0 ? value : undefined);
  let effort: string | undefined;
  let summary: string | undefined;
  let verbosity: string | undefined;
  let serviceTier = config.serviceTier === 'default' ? undefined : config.serviceTier;
  if (info) {
    const tiers = Array.isArray(info.service_tiers)
      ? info.service_tiers.map((t: { id?: unknown }) => t?.id)
      : [];
    if (serviceTier !== undefined && !tiers.includes(serviceTier)) {
      warnings.push(`model \`${model}\` does not offer service tier \`${serviceTier}\`; not sent`);
      serviceTier = undefined;
    }
    effort = config.reasoningEffort ?? str(info.default_reasoning_level);
    const levels = Array.isArray(info.supported_reasoning_levels)
      ? info.supported_reasoning_levels.map((l: { effort?: unknown }) => l?.effort)
      : undefined;
    if (config.reasoningEffort && levels && levels.length > 0 && !levels.includes(config.reasoningEffort))
      warnings.push(`reasoning effort \`${config.reasoningEffort}\` is not listed for model \`${model}\``);
    summary =
      info.supports_reasoning_summary_parameter === false
        ? undefined
        : (config.reasoningSummary ?? str(info.default_reasoning_summary) ?? 'auto');
    if (info.support_verbosity === true) verbosity = config.verbosity ?? str(info.default_verbosity);
    else if (config.verbosity)
      warnings.push(`model \`${model}\` does not support verbosity; \`${config.verbosity}\` not sent`);
  } else {
    effort = config.reasoningEffort ?? familyDefaults.reasoningEffort;
    summary = config.reasoningSummary;
    verbosity = config.verbosity ?? familyDefaults.verbosity;
  }
  if (effort === 'ultra') effort = 'max';
  if (summary === 'none') summary = undefined;
  const contextWindow = config.contextWindow ?? num(info?.context_window);
  const limit = config.autoCompactTokenLimit ?? num(info?.auto_compact_token_limit);
  const cap = contextWindow === undefined ? undefined : Math.floor(contextWindow * 0.9);
  const autoCompactTokenLimit = cap === undefined ? limit : limit === undefined ? cap : Math.min(limit, cap);
  return {
    info,
    reasoningEffort: effort,
    reasoningSummary: summary,
    verbosity,
    serviceTier,
    contextWindow,
    autoCompactTokenLimit,
    responsesLite: info?.use_responses_lite === true,
    codeModeOnly: info?.tool_mode === 'code_mode_only',
    nodeReplAutoReviewRequired: info?.node_repl_auto_review_required === true,
    preferWebsockets: info?.prefer_websockets === true,
    warnings,
  };
}
