// Unsigned JWTs of a ChatGPT sign-in (observed-cli-0.169-auth §1): ID and access tokens whose
// claims the tests choose. Never valid tokens: `alg: none` and a fixed fake signature.

/** An unsigned JWT (`alg: none`, fake signature `c2lnbmF0dXJl`) with `claims`, base64url parts. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.c2lnbmF0dXJl`;
}

/** Seconds since the epoch for `Date.now() + offsetMs`. */
export function epochIn(offsetMs: number): number {
  return Math.floor((Date.now() + offsetMs) / 1000);
}

/**
 * An ID token of account `accountId` (plan `pro`, user `user-1`, `user@example.com`, expiring in
 * an hour); `extra` claims are added at the top level.
 */
export function idToken(accountId = 'acct-fake-0000', extra: Record<string, unknown> = {}): string {
  return fakeJwt({
    email: 'user@example.com',
    exp: epochIn(3_600_000),
    'https://api.openai.com/auth': {
      chatgpt_plan_type: 'pro',
      chatgpt_user_id: 'user-1',
      chatgpt_account_id: accountId,
    },
    ...extra,
  });
}

/**
 * An access token expiring `offsetMs` from now (negative: already expired); `tag` makes it unique
 * (and a canary to look for in output). Claims `exp`, `tag`, `scp: ['openid']`.
 */
export function accessToken(offsetMs: number, tag = 'v1'): string {
  return fakeJwt({ exp: epochIn(offsetMs), tag, scp: ['openid'] });
}
