import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthFileError } from '../errors/login-error.js';
import { type AuthDotJson, readAuthFile, writeAuthFile } from './auth-file.js';

const SECRET = 'sk-test-SECRET-0123456789';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'codex-login-authfile-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function expectAuthFileError(promise: Promise<unknown>): Promise<AuthFileError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(AuthFileError.isInstance(error)).toBe(true);
  return error as AuthFileError;
}

describe('readAuthFile', () => {
  it('returns undefined when the file does not exist', async () => {
    expect(await readAuthFile(home)).toBeUndefined();
    expect(await readAuthFile(join(home, 'missing-dir'))).toBeUndefined();
  });

  it('reads the API-key form written by `codex login --with-api-key`', async () => {
    await writeFile(join(home, 'auth.json'), JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: SECRET }));
    expect(await readAuthFile(home)).toEqual({ auth_mode: 'apikey', OPENAI_API_KEY: SECRET });
  });

  it('reads a ChatGPT file and keeps unknown keys', async () => {
    const file = {
      OPENAI_API_KEY: null,
      tokens: { id_token: 'a.b.c', access_token: 'x.y.z', refresh_token: 'r', account_id: 'acct', extra: 1 },
      last_refresh: '2026-01-01T00:00:00Z',
      future_field: { nested: true },
    };
    await writeFile(join(home, 'auth.json'), JSON.stringify(file));
    expect(await readAuthFile(home)).toEqual(file);
  });

  it('reports corrupt JSON with the file name and a position, never the contents', async () => {
    await writeFile(join(home, 'auth.json'), `{"OPENAI_API_KEY": "${SECRET}",\n  oops }`);
    const error = await expectAuthFileError(readAuthFile(home));
    expect(error.code).toBe('invalid_json');
    expect(error.path).toBe(join(home, 'auth.json'));
    expect(error.message).toContain(join(home, 'auth.json'));
    expect(error.message).toMatch(/line 2, column \d+/);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('oops');
  });

  it('reports an empty file as invalid JSON', async () => {
    await writeFile(join(home, 'auth.json'), '');
    const error = await expectAuthFileError(readAuthFile(home));
    expect(error.code).toBe('invalid_json');
  });

  it('reports a wrong shape with the key path and expected type, never the value', async () => {
    await writeFile(join(home, 'auth.json'), JSON.stringify({ OPENAI_API_KEY: 123456789 }));
    let error = await expectAuthFileError(readAuthFile(home));
    expect(error.code).toBe('invalid_shape');
    expect(error.message).toContain('`OPENAI_API_KEY`: expected a string');
    expect(error.message).not.toContain('123456789');

    await writeFile(
      join(home, 'auth.json'),
      JSON.stringify({ tokens: { id_token: SECRET, access_token: 5 } }),
    );
    error = await expectAuthFileError(readAuthFile(home));
    expect(error.message).toContain('`tokens.access_token`: expected a string');
    expect(error.message).not.toContain(SECRET);

    await writeFile(join(home, 'auth.json'), JSON.stringify([SECRET]));
    error = await expectAuthFileError(readAuthFile(home));
    expect(error.message).toContain('expected a JSON object at the top level');
    expect(error.message).not.toContain(SECRET);

    for (const lastRefresh of ['yesterday', '2026-01-01', 'Jan 1 2026 00:00:00 GMT', '2026-01-01T00:00:00']) {
      await writeFile(join(home, 'auth.json'), JSON.stringify({ last_refresh: lastRefresh }));
      error = await expectAuthFileError(readAuthFile(home));
      expect(error.message).toContain('`last_refresh`: expected an RFC 3339 timestamp');
    }
    for (const lastRefresh of ['2026-12-03T11:00:21.055469348Z', '2026-01-01T02:00:00+02:00']) {
      await writeFile(join(home, 'auth.json'), JSON.stringify({ last_refresh: lastRefresh }));
      expect((await readAuthFile(home))?.last_refresh).toBe(lastRefresh);
    }
  });

  it('reports a file it cannot read', async () => {
    await mkdir(join(home, 'auth.json'));
    const error = await expectAuthFileError(readAuthFile(home));
    expect(error.code).toBe('unreadable');
    expect(error.message).toContain(join(home, 'auth.json'));
  });
});

describe('writeAuthFile', () => {
  it('writes pretty JSON with mode 0600 and OPENAI_API_KEY always present', async () => {
    const dir = join(home, 'nested', 'codex');
    const path = await writeAuthFile(dir, { auth_mode: 'chatgpt' });
    expect(path).toBe(join(dir, 'auth.json'));
    const text = await readFile(path, 'utf8');
    expect(text).toBe('{\n  "auth_mode": "chatgpt",\n  "OPENAI_API_KEY": null\n}');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('round-trips, keeps unknown keys, and stays 0600 when replacing a 0644 file', async () => {
    await writeFile(join(home, 'auth.json'), '{}', { mode: 0o644 });
    const auth: AuthDotJson = { OPENAI_API_KEY: SECRET, auth_mode: 'apikey', custom: [1, 2] };
    await writeAuthFile(home, auth);
    expect(await readAuthFile(home)).toEqual(auth);
    const text = await readFile(join(home, 'auth.json'), 'utf8');
    expect(Object.keys(JSON.parse(text))).toEqual(['auth_mode', 'OPENAI_API_KEY', 'custom']);
    expect((await stat(join(home, 'auth.json'))).mode & 0o777).toBe(0o600);
  });

  it('rejects invalid content before touching the existing file', async () => {
    await writeAuthFile(home, { OPENAI_API_KEY: 'old-key' });
    const bad = { OPENAI_API_KEY: 42 } as unknown as AuthDotJson;
    const error = await expectAuthFileError(writeAuthFile(home, bad));
    expect(error.code).toBe('invalid_shape');
    expect(await readAuthFile(home)).toEqual({ OPENAI_API_KEY: 'old-key' });
    expect(await readdir(home)).toEqual(['auth.json']);
  });

  it('leaves no partial or temporary file when serialization fails', async () => {
    const bad = { OPENAI_API_KEY: SECRET, unknown_bigint: 10n } as unknown as AuthDotJson;
    const error = await expectAuthFileError(writeAuthFile(home, bad));
    expect(error.message).not.toContain(SECRET);
    expect(await readdir(home)).toEqual([]);
  });

  it('leaves no temporary file and the old target untouched when the final rename fails', async () => {
    // A non-empty directory where auth.json should go makes rename(2) fail after the
    // temporary file was fully written.
    await mkdir(join(home, 'auth.json'));
    await writeFile(join(home, 'auth.json', 'keep'), 'x');
    const error = await expectAuthFileError(
      writeAuthFile(home, { OPENAI_API_KEY: SECRET }, { overwriteInvalid: true }),
    );
    expect(error.code).toBe('write_failed');
    expect(error.message).toContain(join(home, 'auth.json'));
    expect(error.message).not.toContain(SECRET);
    expect(await readdir(home)).toEqual(['auth.json']);
    expect(await readdir(join(home, 'auth.json'))).toEqual(['keep']);
  });
});
