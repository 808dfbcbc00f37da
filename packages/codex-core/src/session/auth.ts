// Which credentials an `exec` session uses (internal to `@codex-ts/core`): the original's
// precedence, provider `env_key` → `experimental_bearer_token` → `CODEX_API_KEY` → auth.json
// (login.md §3), where an auth.json in ChatGPT mode becomes an `AuthManager` (tokens, refresh,
// 401 recovery, login restrictions) and everything else stays the API-key path.

import { ApiError, type AuthProvider } from '@codex-ts/api';
import type { HttpTransport, SecretRedactor } from '@codex-ts/client';
import {
  AuthManager,
  type CommandTokenAuth,
  LoginError,
  readAuthFile,
  resolveApiKeyAuth,
} from '@codex-ts/login';
import type { Config } from '../config/load-config.js';
import type { ModelProviderInfo } from '../config/providers.js';

/**
 * The session's credentials: an API key (or none), a ChatGPT login's `AuthManager`, or a provider
 * `auth` command's `CommandTokenAuth` (chosen before {@link resolveSessionAuth} is asked);
 * `missing`: the provider's `env_key` variable is unset or blank, and every request fails with
 * the non-retried `auth` error "Missing environment variable: `NAME`." (0.169.0 started the
 * thread and failed its turn with that text).
 */
export type SessionAuth =
  | { kind: 'apikey'; auth: AuthProvider }
  | { kind: 'none'; auth: AuthProvider }
  | { kind: 'missing'; auth: AuthProvider }
  | { kind: 'chatgpt'; auth: AuthManager }
  | { kind: 'command'; auth: CommandTokenAuth };

/** What {@link resolveSessionAuth} needs besides the provider and config. */
export interface SessionAuthOptions {
  codexHome: string;
  env: NodeJS.ProcessEnv;
  info: ModelProviderInfo;
  config: Config;
  originator: string;
  /** The user agent without the `(originator; version)` suffix (refresh requests). */
  bareUserAgent: string;
  transport: HttpTransport;
  redactor: SecretRedactor;
  /** The manager's log sink ("Failed to refresh token: …", redacted). */
  log?: ((level: 'error' | 'warn' | 'info', message: string) => void) | undefined;
}

/**
 * Resolves the session's credentials. The `AuthManager` is used only where the original would
 * use a ChatGPT login: an OpenAI-auth provider without `env_key` / `experimental_bearer_token`,
 * and either `forced_login_method = "chatgpt"` (an API key then fails the login restriction:
 * "ChatGPT login is required, but an API key is currently being used. Logging out.") or no
 * `CODEX_API_KEY` and an auth.json whose API key is absent or not allowed by its `auth_mode`
 * while it holds tokens (`auth_mode: "chatgpt"`, or tokens without a mode). Everything else
 * is `resolveApiKeyAuth` exactly as before.
 *
 * @throws LoginError / AuthFileError as `resolveApiKeyAuth` and `AuthManager.load` do, except
 *   `missing_env_var`, which becomes the `missing` session (see {@link SessionAuth}).
 */
export async function resolveSessionAuth(options: SessionAuthOptions): Promise<SessionAuth> {
  const { info, env, config, codexHome } = options;
  if (info.requiresOpenaiAuth && info.envKey === undefined && !info.experimentalBearerToken?.trim()) {
    const codexApiKey = env.CODEX_API_KEY?.trim();
    const forcedChatgpt = config.forcedLoginMethod === 'chatgpt';
    if (forcedChatgpt || (!codexApiKey && isChatgptFile(await readAuthFile(codexHome), config))) {
      const manager = await AuthManager.load({
        codexHome,
        env,
        enableCodexApiKeyEnv: true,
        forcedLoginMethod: config.forcedLoginMethod,
        forcedChatgptWorkspaceIds: config.forcedChatgptWorkspaceIds,
        transport: options.transport,
        originator: options.originator,
        userAgent: options.bareUserAgent,
        redactor: options.redactor,
        log: options.log,
      });
      // Logged out (no auth.json): the API-key path's "no credentials" text says what to set.
      if (manager.authCached() !== undefined) return { kind: 'chatgpt', auth: manager };
    }
  }
  const needsKey =
    info.requiresOpenaiAuth || info.envKey !== undefined || info.experimentalBearerToken !== undefined;
  let auth: Awaited<ReturnType<typeof resolveApiKeyAuth>>;
  try {
    auth = await resolveApiKeyAuth({
      codexHome,
      envKey: info.envKey,
      envKeyInstructions: info.envKeyInstructions,
      experimentalBearerToken: info.experimentalBearerToken,
      env,
      useCodexApiKeyEnv: true,
      forcedLoginMethod: config.forcedLoginMethod,
      allowMissing: !needsKey,
    });
  } catch (error) {
    if (!LoginError.isInstance(error) || error.code !== 'missing_env_var') throw error;
    const message = error.message;
    return {
      kind: 'missing',
      auth: {
        authHeaders: async () => {
          throw new ApiError('auth', message, { cause: error });
        },
      },
    };
  }
  return auth === undefined
    ? { kind: 'none', auth: { authHeaders: async () => ({}) } }
    : { kind: 'apikey', auth };
}

type AuthFile = Awaited<ReturnType<typeof readAuthFile>>;

/** Whether auth.json is a ChatGPT login that `resolveApiKeyAuth` would refuse (see above). */
function isChatgptFile(file: AuthFile, config: Config): boolean {
  if (file === undefined) return false;
  const mode = file.auth_mode ?? undefined;
  const hasKey = Boolean(file.OPENAI_API_KEY?.trim());
  const keyAllowed = mode === undefined || mode === 'apikey' || config.forcedLoginMethod === 'api';
  if (hasKey && keyAllowed) return false;
  return mode === 'chatgpt' || (mode === undefined && file.tokens != null);
}
