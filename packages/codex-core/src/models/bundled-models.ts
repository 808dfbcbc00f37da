// The catalog codex-ts ships for a fresh install without network (issue 10): our own table of the
// public model slugs with the `ModelInfo` fields that shape a request. A `/models` answer wins over
// it entry by entry (see `model-settings.ts`); the values here were chosen to match what 0.169.0
// sent for these slugs (observed-cli-0.169 §4: gpt-5.5 → `reasoning {"effort":"medium"}`,
// `text {"verbosity":"low"}`, no summary; §5.3: gpt-6.1-sol, the default, a Responses-Lite model
// with code-mode tools, `reasoning {"effort":"low","context":"all_turns"}`).

import type { ModelInfo } from './models-cache.js';

const LEVELS = ['low', 'medium', 'high', 'xhigh'] as const;
/** The public Responses tiers (`service_tier` request values): config `fast` → `priority`, `flex`. */
const TIERS = [
  { id: 'priority', name: 'fast', description: 'Priority processing' },
  { id: 'flex', name: 'flex', description: 'Flex processing' },
];

function entry(
  slug: string,
  priority: number,
  fields: { verbosity: boolean; contextWindow: number; levels?: readonly string[]; visible?: boolean },
): ModelInfo {
  return {
    slug,
    display_name: slug,
    description: null,
    visibility: fields.visible === false ? 'hide' : 'list',
    supported_in_api: true,
    priority,
    default_reasoning_level: 'medium',
    supported_reasoning_levels: (fields.levels ?? LEVELS).map((effort) => ({ effort, description: effort })),
    supports_reasoning_summary_parameter: true,
    default_reasoning_summary: 'none',
    support_verbosity: fields.verbosity,
    default_verbosity: fields.verbosity ? 'low' : null,
    context_window: fields.contextWindow,
    effective_context_window_percent: 95,
    prefer_websockets: true,
    service_tiers: TIERS.map((tier) => ({ ...tier })),
  };
}

/**
 * `gpt-6.1-sol`, the model 0.169.0 picks when config names none (its catalog's priority 1 as
 * `codex debug models` printed it): Responses-Lite (`use_responses_lite`: no top-level `tools`,
 * an `additional_tools` input item, `parallel_tool_calls: false`, `reasoning.context`), tools in
 * code mode only (`tool_mode: "code_mode_only"`: the model calls `exec` with JavaScript), default
 * effort `low`, `node_repl_auto_review_required` (a turn-metadata key), the `priority` tier only.
 */
function responsesLiteEntry(slug: string, priority: number): ModelInfo {
  return {
    ...entry(slug, priority, {
      verbosity: true,
      contextWindow: 272_000,
      levels: [...LEVELS, 'max', 'ultra'],
    }),
    default_reasoning_level: 'low',
    default_reasoning_summary: 'none',
    service_tiers: [{ id: 'priority', name: 'fast', description: 'Priority processing' }],
    use_responses_lite: true,
    tool_mode: 'code_mode_only',
    node_repl_auto_review_required: true,
  };
}

/**
 * The bundled fallback catalog (priority order: the first visible entry is the default model,
 * `gpt-6.1-sol`, as in 0.169.0). Every entry is a valid {@link ModelInfo}; `description` is null.
 */
export const BUNDLED_MODELS: readonly ModelInfo[] = Object.freeze([
  responsesLiteEntry('gpt-6.1-sol', 1),
  entry('gpt-5.5', 13, { verbosity: true, contextWindow: 272_000 }),
  entry('gpt-5.4', 14, { verbosity: true, contextWindow: 272_000 }),
  entry('gpt-5.2', 15, { verbosity: true, contextWindow: 272_000 }),
  entry('gpt-5.2-codex', 16, { verbosity: false, contextWindow: 272_000 }),
  entry('gpt-5.1-codex-max', 17, { verbosity: false, contextWindow: 272_000 }),
  entry('gpt-5.1-codex', 18, { verbosity: false, contextWindow: 272_000, visible: false }),
  entry('gpt-5.1', 19, { verbosity: true, contextWindow: 272_000, visible: false }),
  entry('gpt-5-codex', 20, { verbosity: false, contextWindow: 272_000, visible: false }),
  entry('gpt-5', 21, {
    verbosity: true,
    contextWindow: 272_000,
    levels: ['minimal', ...LEVELS.slice(0, 3)],
    visible: false,
  }),
]);
