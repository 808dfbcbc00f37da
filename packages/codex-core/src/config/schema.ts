import { z } from 'zod';
import { OtelTomlSchema } from './otel.js';

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

const str = z.string({ error: EXPECT_STRING });
const bool = z.boolean({ error: EXPECT_BOOL });
const uint = z.number({ error: EXPECT_UINT }).int({ error: EXPECT_UINT }).min(0, { error: EXPECT_UINT });
/**
 * A count the original stores as u64 and caps later: any non-negative integer, including one
 * beyond 2^53 (the TOML parser hands those over as a bigint), which becomes
 * `Number.MAX_SAFE_INTEGER` (the cap applies after).
 */
const count = z
  .union([uint, z.bigint({ error: EXPECT_UINT }).min(0n, { error: EXPECT_UINT })], { error: EXPECT_UINT })
  .transform((value) => (typeof value === 'bigint' ? Number.MAX_SAFE_INTEGER : value));

/** A duration in ms from `min` to {@link MAX_DURATION_MS}; one message for every failure. */
function durationMs(min: 0 | 1) {
  const error = `expected an integer from ${min} to ${MAX_DURATION_MS} (milliseconds, about 24.8 days at most)`;
  return z.number({ error }).int({ error }).min(min, { error }).max(MAX_DURATION_MS, { error });
}
const stringTable = z.record(z.string(), str, { error: 'expected a table of strings' });

function stringEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: oneOf(values) });
}

/** Message for `wire_api = "chat"`: the Chat Completions wire API was removed. */
export const CHAT_WIRE_API_REMOVED_MESSAGE =
  '`wire_api = "chat"` is no longer supported; set `wire_api = "responses"` in the provider table ' +
  '(see https://github.com/openai/codex/discussions/7782)';

/**
 * `model_reasoning_effort` values (Responses `reasoning.effort`): `max` and `ultra` are levels of
 * 0.169.0's catalog (its Responses-Lite models, `gpt-6.1-sol` among them), which it accepted.
 */
export const REASONING_EFFORTS = [
  'none',
  'minimal',
  'low',
  'medium',
  'high',
  'xhigh',
  'max',
  'ultra',
] as const;
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
const workspaceId = z
  .string({ error: EXPECT_WORKSPACE_IDS })
  .refine((v) => v.trim() !== '', { error: EXPECT_WORKSPACE_IDS });
const forcedWorkspaceIds = z.union(
  [
    workspaceId,
    z.array(workspaceId, { error: EXPECT_WORKSPACE_IDS }).min(1, { error: EXPECT_WORKSPACE_IDS }),
  ],
  { error: EXPECT_WORKSPACE_IDS },
);

const wireApi = z.enum(['responses'], {
  error: (issue) => (issue.input === 'chat' ? CHAT_WIRE_API_REMOVED_MESSAGE : oneOf(['responses'])),
});

const approvalPolicy = z.union(
  [z.enum(APPROVAL_POLICIES), z.strictObject({ granular: z.record(z.string(), z.unknown()) })],
  { error: `${oneOf(APPROVAL_POLICIES)}, or a { granular = { … } } table` },
);

/**
 * `[model_providers.<id>.auth]`: a command that prints a bearer token (login.md §8): `command`
 * (non-blank), `args`, `timeout_ms` (≥ 1), `refresh_interval_ms` (≥ 0), `cwd` (a relative one is
 * resolved against the config directory). Unknown keys are rejected; see `ProviderCommandAuth`
 * for the defaults and `CommandTokenAuth` of `@codex-ts/login` for how it runs.
 */
export const ProviderAuthTomlSchema = z.strictObject(
  {
    command: str,
    args: z.array(str, { error: 'expected an array of strings' }).optional(),
    timeout_ms: durationMs(1).optional(),
    refresh_interval_ms: durationMs(0).optional(),
    cwd: str.optional(),
  },
  { error: EXPECT_TABLE },
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
export const ModelProviderTomlSchema = z
  .strictObject(
    {
      name: str.optional(),
      base_url: str.optional(),
      env_key: str.optional(),
      env_key_instructions: str.optional(),
      experimental_bearer_token: str.optional(),
      auth: ProviderAuthTomlSchema.optional(),
      aws: z.strictObject({ profile: str.optional() }, { error: EXPECT_TABLE }).optional(),
      wire_api: wireApi.optional(),
      query_params: stringTable.optional(),
      http_headers: stringTable.optional(),
      env_http_headers: stringTable.optional(),
      request_max_retries: count.optional(),
      stream_max_retries: count.optional(),
      stream_idle_timeout_ms: durationMs(0).optional(),
      websocket_connect_timeout_ms: durationMs(0).optional(),
      requires_openai_auth: bool.optional(),
      supports_websockets: bool.optional(),
    },
    { error: EXPECT_TABLE },
  )
  .superRefine((provider, ctx) => {
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
  });

/** A `[model_providers.<id>]` table as written; see {@link ModelProviderTomlSchema}. */
export type ModelProviderToml = z.infer<typeof ModelProviderTomlSchema>;

/**
 * Keys of a `[profiles.<name>]` table in the original CLI that codex-ts accepts but does
 * not use (their values are not checked).
 */
export const IGNORED_PROFILE_KEYS = [
  'analytics',
  'approvals_reviewer',
  'disable_response_storage',
  'experimental_compact_prompt_file',
  'experimental_instructions_file',
  'experimental_use_exec_command_tool',
  'experimental_use_freeform_apply_patch',
  'experimental_use_rmcp_client',
  'experimental_use_unified_exec_tool',
  'features',
  'include_apply_patch_tool',
  'include_apps_instructions',
  'include_collaboration_mode_instructions',
  'include_environment_context',
  'include_permissions_instructions',
  'include_plan_tool',
  'include_view_image_tool',
  'model_catalog_json',
  'model_instructions_file',
  'oss_provider',
  'personality',
  'plan_mode_reasoning_effort',
  'tools',
  'tools_view_image',
  'tools_web_search',
  'tui',
  'web_search',
  'windows',
] as const;

/**
 * Keys of the original CLI's top-level `ConfigToml` (current and recent releases) that
 * codex-ts accepts but does not use yet, so that a real `~/.codex/config.toml` loads.
 * Their values are not checked. Any top-level key outside this list and the supported
 * keys is rejected as unknown.
 */
export const IGNORED_TOP_LEVEL_KEYS = [
  'agents',
  'allow_login_shell',
  'analytics',
  'approvals_reviewer',
  'apps',
  'apps_mcp_product_sku',
  'audio',
  'auto_review',
  'background_terminal_max_timeout',
  'check_for_update_on_startup',
  'compact_prompt',
  'debug',
  'default_permissions',
  'desktop',
  'developer_instructions',
  'disable_paste_burst',
  'disable_response_storage',
  'experimental_compact_prompt_file',
  'experimental_instructions_file',
  'experimental_realtime_start_instructions',
  'experimental_realtime_ws_backend_prompt',
  'experimental_realtime_ws_base_url',
  'experimental_realtime_ws_model',
  'experimental_realtime_ws_startup_context',
  'experimental_resume',
  'experimental_thread_config_endpoint',
  'experimental_thread_store',
  'experimental_use_exec_command_tool',
  'experimental_use_freeform_apply_patch',
  'experimental_use_rmcp_client',
  'experimental_use_unified_exec_tool',
  'feedback',
  'file_opener',
  'ghost_snapshot',
  'hide_agent_reasoning',
  'history',
  'hooks',
  'include_apply_patch_tool',
  'include_apps_instructions',
  'include_collaboration_mode_instructions',
  'include_environment_context',
  'include_permissions_instructions',
  'include_plan_tool',
  'include_view_image_tool',
  'instructions',
  'js_repl_node_module_dirs',
  'js_repl_node_path',
  'log_dir',
  'marketplaces',
  'mcp_oauth_callback_port',
  'mcp_oauth_callback_url',
  'mcp_oauth_credentials_store',
  'mcp_servers',
  'memories',
  'model_auto_compact_token_limit_scope',
  'model_catalog_json',
  'model_context_window',
  'model_family',
  'model_instructions_file',
  'model_max_output_tokens',
  'model_reasoning_summary_format',
  'model_supports_reasoning_summaries',
  'notice',
  'notify',
  'permissions',
  'personality',
  'plan_mode_reasoning_effort',
  'plugins',
  'preferred_auth_method',
  'project_doc_fallback_filenames',
  'project_doc_max_bytes',
  'project_root_markers',
  'projects',
  'realtime',
  'responses_originator_header_internal_override',
  'review_model',
  'sandbox_workspace_write',
  'shell_environment_policy',
  'show_raw_agent_reasoning',
  'skills',
  'sqlite_home',
  'suppress_unstable_features_warning',
  'tool_output_token_limit',
  'tool_suggest',
  'tools',
  'tools_view_image',
  'tools_web_search',
  'tui',
  'use_experimental_reasoning_summary',
  'use_experimental_streamable_shell_tool',
  'use_experimental_unified_exec_tool',
  'web_search',
  'windows',
  'windows_wsl_setup_acknowledged',
  'zsh_path',
] as const;

// One schema for every ignored key: a zod schema holds no per-field state, and ~130 keys with a
// schema pair each were a quarter of the schemas built when the package loads.
const ignoredValue = z.unknown().optional();

function ignoredShape<const K extends string>(keys: readonly K[]): Record<K, z.ZodOptional<z.ZodUnknown>> {
  return Object.fromEntries(keys.map((key) => [key, ignoredValue])) as Record<K, z.ZodOptional<z.ZodUnknown>>;
}

const sharedSettings = {
  model: str.optional(),
  model_provider: str.optional(),
  model_reasoning_effort: stringEnum(REASONING_EFFORTS).optional(),
  model_reasoning_summary: stringEnum(REASONING_SUMMARIES).optional(),
  model_verbosity: stringEnum(VERBOSITIES).optional(),
  service_tier: stringEnum(SERVICE_TIERS).optional(),
  approval_policy: approvalPolicy.optional(),
  sandbox_mode: stringEnum(SANDBOX_MODES).optional(),
  chatgpt_base_url: str.optional(),
};

/**
 * A `[profiles.<name>]` table: the settings it may override (`model`, `model_provider`,
 * `model_reasoning_effort`, `model_reasoning_summary`, `model_verbosity`, `service_tier`,
 * `approval_policy`, `sandbox_mode`, `chatgpt_base_url`) plus {@link IGNORED_PROFILE_KEYS}. Other keys are rejected.
 */
export const ProfileTomlSchema = z.strictObject(
  { ...sharedSettings, ...ignoredShape(IGNORED_PROFILE_KEYS) },
  { error: EXPECT_TABLE },
);

/** A `[profiles.<name>]` table as written; see {@link ProfileTomlSchema}. */
export type ProfileToml = z.infer<typeof ProfileTomlSchema>;

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
 */
export const ConfigTomlSchema = z.strictObject(
  {
    ...sharedSettings,
    openai_base_url: str.optional(),
    forced_login_method: stringEnum(FORCED_LOGIN_METHODS).optional(),
    forced_chatgpt_workspace_id: forcedWorkspaceIds.optional(),
    cli_auth_credentials_store: stringEnum(CLI_AUTH_CREDENTIALS_STORES).optional(),
    model_auto_compact_token_limit: count.optional(),
    profile: str.optional(),
    profiles: z.record(z.string(), ProfileTomlSchema, { error: EXPECT_TABLE }).optional(),
    model_providers: z.record(z.string(), ModelProviderTomlSchema, { error: EXPECT_TABLE }).optional(),
    features: z
      .record(z.string(), z.union([bool, z.record(z.string(), z.unknown())], { error: EXPECT_BOOL }), {
        error: EXPECT_TABLE,
      })
      .optional(),
    oss_provider: stringEnum(['lmstudio', 'ollama']).optional(),
    otel: OtelTomlSchema.optional(),
    ...ignoredShape(IGNORED_TOP_LEVEL_KEYS),
  },
  { error: EXPECT_TABLE },
);

/** `config.toml` as written and validated; see {@link ConfigTomlSchema}. */
export type ConfigToml = z.infer<typeof ConfigTomlSchema>;
