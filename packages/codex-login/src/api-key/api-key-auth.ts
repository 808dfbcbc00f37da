import type { AuthProvider } from '@codex-ts/api';
import { authFilePath, readAuthFile } from '../auth-file/auth-file.js';
import { LoginError } from '../errors/login-error.js';

/**
 * Where an {@link ApiKeyAuth} got its key (safe to log; it is never the key itself).
 *
 * | source | from |
 * |---|---|
 * | `provider_env_key` | the variable named by the provider's `env_key` (beats everything else) |
 * | `experimental_bearer_token` | the provider's literal `experimental_bearer_token` |
 * | `codex_api_key_env` | `CODEX_API_KEY`, when the caller enables it (as `codex exec` does) |
 * | `auth_file` | `OPENAI_API_KEY` in `$CODEX_HOME/auth.json` (API-key login) |
 * | `explicit` | passed directly to the constructor |
 */
export type ApiKeySource =
  | 'provider_env_key'
  | 'experimental_bearer_token'
  | 'codex_api_key_env'
  | 'auth_file'
  | 'explicit';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * API-key credentials for `@codex-ts/api`: every request (and every WebSocket handshake)
 * carries `authorization: Bearer <key>` (login.md §6). There is nothing to refresh, so there
 * is no `unauthorizedRecovery` hook: a 401 stays a 401.
 *
 * The key lives in a private field. `toString()`, `toJSON()` (so `JSON.stringify`) and
 * `util.inspect` / `console.log` show only where it came from, never the key.
 */
export class ApiKeyAuth implements AuthProvider {
  /** Where the key came from. */
  readonly source: ApiKeySource;
  /** The environment variable that held the key, for the env-based sources. */
  readonly envVar: string | undefined;
  readonly #authorization: string;

  /**
   * @param apiKey the key; surrounding whitespace is trimmed.
   * @param options `source` and `envVar` say where the key came from (for messages and
   *   `toString`); `file` is the `auth.json` path for the `auth_file` source (messages only).
   * @throws {TypeError} when the key is blank.
   * @throws {LoginError} `invalid_api_key` when the key contains a character that cannot be
   *   sent in an HTTP header: a control character (line break, tab, NUL, …) or anything outside
   *   ASCII (undici refuses non-Latin-1 text and would send Latin-1 as single bytes the server
   *   cannot match). Checked here so that no request is attempted. The message names where the
   *   key came from and the character's position (1-based, in the trimmed key), e.g. "The API
   *   key in environment variable `MY_KEY` contains a non-ASCII character at position 12, which
   *   cannot be sent in an HTTP header; …"; it never contains the key or the character.
   */
  constructor(apiKey: string, options?: { source?: ApiKeySource; envVar?: string; file?: string }) {
    const key = apiKey.trim();
    if (key === '') throw new TypeError('API key is empty');
    this.source = options?.source ?? 'explicit';
    this.envVar = options?.envVar;
    const bad = /[^\u0020-\u007e]/.exec(key);
    if (bad !== null) {
      const code = bad[0].charCodeAt(0);
      const what =
        code === 0x0a || code === 0x0d
          ? 'a line break'
          : code < 0x20 || code === 0x7f
            ? 'a control character'
            : 'a non-ASCII character';
      throw new LoginError(
        'invalid_api_key',
        `${describeKeySource(this.source, this.envVar, options?.file)} contains ${what} at position ${bad.index + 1}, which cannot be sent in an HTTP header; correct the key (a stray character is often picked up when copying it).`,
        this.envVar === undefined ? undefined : { envVar: this.envVar },
      );
    }
    this.#authorization = `Bearer ${key}`;
  }

  /** `{ authorization: 'Bearer <key>' }`, a fresh object on every call. Never rejects. */
  async authHeaders(): Promise<Record<string, string>> {
    return { authorization: this.#authorization };
  }

  /** E.g. `ApiKeyAuth(provider_env_key MY_PROVIDER_API_KEY)`; never the key. */
  toString(): string {
    return `ApiKeyAuth(${this.source}${this.envVar === undefined ? '' : ` ${this.envVar}`})`;
  }

  /** `{ type: 'api_key', source, envVar? }`; never the key. */
  toJSON(): { type: 'api_key'; source: ApiKeySource; envVar?: string } {
    return this.envVar === undefined
      ? { type: 'api_key', source: this.source }
      : { type: 'api_key', source: this.source, envVar: this.envVar };
  }

  /** What `util.inspect` / `console.log` print: the {@link toJSON} fields plus a redaction marker. */
  [INSPECT](): string {
    const env = this.envVar === undefined ? '' : `, envVar: '${this.envVar}'`;
    return `ApiKeyAuth { source: '${this.source}'${env}, key: <redacted> }`;
  }
}

/** Names a key by where it came from, for messages: never the key itself. */
function describeKeySource(
  source: ApiKeySource,
  envVar: string | undefined,
  file: string | undefined,
): string {
  switch (source) {
    case 'provider_env_key':
    case 'codex_api_key_env':
      return `The API key in environment variable \`${envVar ?? '?'}\``;
    case 'experimental_bearer_token':
      return "The model provider's `experimental_bearer_token` in config.toml";
    case 'auth_file':
      return `The API key (\`OPENAI_API_KEY\`) in ${file ?? 'auth.json'}`;
    case 'explicit':
      return 'The API key passed to ApiKeyAuth';
  }
}

/** Options of {@link resolveApiKeyAuth}. */
export interface ResolveApiKeyAuthOptions {
  /** `$CODEX_HOME`; `auth.json` is read from here. */
  codexHome: string;
  /** The provider's `env_key`: when set, this variable must hold the key. */
  envKey?: string | undefined;
  /** The provider's `env_key_instructions`, appended to the missing-variable error. */
  envKeyInstructions?: string | undefined;
  /** The provider's `experimental_bearer_token`, used when there is no `env_key`. */
  experimentalBearerToken?: string | undefined;
  /** Environment to read; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv | undefined;
  /** Read `CODEX_API_KEY` before `auth.json` (what `codex exec` does). Default false. */
  useCodexApiKeyEnv?: boolean | undefined;
  /**
   * The `forced_login_method` config key. `"api"` makes an `OPENAI_API_KEY` stored in
   * `auth.json` win even when `auth_mode` names another login kind; `"chatgpt"` refuses
   * API keys from `CODEX_API_KEY` and `auth.json` (provider keys are unaffected).
   */
  forcedLoginMethod?: 'chatgpt' | 'api' | undefined;
  /**
   * When true, finding no credential at all resolves to `undefined` instead of throwing
   * (for providers that need no auth, e.g. a local `ollama`). A missing `env_key` variable
   * still throws.
   */
  allowMissing?: boolean | undefined;
}

/**
 * Finds the API key for one model provider, in the original client's precedence
 * (core-behaviour.md §15, login.md §3):
 *
 * 1. the provider's `env_key` variable; if `env_key` is set the variable must exist and be
 *    non-blank, else `LoginError` `missing_env_var`: "Missing environment variable: `NAME`."
 *    followed by `env_key_instructions`;
 * 2. the provider's `experimental_bearer_token`;
 * 3. `CODEX_API_KEY`, only when `useCodexApiKeyEnv` (blank counts as unset);
 * 4. `$CODEX_HOME/auth.json` in API-key mode (`OPENAI_API_KEY` non-blank; an explicit
 *    `auth_mode` other than `apikey` wins unless `forcedLoginMethod` is `"api"`).
 *
 * `OPENAI_API_KEY` in the environment is deliberately not read (the original only reads it
 * in login flows).
 *
 * @throws {LoginError} `missing_env_var`; `unsupported_auth_mode` (auth.json holds ChatGPT or
 *   other non-API-key credentials); `no_credentials` (nothing found and not `allowMissing`);
 *   `invalid_api_key` (the key found cannot be sent in an HTTP header, see {@link ApiKeyAuth}).
 *   Messages say what to set; they never contain a key.
 * @throws {AuthFileError} when `auth.json` exists but is unreadable, not JSON or malformed.
 */
export async function resolveApiKeyAuth(
  options: ResolveApiKeyAuthOptions & { allowMissing: true },
): Promise<ApiKeyAuth | undefined>;
export async function resolveApiKeyAuth(options: ResolveApiKeyAuthOptions): Promise<ApiKeyAuth>;
export async function resolveApiKeyAuth(options: ResolveApiKeyAuthOptions): Promise<ApiKeyAuth | undefined> {
  const env = options.env ?? process.env;

  if (options.envKey !== undefined) {
    const value = env[options.envKey];
    if (value === undefined || value.trim() === '') {
      const instructions = options.envKeyInstructions?.trim();
      throw new LoginError(
        'missing_env_var',
        `Missing environment variable: \`${options.envKey}\`.${instructions ? ` ${instructions}` : ''}`,
        { envVar: options.envKey },
      );
    }
    return new ApiKeyAuth(value, { source: 'provider_env_key', envVar: options.envKey });
  }

  if (options.experimentalBearerToken !== undefined && options.experimentalBearerToken.trim() !== '') {
    return new ApiKeyAuth(options.experimentalBearerToken, { source: 'experimental_bearer_token' });
  }

  const forcedChatgpt = options.forcedLoginMethod === 'chatgpt';

  if (options.useCodexApiKeyEnv) {
    const value = env.CODEX_API_KEY;
    if (value !== undefined && value.trim() !== '') {
      if (forcedChatgpt) throw forcedChatgptError('`CODEX_API_KEY`');
      return new ApiKeyAuth(value, { source: 'codex_api_key_env', envVar: 'CODEX_API_KEY' });
    }
  }

  const path = authFilePath(options.codexHome);
  const auth = await readAuthFile(options.codexHome);
  if (auth !== undefined) {
    const key = auth.OPENAI_API_KEY?.trim() ? auth.OPENAI_API_KEY : undefined;
    const mode = auth.auth_mode ?? undefined;
    const keyAllowed = mode === undefined || mode === 'apikey' || options.forcedLoginMethod === 'api';
    if (key !== undefined && keyAllowed) {
      if (forcedChatgpt) throw forcedChatgptError(path);
      return new ApiKeyAuth(key, { source: 'auth_file', file: path });
    }
    const storedMode = mode ?? (auth.tokens ? 'chatgpt' : undefined);
    if (storedMode !== undefined && storedMode !== 'apikey') {
      throw new LoginError(
        'unsupported_auth_mode',
        `${path} holds \`${storedMode}\` credentials, which codex-ts cannot use yet; ${howToProvideKey(path, options)}`,
      );
    }
  }

  if (options.allowMissing) return undefined;
  throw new LoginError('no_credentials', `No API key found; ${howToProvideKey(path, options)}`);
}

function howToProvideKey(path: string, options: ResolveApiKeyAuthOptions): string {
  const ways = [
    'set `env_key` on the model provider in config.toml and export that variable',
    ...(options.useCodexApiKeyEnv ? ['export `CODEX_API_KEY`'] : []),
    `store a key in ${path} (e.g. \`printenv OPENAI_API_KEY | codex login --with-api-key\`)`,
  ];
  return `provide an API key: ${ways.join(', or ')}.`;
}

function forcedChatgptError(where: string): LoginError {
  return new LoginError(
    'unsupported_auth_mode',
    `forced_login_method = "chatgpt" forbids the API key in ${where}, and codex-ts does not support ChatGPT login yet; remove forced_login_method or set it to "api".`,
  );
}
