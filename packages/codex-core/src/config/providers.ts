import { isAbsolute, resolve } from 'node:path';
import type { Provider } from '@codex-ts/api';
import { ConfigError } from './config-error.js';
import type { ModelProviderToml } from './schema.js';

/** Default `request_max_retries`: transport retries of one HTTP request. */
export const DEFAULT_REQUEST_MAX_RETRIES = 4;
/** Default `stream_max_retries`: turn-level stream retries. */
export const DEFAULT_STREAM_MAX_RETRIES = 5;
/** Upper bound applied to `request_max_retries` and `stream_max_retries` (larger values are capped). */
export const MAX_RETRIES_CAP = 100;
/** Default `stream_idle_timeout_ms`, in ms. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;
/** Default `websocket_connect_timeout_ms`, in ms. */
export const DEFAULT_WEBSOCKET_CONNECT_TIMEOUT_MS = 15_000;
/** Default `auth.timeout_ms` of a command-backed provider token, in ms. */
export const DEFAULT_PROVIDER_AUTH_TIMEOUT_MS = 5_000;
/** Default `auth.refresh_interval_ms` of a command-backed provider token, in ms (0 = never proactively). */
export const DEFAULT_PROVIDER_AUTH_REFRESH_INTERVAL_MS = 300_000;
/** Base delay of the transport retry backoff, in ms. */
export const REQUEST_RETRY_BASE_DELAY_MS = 200;

/** Base URL used when a provider has no `base_url` and auth is an API key. */
export const OPENAI_API_BASE_URL = 'https://api.openai.com/v1';
/** Base URL used when a provider has no `base_url` and auth is ChatGPT-style. */
export const CHATGPT_CODEX_BASE_URL = 'https://chatgpt.com/backend-api/codex';

/** Id of the built-in OpenAI provider, the default `model_provider`. */
export const OPENAI_PROVIDER_ID = 'openai';
/** Id of the built-in Ollama provider (`http://localhost:11434/v1`). */
export const OLLAMA_PROVIDER_ID = 'ollama';
/** Id of the built-in LM Studio provider (`http://localhost:1234/v1`). */
export const LMSTUDIO_PROVIDER_ID = 'lmstudio';
/** Id of the original CLI's built-in Amazon Bedrock provider (AWS SigV4; not supported by codex-ts). */
export const AMAZON_BEDROCK_PROVIDER_ID = 'amazon-bedrock';
/** Removed provider id; selecting it is an error telling the user to use `ollama`. */
export const LEGACY_OLLAMA_CHAT_PROVIDER_ID = 'ollama-chat';

/** Ids that `[model_providers.<id>]` may not redefine. */
export const BUILT_IN_PROVIDER_IDS: readonly string[] = [
  OPENAI_PROVIDER_ID,
  OLLAMA_PROVIDER_ID,
  LMSTUDIO_PROVIDER_ID,
  AMAZON_BEDROCK_PROVIDER_ID,
];

const DEFAULT_OLLAMA_PORT = 11434;
const DEFAULT_LMSTUDIO_PORT = 1234;

/**
 * One model provider with defaults applied (camelCase view of `[model_providers.<id>]`,
 * core-behaviour.md §15). Counts are already capped at {@link MAX_RETRIES_CAP}; times are ms.
 */
export interface ModelProviderInfo {
  /** `name`; `"OpenAI"` marks the built-in OpenAI provider. Default `""`. */
  name: string;
  /** `base_url`; undefined means the default for the auth kind. */
  baseUrl: string | undefined;
  /** `env_key`: environment variable holding the API key. */
  envKey: string | undefined;
  /** `env_key_instructions`: appended to the missing-variable error. */
  envKeyInstructions: string | undefined;
  /** `experimental_bearer_token`: literal bearer token (discouraged). */
  experimentalBearerToken: string | undefined;
  /** `wire_api`; only `"responses"` exists. */
  wireApi: 'responses';
  /** `query_params`, appended verbatim to every URL. */
  queryParams: Readonly<Record<string, string>> | undefined;
  /** `http_headers`: static headers. */
  httpHeaders: Readonly<Record<string, string>> | undefined;
  /** `env_http_headers`: header name → environment variable holding its value. */
  envHttpHeaders: Readonly<Record<string, string>> | undefined;
  /** Effective `request_max_retries` (default 4, capped at 100). */
  requestMaxRetries: number;
  /** Effective `stream_max_retries` (default 5, capped at 100). */
  streamMaxRetries: number;
  /** Effective `stream_idle_timeout_ms`, ms (default 300000; 0 to `MAX_DURATION_MS`, 0 expires at once). */
  streamIdleTimeoutMs: number;
  /** Effective `websocket_connect_timeout_ms`, ms (default 15000; 0 to `MAX_DURATION_MS`). */
  websocketConnectTimeoutMs: number;
  /** `requires_openai_auth` (default false): the provider uses `auth.json` / OpenAI login. */
  requiresOpenaiAuth: boolean;
  /** `supports_websockets` (default false): Responses over WebSocket. */
  supportsWebsockets: boolean;
  /** `[model_providers.<id>.auth]` (command-backed bearer token) with defaults applied. */
  commandAuth: ProviderCommandAuth | undefined;
  /** `aws` (SigV4), kept as written; not supported by codex-ts. */
  aws: ModelProviderToml['aws'];
}

/**
 * `[model_providers.<id>.auth]` with defaults applied (login.md §8): a command whose trimmed
 * stdout is the provider's bearer token (run by `CommandTokenAuth` of `@codex-ts/login`).
 */
export interface ProviderCommandAuth {
  /** `command`: absolute, relative to {@link cwd} (more than one path component), or a name on `PATH`. */
  command: string;
  /** `args` (default `[]`). */
  args: readonly string[];
  /** `timeout_ms` (default 5000, ≥ 1), ms. */
  timeoutMs: number;
  /** `refresh_interval_ms` (default 300000; 0 = only rerun after a 401), ms. */
  refreshIntervalMs: number;
  /**
   * `cwd` as an absolute path (a relative one resolved against the config file's directory), or
   * undefined when not configured: the command then runs in the session's working directory, as
   * 0.169.0 did (observed: the workspace, not the config directory).
   */
  cwd: string | undefined;
}

/** Options of {@link modelProviderInfoFromToml}. */
export interface ModelProviderInfoOptions {
  /** Directory a relative `auth.cwd` is resolved against (the config file's); default `process.cwd()`. */
  configDir?: string | undefined;
}

/**
 * Applies the defaults and caps of core-behaviour.md §15 to a `[model_providers.<id>]`
 * table: `name` "", `wire_api` "responses", `request_max_retries` 4 and
 * `stream_max_retries` 5 (both capped at 100), `stream_idle_timeout_ms` 300000,
 * `websocket_connect_timeout_ms` 15000, `requires_openai_auth` and `supports_websockets` false;
 * `auth` as a {@link ProviderCommandAuth} (`timeout_ms` 5000, `refresh_interval_ms` 300000).
 */
export function modelProviderInfoFromToml(
  toml: ModelProviderToml,
  options: ModelProviderInfoOptions = {},
): ModelProviderInfo {
  return {
    name: toml.name ?? '',
    baseUrl: toml.base_url,
    envKey: toml.env_key,
    envKeyInstructions: toml.env_key_instructions,
    experimentalBearerToken: toml.experimental_bearer_token,
    wireApi: 'responses',
    queryParams: toml.query_params,
    httpHeaders: toml.http_headers,
    envHttpHeaders: toml.env_http_headers,
    requestMaxRetries: Math.min(toml.request_max_retries ?? DEFAULT_REQUEST_MAX_RETRIES, MAX_RETRIES_CAP),
    streamMaxRetries: Math.min(toml.stream_max_retries ?? DEFAULT_STREAM_MAX_RETRIES, MAX_RETRIES_CAP),
    streamIdleTimeoutMs: toml.stream_idle_timeout_ms ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    websocketConnectTimeoutMs: toml.websocket_connect_timeout_ms ?? DEFAULT_WEBSOCKET_CONNECT_TIMEOUT_MS,
    requiresOpenaiAuth: toml.requires_openai_auth ?? false,
    supportsWebsockets: toml.supports_websockets ?? false,
    commandAuth:
      toml.auth === undefined
        ? undefined
        : {
            command: toml.auth.command,
            args: toml.auth.args ?? [],
            timeoutMs: toml.auth.timeout_ms ?? DEFAULT_PROVIDER_AUTH_TIMEOUT_MS,
            refreshIntervalMs: toml.auth.refresh_interval_ms ?? DEFAULT_PROVIDER_AUTH_REFRESH_INTERVAL_MS,
            cwd:
              toml.auth.cwd === undefined
                ? undefined
                : isAbsolute(toml.auth.cwd)
                  ? toml.auth.cwd
                  : resolve(options.configDir ?? process.cwd(), toml.auth.cwd),
          },
    aws: toml.aws,
  };
}

/** Options of {@link builtInModelProviders}. */
export interface BuiltInProviderOptions {
  /** The `openai_base_url` config key; default {@link OPENAI_API_BASE_URL} (decided at resolve time). */
  openaiBaseUrl?: string | undefined;
  /** Our client version, sent by the `openai` provider as the `version` header. */
  version: string;
  /** Environment for `CODEX_OSS_BASE_URL` / `CODEX_OSS_PORT`; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv | undefined;
}

/**
 * The built-in providers (core-behaviour.md §15), keyed by id:
 *
 * - `openai`: name "OpenAI", base URL `openaiBaseUrl` (else the auth-dependent default),
 *   `requires_openai_auth`, `supports_websockets`, `http_headers { version }`,
 *   `env_http_headers { OpenAI-Organization: OPENAI_ORGANIZATION, OpenAI-Project: OPENAI_PROJECT }`.
 * - `ollama` / `lmstudio`: name "gpt-oss", base URL `CODEX_OSS_BASE_URL` or
 *   `http://localhost:<CODEX_OSS_PORT | 11434 / 1234>/v1`, no auth, no WebSocket.
 *
 * (`amazon-bedrock` is reserved but not offered: it needs AWS SigV4 signing.)
 */
export function builtInModelProviders(options: BuiltInProviderOptions): Record<string, ModelProviderInfo> {
  const env = options.env ?? process.env;
  return {
    [OPENAI_PROVIDER_ID]: {
      ...modelProviderInfoFromToml({}),
      name: 'OpenAI',
      baseUrl: options.openaiBaseUrl,
      httpHeaders: { version: options.version },
      envHttpHeaders: { 'OpenAI-Organization': 'OPENAI_ORGANIZATION', 'OpenAI-Project': 'OPENAI_PROJECT' },
      requiresOpenaiAuth: true,
      supportsWebsockets: true,
    },
    [OLLAMA_PROVIDER_ID]: ossProvider(DEFAULT_OLLAMA_PORT, env),
    [LMSTUDIO_PROVIDER_ID]: ossProvider(DEFAULT_LMSTUDIO_PORT, env),
  };
}

function ossProvider(defaultPort: number, env: NodeJS.ProcessEnv): ModelProviderInfo {
  const portText = env.CODEX_OSS_PORT?.trim();
  const port =
    portText && /^\d+$/.test(portText) && Number(portText) <= 65535 ? Number(portText) : defaultPort;
  const explicit = env.CODEX_OSS_BASE_URL?.trim() ? env.CODEX_OSS_BASE_URL : undefined;
  return {
    ...modelProviderInfoFromToml({}),
    name: 'gpt-oss',
    baseUrl: explicit ?? `http://localhost:${port}/v1`,
  };
}

/**
 * Static headers of a provider, in order: `http_headers`, then each `env_http_headers`
 * entry whose variable is set and non-blank after trimming. Entries whose name is
 * not an HTTP token or whose value cannot be sent (a control character other than tab, or a
 * character above U+00FF) are dropped silently, as the original drops invalid ones; sending
 * them would fail every request before it leaves. A later entry with the same
 * (case-insensitive) name replaces an earlier one.
 */
export function providerHeaders(info: ModelProviderInfo, env: NodeJS.ProcessEnv): Record<string, string> {
  const headers = new Map<string, [string, string]>();
  const put = (name: string, value: string) => {
    if (isHeaderName(name) && isHeaderValue(value)) headers.set(name.toLowerCase(), [name, value]);
  };
  for (const [name, value] of Object.entries(info.httpHeaders ?? {})) put(name, value);
  for (const [name, variable] of Object.entries(info.envHttpHeaders ?? {})) {
    const value = env[variable];
    if (value !== undefined && value.trim() !== '') put(name, value);
  }
  return Object.fromEntries(headers.values());
}

function isHeaderName(name: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name);
}

/** What undici (and `ws`) will send: tab, printable ASCII and Latin-1; no other control character. */
function isHeaderValue(value: string): boolean {
  return !/[^\t\u0020-\u007e\u0080-\u00ff]/.test(value);
}

/**
 * A resolved model provider: the config entry plus the `@codex-ts/api` {@link Provider}
 * the clients take, and the turn-level settings that are not part of `Provider`.
 */
export interface ResolvedProvider {
  /** The provider id (`model_provider`), e.g. `openai` or `myprovider`. */
  id: string;
  /** The provider entry with defaults applied. */
  info: ModelProviderInfo;
  /** What `ResponsesClient` takes: base URL, query params, headers, retry, timeouts. */
  provider: Provider;
  /** Turn-level stream retries (`stream_max_retries`, default 5, cap 100). */
  streamMaxRetries: number;
  /** Whether to use Responses over WebSocket (`supports_websockets`). */
  supportsWebsockets: boolean;
  /**
   * True when requests go to the ChatGPT Codex backend: the credentials are ChatGPT-style
   * (`chatgptAuth`) and the provider is OpenAI's with OpenAI login (name `OpenAI`, as the
   * built-in `openai`; `requires_openai_auth`; no `env_key` or `experimental_bearer_token`; the
   * conditions of upstream `build_routing_hint_header`). The client then sends the ChatGPT-mode headers and body
   * (`ModelClientOptions.chatgpt`) and the session fetches the models catalog.
   */
  usesCodexBackend: boolean;
}

/** The minimal part of a loaded `Config` that {@link resolveModelProvider} needs. */
export interface ProviderSelection {
  /** Selected provider id. */
  modelProvider: string;
  /** User-defined providers (built-ins excluded). */
  modelProviders: Readonly<Record<string, ModelProviderInfo>>;
  /** `openai_base_url`. */
  openaiBaseUrl?: string | undefined;
  /** Config file, for error messages. */
  configFile?: string | undefined;
}

/** Options of {@link resolveModelProvider}. */
export interface ResolveModelProviderOptions {
  /** Our client version, for the built-in `openai` provider's `version` header. */
  version: string;
  /** Environment for `env_http_headers` and the OSS base URL; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv | undefined;
  /**
   * True when the credentials are ChatGPT-style (auth mode `chatgpt`): a provider without
   * `base_url` (the built-in `openai` without `openai_base_url`) then targets
   * {@link CHATGPT_CODEX_BASE_URL} instead of {@link OPENAI_API_BASE_URL}; `openai_base_url`
   * still wins for the built-in provider, and `chatgpt_base_url` does not move model requests
   * (observed-cli-0.169-auth §1; upstream `to_api_provider`). Default false (API key).
   */
  chatgptAuth?: boolean | undefined;
}

/**
 * Resolves the selected provider (`config.modelProvider`) into a {@link ResolvedProvider}
 * (the original's `to_api_provider`): base URL (`base_url`, else the auth-dependent
 * default), `query_params`, headers from {@link providerHeaders}, retry
 * `{ maxAttempts: request_max_retries, baseDelayMs: 200, retryOn: { retry429: false,
 * retry5xx: true, retryTransport: true } }`, idle and WebSocket-connect timeouts.
 * Built-in providers take precedence over (and cannot be replaced by) configured ones.
 *
 * @throws {ConfigError} `unknown_provider` when the id is neither built in nor configured;
 *   `unsupported` for `amazon-bedrock`, `ollama-chat`, or a provider using `aws`. A provider
 *   using `auth` resolves (its token comes from `providerAuth`, see `ResolvedProvider.info`).
 */
export function resolveModelProvider(
  config: ProviderSelection,
  options: ResolveModelProviderOptions,
): ResolvedProvider {
  const env = options.env ?? process.env;
  const id = config.modelProvider;
  const file = config.configFile;
  const builtIns = builtInModelProviders({
    openaiBaseUrl: config.openaiBaseUrl,
    version: options.version,
    env,
  });
  const info = builtIns[id] ?? config.modelProviders[id];
  if (info === undefined) throw missingProviderError(id, Object.keys(config.modelProviders), file);
  if (info.aws !== undefined) {
    throw new ConfigError(
      'unsupported',
      `model provider \`${id}\` uses \`aws\`${file ? ` in ${file}` : ''}, which codex-ts does not support yet; use \`env_key\` instead`,
      { file, keyPath: `model_providers.${id}.aws` },
    );
  }
  const provider: Provider = {
    name: info.name,
    baseUrl: info.baseUrl ?? (options.chatgptAuth ? CHATGPT_CODEX_BASE_URL : OPENAI_API_BASE_URL),
    queryParams: info.queryParams,
    headers: providerHeaders(info, env),
    retry: {
      maxAttempts: info.requestMaxRetries,
      baseDelayMs: REQUEST_RETRY_BASE_DELAY_MS,
      retryOn: { retry429: false, retry5xx: true, retryTransport: true },
    },
    streamIdleTimeoutMs: info.streamIdleTimeoutMs,
    websocketConnectTimeoutMs: info.websocketConnectTimeoutMs,
  };
  return {
    id,
    info,
    provider,
    streamMaxRetries: info.streamMaxRetries,
    supportsWebsockets: info.supportsWebsockets,
    usesCodexBackend:
      options.chatgptAuth === true &&
      info.name === 'OpenAI' &&
      info.requiresOpenaiAuth &&
      info.envKey === undefined &&
      info.experimentalBearerToken === undefined,
  };
}

/** @internal Throws for provider ids the original CLI knows but codex-ts cannot serve. */
export function assertSupportedProviderId(id: string, file: string | undefined): void {
  if (id === LEGACY_OLLAMA_CHAT_PROVIDER_ID) {
    throw new ConfigError(
      'unsupported',
      `\`ollama-chat\` is no longer supported${file ? ` (model_provider in ${file})` : ''}; replace \`ollama-chat\` with \`ollama\``,
      { file, keyPath: 'model_provider' },
    );
  }
  if (id === AMAZON_BEDROCK_PROVIDER_ID) {
    throw new ConfigError(
      'unsupported',
      `model provider \`amazon-bedrock\`${file ? ` (model_provider in ${file})` : ''} needs AWS SigV4 signing, which codex-ts does not support`,
      { file, keyPath: 'model_provider' },
    );
  }
}

/**
 * @internal Whether `id` names a built-in provider codex-ts offers (a key of
 * {@link builtInModelProviders}; `amazon-bedrock` is reserved but not offered).
 */
export function isOfferedBuiltInProviderId(id: string): boolean {
  return Object.hasOwn(offeredBuiltInProviders(), id);
}

/**
 * @internal The error for a `model_provider` that is neither an offered built-in nor one of
 * `configuredIds`. Throws the `unsupported` error of {@link assertSupportedProviderId} for ids
 * the original knows (`ollama-chat`, `amazon-bedrock`); otherwise returns the `unknown_provider`
 * error listing the offered built-ins, then `configuredIds`.
 */
export function missingProviderError(
  id: string,
  configuredIds: readonly string[],
  file: string | undefined,
): ConfigError {
  assertSupportedProviderId(id, file);
  return unknownProviderError(id, [...Object.keys(offeredBuiltInProviders()), ...configuredIds], file);
}

/** The built-in providers, only for their ids (version and env do not change the key set). */
function offeredBuiltInProviders(): Record<string, ModelProviderInfo> {
  return builtInModelProviders({ version: '', env: {} });
}

/** @internal */
export function unknownProviderError(
  id: string,
  known: readonly string[],
  file: string | undefined,
): ConfigError {
  return new ConfigError(
    'unknown_provider',
    `unknown model provider \`${id}\` for \`model_provider\`${file ? ` in ${file}` : ''}; known providers: ${[...new Set(known)].join(', ')}`,
    { file, keyPath: 'model_provider' },
  );
}
