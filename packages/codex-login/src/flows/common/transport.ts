import { readCaCertificateFromEnv } from '@codex-ts/api';
import { HttpTransport } from '@codex-ts/client';

/**
 * The transport a flow uses when the caller gives none: an `HttpTransport` trusting Node's roots
 * plus the bundle of `CODEX_CA_CERTIFICATE` / `SSL_CERT_FILE` (as 0.169.0 did for the code and
 * API-key exchanges). `owned` tells the caller to close it.
 *
 * @throws {CaCertificateError} (from `@codex-ts/api`) for an unreadable or empty CA file.
 */
export function flowTransport(
  given: HttpTransport | undefined,
  env: Readonly<Record<string, string | undefined>>,
): { transport: HttpTransport; owned: boolean } {
  if (given) return { transport: given, owned: false };
  const ca = readCaCertificateFromEnv(env);
  return { transport: new HttpTransport(ca ? { ca: ca.pem } : {}), owned: true };
}
