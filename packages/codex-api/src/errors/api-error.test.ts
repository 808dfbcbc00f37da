import * as client from '@codex-ts/client';
import { describe, expect, it, vi } from 'vitest';
import * as api from './api-error.js';
import { ErrorTexts } from './messages.js';

type Checker = abstract new (...args: never[]) => Error;
interface Entry {
  name: string;
  cls: Checker;
  isInstance: (value: unknown) => boolean;
  make: (() => Error) | undefined;
}

/** The api's error class and the transport classes it maps, with a way to build each. */
function entries(a: typeof api, c: typeof client): Entry[] {
  const entry = (cls: Checker & { isInstance(value: unknown): boolean }, make: Entry['make']): Entry => ({
    name: cls.name,
    cls,
    isInstance: (value) => cls.isInstance(value),
    make,
  });
  return [
    entry(a.ApiError, () => new a.ApiError('stream', 'stream disconnected before completion: x')),
    entry(c.TransportError, undefined),
    entry(c.HttpStatusError, () => new c.HttpStatusError({ status: 429 })),
    entry(c.TimeoutError, () => new c.TimeoutError('t')),
    entry(c.ConnectionError, () => new c.ConnectionError('c')),
    entry(c.NetworkError, () => new c.NetworkError('n')),
    entry(c.BuildError, () => new c.BuildError('b')),
    entry(c.StreamError, () => new c.StreamError('s')),
    entry(c.AbortedError, () => new c.AbortedError()),
  ];
}

const here = entries(api, client);
const local = (e: Entry): Entry => here.find((l) => l.name === e.name) ?? e;
const isSubclass = (b: Entry, a: Entry): boolean => b.cls === a.cls || b.cls.prototype instanceof a.cls;

/** For every checker A and made B: `A.isInstance(new B())` iff B is A or a subclass of A. */
function expectMatrix(checkers: Entry[], makers: Entry[]): void {
  for (const a of checkers) {
    for (const b of makers) {
      if (b.make === undefined) continue;
      expect(a.isInstance(b.make()), `${a.name}.isInstance(new ${b.name}())`).toBe(
        isSubclass(local(b), local(a)),
      );
    }
  }
}

describe('ApiError.isInstance', () => {
  it('accepts ApiError only: no transport error, and ApiError is no transport error', () => {
    expectMatrix(here, here);
  });

  it('rejects look-alikes without the marker', () => {
    const lookAlike = Object.assign(new Error('x'), { name: 'ApiError', code: 'stream', retryable: true });
    expect(api.ApiError.isInstance(lookAlike)).toBe(false);
    expect(api.ApiError.isInstance({ code: 'aborted' })).toBe(false);
    expect(api.ApiError.isInstance(undefined)).toBe(false);
  });

  it('recognises errors built by second copies of the api and client modules, in both directions', async () => {
    vi.resetModules();
    const apiCopy = (await import('./api-error.js')) as typeof api;
    const clientCopy = (await import('@codex-ts/client')) as typeof client;
    expect(apiCopy.ApiError).not.toBe(api.ApiError);
    expect(clientCopy.TimeoutError).not.toBe(client.TimeoutError);
    const there = entries(apiCopy, clientCopy);
    expectMatrix(here, there);
    expectMatrix(there, here);
  });
});

describe('ApiError.streamDisconnected', () => {
  it('builds the retryable `stream` error with the original text and the given details', () => {
    const cause = new Error('socket closed');
    const error = api.ApiError.streamDisconnected(ErrorTexts.streamClosedEarly, { cause });
    expect(api.ApiError.isInstance(error)).toBe(true);
    expect([error.code, error.message, error.retryable, error.cause]).toEqual([
      'stream',
      'stream disconnected before completion: stream closed before response.completed',
      true,
      cause,
    ]);
  });
});
