/**
 * Which values of a resolved provider and of the environment are credentials, for the session's
 * `SecretRedactor` (internal to `@codex-ts/core`).
 */
import { isCredentialName, type SecretRedactor } from '@codex-ts/client';
import type { ModelProviderInfo } from '../config/providers.js';

/**
 * Environment variables that hold a Codex credential whatever the config says: `CODEX_API_KEY`
 * (read by `exec`) and `OPENAI_API_KEY` (read by the login flows).
 */
export const CREDENTIAL_ENV_VARS: readonly string[] = ['CODEX_API_KEY', 'OPENAI_API_KEY'];

/** Registers the values of {@link CREDENTIAL_ENV_VARS} found in `env`. */
export function registerEnvCredentials(redactor: SecretRedactor, env: NodeJS.ProcessEnv): void {
  for (const name of CREDENTIAL_ENV_VARS) redactor.add(env[name]?.trim());
}

/**
 * Registers a provider's credentials before anything is sent: the `env_key` variable's value, the
 * `experimental_bearer_token`, `http_headers` / `query_params` values whose names carry credentials
 * (`isCredentialName`), and `env_http_headers` values whose header or variable name does
 * (`{ "X-Gateway" = "GATEWAY_TOKEN" }`). `OpenAI-Organization` / `OpenAI-Project` are not secrets.
 */
export function registerProviderCredentials(
  redactor: SecretRedactor,
  info: ModelProviderInfo,
  env: NodeJS.ProcessEnv,
): void {
  if (info.envKey !== undefined) redactor.add(env[info.envKey]?.trim());
  redactor.add(info.experimentalBearerToken?.trim());
  for (const [name, value] of Object.entries(info.httpHeaders ?? {})) {
    if (isCredentialName(name)) redactor.addCredential(value);
  }
  for (const [name, value] of Object.entries(info.queryParams ?? {})) {
    if (isCredentialName(name)) redactor.add(value);
  }
  for (const [name, variable] of Object.entries(info.envHttpHeaders ?? {})) {
    if (isCredentialName(name) || isCredentialName(variable)) redactor.addCredential(env[variable]);
  }
}
