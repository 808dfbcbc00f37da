import * as api from '@codex-ts/api';
import * as client from '@codex-ts/client';
import * as login from '@codex-ts/login';
import * as protocol from '@codex-ts/protocol';
import { describe, expect, it, vi } from 'vitest';
import * as threadError from '../thread/thread-error.js';
import * as configError from './config-error.js';

const core = { ...configError, ...threadError };

/** The public entry points that define error classes, as one module set. */
interface Modules {
  protocol: typeof protocol;
  client: typeof client;
  api: typeof api;
  login: typeof login;
  core: typeof core;
}

interface Entry {
  name: string;
  cls: abstract new (...args: never[]) => Error;
  isInstance: (value: unknown) => boolean;
  /** Undefined for an abstract class. */
  make: (() => Error) | undefined;
}

type Marked = (abstract new (...args: never[]) => Error) & { isInstance(value: unknown): boolean };
const entry = (cls: Marked, make: Entry['make']): Entry => ({
  name: cls.name,
  cls,
  isInstance: (value) => cls.isInstance(value),
  make,
});

/** Every exported error class of every package, with a way to build one. */
function entries(m: Modules): Entry[] {
  const { client: c } = m;
  return [
    entry(m.protocol.ResponseItemParseError, () => new m.protocol.ResponseItemParseError(undefined, [], 'x')),
    entry(c.TransportError, undefined),
    entry(c.HttpStatusError, () => new c.HttpStatusError({ status: 500 })),
    entry(c.TimeoutError, () => new c.TimeoutError('t')),
    entry(c.ConnectionError, () => new c.ConnectionError('c')),
    entry(c.NetworkError, () => new c.NetworkError('n')),
    entry(c.BuildError, () => new c.BuildError('b')),
    entry(c.StreamError, () => new c.StreamError('s')),
    entry(c.AbortedError, () => new c.AbortedError('r')),
    entry(m.api.ApiError, () => new m.api.ApiError('aborted', 'request aborted')),
    entry(m.login.LoginError, () => new m.login.LoginError('no_credentials', 'x')),
    entry(m.login.AuthFileError, () => new m.login.AuthFileError('/a', 'invalid_json', 'x')),
    entry(m.core.ConfigError, () => new m.core.ConfigError('unknown_key', 'unknown key `x`')),
    entry(m.core.ThreadError, () => new m.core.ThreadError('turn_failed', 'x')),
  ];
}

const here = entries({ protocol, client, api, login, core });
const local = (e: Entry): Entry => here.find((l) => l.name === e.name) ?? e;

/** For every checker A and made B: `A.isInstance(new B())` iff B is A or a subclass of A. */
function expectMatrix(checkers: Entry[], makers: Entry[]): void {
  for (const a of checkers) {
    for (const b of makers) {
      if (b.make === undefined) continue;
      const [la, lb] = [local(a), local(b)];
      const expected = lb.cls === la.cls || lb.cls.prototype instanceof la.cls;
      expect(a.isInstance(b.make()), `${a.name}.isInstance(new ${b.name}())`).toBe(expected);
    }
  }
}

describe('isInstance() of every error class of every package', () => {
  it('lists every class once', () => {
    expect(new Set(here.map((e) => e.name)).size).toBe(here.length);
  });

  it('accepts exactly the class and its subclasses: never a sibling, a parent or another package’s class', () => {
    expectMatrix(here, here);
  });

  it('recognises errors built by second copies of all packages, in both directions', async () => {
    vi.resetModules();
    const copies: Modules = {
      protocol: await import('@codex-ts/protocol'),
      client: await import('@codex-ts/client'),
      api: await import('@codex-ts/api'),
      login: await import('@codex-ts/login'),
      core: { ...(await import('./config-error.js')), ...(await import('../thread/thread-error.js')) },
    };
    expect(copies.core.ConfigError).not.toBe(core.ConfigError);
    expect(copies.core.ThreadError).not.toBe(core.ThreadError);
    expect(copies.client.AbortedError).not.toBe(client.AbortedError);
    const there = entries(copies);
    expectMatrix(here, there);
    expectMatrix(there, here);
  });
});

describe('ConfigError', () => {
  it('says which problem it is in `code`', () => {
    const error = new core.ConfigError('invalid_override', 'bad -c', { override: 'model' });
    expect([error.code, error.override, error.name]).toEqual(['invalid_override', 'model', 'ConfigError']);
  });
});
