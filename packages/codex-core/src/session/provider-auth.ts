// The provider's command-backed token (`[model_providers.<id>.auth]`) as the session's
// AuthProvider (upstream `auth_provider_from_auth` of codex-rs `core/src/client.rs` with
// `AuthManager::external_bearer_only`, core-behaviour.md §15 bearer precedence: `env_key` →
// `experimental_bearer_token` → command auth → stored login; config.toml forbids combining `auth`
// with the first two and with `requires_openai_auth`, so a provider with `auth` always uses it).

import { ModelsCatalogClient } from '@codex-ts/api';
import type { HttpTransport, SecretRedactor } from '@codex-ts/client';
import { CommandTokenAuth } from '@codex-ts/login';
import type { ModelProviderInfo } from '../config/providers.js';
import { modelsCacheIdentity } from '../models/models-cache.js';
import { ModelsCatalog } from '../models/models-catalog.js';

/**
 * Log sink of the session's credential layer (the original's `codex_login::auth::manager` log
 * target): `error` "Failed to resolve external auth: <text>" when a request goes out without a
 * token because the command failed. Never carries a secret.
 */
export type AuthLog = (level: 'error' | 'warn' | 'info', message: string) => void;

/** Options of {@link providerCommandAuth}. */
export interface ProviderCommandAuthOptions {
  /** The session's working directory: the command's cwd unless `auth.cwd` is configured (as 0.169.0). */
  cwd: string;
  /** The command's environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** The session's redactor: every token the command prints is registered with it. */
  redactor: SecretRedactor;
  /** See {@link AuthLog}. */
  log?: AuthLog | undefined;
}

/**
 * @internal A {@link CommandTokenAuth} for a provider with `[model_providers.<id>.auth]`, or
 * undefined when the provider has none. Runs nothing yet: the first request runs the command.
 */
export function providerCommandAuth(
  info: ModelProviderInfo,
  options: ProviderCommandAuthOptions,
): CommandTokenAuth | undefined {
  const auth = info.commandAuth;
  if (auth === undefined) return undefined;
  return new CommandTokenAuth({
    command: auth.command,
    args: auth.args,
    cwd: auth.cwd ?? options.cwd,
    env: options.env,
    timeoutMs: auth.timeoutMs,
    refreshIntervalMs: auth.refreshIntervalMs,
    redactor: options.redactor,
    log: options.log,
  });
}

/** Options of {@link commandAuthModelsCatalog}. */
export interface CommandAuthModelsCatalogOptions {
  /** The provider's base URL: the catalog is `GET {baseUrl}/models?client_version=…`. */
  baseUrl: string;
  /** The provider's `CommandTokenAuth` (its token goes on the request). */
  auth: CommandTokenAuth;
  /** `$CODEX_HOME` (holds `models_cache.json`). */
  codexHome: string;
  /** Our version: `version` header and `client_version`. */
  version: string;
  originator: string;
  userAgent: string;
  redactor: SecretRedactor;
  /**
   * The session's transport (its `CODEX_CA_CERTIFICATE` / `SSL_CERT_FILE` CA, as for the model
   * requests); not closed by `close()`.
   */
  transport: HttpTransport;
}

/**
 * @internal The models catalog of a provider with command auth: 0.169.0 fetched the custom
 * provider's `{base_url}/models?client_version=…` when it had `auth` (upstream
 * `should_refresh_models() = uses_codex_backend() || has_command_auth()`), never with `env_key`.
 * Cached in `$CODEX_HOME/models_cache.json` under the identity sha256("command:" + base URL).
 * Failures are ignored (the configured model is used anyway).
 */
export function commandAuthModelsCatalog(options: CommandAuthModelsCatalogOptions): {
  catalog: ModelsCatalog;
  /** Starts the session-start refresh (`refreshAtStart`); not awaited by the caller. */
  start(): void;
  /**
   * Aborts a fetch still running, waits for the refresh (and its cache write) and for a command run
   * it started to end (the session's transport stays open).
   */
  close(): Promise<void>;
} {
  const client = new ModelsCatalogClient({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    clientVersion: options.version,
    auth: options.auth,
    originator: options.originator,
    userAgent: options.userAgent,
    redactor: options.redactor,
    transport: options.transport,
  });
  const identity = modelsCacheIdentity(`command:${options.baseUrl}`);
  const catalog = new ModelsCatalog({
    codexHome: options.codexHome,
    clientVersion: options.version,
    identity: () => identity,
    fetch: async (signal) => {
      const answer = await client.fetch(signal ? { signal } : {});
      return { models: [...answer.models], etag: answer.etag };
    },
  });
  const controller = new AbortController();
  let started: Promise<void> = Promise.resolve();
  return {
    catalog,
    start: () => {
      started = catalog.refreshAtStart(controller.signal);
    },
    close: async () => {
      controller.abort();
      await started;
      await catalog.whenIdle();
      await options.auth.whenIdle();
    },
  };
}
