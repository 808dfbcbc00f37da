import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthFileError, LoginError } from '../errors/login-error.js';
import { ApiKeyAuth, resolveApiKeyAuth } from './api-key-auth.js';

const SECRET = 'sk-test-SECRET-abcdef0123';
const OTHER = 'sk-other-SECRET-987';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'codex-login-apikey-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function writeAuth(value: unknown): Promise<void> {
  await writeFile(join(home, 'auth.json'), JSON.stringify(value));
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

function expectNoSecrets(text: string): void {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(OTHER);
}

describe('ApiKeyAuth', () => {
  it('sends authorization: Bearer <key>, trimmed, as a fresh object each time', async () => {
    const auth = new ApiKeyAuth(`  ${SECRET}\n`);
    const first = await auth.authHeaders();
    expect(first).toEqual({ authorization: `Bearer ${SECRET}` });
    first.authorization = 'tampered';
    expect(await auth.authHeaders()).toEqual({ authorization: `Bearer ${SECRET}` });
    expect('unauthorizedRecovery' in auth).toBe(false);
  });

  it('never reveals the key through toString, JSON, inspect, spread or keys', () => {
    const auth = new ApiKeyAuth(SECRET, { source: 'provider_env_key', envVar: 'MY_KEY' });
    expect(String(auth)).toBe('ApiKeyAuth(provider_env_key MY_KEY)');
    expect(`${auth}`).not.toContain(SECRET);
    expect(JSON.stringify(auth)).toBe('{"type":"api_key","source":"provider_env_key","envVar":"MY_KEY"}');
    expect(inspect(auth)).toContain('<redacted>');
    expectNoSecrets(inspect(auth, { showHidden: true, depth: 5 }));
    expectNoSecrets(inspect({ wrapper: [auth] }, { depth: 10 }));
    expectNoSecrets(JSON.stringify({ ...auth }));
    expectNoSecrets(Object.values(auth).join(' '));
  });

  it('rejects blank keys and header-breaking characters without echoing the key', () => {
    expect(() => new ApiKeyAuth('   ')).toThrow(TypeError);
    let message = '';
    try {
      new ApiKeyAuth(`${SECRET}\r\nx-injected: 1`);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/contains a line break at position 26, which cannot be sent in an HTTP header/);
    expectNoSecrets(message);
  });

  it('rejects a key that cannot be sent in a header with invalid_api_key, naming its source', () => {
    const thrown = (key: string, options?: ConstructorParameters<typeof ApiKeyAuth>[1]) => {
      try {
        new ApiKeyAuth(key, options);
      } catch (error) {
        expect(LoginError.isInstance(error)).toBe(true);
        expect((error as LoginError).code).toBe('invalid_api_key');
        expectNoSecrets(JSON.stringify({ ...(error as object), message: (error as Error).message }));
        return error as LoginError;
      }
      throw new Error('no error');
    };
    // U+20AC is not Latin-1 (undici refuses it); U+00E4 is (undici would send byte 0xE4); U+200B
    // is the zero-width space pasted from web pages.
    for (const [bad, what] of [
      ['\u20ac', 'a non-ASCII character'],
      ['\u00e4', 'a non-ASCII character'],
      ['\u200b', 'a non-ASCII character'],
      ['\t', 'a control character'],
      ['\u0000', 'a control character'],
      ['\u007f', 'a control character'],
      ['\n', 'a line break'],
    ] as const) {
      const error = thrown(`${SECRET}${bad}x`, { source: 'provider_env_key', envVar: 'MY_KEY' });
      expect(error.message).toBe(
        `The API key in environment variable \`MY_KEY\` contains ${what} at position ${SECRET.length + 1}, which cannot be sent in an HTTP header; correct the key (a stray character is often picked up when copying it).`,
      );
      expect(error.envVar).toBe('MY_KEY');
    }
    expect(
      thrown(`x\u20ac${SECRET}`, { source: 'codex_api_key_env', envVar: 'CODEX_API_KEY' }).message,
    ).toMatch(
      /^The API key in environment variable `CODEX_API_KEY` contains a non-ASCII character at position 2,/,
    );
    expect(thrown(`${SECRET}\u20ac`, { source: 'experimental_bearer_token' }).message).toMatch(
      /^The model provider's `experimental_bearer_token` in config.toml contains/,
    );
    expect(thrown(`${SECRET}\u20ac`, { source: 'auth_file', file: '/h/auth.json' }).message).toMatch(
      /^The API key \(`OPENAI_API_KEY`\) in \/h\/auth.json contains/,
    );
    expect(thrown(`${SECRET}\u20ac`).message).toMatch(/^The API key passed to ApiKeyAuth contains/);
    // Inner spaces can be sent; surrounding whitespace is trimmed.
    expect(() => new ApiKeyAuth(` ${SECRET} ${OTHER}\n`)).not.toThrow();
  });
});

describe('resolveApiKeyAuth', () => {
  it('uses the provider env_key variable first (beats CODEX_API_KEY and auth.json)', async () => {
    await writeAuth({ auth_mode: 'apikey', OPENAI_API_KEY: OTHER });
    const auth = await resolveApiKeyAuth({
      codexHome: home,
      envKey: 'MY_PROVIDER_API_KEY',
      env: { MY_PROVIDER_API_KEY: SECRET, CODEX_API_KEY: OTHER },
      useCodexApiKeyEnv: true,
    });
    expect(auth.source).toBe('provider_env_key');
    expect(auth.envVar).toBe('MY_PROVIDER_API_KEY');
    expect(await auth.authHeaders()).toEqual({ authorization: `Bearer ${SECRET}` });
  });

  it('fails on a missing env_key variable with the exact message plus instructions', async () => {
    await writeAuth({ OPENAI_API_KEY: OTHER });
    const error = await rejection(
      resolveApiKeyAuth({
        codexHome: home,
        envKey: 'MY_PROVIDER_API_KEY',
        envKeyInstructions: 'Create a key at https://example.test/keys.',
        env: { CODEX_API_KEY: OTHER },
        useCodexApiKeyEnv: true,
        allowMissing: true,
      }),
    );
    expect(LoginError.isInstance(error)).toBe(true);
    expect((error as LoginError).code).toBe('missing_env_var');
    expect((error as LoginError).envVar).toBe('MY_PROVIDER_API_KEY');
    expect(error.message).toBe(
      'Missing environment variable: `MY_PROVIDER_API_KEY`. Create a key at https://example.test/keys.',
    );
  });

  it('treats a blank env_key variable as missing', async () => {
    const error = await rejection(
      resolveApiKeyAuth({ codexHome: home, envKey: 'MY_KEY', env: { MY_KEY: '  \t' } }),
    );
    expect(error.message).toBe('Missing environment variable: `MY_KEY`.');
  });

  it('uses experimental_bearer_token when there is no env_key', async () => {
    const auth = await resolveApiKeyAuth({ codexHome: home, experimentalBearerToken: SECRET, env: {} });
    expect(auth.source).toBe('experimental_bearer_token');
    expect(await auth.authHeaders()).toEqual({ authorization: `Bearer ${SECRET}` });
  });

  it('reads CODEX_API_KEY only when enabled, and it beats auth.json', async () => {
    await writeAuth({ auth_mode: 'apikey', OPENAI_API_KEY: OTHER });
    const enabled = await resolveApiKeyAuth({
      codexHome: home,
      env: { CODEX_API_KEY: SECRET },
      useCodexApiKeyEnv: true,
    });
    expect(enabled.source).toBe('codex_api_key_env');
    expect(await enabled.authHeaders()).toEqual({ authorization: `Bearer ${SECRET}` });

    const disabled = await resolveApiKeyAuth({ codexHome: home, env: { CODEX_API_KEY: SECRET } });
    expect(disabled.source).toBe('auth_file');
    expect(await disabled.authHeaders()).toEqual({ authorization: `Bearer ${OTHER}` });

    const blank = await resolveApiKeyAuth({
      codexHome: home,
      env: { CODEX_API_KEY: ' ' },
      useCodexApiKeyEnv: true,
    });
    expect(blank.source).toBe('auth_file');
  });

  it('uses auth.json in API-key mode (explicit or inferred) and ignores OPENAI_API_KEY in env', async () => {
    await writeAuth({ auth_mode: 'apikey', OPENAI_API_KEY: SECRET });
    const explicit = await resolveApiKeyAuth({ codexHome: home, env: { OPENAI_API_KEY: OTHER } });
    expect(explicit.source).toBe('auth_file');
    expect(await explicit.authHeaders()).toEqual({ authorization: `Bearer ${SECRET}` });

    await writeAuth({ OPENAI_API_KEY: SECRET });
    const inferred = await resolveApiKeyAuth({ codexHome: home, env: {} });
    expect(await inferred.authHeaders()).toEqual({ authorization: `Bearer ${SECRET}` });
  });

  it('fails with invalid_api_key naming the variable or auth.json for a key that cannot be sent', async () => {
    let error = await rejection(
      resolveApiKeyAuth({ codexHome: home, envKey: 'MY_KEY', env: { MY_KEY: `${SECRET}\u20ac` } }),
    );
    expect([(error as LoginError).code, (error as LoginError).envVar]).toEqual(['invalid_api_key', 'MY_KEY']);
    expect(error.message).toMatch(/^The API key in environment variable `MY_KEY` contains a non-ASCII/);
    await writeAuth({ auth_mode: 'apikey', OPENAI_API_KEY: `${SECRET}\nx` });
    error = await rejection(resolveApiKeyAuth({ codexHome: home, env: {} }));
    expect((error as LoginError).code).toBe('invalid_api_key');
    expect(error.message).toMatch(
      new RegExp(`^The API key \\(\`OPENAI_API_KEY\`\\) in ${join(home, 'auth.json')} contains a line break`),
    );
    expectNoSecrets(error.message);
  });

  it('explains how to provide a key when there is none, without secrets', async () => {
    let error = await rejection(resolveApiKeyAuth({ codexHome: home, env: { OPENAI_API_KEY: OTHER } }));
    expect((error as LoginError).code).toBe('no_credentials');
    expect(error.message).toContain('No API key found');
    expect(error.message).toContain('env_key');
    expect(error.message).toContain(join(home, 'auth.json'));
    expect(error.message).not.toContain('CODEX_API_KEY');
    expectNoSecrets(error.message);

    await writeAuth({ auth_mode: 'apikey', OPENAI_API_KEY: '   ' });
    error = await rejection(resolveApiKeyAuth({ codexHome: home, env: {}, useCodexApiKeyEnv: true }));
    expect((error as LoginError).code).toBe('no_credentials');
    expect(error.message).toContain('`CODEX_API_KEY`');

    expect(await resolveApiKeyAuth({ codexHome: home, env: {}, allowMissing: true })).toBeUndefined();
  });

  it('refuses ChatGPT credentials clearly, unless forced_login_method = "api" picks the stored key', async () => {
    const tokens = { id_token: 'a.b.c', access_token: OTHER, refresh_token: OTHER };
    await writeAuth({ OPENAI_API_KEY: null, tokens });
    let error = await rejection(resolveApiKeyAuth({ codexHome: home, env: {} }));
    expect((error as LoginError).code).toBe('unsupported_auth_mode');
    expect(error.message).toContain('`chatgpt`');
    expectNoSecrets(error.message);

    await writeAuth({ auth_mode: 'chatgpt', OPENAI_API_KEY: SECRET, tokens });
    error = await rejection(resolveApiKeyAuth({ codexHome: home, env: {} }));
    expect((error as LoginError).code).toBe('unsupported_auth_mode');
    expectNoSecrets(error.message);

    const forced = await resolveApiKeyAuth({ codexHome: home, env: {}, forcedLoginMethod: 'api' });
    expect(await forced.authHeaders()).toEqual({ authorization: `Bearer ${SECRET}` });

    await writeAuth({ auth_mode: 'apikey', OPENAI_API_KEY: SECRET });
    error = await rejection(resolveApiKeyAuth({ codexHome: home, env: {}, forcedLoginMethod: 'chatgpt' }));
    expect((error as LoginError).code).toBe('unsupported_auth_mode');
    expect(error.message).toContain('forced_login_method');
    expectNoSecrets(error.message);
  });

  it('surfaces a corrupt auth.json as AuthFileError without its contents', async () => {
    await writeFile(join(home, 'auth.json'), `{"OPENAI_API_KEY": "${SECRET}"`);
    const error = await rejection(resolveApiKeyAuth({ codexHome: home, env: {} }));
    expect(AuthFileError.isInstance(error)).toBe(true);
    expect((error as AuthFileError).code).toBe('invalid_json');
    expectNoSecrets(error.message);
  });

  it('does not read auth.json when a provider key is available', async () => {
    await writeFile(join(home, 'auth.json'), 'not json at all');
    const auth = await resolveApiKeyAuth({ codexHome: home, envKey: 'K', env: { K: SECRET } });
    expect(auth.source).toBe('provider_env_key');
  });
});
