// The session's model and request settings from the catalog (issue 10): `-m` / `model`, else the
// catalog's default; effort, summary, verbosity, context window and auto-compact limit from the
// catalog entry (the `/models` answer over the bundled fallback, `models/model-settings.ts`).

import { type Config, serviceTierForRequest } from '../config/load-config.js';
import {
  defaultModelSlug,
  effectiveCatalog,
  type ModelSettings,
  resolveModelSettings,
} from '../models/model-settings.js';
import type { ModelInfo } from '../models/models-cache.js';
import { DEFAULT_MODEL, modelDefaults } from './model-defaults.js';

export type { ModelSettings };

/**
 * @internal The model of an `exec` session and its settings. `model` is `-m` / config's `model`
 * when given, else {@link defaultModelSlug} of the catalog (`remote` = the `/models` entries, if
 * any, over the bundled ones), else `DEFAULT_MODEL`. `model_context_window` and
 * `model_auto_compact_token_limit` come from config.toml's top level (`model_context_window`: a
 * positive integer, other values ignored; the limit as validated by `loadConfig`).
 */
export function modelSettingsFor(input: {
  model: string | undefined;
  config: Config;
  remote: readonly ModelInfo[] | undefined;
  chatgpt: boolean;
}): { model: string; settings: ModelSettings } {
  const catalog = effectiveCatalog(input.remote);
  const model = input.model ?? defaultModelSlug(catalog, { chatgpt: input.chatgpt }) ?? DEFAULT_MODEL;
  const { config } = input;
  const tokens = (value: unknown) =>
    typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
  const settings = resolveModelSettings(
    catalog,
    model,
    {
      reasoningEffort: config.modelReasoningEffort,
      reasoningSummary: config.modelReasoningSummary,
      verbosity: config.modelVerbosity,
      serviceTier: serviceTierForRequest(config.serviceTier),
      contextWindow: tokens(config.toml.model_context_window),
      autoCompactTokenLimit: config.modelAutoCompactTokenLimit,
    },
    modelDefaults(model),
  );
  return { model, settings };
}
