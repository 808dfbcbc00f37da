/**
 * The authorised send loop shared by the Responses stream and the unary JSON clients (internal to
 * `@codex-ts/api`): each attempt asks the `AuthProvider` for headers, registers them with the
 * redactor and sends under the provider's retry policy; an HTTP 401 runs the provider's
 * `unauthorizedRecovery()` steps (the original's `codex-rs/core/src/client.rs` 401 handling) and
 * sends again while a step is left.
 */
import { HttpStatusError, type RetryPolicy, runWithRetry, type SecretRedactor } from '@codex-ts/client';
import type { AuthProvider, UnauthorizedRecovery } from '../auth/auth-provider.js';
import { checkAuthHeaders } from '../auth/check-auth-headers.js';
import { ApiError } from '../errors/api-error.js';
import { apiErrorFromAuthFailure, apiErrorFromTransport } from '../errors/map-errors.js';
import { ErrorTexts } from '../errors/messages.js';
import { registerAuthHeaders } from './secrets.js';

/** What {@link sendAuthorized} needs. */
export interface AuthorizedSend<T> {
  auth: AuthProvider;
  redactor: SecretRedactor;
  retry: RetryPolicy;
  signal?: AbortSignal | undefined;
  /** One attempt (0-based `attempt`) with the checked auth headers of that attempt. */
  send(authHeaders: Record<string, string>, attempt: number): Promise<T>;
}

/**
 * Resolves with the first successful attempt's result. Rejects with an `ApiError`: `aborted` when
 * the signal fired, the auth failure mapped by `apiErrorFromAuthFailure` (not retried), or the
 * last attempt's transport error mapped by `apiErrorFromTransport` (a 401 only once every recovery
 * step is spent; a recovery step that throws rejects with that failure mapped the same way). The
 * recovery sees the 401 redacted, never the raw response. Errors are not redacted here.
 */
export async function sendAuthorized<T>(call: AuthorizedSend<T>): Promise<T> {
  const { signal } = call;
  const attempt = (): Promise<T> =>
    runWithRetry(
      call.retry,
      async (attemptIndex) => {
        let authHeaders: Record<string, string>;
        try {
          authHeaders = checkAuthHeaders(await call.auth.authHeaders(signal));
        } catch (error) {
          // An ApiError is not a TransportError, so runWithRetry does not retry it.
          throw apiErrorFromAuthFailure(error, signal);
        }
        registerAuthHeaders(call.redactor, authHeaders);
        return call.send(authHeaders, attemptIndex);
      },
      signal ? { signal } : undefined,
    );
  let recovery: UnauthorizedRecovery | undefined;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (signal?.aborted) throw new ApiError('aborted', ErrorTexts.aborted, { cause: error });
      const mapped = apiErrorFromTransport(error, { phase: 'request' });
      if (HttpStatusError.isInstance(error) && error.status === 401 && call.auth.unauthorizedRecovery) {
        recovery ??= call.auth.unauthorizedRecovery();
        const unauthorized = call.redactor.redactError(mapped);
        if (recovery.hasNext(unauthorized)) {
          try {
            await recovery.next(signal, unauthorized);
          } catch (recoveryError) {
            throw apiErrorFromAuthFailure(recoveryError, signal);
          }
          continue;
        }
      }
      throw mapped;
    }
  }
}
