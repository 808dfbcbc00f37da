// The catalog codex-ts ships for a fresh install without network (issue 10): our own table of the
// public model slugs with the `ModelInfo` fields that shape a request. A `/models` answer wins over
// it entry by entry (see `model-settings.ts`); the values here were chosen to match what 0.169.0
// sent for these slugs (observed-cli-0.169 §4: gpt-5.5 → `reasoning {"effort":"medium"}`,
// `text {"verbosity":"low"}`, no summary).

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
 * The bundled fallback catalog (priority order: the first visible entry is the default model,
 * `gpt-5.5`). Every entry is a valid {@link ModelInfo}; `description` is null.
 */
export const BUNDLED_MODELS: readonly ModelInfo[] = Object.freeze([
  entry('gpt-5.5', 1, { verbosity: true, contextWindow: 272_000 }),
  entry('gpt-5.4', 2, { verbosity: true, contextWindow: 272_000 }),
  entry('gpt-5.2', 3, { verbosity: true, contextWindow: 272_000 }),
  entry('gpt-5.2-codex', 4, { verbosity: false, contextWindow: 272_000 }),
  entry('gpt-5.1-codex-max', 5, { verbosity: false, contextWindow: 272_000 }),
  entry('gpt-5.1-codex', 6, { verbosity: false, contextWindow: 272_000, visible: false }),
  entry('gpt-5.1', 7, { verbosity: true, contextWindow: 272_000, visible: false }),
  entry('gpt-5-codex', 8, { verbosity: false, contextWindow: 272_000, visible: false }),
  entry('gpt-5', 9, {
    verbosity: true,
    contextWindow: 272_000,
    levels: ['minimal', ...LEVELS.slice(0, 3)],
    visible: false,
  }),
]);
