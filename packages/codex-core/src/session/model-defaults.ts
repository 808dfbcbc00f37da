/**
 * What codex-ts assumes about a model when config.toml does not say: the original reads a
 * bundled model catalog; we keep the few defaults that shape a request.
 */
export interface ModelDefaults {
  /** `reasoning.effort` sent when `model_reasoning_effort` is not configured. */
  reasoningEffort: string | undefined;
  /** `text.verbosity` sent when `model_verbosity` is not configured. */
  verbosity: string | undefined;
}

/**
 * The last-resort model of `codex-ts exec` when neither `-m` nor `model` is set and the catalog
 * offers no entry (`defaultModelSlug` undefined). With the bundled catalog the default is its
 * first listed entry, `gpt-6.1-sol`, as 0.169.0.
 */
export const DEFAULT_MODEL = 'gpt-5.5';

/**
 * Defaults by model family: GPT-5-class and o-series reasoning models get
 * `reasoning.effort = "medium"` (what 0.169.0 sent for gpt-5.5) and GPT-5-class models
 * `text.verbosity = "low"`; any other model gets neither, so non-reasoning models served by
 * custom providers receive an empty `reasoning` object.
 */
export function modelDefaults(model: string): ModelDefaults {
  const slug = model.toLowerCase();
  const gpt5 = /^gpt-(5|6)/.test(slug) || slug.startsWith('codex-');
  const reasoning = gpt5 || /^o\d/.test(slug);
  return { reasoningEffort: reasoning ? 'medium' : undefined, verbosity: gpt5 ? 'low' : undefined };
}
