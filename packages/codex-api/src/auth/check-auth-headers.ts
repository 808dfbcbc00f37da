import { validateHeaderName, validateHeaderValue } from 'node:http';
import { ApiError } from '../errors/api-error.js';
import { ErrorTexts } from '../errors/messages.js';

/**
 * @internal Returns `headers` (from `AuthProvider.authHeaders()`) when every name is an HTTP token
 * and every value can be sent: the rules undici and `ws` apply (no CR, LF, NUL or other control
 * character but tab, nothing above U+00FF). Otherwise throws the non-retryable `auth` ApiError
 * "could not get credentials: the `<name>` header from the auth provider contains a character
 * that cannot be sent in an HTTP header": only the name, never the value (a credential). Without
 * this the transport refuses the header before sending anything, which looks like a retryable
 * network failure, and the turn retries a request that can never be sent.
 */
export function checkAuthHeaders(headers: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    let problem: string | undefined;
    try {
      validateHeaderName(name);
    } catch {
      problem = `a header name from the auth provider is not a valid HTTP header name`;
    }
    if (problem === undefined) {
      try {
        validateHeaderValue(name, value);
      } catch {
        problem = `the \`${name}\` header from the auth provider contains a character that cannot be sent in an HTTP header`;
      }
    }
    if (problem !== undefined) throw new ApiError('auth', `${ErrorTexts.authFailedPrefix}${problem}`);
  }
  return headers;
}
