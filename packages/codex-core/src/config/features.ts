import { FEATURE_TABLE } from './feature-table.js';

/** Lifecycle stage of a feature flag, as `codex features list` prints it. */
export type FeatureStage = 'stable' | 'experimental' | 'under development' | 'deprecated' | 'removed';

/** One known feature flag (`[features]` key of config.toml). */
export interface FeatureInfo {
  /** The key under `[features]`, e.g. `shell_tool`. */
  name: string;
  stage: FeatureStage;
  /** Value when neither config.toml, `-c`, `--enable/--disable` nor requirements.toml set it. */
  enabledByDefault: boolean;
}

const STAGES = {
  s: 'stable',
  e: 'experimental',
  d: 'under development',
  x: 'deprecated',
  r: 'removed',
} as const satisfies Record<string, FeatureStage>;

/**
 * Every feature flag codex-cli 0.169.0 knows (`codex features list` of that release), in its
 * order. A `features.<name>` key outside this list is an unrecognized setting (a warning, or an
 * error with `--strict-config`); `--enable/--disable <name>` outside it is refused.
 */
export const KNOWN_FEATURES: readonly FeatureInfo[] = FEATURE_TABLE.map(
  ([name, stage, enabledByDefault]) => ({
    name,
    stage: STAGES[stage],
    enabledByDefault,
  }),
);

const BY_NAME = new Map(KNOWN_FEATURES.map((feature) => [feature.name, feature]));

/** True when `name` is a feature flag of {@link KNOWN_FEATURES}. */
export function isKnownFeature(name: string): boolean {
  return BY_NAME.has(name);
}

/**
 * The effective feature values: each known feature's default, then the configured
 * `[features]` booleans (config.toml, profile file, `-c`, `--enable/--disable`; a table value,
 * as `multi_agent_v2 = { … }` takes, leaves the default), then the pins of requirements.toml,
 * which always win. Unknown names are left out (they were reported as unrecognized settings).
 */
export function resolveFeatures(
  configured: Readonly<Record<string, unknown>> | undefined,
  pins: Readonly<Record<string, boolean>>,
): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const feature of KNOWN_FEATURES) out[feature.name] = feature.enabledByDefault;
  for (const [name, value] of Object.entries(configured ?? {})) {
    if (BY_NAME.has(name) && typeof value === 'boolean') out[name] = value;
  }
  for (const [name, value] of Object.entries(pins)) if (BY_NAME.has(name)) out[name] = value;
  return out;
}

/**
 * The `-c` overrides `--enable <name>` / `--disable <name>` stand for (`features.<name>=true`
 * / `=false`, enables first), as `codex exec` documents them.
 *
 * @throws Error `Unknown feature flag: <name>` (the original's text) for a name outside
 *   {@link KNOWN_FEATURES}.
 */
export function featureFlagOverrides(enable: readonly string[], disable: readonly string[]): string[] {
  const out: string[] = [];
  for (const [names, value] of [
    [enable, 'true'],
    [disable, 'false'],
  ] as const) {
    for (const name of names) {
      if (!isKnownFeature(name)) throw new Error(`Unknown feature flag: ${name}`);
      out.push(`features.${name}=${value}`);
    }
  }
  return out;
}
