import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { ConfigError, formatKeyPath } from './config-error.js';
import {
  applyConfigOverrides,
  type ConfigOverride,
  parseConfigOverride,
  TOML_PARSE_OPTIONS,
} from './overrides.js';
import {
  AMAZON_BEDROCK_PROVIDER_ID,
  BUILT_IN_PROVIDER_IDS,
  isOfferedBuiltInProviderId,
  type ModelProviderInfo,
  missingProviderError,
  modelProviderInfoFromToml,
  OPENAI_PROVIDER_ID,
} from './providers.js';
import {
  type CLI_AUTH_CREDENTIALS_STORES,
  type ConfigToml,
  ConfigTomlSchema,
  type FORCED_LOGIN_METHODS,
  type ProfileToml,
  type REASONING_EFFORTS,
  type REASONING_SUMMARIES,
  type SANDBOX_MODES,
  type SERVICE_TIERS,
  type VERBOSITIES,
} from './schema.js';
import { decodeUtf8Strict } from './utf8.js';

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
 * The effective configuration: `config.toml` plus `-c` overrides, with the active profile
 * applied (profile values win over top-level ones for the keys a profile may set).
 */
export interface Config {
  /** `$CODEX_HOME`, absolute. */
  codexHome: string;
  /** Absolute path of `config.toml` (it may not exist). */
  configFile: string;
  /** Session working directory, absolute. */
  cwd: string;
  /** Active profile name (`profile`), if any. */
  profile: string | undefined;
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
  /** The validated TOML (file + overrides, before profile application), snake_case. */
  toml: ConfigToml;
}

/**
 * Loads `$CODEX_HOME/config.toml` (a missing file is an empty config), applies the `-c`
 * overrides, validates everything against {@link ConfigTomlSchema}, applies the active
 * profile, and checks the selected `model_provider` exists.
 *
 * Precedence for `model`, `model_provider` and the other profile keys: the active profile,
 * then the top-level key (after `-c` overrides), then the default — as in the original,
 * where `-c` edits the TOML before the profile is applied.
 *
 * @throws {ConfigError} with code `syntax` (TOML error, or bytes that are not UTF-8: file,
 *   line, column; the message never quotes the file's contents), `unknown_key`,
 *   `invalid_value` (key path + file or override + what was expected), `invalid_override`,
 *   `unknown_provider`, `unsupported` (`ollama-chat`, `amazon-bedrock`) or `unreadable`.
 *   Redefining a built-in provider id (`openai`, `ollama`, `lmstudio`) is an `invalid_value`.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<Config> {
  const codexHome = resolve(options.codexHome);
  const configFile = join(codexHome, CONFIG_FILE_NAME);
  const overrides = (options.overrides ?? []).map(parseConfigOverride);

  const table = await readConfigTable(configFile);
  applyConfigOverrides(table, overrides);

  const result = ConfigTomlSchema.safeParse(table);
  if (!result.success) throw issueToError(result.error, configFile, overrides);
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

  const profileName = toml.profile;
  let profile: ProfileToml = {};
  if (profileName !== undefined) {
    const found = toml.profiles?.[profileName];
    if (found === undefined) {
      const where = describeSource(['profile'], configFile, overrides);
      throw new ConfigError(
        'invalid_value',
        `invalid value for \`profile\` in ${where.text}: config profile \`${profileName}\` not found`,
        { ...where.details, keyPath: 'profile' },
      );
    }
    profile = found;
  }

  const modelProvider = profile.model_provider ?? toml.model_provider ?? OPENAI_PROVIDER_ID;
  if (!isOfferedBuiltInProviderId(modelProvider) && modelProviders[modelProvider] === undefined) {
    throw missingProviderError(modelProvider, Object.keys(modelProviders), configFile);
  }

  return {
    codexHome,
    configFile,
    cwd: resolve(options.cwd ?? process.cwd()),
    profile: profileName,
    model: profile.model ?? toml.model,
    modelProvider,
    modelReasoningEffort: profile.model_reasoning_effort ?? toml.model_reasoning_effort,
    modelReasoningSummary: profile.model_reasoning_summary ?? toml.model_reasoning_summary,
    modelVerbosity: profile.model_verbosity ?? toml.model_verbosity,
    serviceTier: profile.service_tier ?? toml.service_tier,
    openaiBaseUrl: toml.openai_base_url,
    chatgptBaseUrl: profile.chatgpt_base_url ?? toml.chatgpt_base_url ?? DEFAULT_CHATGPT_BASE_URL,
    forcedLoginMethod: toml.forced_login_method,
    forcedChatgptWorkspaceIds: workspaceIds(toml.forced_chatgpt_workspace_id),
    cliAuthCredentialsStore: toml.cli_auth_credentials_store ?? 'file',
    modelAutoCompactTokenLimit: toml.model_auto_compact_token_limit,
    approvalPolicy: profile.approval_policy ?? toml.approval_policy,
    sandboxMode: profile.sandbox_mode ?? toml.sandbox_mode,
    modelProviders,
    toml,
  };
}

function workspaceIds(value: string | readonly string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  return (typeof value === 'string' ? [value] : value).map((id) => id.trim());
}

async function readConfigTable(configFile: string): Promise<Record<string, unknown>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(configFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') return {};
    throw new ConfigError('unreadable', `could not read ${configFile}: ${code ?? 'unknown error'}`, {
      file: configFile,
      cause: error,
    });
  }
  // TOML is UTF-8 only: decoding leniently would turn stray bytes into U+FFFD and send them.
  const decoded = decodeUtf8Strict(bytes);
  if ('invalid' in decoded) {
    const { line, column, offset } = decoded.invalid;
    throw new ConfigError(
      'syntax',
      `invalid TOML in ${configFile} at line ${line}, column ${column}: the file is not valid UTF-8 (byte offset ${offset}); save it as UTF-8`,
      { file: configFile, line, column },
    );
  }
  const text = decoded.text;
  try {
    // Integers beyond 2^53 arrive as bigints, so the schema can name the key (a count is capped, a
    // duration is out of range) instead of the parser failing on the whole file.
    return parseToml(text, TOML_PARSE_OPTIONS) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      // The parser's message ends with a code excerpt of the file, which may hold a key (a bearer
      // token, an `http_headers` value): keep only the reason, and not the parser error as `cause`.
      const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '');
      throw new ConfigError(
        'syntax',
        `invalid TOML in ${configFile} at line ${error.line}, column ${error.column}: ${reason}`,
        { file: configFile, line: error.line, column: error.column },
      );
    }
    throw error;
  }
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
