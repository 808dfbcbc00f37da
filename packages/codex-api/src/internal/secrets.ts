/**
 * What the api clients register with their `SecretRedactor` (internal to `@codex-ts/api`).
 */
import { isCredentialName, type SecretRedactor } from '@codex-ts/client';
import type { Provider } from '../provider/provider.js';

/**
 * Registers the provider's static credentials: values of headers and query parameters whose
 * names carry credentials (`isCredentialName`: `authorization`, `api-key`, `x-api-key`, `key`,
 * `*token*`, …). Other values (`version`, `api-version`) are left alone: they are not secret and
 * masking them would only hide useful text.
 */
export function registerProviderSecrets(redactor: SecretRedactor, provider: Provider): void {
  for (const [name, value] of Object.entries(provider.headers)) {
    if (isCredentialName(name)) redactor.addCredential(value);
  }
  for (const [name, value] of Object.entries(provider.queryParams ?? {})) {
    if (isCredentialName(name)) redactor.add(value);
  }
}

/** Registers every value `AuthProvider.authHeaders()` returned (and the token of `Bearer <token>`). */
export function registerAuthHeaders(
  redactor: SecretRedactor,
  headers: Readonly<Record<string, string>>,
): void {
  for (const value of Object.values(headers)) redactor.addCredential(value);
}
