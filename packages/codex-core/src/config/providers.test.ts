import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';
import {
  builtInModelProviders,
  modelProviderInfoFromToml,
  providerHeaders,
  resolveModelProvider,
} from './providers.js';

const VERSION = '0.1.0-test';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'codex-core-providers-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function resolveFrom(toml: string, env: NodeJS.ProcessEnv = {}, overrides: string[] = []) {
  await writeFile(join(home, 'config.toml'), toml);
  const config = await loadConfig({ codexHome: home, env, overrides });
  return resolveModelProvider(config, { env, version: VERSION });
}

describe('built-in openai provider', () => {
  it('targets api.openai.com with version + org/project headers, WebSocket and the retry policy', async () => {
    const resolved = await resolveFrom('', { OPENAI_ORGANIZATION: 'org-1', OPENAI_PROJECT: 'proj-1' });
    expect(resolved.id).toBe('openai');
    expect(resolved.supportsWebsockets).toBe(true);
    expect(resolved.streamMaxRetries).toBe(5);
    expect(resolved.info.requiresOpenaiAuth).toBe(true);
    expect(resolved.provider).toEqual({
      name: 'OpenAI',
      baseUrl: 'https://api.openai.com/v1',
      queryParams: undefined,
      headers: { version: VERSION, 'OpenAI-Organization': 'org-1', 'OpenAI-Project': 'proj-1' },
      retry: {
        maxAttempts: 4,
        baseDelayMs: 200,
        retryOn: { retry429: false, retry5xx: true, retryTransport: true },
      },
      streamIdleTimeoutMs: 300_000,
      websocketConnectTimeoutMs: 15_000,
    });
  });

  it('uses openai_base_url, and skips unset or blank org/project variables', async () => {
    const resolved = await resolveFrom('openai_base_url = "http://127.0.0.1:4321/v1"\n', {
      OPENAI_ORGANIZATION: '   ',
    });
    expect(resolved.provider.baseUrl).toBe('http://127.0.0.1:4321/v1');
    expect(resolved.provider.headers).toEqual({ version: VERSION });
  });

  it('targets the ChatGPT backend without a base URL when auth is ChatGPT-style', async () => {
    await writeFile(join(home, 'config.toml'), '');
    const config = await loadConfig({ codexHome: home, env: {} });
    const resolved = resolveModelProvider(config, { env: {}, version: VERSION, chatgptAuth: true });
    expect(resolved.provider.baseUrl).toBe('https://chatgpt.com/backend-api/codex');
    expect(resolved.usesCodexBackend).toBe(true);
  });

  it('lets openai_base_url move the ChatGPT backend; chatgpt_base_url does not', async () => {
    await writeFile(
      join(home, 'config.toml'),
      'openai_base_url = "https://127.0.0.1:9/backend-api/codex"\nchatgpt_base_url = "https://127.0.0.1:9/backend-api/"\n',
    );
    const config = await loadConfig({ codexHome: home, env: {} });
    const chatgpt = resolveModelProvider(config, { env: {}, version: VERSION, chatgptAuth: true });
    expect(chatgpt.provider.baseUrl).toBe('https://127.0.0.1:9/backend-api/codex');
    expect(chatgpt.usesCodexBackend).toBe(true);
    const apiKey = resolveModelProvider(config, { env: {}, version: VERSION });
    expect(apiKey.usesCodexBackend).toBe(false);
  });

  it('never uses the Codex backend for a provider without OpenAI login', async () => {
    await writeFile(join(home, 'config.toml'), '[model_providers.p]\nbase_url = "http://x/v1"\n');
    const config = await loadConfig({ codexHome: home, env: {}, overrides: [] });
    const resolved = resolveModelProvider(
      { ...config, modelProvider: 'p' },
      { env: {}, version: VERSION, chatgptAuth: true },
    );
    expect(resolved.usesCodexBackend).toBe(false);
    expect(resolved.provider.baseUrl).toBe('http://x/v1');
  });
});

describe('oss built-ins', () => {
  it('default to localhost ports and honour CODEX_OSS_PORT / CODEX_OSS_BASE_URL', () => {
    let providers = builtInModelProviders({ version: VERSION, env: {} });
    expect(providers.ollama?.baseUrl).toBe('http://localhost:11434/v1');
    expect(providers.lmstudio?.baseUrl).toBe('http://localhost:1234/v1');
    expect(providers.ollama).toMatchObject({ requiresOpenaiAuth: false, supportsWebsockets: false });
    providers = builtInModelProviders({ version: VERSION, env: { CODEX_OSS_PORT: '9999' } });
    expect(providers.lmstudio?.baseUrl).toBe('http://localhost:9999/v1');
    providers = builtInModelProviders({
      version: VERSION,
      env: { CODEX_OSS_PORT: 'x', CODEX_OSS_BASE_URL: ' ' },
    });
    expect(providers.ollama?.baseUrl).toBe('http://localhost:11434/v1');
    providers = builtInModelProviders({ version: VERSION, env: { CODEX_OSS_BASE_URL: 'http://gpu:1/v1' } });
    expect(providers.ollama?.baseUrl).toBe('http://gpu:1/v1');
  });

  it('resolve with model_provider = "ollama"', async () => {
    const resolved = await resolveFrom('model_provider = "ollama"\n');
    expect(resolved.provider).toMatchObject({
      name: 'gpt-oss',
      baseUrl: 'http://localhost:11434/v1',
      headers: {},
    });
  });
});

describe('custom providers', () => {
  const toml = `
model_provider = "my"
[model_providers.my]
name = "My Provider"
base_url = "http://127.0.0.1:4321/v1"
env_key = "MY_KEY"
request_max_retries = 2
stream_max_retries = 300
stream_idle_timeout_ms = 1234
websocket_connect_timeout_ms = 567
supports_websockets = true
query_params = { api-version = "2025-04-01-preview", b = "x y" }
http_headers = { "X-Static" = "s", "Bad Name" = "v", "X-Bad-Value" = "a\\nb" }
env_http_headers = { "X-Env-Set" = "SET_VAR", "X-Env-Blank" = "BLANK_VAR", "X-Env-Unset" = "UNSET_VAR" }
`;

  it('maps every key into the api Provider', async () => {
    const resolved = await resolveFrom(toml, { SET_VAR: 'from-env', BLANK_VAR: ' \t ' });
    expect(resolved.id).toBe('my');
    expect(resolved.supportsWebsockets).toBe(true);
    expect(resolved.streamMaxRetries).toBe(100);
    expect(resolved.info.envKey).toBe('MY_KEY');
    expect(resolved.provider).toEqual({
      name: 'My Provider',
      baseUrl: 'http://127.0.0.1:4321/v1',
      queryParams: { 'api-version': '2025-04-01-preview', b: 'x y' },
      headers: { 'X-Static': 's', 'X-Env-Set': 'from-env' },
      retry: {
        maxAttempts: 2,
        baseDelayMs: 200,
        retryOn: { retry429: false, retry5xx: true, retryTransport: true },
      },
      streamIdleTimeoutMs: 1234,
      websocketConnectTimeoutMs: 567,
    });
    expect(Object.keys(resolved.provider.headers)).toEqual(['X-Static', 'X-Env-Set']);
  });

  it('defaults a missing base_url to api.openai.com', async () => {
    const resolved = await resolveFrom('model_provider = "p"\n[model_providers.p]\nenv_key = "K"\n');
    expect(resolved.provider.baseUrl).toBe('https://api.openai.com/v1');
    expect(resolved.supportsWebsockets).toBe(false);
    expect(resolved.provider.name).toBe('');
  });

  it('resolves a provider with command auth (defaults applied) and refuses AWS auth', async () => {
    await writeFile(
      join(home, 'config.toml'),
      'model_provider = "cmd"\n[model_providers.cmd]\nbase_url = "http://127.0.0.1:9/v1"\n' +
        '[model_providers.cmd.auth]\ncommand = "print-token"\n' +
        '[model_providers.rel.auth]\ncommand = "./mint"\nargs = ["-v"]\ntimeout_ms = 500\nrefresh_interval_ms = 0\ncwd = "tools"\n' +
        '[model_providers.aws]\n[model_providers.aws.aws]\n',
    );
    const config = await loadConfig({ codexHome: home, env: {} });
    const resolved = resolveModelProvider(config, { env: {}, version: VERSION });
    expect(resolved.info.commandAuth).toEqual({
      command: 'print-token',
      args: [],
      timeoutMs: 5000,
      refreshIntervalMs: 300000,
      cwd: undefined,
    });
    expect(resolved.provider.baseUrl).toBe('http://127.0.0.1:9/v1');
    expect(config.modelProviders.rel?.commandAuth).toEqual({
      command: './mint',
      args: ['-v'],
      timeoutMs: 500,
      refreshIntervalMs: 0,
      cwd: join(home, 'tools'),
    });
    let error: unknown;
    try {
      resolveModelProvider({ ...config, modelProvider: 'aws' }, { env: {}, version: VERSION });
    } catch (e) {
      error = e;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).code).toBe('unsupported');
    expect((error as ConfigError).keyPath).toBe('model_providers.aws.aws');
  });

  it('throws unknown_provider for a hand-built selection naming nothing', () => {
    expect(() =>
      resolveModelProvider({ modelProvider: 'ghost', modelProviders: {} }, { env: {}, version: VERSION }),
    ).toThrow(/unknown model provider `ghost`/);
  });
});

describe('providerHeaders', () => {
  it('lets env headers replace static ones case-insensitively and keeps values verbatim', () => {
    const info = {
      ...modelProviderInfoFromToml({}),
      httpHeaders: { 'x-a': 'static', 'X-B': ' spaced ' },
      envHttpHeaders: { 'X-A': 'A_VAR' },
    };
    expect(providerHeaders(info, { A_VAR: 'env' })).toEqual({ 'X-A': 'env', 'X-B': ' spaced ' });
  });

  it('drops values the HTTP client cannot send instead of failing every request', () => {
    const info = {
      ...modelProviderInfoFromToml({}),
      httpHeaders: { 'x-euro': 'a\u20ac', 'x-latin1': 'caf\u00e9', 'x-tab': 'a\tb', 'x-bell': 'a\u0007' },
      envHttpHeaders: { 'OpenAI-Project': 'PROJECT', 'x-nl': 'NL' },
    };
    expect(providerHeaders(info, { PROJECT: 'proj\u2013x', NL: 'a\nb' })).toEqual({
      'x-latin1': 'caf\u00e9',
      'x-tab': 'a\tb',
    });
  });
});
