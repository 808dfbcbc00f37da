// 401 recovery as the session runs it on both transports (`handle_unauthorized` of codex-rs
// `core/src/client.rs`, login.md §7, core-behaviour §12): the provider's `UnauthorizedRecovery`
// wrapped so every step and every 401 without a step is recorded as `codex.auth_recovery`, and the
// per-request driver the WebSocket path uses (the HTTP path's is in `@codex-ts/api`'s
// `ResponsesClient`).

import {
  ApiError,
  type AuthProvider,
  apiErrorFromAuthFailure,
  type UnauthorizedRecovery,
  type UnauthorizedRecoveryStep,
} from '@codex-ts/api';
import type { AuthRecoveryRecord, SessionTelemetry } from '@codex-ts/otel';

/**
 * Step names by recovery mode, in the order the steps run (login.md §7): what `auth.step` says
 * for a step that failed (a successful step names itself in its result).
 */
const STEP_ORDER: Readonly<Record<string, readonly string[]>> = {
  managed: ['reload', 'refresh_token'],
  external: ['external_refresh'],
  command: ['command'],
};

/** Whether `error` is a 401 answer (HTTP status, WebSocket handshake or error frame). */
export function isUnauthorized(error: unknown): error is ApiError {
  return ApiError.isInstance(error) && error.status === 401;
}

/**
 * `auth` with an `unauthorizedRecovery()` whose steps are recorded through `telemetry` as
 * `codex.auth_recovery` (telemetry.md §3), mirroring `handle_unauthorized` of codex-rs
 * `core/src/client.rs`:
 * - each `next()` that resolves → `auth.outcome = recovery_succeeded`, `auth.step` = the step it
 *   ran, `auth.state_changed` = its `authChanged`;
 * - a rejection → `recovery_failed_transient` (a retryable `ApiError`, e.g. `auth_transient`) or
 *   `recovery_failed_permanent` (anything else, e.g. `refresh_token_failed`), `auth.step` = the
 *   step the mode runs at that position (`managed`: `reload`, `refresh_token`); an abort records
 *   nothing;
 * - `hasNext()` answering false → `recovery_not_run` with `auth.step = done` and
 *   `auth.recovery_reason = recovery_exhausted`; a provider without `unauthorizedRecovery` (an API
 *   key) gets one whose `hasNext()` is always false and records `auth.mode = none`, `auth.step =
 *   none`, `auth.recovery_reason = not_chatgpt_auth`, so a 401 still maps as before.
 * The clients ask `hasNext()` once per 401 and pass that 401 (redacted), whose `requestId`,
 * `cfRay`, `x-openai-authorization-error` and `x-error-json` code become `auth.request_id`,
 * `auth.cf_ray`, `auth.error` and `auth.error_code` (the error text through the telemetry's
 * redactor). No attribute carries a credential. Without `telemetry`, `auth` is returned as is.
 */
export function withAuthRecoveryTelemetry(
  auth: AuthProvider,
  telemetry: SessionTelemetry | undefined,
  attempts?: AuthAttemptTracker,
): AuthProvider {
  if (telemetry === undefined) return auth;
  return {
    authHeaders: async (signal) => {
      const headers = await auth.authHeaders(signal);
      // The NAME of the auth header only, for `auth.header_name`.
      if (attempts) attempts.headerName = Object.keys(headers)[0];
      return headers;
    },
    unauthorizedRecovery: () => new RecordedRecovery(auth.unauthorizedRecovery?.(), telemetry, attempts),
  };
}

/**
 * What the HTTP attempts of a session report as their `auth.*` attributes: the auth header's
 * name from the last `authHeaders()` call and whether a recovery step ran since the last
 * attempt was recorded (`auth.retry_after_unauthorized`). Internal to core.
 */
export class AuthAttemptTracker {
  headerName: string | undefined;
  recovered = false;

  /** The `auth.*` details of the attempt being recorded (clears the recovery flag). */
  take(): { headerAttached: boolean; headerName?: string; retryAfterUnauthorized: boolean } {
    const retryAfterUnauthorized = this.recovered;
    this.recovered = false;
    const name = this.headerName;
    return name === undefined
      ? { headerAttached: false, retryAfterUnauthorized }
      : { headerAttached: true, headerName: name, retryAfterUnauthorized };
  }
}

class RecordedRecovery implements UnauthorizedRecovery {
  readonly #inner: UnauthorizedRecovery | undefined;
  readonly #telemetry: SessionTelemetry;
  #stepsRun = 0;

  readonly #attempts: AuthAttemptTracker | undefined;

  constructor(
    inner: UnauthorizedRecovery | undefined,
    telemetry: SessionTelemetry,
    attempts: AuthAttemptTracker | undefined,
  ) {
    this.#inner = inner;
    this.#telemetry = telemetry;
    this.#attempts = attempts;
  }

  get mode(): string {
    return this.#inner?.mode ?? 'none';
  }

  hasNext(unauthorized?: ApiError): boolean {
    const inner = this.#inner;
    const has = inner?.hasNext(unauthorized) ?? false;
    if (!has) {
      this.#record(unauthorized, {
        mode: this.mode,
        step: inner ? 'done' : 'none',
        outcome: 'recovery_not_run',
        recoveryReason: inner ? 'recovery_exhausted' : 'not_chatgpt_auth',
      });
    }
    return has;
  }

  async next(signal?: AbortSignal, unauthorized?: ApiError): Promise<UnauthorizedRecoveryStep> {
    const inner = this.#inner;
    if (inner === undefined) throw apiErrorFromAuthFailure(new Error('No more recovery steps available.'));
    const position = this.#stepsRun;
    this.#stepsRun += 1;
    let step: UnauthorizedRecoveryStep;
    try {
      step = await inner.next(signal, unauthorized);
    } catch (error) {
      const mapped = apiErrorFromAuthFailure(error, signal);
      if (mapped.code !== 'aborted') {
        this.#record(unauthorized, {
          mode: inner.mode,
          step: STEP_ORDER[inner.mode]?.[position] ?? 'other',
          outcome: mapped.retryable ? 'recovery_failed_transient' : 'recovery_failed_permanent',
        });
      }
      throw error;
    }
    if (this.#attempts) this.#attempts.recovered = true;
    this.#record(unauthorized, {
      mode: inner.mode,
      step: step.step,
      outcome: 'recovery_succeeded',
      stateChanged: step.authChanged,
    });
    return step;
  }

  #record(unauthorized: ApiError | undefined, record: AuthRecoveryRecord): void {
    try {
      this.#telemetry.recordAuthRecovery({ ...record, ...debugContext(unauthorized, this.#telemetry) });
    } catch {
      // Telemetry must never break a request.
    }
  }
}

/** `auth.request_id`, `auth.cf_ray`, `auth.error`, `auth.error_code` of a 401 answer. */
function debugContext(
  unauthorized: ApiError | undefined,
  telemetry: SessionTelemetry,
): Pick<AuthRecoveryRecord, 'requestId' | 'cfRay' | 'error' | 'errorCode'> {
  if (unauthorized === undefined) return {};
  const out: Pick<AuthRecoveryRecord, 'requestId' | 'cfRay' | 'error' | 'errorCode'> = {};
  if (unauthorized.requestId !== undefined) out.requestId = unauthorized.requestId;
  if (unauthorized.cfRay !== undefined) out.cfRay = unauthorized.cfRay;
  const authError = unauthorized.headers['x-openai-authorization-error'];
  if (authError !== undefined) out.error = telemetry.redactor.redact(authError);
  const errorCode = identityErrorCode(unauthorized.headers['x-error-json']);
  if (errorCode !== undefined) out.errorCode = errorCode;
  return out;
}

/** `error.code` of the base64 JSON `x-error-json` header, if it decodes. */
function identityErrorCode(encoded: string | undefined): string | undefined {
  if (!encoded) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(encoded.trim(), 'base64').toString('utf8'));
    const error = (parsed as { error?: { code?: unknown } } | null)?.error;
    return typeof error?.code === 'string' ? error.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The 401 recovery of one request on the WebSocket path (a handshake or an error frame answered
 * 401): the provider's `unauthorizedRecovery()` is created at the first 401 and kept for the
 * request's later 401s, as `ResponsesClient` does for HTTP. Internal to core.
 */
export class UnauthorizedRetry {
  readonly #auth: AuthProvider;
  #recovery: UnauthorizedRecovery | undefined;

  constructor(auth: AuthProvider) {
    this.#auth = auth;
  }

  /**
   * After the 401 `unauthorized`: runs the next step and resolves true (send the request again with
   * fresh `authHeaders()`), or resolves false when no step is left (the 401 stays the error).
   * Rejects with the step's failure as an `ApiError` (`refresh_token_failed`, `auth_transient`,
   * `aborted`, …), not yet redacted.
   */
  async recover(unauthorized: ApiError, signal: AbortSignal | undefined): Promise<boolean> {
    if (this.#auth.unauthorizedRecovery === undefined) return false;
    this.#recovery ??= this.#auth.unauthorizedRecovery();
    if (!this.#recovery.hasNext(unauthorized)) return false;
    try {
      await this.#recovery.next(signal, unauthorized);
    } catch (error) {
      throw apiErrorFromAuthFailure(error, signal);
    }
    return true;
  }
}
