import { decodeJwt } from 'jose';

/** A decoded JWT claims set (the payload object). */
type Claims = Readonly<Record<string, unknown>>;

import { LoginError } from '../errors/login-error.js';

/** Namespace claim under which ChatGPT tokens carry plan, user and account (an object). */
const AUTH_CLAIM = 'https://api.openai.com/auth';
/** Namespace claim that may carry the email when the top-level `email` is absent. */
const PROFILE_CLAIM = 'https://api.openai.com/profile';

/**
 * ChatGPT plan types the original CLI knows (`chatgpt_plan_type` claim). The aliases `hc`
 * (→ `enterprise`) and `education` (→ `edu`) are folded; any other value is kept raw in
 * {@link IdTokenClaims.rawPlanType} with `planType` undefined.
 */
export const KNOWN_PLAN_TYPES = [
  'free',
  'go',
  'plus',
  'pro',
  'team',
  'business',
  'enterprise',
  'edu',
] as const;

/** One of {@link KNOWN_PLAN_TYPES}. */
export type KnownPlanType = (typeof KNOWN_PLAN_TYPES)[number];

/** Which token a {@link LoginError} `malformed_token` is about (never the token itself). */
export type TokenKind = 'id_token' | 'access_token';

/**
 * The claims codex-ts uses from the ChatGPT ID token (`tokens.id_token` of `auth.json`),
 * as upstream `codex-rs/login/src/token_data.rs` reads them. Every field is optional in the
 * token; absent or non-string claims are `undefined`.
 */
export interface IdTokenClaims {
  /** `email`, else `https://api.openai.com/profile`.`email`. */
  readonly email: string | undefined;
  /** `chatgpt_plan_type` folded to a {@link KnownPlanType}; `undefined` when absent or unknown. */
  readonly planType: KnownPlanType | undefined;
  /** `chatgpt_plan_type` exactly as sent (also for unknown plans). */
  readonly rawPlanType: string | undefined;
  /** `chatgpt_user_id`, else `user_id` (under `https://api.openai.com/auth`). */
  readonly userId: string | undefined;
  /** `chatgpt_account_id` (under `https://api.openai.com/auth`); `auth.json`'s `tokens.account_id` wins for requests. */
  readonly accountId: string | undefined;
  /** `exp` of the ID token as a Date (seconds since the epoch on the wire), when present. */
  readonly expiresAt: Date | undefined;
}

/**
 * Decodes the payload of a JWT **without verifying its signature** (as the original CLI: the
 * token came from the auth server over TLS and is only read for display and routing). Three
 * non-empty `.`-separated segments are required; the payload must be base64url JSON object.
 *
 * @param kind which token this is, used in the error message.
 * @returns the claims object (`exp`, `iat` in seconds since the epoch, namespaced objects as sent).
 * @throws {LoginError} `malformed_token` naming `kind` and what is wrong; the message and
 *   the error (no `cause`) never contain the token or any part of it.
 */
export function decodeJwtClaims(token: string, kind: TokenKind): Readonly<Record<string, unknown>> {
  const segments = typeof token === 'string' ? token.split('.') : [];
  if (segments.length !== 3 || segments.some((segment) => segment === '')) {
    throw malformed(kind, 'expected three non-empty segments separated by "."');
  }
  try {
    return decodeJwt(token);
  } catch {
    // jose's messages are generic, but its `cause` may quote decoded payload bytes: dropped.
    throw malformed(kind, 'the payload is not base64url-encoded JSON object');
  }
}

/**
 * Reads the {@link IdTokenClaims} of a ChatGPT ID token (`tokens.id_token` in `auth.json`),
 * without verification.
 *
 * @throws {LoginError} `malformed_token` (kind `id_token`) when it is not a decodable JWT.
 */
export function parseIdTokenClaims(idToken: string): IdTokenClaims {
  const claims = decodeJwtClaims(idToken, 'id_token');
  const auth = objectClaim(claims[AUTH_CLAIM]);
  const profile = objectClaim(claims[PROFILE_CLAIM]);
  const rawPlanType = stringClaim(auth?.chatgpt_plan_type);
  return {
    email: stringClaim(claims.email) ?? stringClaim(profile?.email),
    planType: rawPlanType === undefined ? undefined : knownPlanType(rawPlanType),
    rawPlanType,
    userId: stringClaim(auth?.chatgpt_user_id) ?? stringClaim(auth?.user_id),
    accountId: stringClaim(auth?.chatgpt_account_id),
    expiresAt: expiryOf(claims),
  };
}

/**
 * The `exp` claim (seconds since the epoch) of an access token as a Date, without
 * verification; `undefined` when the token has no numeric `exp` (the caller then falls
 * back to `last_refresh` age, as upstream `codex-rs/login/src/auth/manager.rs`).
 *
 * @throws {LoginError} `malformed_token` (kind `access_token`) when it is not a decodable JWT.
 */
export function accessTokenExpiry(accessToken: string): Date | undefined {
  return expiryOf(decodeJwtClaims(accessToken, 'access_token'));
}

function expiryOf(claims: Claims): Date | undefined {
  const exp = claims.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return undefined;
  const date = new Date(exp * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function knownPlanType(raw: string): KnownPlanType | undefined {
  const value = raw;
  if (value === 'hc') return 'enterprise';
  if (value === 'education') return 'edu';
  return (KNOWN_PLAN_TYPES as readonly string[]).includes(value) ? (value as KnownPlanType) : undefined;
}

function objectClaim(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function malformed(kind: TokenKind, why: string): LoginError {
  return new LoginError('malformed_token', `The ChatGPT ${kind} is not a valid JWT: ${why}.`, {
    tokenKind: kind,
  });
}
