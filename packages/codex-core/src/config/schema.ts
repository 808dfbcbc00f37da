import { KNOWN_REASONING_EFFORTS, lazySchema } from '@codex-ts/protocol';
import { z } from 'zod';
import { once } from '../internal/once.js';
import { IGNORED_PROFILE_KEYS, IGNORED_TOP_LEVEL_KEYS } from './ignored-keys.js';
import { otelTomlSchema } from './otel.js';

// Every leaf carries its own message: ConfigError shows it after the key path.
const EXPECT_UINT = 'expected a non-negative integer';
const EXPECT_STRING = 'expected a string';
const EXPECT_BOOL = 'expected a boolean (true or false)';
const EXPECT_TABLE = 'expected a table';

function oneOf(values: readonly string[]): string {
  return `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
}

/**
 * Largest duration, in ms, a config key may set: 2^31 − 1 (about 24.8 days). Node's timers
 * cannot wait longer (a larger delay overflows and fires after 1 ms), so larger values are
 * rejected when config.toml is loaded rather than misbehaving mid-turn. The original accepts
 * any u64 there; nobody needs a timeout beyond this.
 */
export const MAX_DURATION_MS = 2_147_483_647;

// Every schema below is built on first use (see `once`): a run builds those of the keys its
// config.toml sets (see `safeParseConfigToml`), not all of them.
const str = once(() => z.string({ error: EXPECT_STRING }));
const bool = once(() => z.boolean({ error: EXPECT_BOOL }));
const uint = once(() =>
  z.number({ error: EXPECT_UINT }).int({ error: EXPECT_UINT }).min(0, { error: EXPECT_UINT }),
);
/**
 * A count the original stores as u64 and caps later: any non-negative integer, including one
 * beyond 2^53 (the TOML parser hands those over as a bigint), which becomes
 * `Number.MAX_SAFE_INTEGER` (the cap applies after).
 */
const count = once(() =>
  z
    .union([uint(), z.bigint({ error: EXPECT_UINT }).min(0n, { error: EXPECT_UINT })], { error: EXPECT_UINT })
    .transform((value) => (typeof value === 'bigint' ? Number.MAX_SAFE_INTEGER : value)),
);

/** A duration in ms from `min` to {@link MAX_DURATION_MS}; one message for every failure. */
function durationMs(min: 0 | 1) {
  const error = `expected an integer from ${min} to ${MAX_DURATION_MS} (milliseconds, about 24.8 days at most)`;
  return z.number({ error }).int({ error }).min(min, { error }).max(MAX_DURATION_MS, { error });
}
const stringTable = once(() => z.record(z.string(), str(), { error: 'expected a table of strings' }));
// A zod schema holds no per-use state: keys of the same type share one optional schema.
const optionalStr = once(() => str().optional());
const optionalBool = once(() => bool().optional());
const optionalCount = once(() => count().optional());
const optionalStringTable = once(() => stringTable().optional());
const optionalDurationMs = [
  once(() => durationMs(0).optional()),
  once(() => durationMs(1).optional()),
] as const;

function stringEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: oneOf(values) });
}

/** Message for `wire_api = "chat"`: the Chat Completions wire API was removed. */
export const CHAT_WIRE_API_REMOVED_MESSAGE =
  '`wire_api = "chat"` is no longer supported; set `wire_api = "responses"` in the provider table ' +
  '(see https://github.com/openai/codex/discussions/7782)';

/**
 * `model_reasoning_effort` values: the Responses `reasoning.effort` levels the original knows by
 * name (`KNOWN_REASONING_EFFORTS` of `@codex-ts/protocol`, `none` … `xhigh`, `max`, `ultra`; the last
 * two are levels of 0.169.0's catalog, `gpt-6.1-sol` among them, which it accepted).
 */
export const REASONING_EFFORTS = KNOWN_REASONING_EFFORTS;
/** `model_reasoning_summary` values (Responses `reasoning.summary`). */
export const REASONING_SUMMARIES = ['auto', 'concise', 'detailed', 'none'] as const;
/** `model_verbosity` values (Responses `text.verbosity`). */
export const VERBOSITIES = ['low', 'medium', 'high'] as const;
/**
 * `service_tier` values: `fast` (sent as `service_tier: "priority"`), `flex` (sent as `"flex"`) and
 * `default` (nothing sent).
 */
export const SERVICE_TIERS = ['fast', 'flex', 'default'] as const;
/** `sandbox_mode` values. */
export const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
/** String forms of `approval_policy` (a `{ granular = {…} }` table is also accepted). */
export const APPROVAL_POLICIES = ['untrusted', 'on-failure', 'on-request', 'never'] as const;
/** `forced_login_method` values. */
export const FORCED_LOGIN_METHODS = ['chatgpt', 'api'] as const;
/**
 * `cli_auth_credentials_store` values (where the CLI keeps `auth.json`'s credentials). Only
 * `file` (`$CODEX_HOME/auth.json`, the default) is implemented by codex-ts; the others parse so a
 * real config.toml loads, and a session asked to use them reports it (see `Config`).
 */
export const CLI_AUTH_CREDENTIALS_STORES = ['file', 'keyring', 'auto', 'ephemeral'] as const;

/**
 * `forced_chatgpt_workspace_id`: one workspace (ChatGPT account) id, or a list of allowed ids.
 * Blank entries are rejected.
 */
const EXPECT_WORKSPACE_IDS = 'expected a non-empty workspace id or a non-empty array of them';
const forcedWorkspaceIds = once(() => {
  const workspaceId = z
    .string({ error: EXPECT_WORKSPACE_IDS })
    .refine((v) => v.trim() !== '', { error: EXPECT_WORKSPACE_IDS });
  return z.union(
    [
      workspaceId,
      z.array(workspaceId, { error: EXPECT_WORKSPACE_IDS }).min(1, { error: EXPECT_WORKSPACE_IDS }),
    ],
    { error: EXPECT_WORKSPACE_IDS },
  );
});

const wireApi = once(() =>
  z.enum(['responses'], {
    error: (issue) => (issue.input === 'chat' ? CHAT_WIRE_API_REMOVED_MESSAGE : oneOf(['responses'])),
  }),
);

const approvalPolicy = once(() =>
  z.union([z.enum(APPROVAL_POLICIES), z.strictObject({ granular: z.record(z.string(), z.unknown()) })], {
    error: `${oneOf(APPROVAL_POLICIES)}, or a { granular = { … } } table`,
  }),
);

/**
 * `[model_providers.<id>.auth]`: a command that prints a bearer token (login.md §8): `command`
 * (non-blank), `args`, `timeout_ms` (≥ 1), `refresh_interval_ms` (≥ 0), `cwd` (a relative one is
 * resolved against the config directory). Unknown keys are rejected; see `ProviderCommandAuth`
 * for the defaults and `CommandTokenAuth` of `@codex-ts/login` for how it runs.
 */
export const ProviderAuthTomlSchema = lazySchema(() => providerAuthToml());

const providerAuthToml = once(() =>
  z.strictObject(
    {
      command: str(),
      args: z.array(str(), { error: 'expected an array of strings' }).optional(),
      timeout_ms: optionalDurationMs[1](),
      refresh_interval_ms: optionalDurationMs[0](),
      cwd: optionalStr(),
    },
    { error: EXPECT_TABLE },
  ),
);

/**
 * Adds one issue at `key` listing which of `others` are also set (a boolean key such as
 * `requires_openai_auth` or `supports_websockets` counts only when true): the original rejects
 * `aws` and `auth` combined with other credential keys.
 */
function rejectCombination(
  ctx: z.RefinementCtx,
  provider: Record<string, unknown>,
  key: string,
  others: readonly string[],
): void {
  const conflicts = others.filter((name) =>
    typeof provider[name] === 'boolean' ? provider[name] === true : provider[name] !== undefined,
  );
  if (conflicts.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: [key],
      message: `provider ${key} cannot be combined with ${conflicts.join(', ')}`,
    });
  }
}

/**
 * One `[model_providers.<id>]` table exactly as written in config.toml (snake_case,
 * core-behaviour.md §15). Unknown keys are rejected. Validation:
 * `auth.command` must be non-blank; `auth` cannot be combined with `env_key`,
 * `experimental_bearer_token` or `requires_openai_auth`; `aws` cannot be combined with
 * `supports_websockets`, `env_key`, `experimental_bearer_token`, `auth` or
 * `requires_openai_auth`. Counts are unsigned integers; `request_max_retries` and
 * `stream_max_retries` above 100 are capped later, not rejected (as in the original).
 * Durations (`stream_idle_timeout_ms`, `websocket_connect_timeout_ms`, `auth.timeout_ms`,
 * `auth.refresh_interval_ms`) are integer milliseconds from 0 (1 for `auth.timeout_ms`) to
 * {@link MAX_DURATION_MS}; a larger value is rejected because it would overflow Node's timers.
 * `0` is accepted where the original accepts it: an idle or connect timeout of 0 expires at once.
 */
export const ModelProviderTomlSchema = lazySchema(() => modelProviderToml());

const modelProviderSections = memoized({
  name: optionalStr,
  base_url: optionalStr,
  env_key: optionalStr,
  env_key_instructions: optionalStr,
  experimental_bearer_token: optionalStr,
  auth: () => providerAuthToml().optional(),
  aws: () => z.strictObject({ profile: optionalStr() }, { error: EXPECT_TABLE }).optional(),
  wire_api: () => wireApi().optional(),
  query_params: optionalStringTable,
  http_headers: optionalStringTable,
  env_http_headers: optionalStringTable,
  request_max_retries: optionalCount,
  stream_max_retries: optionalCount,
  stream_idle_timeout_ms: optionalDurationMs[0],
  websocket_connect_timeout_ms: optionalDurationMs[0],
  requires_openai_auth: optionalBool,
  supports_websockets: optionalBool,
});

/** The provider table schema with the keys `keys` (default: all of them) and the combination rules. */
function providerTable(keys?: ReadonlySet<string>) {
  return z
    .strictObject(shapeOf(modelProviderSections, keys), { error: EXPECT_TABLE })
    .superRefine(checkProviderCombinations);
}

const modelProviderToml = once(() => providerTable());

/**
 * A `[model_providers.<id>]` value checked against the schemas of only the keys it sets, as
 * {@link safeParseConfigToml} does for the top level: every key of a provider table is optional.
 * The same data and issues as {@link ModelProviderTomlSchema}.
 */
const modelProviderEntry = once(() =>
  z.unknown().transform((value, ctx) => {
    const keys = typeof value === 'object' && value !== null ? Object.keys(value) : [];
    const result = providerTable(new Set(keys)).safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue({ ...issue });
    return z.NEVER;
  }),
);

function checkProviderCombinations(
  provider: { aws?: unknown; auth?: { command: string } } & Record<string, unknown>,
  ctx: z.RefinementCtx,
): void {
  if (provider.aws !== undefined) {
    rejectCombination(ctx, provider, 'aws', [
      'supports_websockets',
      'env_key',
      'experimental_bearer_token',
      'auth',
      'requires_openai_auth',
    ]);
  }
  if (provider.auth !== undefined) {
    if (provider.auth.command.trim() === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'command'],
        message: 'provider auth.command must not be empty',
      });
    }
    rejectCombination(ctx, provider, 'auth', [
      'env_key',
      'experimental_bearer_token',
      'requires_openai_auth',
    ]);
  }
}

/** A `[model_providers.<id>]` table as written; see {@link ModelProviderTomlSchema}. */
export type ModelProviderToml = z.infer<typeof ModelProviderTomlSchema>;

// One schema for every ignored key: a zod schema holds no per-field state, and ~130 keys with a
// schema pair each were a quarter of the schemas built when the package loads.
const ignoredValue = once(() => z.unknown().optional());

/** Table keys and, per key, its schema built on first use (see `once`). */
type Sections = Record<string, () => z.ZodType>;

/** The zod object shape of `sections`: each key's built schema. */
type ShapeOf<S extends Sections> = { [K in keyof S]: ReturnType<S[K]> };

function ignoredSections<const K extends string>(
  keys: readonly K[],
): Record<K, () => z.ZodOptional<z.ZodUnknown>> {
  return Object.fromEntries(keys.map((key) => [key, ignoredValue])) as Record<
    K,
    () => z.ZodOptional<z.ZodUnknown>
  >;
}

/** `sections` with each builder wrapped in `once`. */
function memoized<const S extends Sections>(sections: S): S {
  return Object.fromEntries(Object.entries(sections).map(([key, build]) => [key, once(build)])) as S;
}

/** The shape of `sections` for `keys` (default: every key), in `sections`' key order. */
function shapeOf<S extends Sections>(sections: S, keys?: ReadonlySet<string>): ShapeOf<S> {
  const shape: Record<string, z.ZodType> = {};
  for (const key of Object.keys(sections))
    if (keys === undefined || keys.has(key)) shape[key] = (sections[key] as () => z.ZodType)();
  return shape as ShapeOf<S>;
}

const sharedSettings = memoized({
  model: optionalStr,
  model_provider: optionalStr,
  model_reasoning_effort: () => stringEnum(REASONING_EFFORTS).optional(),
  model_reasoning_summary: () => stringEnum(REASONING_SUMMARIES).optional(),
  model_verbosity: () => stringEnum(VERBOSITIES).optional(),
  service_tier: () => stringEnum(SERVICE_TIERS).optional(),
  approval_policy: () => approvalPolicy().optional(),
  sandbox_mode: () => stringEnum(SANDBOX_MODES).optional(),
  chatgpt_base_url: optionalStr,
});

/**
 * A `[profiles.<name>]` table: the settings it may override (`model`, `model_provider`,
 * `model_reasoning_effort`, `model_reasoning_summary`, `model_verbosity`, `service_tier`,
 * `approval_policy`, `sandbox_mode`, `chatgpt_base_url`) plus {@link IGNORED_PROFILE_KEYS}. Other keys are rejected.
 */
export const ProfileTomlSchema = lazySchema(() => profileToml());

const profileToml = once(() =>
  z.strictObject(shapeOf({ ...sharedSettings, ...ignoredSections(IGNORED_PROFILE_KEYS) }), {
    error: EXPECT_TABLE,
  }),
);

/** A `[profiles.<name>]` table as written; see {@link ProfileTomlSchema}. */
export type ProfileToml = z.infer<typeof ProfileTomlSchema>;

/** The top-level keys of config.toml and their schemas, in the order zod checks them. */
const configTomlSections = {
  ...sharedSettings,
  ...memoized({
    openai_base_url: optionalStr,
    forced_login_method: () => stringEnum(FORCED_LOGIN_METHODS).optional(),
    forced_chatgpt_workspace_id: () => forcedWorkspaceIds().optional(),
    cli_auth_credentials_store: () => stringEnum(CLI_AUTH_CREDENTIALS_STORES).optional(),
    model_auto_compact_token_limit: optionalCount,
    profile: optionalStr,
    profiles: () => z.record(z.string(), profileToml(), { error: EXPECT_TABLE }).optional(),
    model_providers: () => z.record(z.string(), modelProviderToml(), { error: EXPECT_TABLE }).optional(),
    features: () =>
      z
        .record(z.string(), z.union([bool(), z.record(z.string(), z.unknown())], { error: EXPECT_BOOL }), {
          error: EXPECT_TABLE,
        })
        .optional(),
    oss_provider: () => stringEnum(['lmstudio', 'ollama']).optional(),
    otel: () => otelTomlSchema().optional(),
  }),
  ...ignoredSections(IGNORED_TOP_LEVEL_KEYS),
};

/** {@link safeParseConfigToml}'s sections: a provider table's keys are checked only when set, too. */
const checkedConfigTomlSections = {
  ...configTomlSections,
  model_providers: once(() => z.record(z.string(), modelProviderEntry(), { error: EXPECT_TABLE }).optional()),
};

/**
 * `$CODEX_HOME/config.toml` as written (snake_case): the supported keys — `model`,
 * `model_provider`, `model_reasoning_effort`, `model_reasoning_summary`, `model_verbosity`,
 * `service_tier`, `openai_base_url`, `chatgpt_base_url`, `forced_login_method`, `forced_chatgpt_workspace_id`,
 * `cli_auth_credentials_store`, `model_auto_compact_token_limit` (tokens, a non-negative
 * integer), `approval_policy`, `sandbox_mode`, `profile` (only to reject it: 0.169.0 refuses the
 * legacy selector), `profiles` (legacy tables: validated, not applied), `model_providers`,
 * `features` (a boolean, or a table for the few features taking options, per feature name),
 * `oss_provider` (`lmstudio` or `ollama`), `otel` (see `OtelTomlSchema`) — plus {@link IGNORED_TOP_LEVEL_KEYS}. Any other key is
 * an unrecognized setting: `loadConfig` drops it with a warning, or fails with `strictConfig`.
 * Built on first use; `loadConfig` validates through {@link safeParseConfigToml}.
 */
export const ConfigTomlSchema = lazySchema(() =>
  z.strictObject(shapeOf(configTomlSections), { error: EXPECT_TABLE }),
);

/** `config.toml` as written and validated; see {@link ConfigTomlSchema}. */
export type ConfigToml = z.infer<typeof ConfigTomlSchema>;

/**
 * `ConfigTomlSchema.safeParse(table)`, the same result (data, issues and their order), with the
 * schemas of only the top-level keys `table` sets: every top-level key is optional, so an absent
 * key adds nothing to the result, and a key the schema does not know is reported as
 * `unrecognized_keys` by either object; a `[model_providers.<id>]` table is checked the same way.
 * A short turn's config.toml sets a handful of the ~150 keys (and of a provider's 17): building
 * and checking every key's schema was most of loading the configuration.
 */
export function safeParseConfigToml(table: Record<string, unknown>): z.ZodSafeParseResult<ConfigToml> {
  const present = new Set(Object.keys(table));
  return z
    .strictObject(shapeOf(checkedConfigTomlSections, present), { error: EXPECT_TABLE })
    .safeParse(table) as z.ZodSafeParseResult<ConfigToml>;
}
