import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError, formatKeyPath } from './config-error.js';
import { resolveFeatures } from './features.js';
import {
  checkLegacyProfile,
  isValidProfileName,
  mergeTables,
  profileFilePath,
  readConfigLayer,
} from './layers.js';
import { type OtelConfig, resolveOtelConfig } from './otel.js';
import { applyConfigOverrides, type ConfigOverride, parseConfigOverride } from './overrides.js';
import {
  AMAZON_BEDROCK_PROVIDER_ID,
  BUILT_IN_PROVIDER_IDS,
  isOfferedBuiltInProviderId,
  type ModelProviderInfo,
  missingProviderError,
  modelProviderInfoFromToml,
  OPENAI_PROVIDER_ID,
} from './providers.js';
import { DEFAULT_REQUIREMENTS_FILE, loadRequirements } from './requirements.js';
import {
  type CLI_AUTH_CREDENTIALS_STORES,
  type ConfigToml,
  type FORCED_LOGIN_METHODS,
  type REASONING_EFFORTS,
  type REASONING_SUMMARIES,
  type SANDBOX_MODES,
  type SERVICE_TIERS,
  safeParseConfigToml,
  type VERBOSITIES,
} from './schema.js';
import {
  type SettingSource,
  strictConfigError,
  stripUnknownKeys,
  type UnknownSetting,
  unknownSettingsWarning,
} from './unknown-keys.js';

/** File name of the configuration inside `$CODEX_HOME`. */
export const CONFIG_FILE_NAME = 'config.toml';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** `$CODEX_HOME` (see `resolveCodexHome` in `@codex-ts/login`); `config.toml` is read from here. */
  codexHome: string;
  /** `-c key=value` arguments, applied in order on top of the file (see {@link parseConfigOverride}). */
  overrides?: readonly string[] | undefined;
  /**
   * Environment. Nothing in `config.toml` loading depends on it today (environment-dependent
   * values are read by `resolveModelProvider`); accepted so callers can pass one env
   * everywhere. It is not stored on the returned {@link Config} (it may hold secrets).
   */
  env?: NodeJS.ProcessEnv | undefined;
  /** Working directory of the session; defaults to `process.cwd()`. Project config layers are not read yet. */
  cwd?: string | undefined;
  /**
   * `-p/--profile <name>`: layer `$CODEX_HOME/<name>.config.toml` over config.toml (a missing
   * file adds nothing, as in 0.169.0); `-c` overrides still win. The name must be ASCII
   * letters, digits, `_` or `-`.
   */
  profile?: string | undefined;
  /** `--strict-config`: an unrecognized key is an error instead of a warning. */
  strictConfig?: boolean | undefined;
  /** `--ignore-user-config`: do not read `$CODEX_HOME/config.toml` (auth still uses `$CODEX_HOME`). */
  ignoreUserConfig?: boolean | undefined;
  /**
   * The administrator's requirements file. Default: `env.CODEX_TS_REQUIREMENTS_FILE` (a codex-ts
   * hook for packaging and tests), else `/etc/codex/requirements.toml` as in the original.
   */
  requirementsFile?: string | undefined;
}

/** `model_reasoning_effort` value. */
export type ReasoningEffortSetting = (typeof REASONING_EFFORTS)[number];
/** `model_reasoning_summary` value. */
export type ReasoningSummarySetting = (typeof REASONING_SUMMARIES)[number];
/** `model_verbosity` value. */
export type VerbositySetting = (typeof VERBOSITIES)[number];
/** `service_tier` value (`fast`, `flex`, `default`). */
export type ServiceTierSetting = (typeof SERVICE_TIERS)[number];

/**
 * The Responses `service_tier` a `service_tier` setting sends (codex-rs `ServiceTier`): `fast` →
 * `"priority"`, `flex` → `"flex"`; `default` or unset → undefined (the field is left out).
 */
export function serviceTierForRequest(setting: ServiceTierSetting | undefined): string | undefined {
  if (setting === 'fast') return 'priority';
  if (setting === 'flex') return 'flex';
  return undefined;
}
/** `sandbox_mode` value. */
export type SandboxModeSetting = (typeof SANDBOX_MODES)[number];
/** `forced_login_method` value. */
export type ForcedLoginMethod = (typeof FORCED_LOGIN_METHODS)[number];
/** `cli_auth_credentials_store` value; only `file` is implemented by codex-ts. */
export type CliAuthCredentialsStore = (typeof CLI_AUTH_CREDENTIALS_STORES)[number];

/** Default `chatgpt_base_url`: the ChatGPT backend (routing discovery, plugins, …). */
export const DEFAULT_CHATGPT_BASE_URL = 'https://chatgpt.com/backend-api/';
/** `approval_policy` value: a policy name or a `{ granular = { … } }` table. */
export type ApprovalPolicySetting = NonNullable<ConfigToml['approval_policy']>;

/**
 * The effective configuration: `config.toml`, the `-p` profile file over it, then `-c`
 * overrides; requirements.toml pins on top of the features.
 */
export interface Config {
  /** `$CODEX_HOME`, absolute. */
  codexHome: string;
  /** Absolute path of `config.toml` (it may not exist). */
  configFile: string;
  /** Session working directory, absolute. */
  cwd: string;
  /** The `-p` profile name, if any. */
  profile: string | undefined;
  /** `$CODEX_HOME/<profile>.config.toml` when a profile was given (it may not exist). */
  profileFile: string | undefined;
  /** `model`; undefined lets the caller pick its default model. */
  model: string | undefined;
  /** `model_provider`; default `openai`. Always a built-in or configured provider id. */
  modelProvider: string;
  /** `model_reasoning_effort`. */
  modelReasoningEffort: ReasoningEffortSetting | undefined;
  /** `model_reasoning_summary`. */
  modelReasoningSummary: ReasoningSummarySetting | undefined;
  /** `model_verbosity`. */
  modelVerbosity: VerbositySetting | undefined;
  /** `service_tier` (a profile's value wins); see {@link serviceTierForRequest} for the wire value. */
  serviceTier: ServiceTierSetting | undefined;
  /** `openai_base_url`: base URL of the built-in `openai` provider. */
  openaiBaseUrl: string | undefined;
  /**
   * `chatgpt_base_url` (a profile's value wins), default {@link DEFAULT_CHATGPT_BASE_URL}: the
   * ChatGPT backend of routing discovery (`{chatgptBaseUrl}wham/accounts/check`). It does not
   * move model requests: those follow `openai_base_url` (observed-cli-0.169-auth §1).
   */
  chatgptBaseUrl: string;
  /** `forced_login_method`. */
  forcedLoginMethod: ForcedLoginMethod | undefined;
  /**
   * `forced_chatgpt_workspace_id`, always as a list (a single string becomes a one-element list;
   * entries trimmed): the ChatGPT workspaces (account ids) a login may use. Undefined when unset.
   */
  forcedChatgptWorkspaceIds: readonly string[] | undefined;
  /**
   * `cli_auth_credentials_store`, default `file`. Only `file` (`$CODEX_HOME/auth.json`) is
   * implemented by codex-ts: `keyring`, `auto` and `ephemeral` are parsed but not supported yet.
   */
  cliAuthCredentialsStore: CliAuthCredentialsStore;
  /**
   * `model_auto_compact_token_limit` in tokens: overrides the model's auto-compact limit
   * (`ConversationOptions.autoCompactTokenLimit`). Undefined when unset.
   */
  modelAutoCompactTokenLimit: number | undefined;
  /** `approval_policy` (stored, unused by the model client). */
  approvalPolicy: ApprovalPolicySetting | undefined;
  /** `sandbox_mode` (stored; reported in turn metadata by the original). */
  sandboxMode: SandboxModeSetting | undefined;
  /** Configured `[model_providers.<id>]` entries with defaults applied (built-ins excluded). */
  modelProviders: Readonly<Record<string, ModelProviderInfo>>;
  /** `oss_provider`: the local provider `--oss` uses without `--local-provider`. */
  ossProvider: 'lmstudio' | 'ollama' | undefined;
  /**
   * Effective feature flags, every known feature (see `KNOWN_FEATURES`): defaults, then the
   * configured `[features]`, then the requirements.toml pins, which always win.
   */
  features: Readonly<Record<string, boolean>>;
  /**
   * Startup warnings to show the user, in order, texts as 0.169.0 words them: the
   * unrecognized-settings notice ("Codex is ignoring N unrecognized configuration setting…"),
   * then "Ignoring unknown `features` requirement `<name>` from <file>" per unknown pin.
   * `codex exec` prints each as a warning item.
   */
  warnings: readonly string[];
  /**
   * `[otel]`: exporters (logs, traces, metrics), `environment`, `log_user_prompt`, with defaults
   * applied and TLS files checked (see `resolveOtelConfig`).
   */
  otel: OtelConfig;
  /** The validated TOML (merged layers + overrides, unrecognized keys removed), snake_case. */
  toml: ConfigToml;
}

/**
 * Loads the configuration as 0.169.0 does: `$CODEX_HOME/config.toml` (a missing file is an
 * empty config; skipped with `ignoreUserConfig`), the `-p` profile file merged over it
 * (`$CODEX_HOME/<name>.config.toml`), then the `-c` overrides; validates everything against
 * {@link ConfigTomlSchema}, checks the selected `model_provider` exists, and applies the
 * requirements.toml feature pins (see `loadRequirements`).
 *
 * Unrecognized keys (anywhere, `[features]` names included) are dropped and reported in
 * {@link Config.warnings}; with `strictConfig` the first one is an error. The legacy
 * `profile = …` selector is refused, as is `-p <name>` next to a `[profiles.<name>]` table;
 * other `[profiles.*]` tables are not applied.
 *
 * @throws {ConfigError} with code `syntax` (TOML error, or bytes that are not UTF-8: file,
 *   line, column; the message never quotes the file's contents), `unknown_key` (strict mode:
 *   the original's "Error loading config.toml:" text with the line and a caret),
 *   `invalid_value` (key path + file or override + what was expected; the legacy profile
 *   errors; a non-boolean requirements pin), `invalid_override`, `unknown_provider`,
 *   `unsupported` (`ollama-chat`, `amazon-bedrock`) or `unreadable` (also an `[otel]` TLS file
 *   that cannot be read, naming its key). Redefining a built-in
 *   provider id (`openai`, `ollama`, `lmstudio`) is an `invalid_value`.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<Config> {
  const codexHome = resolve(options.codexHome);
  const configFile = join(codexHome, CONFIG_FILE_NAME);
  const overrides = (options.overrides ?? []).map(parseConfigOverride);
  const env = options.env ?? process.env;
  const profileName = options.profile;
  if (profileName !== undefined && !isValidProfileName(profileName)) {
    throw new ConfigError(
      'invalid_value',
      `invalid --profile value \`${profileName}\`; pass a plain name such as \`work\``,
      { keyPath: 'profile' },
    );
  }

  const user = options.ignoreUserConfig
    ? { file: configFile, table: {}, text: '', exists: false }
    : await readConfigLayer(configFile);
  const profileFile = profileName === undefined ? undefined : profileFilePath(codexHome, profileName);
  const profileLayer = profileFile === undefined ? undefined : await readConfigLayer(profileFile);
  const table = profileLayer ? mergeTables(user.table, profileLayer.table) : mergeTables(user.table, {});
  applyConfigOverrides(table, overrides);
  checkLegacyProfile(user, table, codexHome, profileName);

  const requirements = await loadRequirements(
    options.requirementsFile ?? (env.CODEX_TS_REQUIREMENTS_FILE?.trim() || DEFAULT_REQUIREMENTS_FILE),
  );
  const { result, unknown } = stripUnknownKeys(table, (value) =>
    safeParseConfigToml(value as Record<string, unknown>),
  );
  const sourceOf = (path: readonly string[]): SettingSource => {
    if (describeSource(path, configFile, overrides).details.override !== undefined)
      return { kind: 'session-flags' };
    if (profileLayer && hasPath(profileLayer.table, path))
      return { kind: 'user', file: profileLayer.file, text: profileLayer.text };
    return { kind: 'user', file: configFile, text: user.text };
  };
  const unknownSettings: UnknownSetting[] = [
    ...unknown.map((path) => ({ path, source: sourceOf(path) })),
    ...requirements.unknown,
  ];
  if (options.strictConfig && unknownSettings.length > 0)
    throw strictConfigError(unknownSettings, profileLayer ? [configFile, profileLayer.file] : [configFile]);
  if (!result.success || result.data === undefined)
    throw issueToError(result.error as z.ZodError, configFile, overrides);
  const toml = result.data;

  const modelProviders: Record<string, ModelProviderInfo> = {};
  for (const [id, entry] of Object.entries(toml.model_providers ?? {})) {
    if (BUILT_IN_PROVIDER_IDS.includes(id)) {
      // The original lets `[model_providers.amazon-bedrock]` set only `aws.profile`.
      const onlyAws = id === AMAZON_BEDROCK_PROVIDER_ID && Object.keys(entry).every((k) => k === 'aws');
      if (!onlyAws) throw builtInRedefinitionError(id, configFile, overrides);
      continue;
    }
    modelProviders[id] = modelProviderInfoFromToml(entry, { configDir: codexHome });
  }

  const modelProvider = toml.model_provider ?? OPENAI_PROVIDER_ID;
  if (!isOfferedBuiltInProviderId(modelProvider) && modelProviders[modelProvider] === undefined) {
    throw missingProviderError(modelProvider, Object.keys(modelProviders), configFile);
  }
  const unknownWarning = unknownSettingsWarning(unknownSettings);
  const otel = await resolveOtelConfig(toml.otel, codexHome, (path) =>
    describeSource(path, configFile, overrides),
  );

  return {
    codexHome,
    configFile,
    cwd: resolve(options.cwd ?? process.cwd()),
    profile: profileName,
    profileFile,
    model: toml.model,
    modelProvider,
    modelReasoningEffort: toml.model_reasoning_effort,
    modelReasoningSummary: toml.model_reasoning_summary,
    modelVerbosity: toml.model_verbosity,
    serviceTier: toml.service_tier,
    openaiBaseUrl: toml.openai_base_url,
    chatgptBaseUrl: toml.chatgpt_base_url ?? DEFAULT_CHATGPT_BASE_URL,
    forcedLoginMethod: toml.forced_login_method,
    forcedChatgptWorkspaceIds: workspaceIds(toml.forced_chatgpt_workspace_id),
    cliAuthCredentialsStore: toml.cli_auth_credentials_store ?? 'file',
    modelAutoCompactTokenLimit: toml.model_auto_compact_token_limit,
    approvalPolicy: toml.approval_policy,
    sandboxMode: toml.sandbox_mode,
    modelProviders,
    ossProvider: toml.oss_provider,
    features: resolveFeatures(toml.features, requirements.featurePins),
    otel,
    warnings: [...(unknownWarning === undefined ? [] : [unknownWarning]), ...requirements.warnings],
    toml,
  };
}

function hasPath(table: Record<string, unknown>, path: readonly string[]): boolean {
  let node: unknown = table;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment)) return false;
    node = (node as Record<string, unknown>)[segment];
  }
  return true;
}

function workspaceIds(value: string | readonly string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  return (typeof value === 'string' ? [value] : value).map((id) => id.trim());
}

interface Source {
  text: string;
  details: { file?: string; override?: string };
}

/** Attributes a key path to the last `-c` override touching it, else to the file. */
function describeSource(
  path: readonly string[],
  configFile: string,
  overrides: readonly ConfigOverride[],
): Source {
  for (let i = path.length === 0 ? -1 : overrides.length - 1; i >= 0; i--) {
    const override = overrides[i] as ConfigOverride;
    const n = Math.min(path.length, override.path.length);
    if (path.slice(0, n).every((segment, j) => segment === override.path[j])) {
      return { text: `-c override \`${override.key}\``, details: { override: override.key } };
    }
  }
  return { text: configFile, details: { file: configFile } };
}

function issueToError(
  error: z.ZodError,
  configFile: string,
  overrides: readonly ConfigOverride[],
): ConfigError {
  const [issue, ...rest] = error.issues;
  if (issue === undefined) return new ConfigError('invalid_value', `invalid configuration in ${configFile}`);
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})` : '';
  const base = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const path = [...base, issue.keys[0] ?? ''];
    const keyPath = formatKeyPath(path);
    const where = describeSource(path, configFile, overrides);
    const others = issue.keys.length > 1 ? ` (also: ${issue.keys.slice(1).join(', ')})` : '';
    return new ConfigError('unknown_key', `unknown key \`${keyPath}\` in ${where.text}${others}${more}`, {
      ...where.details,
      keyPath,
    });
  }
  const keyPath = formatKeyPath(base);
  const where = describeSource(base, configFile, overrides);
  const subject = keyPath === '' ? 'the configuration' : `\`${keyPath}\``;
  return new ConfigError(
    'invalid_value',
    `invalid value for ${subject} in ${where.text}: ${issue.message}${more}`,
    {
      ...where.details,
      keyPath,
    },
  );
}

function builtInRedefinitionError(
  id: string,
  configFile: string,
  overrides: readonly ConfigOverride[],
): ConfigError {
  const path = ['model_providers', id];
  const keyPath = formatKeyPath(path);
  const where = describeSource(path, configFile, overrides);
  const hint = id === OPENAI_PROVIDER_ID ? 'set `openai_base_url` to point it elsewhere, or ' : '';
  return new ConfigError(
    'invalid_value',
    `invalid value for \`${keyPath}\` in ${where.text}: \`${id}\` is a built-in provider and cannot be redefined; ${hint}choose another id`,
    { ...where.details, keyPath },
  );
}
