import { ApiError } from '@codex-ts/api';
import { describe, expect, it, vi } from 'vitest';
import * as login from './login-error.js';

interface Entry {
  name: string;
  cls: abstract new (...args: never[]) => Error;
  isInstance: (value: unknown) => boolean;
  make: () => Error;
}

function entries(m: typeof login): Entry[] {
  return [
    {
      name: 'LoginError',
      cls: m.LoginError,
      isInstance: (v) => m.LoginError.isInstance(v),
      make: () => new m.LoginError('missing_env_var', 'Missing environment variable: `X`.', { envVar: 'X' }),
    },
    {
      name: 'AuthFileError',
      cls: m.AuthFileError,
      isInstance: (v) => m.AuthFileError.isInstance(v),
      make: () => new m.AuthFileError('/home/u/.codex/auth.json', 'invalid_json', 'not JSON'),
    },
    {
      // The api error the login's AuthProvider sits next to: neither accepts the other.
      name: 'ApiError',
      cls: ApiError,
      isInstance: (v) => ApiError.isInstance(v),
      make: () => new ApiError('auth', 'could not get credentials: x'),
    },
  ];
}

const here = entries(login);
const local = (e: Entry): Entry => here.find((l) => l.name === e.name) ?? e;

function expectMatrix(checkers: Entry[], makers: Entry[]): void {
  for (const a of checkers) {
    for (const b of makers) {
      const [la, lb] = [local(a), local(b)];
      const expected = lb.cls === la.cls || lb.cls.prototype instanceof la.cls;
      expect(a.isInstance(b.make()), `${a.name}.isInstance(new ${b.name}())`).toBe(expected);
    }
  }
}

describe('login error isInstance()', () => {
  it('accepts exactly its own class', () => {
    expectMatrix(here, here);
    for (const a of here) expect(a.isInstance(new Error('x'))).toBe(false);
  });

  it('recognises errors built by a second copy of the module, in both directions', async () => {
    vi.resetModules();
    const copy = (await import('./login-error.js')) as typeof login;
    expect(copy.LoginError).not.toBe(login.LoginError);
    const there = entries(copy);
    expectMatrix(here, there);
    expectMatrix(there, here);
  });

  it('says which failure it is in `code`', () => {
    expect(new login.AuthFileError('/a', 'write_failed', 'x').code).toBe('write_failed');
    expect(new login.LoginError('no_credentials', 'x').code).toBe('no_credentials');
  });
});
