// ChatgptBackend's discovery wait (session/chatgpt.ts): a caller whose signal is already aborted
// gets `aborted` at once, and the discovery it started may fail later without an unhandled
// rejection (Node 20 ends the process on one).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '@codex-ts/api';
import { HttpTransport, SecretRedactor } from '@codex-ts/client';
import { AuthManager } from '@codex-ts/login';
import { afterEach, expect, it } from 'vitest';
import { ChatgptBackend } from './chatgpt.js';

let home: string | undefined;
afterEach(() => {
  if (home !== undefined) rmSync(home, { recursive: true, force: true });
  home = undefined;
});

const jwt = (claims: Record<string, unknown>) => {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.c2ln`;
};

it('an already-aborted wait leaves no unhandled rejection when the discovery it started fails', async () => {
  home = mkdtempSync(join(tmpdir(), 'codex-ts-core-chatgpt-backend-'));
  const exp = Math.floor(Date.now() / 1000) + 3600;
  writeFileSync(
    join(home, 'auth.json'),
    JSON.stringify({
      auth_mode: 'chatgpt',
      OPENAI_API_KEY: null,
      tokens: {
        id_token: jwt({ exp, 'https://api.openai.com/auth': { chatgpt_account_id: 'acct-1' } }),
        access_token: jwt({ exp }),
        refresh_token: 'rt-test',
        account_id: 'acct-1',
      },
      last_refresh: '2026-01-01T00:00:00Z',
    }),
  );
  const transport = new HttpTransport();
  const redactor = new SecretRedactor();
  const manager = await AuthManager.load({
    codexHome: home,
    env: {},
    originator: 'codex_exec',
    userAgent: 'ua',
    transport,
    redactor,
  });
  const backend = new ChatgptBackend({
    manager,
    codexHome: home,
    // Not https: discovery fails at once ("workspace routing discovery failed"), nothing is sent.
    chatgptBaseUrl: 'http://127.0.0.1:9/backend-api/',
    codexBaseUrl: 'http://127.0.0.1:9/backend-api/codex',
    version: '0.0.0',
    originator: 'codex_exec',
    userAgent: 'ua (codex_exec; 0.0.0)',
    bareUserAgent: 'ua',
    transport,
    redactor,
  });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const error = await backend.chatgpt.prepare?.(AbortSignal.abort()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ApiError.isInstance(error) && error.code).toBe('aborted');
    // The discovery still runs and fails; a later caller sees that failure.
    const later = await backend.chatgpt.prepare?.(undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ApiError.isInstance(later) && later.code).toBe('auth_transient');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
