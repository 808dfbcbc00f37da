// The provider's command-backed token (`[model_providers.<id>.auth]`) as the session's
// AuthProvider (upstream `auth_provider_from_auth` of codex-rs `core/src/client.rs` with
// `AuthManager::external_bearer_only`, core-behaviour.md §15 bearer precedence: `env_key` →
// `experimental_bearer_token` → command auth → stored login; config.toml forbids combining `auth`
// with the first two and with `requires_openai_auth`, so a provider with `auth` always uses it).

import type { SecretRedactor } from '@codex-ts/client';
import { CommandTokenAuth } from '@codex-ts/login';
import type { ModelProviderInfo } from '../config/providers.js';

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
