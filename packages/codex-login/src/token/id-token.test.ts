import { describe, expect, it } from 'vitest';
import { LoginError } from '../errors/login-error.js';
import { accessTokenExpiry, decodeJwtClaims, parseIdTokenClaims } from './id-token.js';

/** An unsigned JWT like the ones 0.169 was observed with (`alg: none`, fake signature). */
function fakeJwt(payload: unknown, signature = 'c2ln'): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.${signature}`;
}

const CANARY = 'CANARY-TOKEN-7f3a9c';

function caught(fn: () => unknown): LoginError {
  try {
    fn();
  } catch (error) {
    expect(LoginError.isInstance(error)).toBe(true);
    return error as LoginError;
  }
  throw new Error('expected a LoginError');
}

describe('parseIdTokenClaims', () => {
  it('reads email, plan, user and account from the ChatGPT claims', () => {
    const token = fakeJwt({
      email: 'user@example.com',
      exp: 4102444800,
      iat: 1767225600,
      'https://api.openai.com/auth': {
        chatgpt_plan_type: 'pro',
        chatgpt_user_id: 'user-fake-1',
        chatgpt_account_id: 'acct-fake-0000',
      },
    });
    expect(parseIdTokenClaims(token)).toEqual({
      email: 'user@example.com',
      planType: 'pro',
      rawPlanType: 'pro',
      userId: 'user-fake-1',
      accountId: 'acct-fake-0000',
      expiresAt: new Date(4102444800 * 1000),
    });
  });

  it('falls back to the profile email and user_id, folds plan aliases and keeps unknown plans raw', () => {
    const claims = (plan: unknown) =>
      parseIdTokenClaims(
        fakeJwt({
          'https://api.openai.com/profile': { email: 'p@example.com' },
          'https://api.openai.com/auth': { chatgpt_plan_type: plan, user_id: 'u-2' },
        }),
      );
    expect(claims('hc')).toMatchObject({ email: 'p@example.com', userId: 'u-2', planType: 'enterprise' });
    expect(claims('education')).toMatchObject({ planType: 'edu', rawPlanType: 'education' });
    expect(claims('enterprise-plus')).toMatchObject({ planType: undefined, rawPlanType: 'enterprise-plus' });
    expect(claims(7)).toMatchObject({ planType: undefined, rawPlanType: undefined });
    expect(parseIdTokenClaims(fakeJwt({}))).toEqual({
      email: undefined,
      planType: undefined,
      rawPlanType: undefined,
      userId: undefined,
      accountId: undefined,
      expiresAt: undefined,
    });
  });

  it('does not verify the signature', () => {
    expect(parseIdTokenClaims(fakeJwt({ email: 'a@b.c' }, 'not-a-real-signature')).email).toBe('a@b.c');
  });

  it('rejects malformed tokens with a typed error that never contains the token', () => {
    const payload = Buffer.from(`{"email":"${CANARY}"`).toString('base64url'); // truncated JSON
    const cases = [
      CANARY,
      `${CANARY}.${CANARY}`,
      `h.${CANARY}.`,
      `.${CANARY}.s`,
      `h.${payload}.s`,
      `h.${Buffer.from(JSON.stringify([CANARY])).toString('base64url')}.s`,
      `h.!!${CANARY}!!.s`,
      `a.${CANARY}.c.d.e`,
      '',
    ];
    for (const token of cases) {
      const error = caught(() => parseIdTokenClaims(token));
      expect(error.code).toBe('malformed_token');
      expect(error.tokenKind).toBe('id_token');
      expect(error.message).toContain('id_token');
      expect(error.cause).toBeUndefined();
      expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(CANARY);
    }
  });
});

describe('accessTokenExpiry', () => {
  it('returns exp as a Date, or undefined without a numeric exp', () => {
    expect(accessTokenExpiry(fakeJwt({ exp: 1767225600, scp: ['openid'] }))).toEqual(
      new Date('2026-01-01T00:00:00Z'),
    );
    expect(accessTokenExpiry(fakeJwt({ exp: '1767225600' }))).toBeUndefined();
    expect(accessTokenExpiry(fakeJwt({}))).toBeUndefined();
  });

  it('names the access token when it is malformed', () => {
    const error = caught(() => accessTokenExpiry(`${CANARY}.x`));
    expect(error.code).toBe('malformed_token');
    expect(error.tokenKind).toBe('access_token');
    expect(error.message).not.toContain(CANARY);
  });

  it('decodeJwtClaims returns the raw claims set', () => {
    expect(decodeJwtClaims(fakeJwt({ exp: 1, nested: { a: [1] } }), 'access_token')).toEqual({
      exp: 1,
      nested: { a: [1] },
    });
  });
});
