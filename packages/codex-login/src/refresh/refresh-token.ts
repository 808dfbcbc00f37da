import { ApiError } from '@codex-ts/api';
import { type HttpStatusError, type HttpTransport, TransportError } from '@codex-ts/client';
import { errorObjectMessage, parseJsonObject, statusWithReason } from '../internal/http-answer.js';

/** Default token endpoint (`REFRESH_TOKEN_URL` of codex-rs `login/src/auth/manager.rs`). */
export const DEFAULT_REFRESH_TOKEN_URL = 'https://auth.openai.com/oauth/token';

/** Environment variable that replaces {@link DEFAULT_REFRESH_TOKEN_URL}. */
export const REFRESH_TOKEN_URL_OVERRIDE_ENV = 'CODEX_REFRESH_TOKEN_URL_OVERRIDE';

/** The public OAuth client id of the Codex CLI, sent as `client_id`. */
export const CODEX_OAUTH_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';

/** Why a refresh runs: `refresh_reason` of the request body (observed-cli-0.169-auth.md §8). */
export type RefreshReason = 'proactive_expiry' | 'unauthorized_recovery';

/**
 * Why a refresh failed for good: the body's `error.code` (or `error` string, or top-level
 * `code`) `refresh_token_expired` → `expired`, `refresh_token_reused` → `reused`,
 * `refresh_token_invalidated` → `invalidated`, anything else `other`; `account_mismatch` when the
 * stored auth belongs to another account.
 */
export type RefreshFailureReason = 'expired' | 'reused' | 'invalidated' | 'other' | 'account_mismatch';

/** User-facing texts of permanent refresh failures, exactly as 0.169.0 printed them. */
export const RefreshFailureTexts: Readonly<Record<RefreshFailureReason, string>> = {
  expired:
    'Your access token could not be refreshed because your refresh token has expired. Please log out and sign in again.',
  reused:
    'Your access token could not be refreshed because your refresh token was already used. Please log out and sign in again.',
  invalidated:
    'Your access token could not be refreshed because your refresh token was revoked. Please log out and sign in again.',
  other: 'Your access token could not be refreshed. Please log out and sign in again.',
  account_mismatch:
    'Your access token could not be refreshed because you have since logged out or signed in to another account. Please sign in again.',
};

/** The fields of a 2xx refresh answer; each present one replaces the stored token. */
export interface RefreshedTokens {
  idToken?: string;
  accessToken?: string;
  refreshToken?: string;
}

/** What {@link requestTokenRefresh} needs. */
export interface RefreshRequestOptions {
  transport: HttpTransport;
  url: string;
  refreshToken: string;
  reason: RefreshReason;
  /** `originator` header, e.g. `codex_exec`. */
  originator: string;
  /** `user-agent` header, sent as given (0.169.0 sent it without the `(codex_exec; 0.169.0)` suffix). */
  userAgent: string;
  signal?: AbortSignal | undefined;
  /** Deadline of the whole request, ms (default 30 000). */
  timeoutMs?: number;
}

/** A permanent failure (`refresh_token_failed`, never retried) with its reason. */
export function permanentRefreshError(reason: RefreshFailureReason, status?: number): ApiError {
  const error = new ApiError('refresh_token_failed', RefreshFailureTexts[reason], {
    ...(status === undefined ? {} : { status }),
  });
  return Object.assign(error, { refreshFailureReason: reason });
}

/** The reason of a permanent refresh error made by {@link permanentRefreshError}, else undefined. */
export function refreshFailureReasonOf(error: unknown): RefreshFailureReason | undefined {
  const reason = (error as { refreshFailureReason?: unknown } | null)?.refreshFailureReason;
  return typeof reason === 'string' ? (reason as RefreshFailureReason) : undefined;
}

/**
 * Posts one refresh request exactly as 0.169.0 (observed-cli-0.169-auth.md §8): `POST url`,
 * headers in this order `content-type: application/json`, `originator`, `user-agent`,
 * `accept: *\/*` (undici's `host` and `connection` precede them, unlike the original where `host` came
 * after `accept`; `content-length` follows), body keys `client_id`,
 * `grant_type`, `refresh_reason`, `refresh_token`; never compressed, no auth header.
 *
 * @returns the tokens of a 2xx answer (`id_token`, `access_token`, `refresh_token` when strings).
 * @throws {ApiError} `refresh_token_failed` (permanent: status 401 or a known `error.code`; text
 *   from {@link RefreshFailureTexts}); `auth_transient` for any other status ("Failed to refresh
 *   token: 500 Internal Server Error", plus `: <error.message>` when the body is an OpenAI JSON
 *   error with a message), a network failure or a 2xx body that is not a JSON object; `aborted`
 *   when `signal` fired. No message contains a token (the body is never quoted, except
 *   `error.message`).
 */
export async function requestTokenRefresh(options: RefreshRequestOptions): Promise<RefreshedTokens> {
  const body = JSON.stringify({
    client_id: CODEX_OAUTH_CLIENT_ID,
    grant_type: 'refresh_token',
    refresh_reason: options.reason,
    refresh_token: options.refreshToken,
  });
  let response: Awaited<ReturnType<HttpTransport['request']>>;
  try {
    response = await options.transport.request({
      method: 'POST',
      url: options.url,
      headers: {
        'content-type': 'application/json',
        originator: options.originator,
        'user-agent': options.userAgent,
        accept: '*/*',
      },
      body,
      timeoutMs: options.timeoutMs ?? 30_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (TransportError.isInstance(error) && error.code === 'http') {
      const status = error as HttpStatusError;
      throw classifyRefreshFailure(status.status, status.body ?? '');
    }
    if (options.signal?.aborted) throw new ApiError('aborted', 'aborted', { cause: error });
    const detail = error instanceof Error ? error.message : String(error);
    throw new ApiError('auth_transient', `Failed to refresh token: ${detail}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = response.json();
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApiError('auth_transient', 'Failed to refresh token: the answer is not a JSON object');
  }
  const fields = parsed as Record<string, unknown>;
  const pick = (key: string) => (typeof fields[key] === 'string' ? (fields[key] as string) : undefined);
  const tokens: RefreshedTokens = {};
  const idToken = pick('id_token');
  const accessToken = pick('access_token');
  const refreshToken = pick('refresh_token');
  if (idToken !== undefined) tokens.idToken = idToken;
  if (accessToken !== undefined) tokens.accessToken = accessToken;
  if (refreshToken !== undefined) tokens.refreshToken = refreshToken;
  return tokens;
}

/**
 * Classifies a non-2xx refresh answer (upstream `classify_refresh_token_failure`): permanent
 * when the status is 401 or the code is known, else transient with "Failed to refresh token:
 * <status> <reason phrase>" (0.169.0 printed "Failed to refresh token: 500 Internal Server
 * Error" for a plain-text 500); an OpenAI JSON error's `error.message` is appended after ": "
 * as upstream does.
 */
export function classifyRefreshFailure(status: number, body: string): ApiError {
  const json = parseJsonObject(body);
  const reason = reasonOfCode(errorCodeOf(json));
  if (status === 401 || reason !== 'other') return permanentRefreshError(reason, status);
  const message = errorObjectMessage(json);
  return new ApiError(
    'auth_transient',
    `Failed to refresh token: ${statusWithReason(status)}${message ? `: ${message}` : ''}`,
    { status },
  );
}

function errorCodeOf(json: Record<string, unknown> | undefined): string | undefined {
  if (!json) return undefined;
  const error = json.error;
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  if (typeof error === 'string') return error;
  return typeof json.code === 'string' ? json.code : undefined;
}

function reasonOfCode(code: string | undefined): RefreshFailureReason {
  switch (code?.toLowerCase()) {
    case 'refresh_token_expired':
      return 'expired';
    case 'refresh_token_reused':
      return 'reused';
    case 'refresh_token_invalidated':
      return 'invalidated';
    default:
      return 'other';
  }
}
