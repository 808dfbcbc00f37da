import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthFileError } from '../errors/login-error.js';
import { parseIdTokenClaims } from '../token/id-token.js';
import { type AuthDotJson, formatLastRefresh, readAuthFile, writeAuthFile } from './auth-file.js';

const CANARY = 'CANARY-REFRESH-TOKEN-51d0';

function fakeJwt(payload: unknown): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.c2ln`;
}

const ID_TOKEN = fakeJwt({
  email: 'user@example.com',
  exp: 4102444800,
  iat: 1767225600,
  'https://api.openai.com/auth': {
    chatgpt_plan_type: 'plus',
    chatgpt_user_id: 'user-fake-1',
    chatgpt_account_id: 'acct-fake-0000',
  },
});
const ACCESS_TOKEN = fakeJwt({ exp: 4102444800, iat: 1767225600, scp: ['openid'] });

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'codex-login-chatgpt-'));
});
afterEach(async () => {
  await chmod(home, 0o700).catch(() => {});
  await rm(home, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<AuthFileError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(AuthFileError.isInstance(error)).toBe(true);
  return error as AuthFileError;
}

describe('auth.json in ChatGPT mode', () => {
  it('writes the layout 0.169 wrote after a refresh, byte for byte', async () => {
    // keys deliberately out of order: the writer imposes the original's order
    const auth: AuthDotJson = {
      last_refresh: '2026-12-03T11:00:21.055469348Z',
      tokens: {
        account_id: 'acct-fake-0000',
        refresh_token: CANARY,
        access_token: ACCESS_TOKEN,
        id_token: ID_TOKEN,
      },
      OPENAI_API_KEY: null,
      auth_mode: 'chatgpt',
    };
    const path = await writeAuthFile(home, auth);
    const expected = [
      '{',
      '  "auth_mode": "chatgpt",',
      '  "OPENAI_API_KEY": null,',
      '  "tokens": {',
      `    "id_token": "${ID_TOKEN}",`,
      `    "access_token": "${ACCESS_TOKEN}",`,
      `    "refresh_token": "${CANARY}",`,
      '    "account_id": "acct-fake-0000"',
      '  },',
      '  "last_refresh": "2026-12-03T11:00:21.055469348Z"',
      '}',
    ].join('\n');
    expect(await readFile(path, 'utf8')).toBe(expected);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const read = await readAuthFile(home);
    expect(read).toEqual(auth);
    expect(parseIdTokenClaims(read?.tokens?.id_token ?? '')).toMatchObject({
      email: 'user@example.com',
      planType: 'plus',
      accountId: 'acct-fake-0000',
    });
  });

  it('writes account_id as null when unknown and keeps unknown keys after the known ones', async () => {
    await writeAuthFile(home, {
      future_top: 1,
      tokens: { extra: true, refresh_token: 'r', access_token: 'a', id_token: 'i' },
      OPENAI_API_KEY: null,
    } as AuthDotJson);
    const text = await readFile(join(home, 'auth.json'), 'utf8');
    const json = JSON.parse(text);
    expect(Object.keys(json)).toEqual(['OPENAI_API_KEY', 'tokens', 'future_top']);
    expect(Object.keys(json.tokens)).toEqual([
      'id_token',
      'access_token',
      'refresh_token',
      'account_id',
      'extra',
    ]);
    expect(json.tokens.account_id).toBeNull();
  });

  it('keeps oauth_provenance and login_owner_id of a sign-in before account_id, as 0.169.0 wrote them', async () => {
    await writeAuthFile(home, {
      auth_mode: 'chatgpt',
      tokens: {
        account_id: 'acct-1',
        login_owner_id: 'owner',
        oauth_provenance: { issuer: 'https://auth.openai.com', client_id: 'app_x' },
        refresh_token: 'r',
        access_token: 'a',
        id_token: 'i',
      },
    } as AuthDotJson);
    const json = JSON.parse(await readFile(join(home, 'auth.json'), 'utf8'));
    expect(Object.keys(json.tokens)).toEqual([
      'id_token',
      'access_token',
      'refresh_token',
      'oauth_provenance',
      'login_owner_id',
      'account_id',
    ]);
  });

  it('never overwrites a corrupt, partial or unreadable file, and names it', async () => {
    const path = join(home, 'auth.json');
    const partial = `{\n  "auth_mode": "chatgpt",\n  "OPENAI_API_KEY": null,\n  "tokens": {\n    "refresh_token": "${CANARY}`;
    const bodies = [partial, '', `{"tokens": {"refresh_token": "${CANARY}"}}`, `{"last_refresh": "soon"}`];
    for (const body of bodies) {
      await writeFile(path, body, { mode: 0o600 });
      const error = await rejection(writeAuthFile(home, { OPENAI_API_KEY: 'sk-new' }));
      expect(['invalid_json', 'invalid_shape']).toContain(error.code);
      expect(error.path).toBe(path);
      expect(error.message).toContain(path);
      expect(error.message).not.toContain(CANARY);
      expect(await readFile(path, 'utf8')).toBe(body);
      expect(await readdir(home)).toEqual(['auth.json']);
    }
    // an explicit fresh login may replace it
    await writeAuthFile(home, { OPENAI_API_KEY: 'sk-new' }, { overwriteInvalid: true });
    expect(await readAuthFile(home)).toEqual({ OPENAI_API_KEY: 'sk-new' });
  });

  it('never overwrites a file it cannot read', async () => {
    const path = join(home, 'auth.json');
    // a directory cannot be read as a file, also for root
    await mkdir(path);
    await writeFile(join(path, 'keep'), CANARY);
    let error = await rejection(writeAuthFile(home, { OPENAI_API_KEY: 'sk-new' }));
    expect(error.code).toBe('unreadable');
    expect(error.message).toContain(path);
    expect(await readdir(path)).toEqual(['keep']);
    await rm(path, { recursive: true });
    if (process.getuid?.() === 0) return; // root reads a mode 000 file
    await writeFile(path, `{"OPENAI_API_KEY": "${CANARY}"}`, { mode: 0o000 });
    error = await rejection(writeAuthFile(home, { OPENAI_API_KEY: 'sk-new' }));
    expect(error.code).toBe('unreadable');
    expect(error.message).not.toContain(CANARY);
    await chmod(path, 0o600);
    expect(await readFile(path, 'utf8')).toBe(`{"OPENAI_API_KEY": "${CANARY}"}`);
  });

  it('concurrent writers and readers never see a partial or corrupt file', async () => {
    const versions: AuthDotJson[] = Array.from({ length: 24 }, (_, i) => ({
      auth_mode: 'chatgpt',
      OPENAI_API_KEY: null,
      tokens: {
        id_token: ID_TOKEN,
        access_token: `${ACCESS_TOKEN}${'x'.repeat(i * 4096)}`, // sizes differ: a torn file would show
        refresh_token: `rt-${i}`,
        account_id: 'acct-fake-0000',
      },
      last_refresh: formatLastRefresh(new Date(Date.UTC(2026, 0, 1, 0, 0, i))),
    }));
    await writeAuthFile(home, versions[0] as AuthDotJson);
    let writing = true;
    let reads = 0;
    const reader = (async () => {
      // bounded: stops when the writers are done, or after 5000 reads
      while (writing && reads < 5000) {
        const seen = await readAuthFile(home);
        expect(versions).toContainEqual(seen);
        reads++;
      }
    })();
    // two writers racing each other, each with its own sequence of versions
    const writerA = (async () => {
      for (let i = 1; i < versions.length; i += 2) await writeAuthFile(home, versions[i] as AuthDotJson);
    })();
    const writerB = (async () => {
      for (let i = 2; i < versions.length; i += 2) await writeAuthFile(home, versions[i] as AuthDotJson);
    })();
    await Promise.all([writerA, writerB]);
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    const final = await readAuthFile(home);
    expect([versions.at(-1), versions.at(-2)]).toContainEqual(final);
    expect(await readdir(home)).toEqual(['auth.json']);
    expect((await stat(join(home, 'auth.json'))).mode & 0o777).toBe(0o600);
  });
});

describe('formatLastRefresh', () => {
  it('writes UTC RFC 3339 with the fewest of 0, 3, 6 or 9 fraction digits', () => {
    const at = new Date('2026-12-03T11:00:21.055Z');
    expect(formatLastRefresh(at, 469_348)).toBe('2026-12-03T11:00:21.055469348Z');
    expect(formatLastRefresh(at, 469_000)).toBe('2026-12-03T11:00:21.055469Z');
    expect(formatLastRefresh(at)).toBe('2026-12-03T11:00:21.055Z');
    expect(formatLastRefresh(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01T00:00:00Z');
    expect(formatLastRefresh(new Date('2026-01-01T00:00:00Z'), 5)).toBe('2026-01-01T00:00:00.000000005Z');
    expect(() => formatLastRefresh(new Date(Number.NaN))).toThrow(RangeError);
  });
});
