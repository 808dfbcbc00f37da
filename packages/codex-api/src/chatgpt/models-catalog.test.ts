// The models catalog over real HTTPS to the local Codex backend (observed-cli-auth §7).
import { modelsCatalog } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { staticBearerAuth } from '../auth/auth-provider.js';
import { ApiError } from '../errors/api-error.js';
import { useChatgptServer } from '../test/index.js';
import { ModelsCatalogClient, ModelsCatalogError, parseModelsEtag } from './models-catalog.js';

const server = await useChatgptServer();

const CANARY = 'at-canary-models-1';
const UA = 'codex_exec/0.169.0 (Debian 12.0.0; x86_64) xterm';

function client(baseUrl = server.codexBaseUrl, trustCa = true) {
  const ca = trustCa ? server.caCert : undefined;
  const auth = staticBearerAuth(CANARY);
  return new ModelsCatalogClient({
    baseUrl,
    clientVersion: '0.169.0',
    auth: { authHeaders: async () => ({ ...(await auth.authHeaders()), 'chatgpt-account-id': 'acct-1' }) },
    originator: 'codex_exec',
    userAgent: UA,
    timeoutMs: 2_000,
    ...(ca === undefined ? {} : { ca }),
  });
}

async function failure(promise: Promise<unknown>): Promise<ModelsCatalogError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ModelsCatalogError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const gpt55 = {
  slug: 'gpt-5.5',
  display_name: 'GPT-5.5',
  description: 'Frontier',
  default_reasoning_level: 'medium',
  supported_reasoning_levels: [{ effort: 'low', description: 'Fast' }],
  shell_type: 'shell_command',
  visibility: 'list',
  supported_in_api: true,
  priority: 1,
  upgrade: null,
  base_instructions: 'You are Codex.',
  supports_reasoning_summaries: true,
  support_verbosity: true,
  default_verbosity: 'low',
  apply_patch_tool_type: 'freeform',
  truncation_policy: { mode: 'tokens', limit: 10_000 },
  supports_parallel_tool_calls: true,
  context_window: 272_000,
  experimental_supported_tools: [],
  input_modalities: ['text', 'image'],
  prefer_websockets: true,
};

describe('ModelsCatalogClient.fetch', () => {
  it('sends the observed request and returns the typed entries (unknown fields kept) and the etag', async () => {
    server.setChatgptScenario({ models: { replies: [modelsCatalog([gpt55], '"models-etag-1"')] } });
    const c = client();
    const catalog = await c.fetch();
    await c.close();
    expect(catalog.etag).toBe('"models-etag-1"');
    expect(catalog.models).toEqual([gpt55]);
    const [recorded] = server.requests;
    expect(recorded).toMatchObject({ method: 'GET', route: 'models' });
    expect(recorded!.url).toMatch(/\/backend-api\/codex\/models\?client_version=0\.169\.0$/);
    expect(recorded!.headers.at(-1)?.[0]).toBe('host');
    expect(recorded!.headers.slice(0, -1)).toEqual([
      ['version', '0.169.0'],
      ['authorization', `Bearer ${CANARY}`],
      ['chatgpt-account-id', 'acct-1'],
      ['originator', 'codex_exec'],
      ['user-agent', UA],
      ['accept', '*/*'],
    ]);
    expect(recorded!.headerMap['if-none-match']).toBeUndefined();
    expect(recorded!.headerMap['content-encoding']).toBeUndefined();
  });

  it('accepts {"models":[]} without an etag', async () => {
    server.setChatgptScenario({ models: { replies: [modelsCatalog([])] } });
    const c = client();
    expect(await c.fetch()).toEqual({ models: [], etag: undefined });
    await c.close();
  });

  it.each([
    [{ status: 401, body: `bad token ${CANARY}` }, 'unauthorized', 401, false],
    [{ status: 503, body: 'busy' }, 'unexpected_status', 503, true],
    [{ status: 404, body: {} }, 'unexpected_status', 404, false],
    [{ body: 'not json' }, 'invalid_response', undefined, false],
    [{ body: { models: [{ display_name: 'no slug' }] } }, 'invalid_response', undefined, false],
  ])('%j → %s', async (reply, code, status, retryable) => {
    server.setChatgptScenario({ models: { replies: [reply as never] } });
    const c = client();
    const error = await failure(c.fetch());
    await c.close();
    expect([error.code, error.status, error.retryable]).toEqual([code, status, retryable]);
    const everything = JSON.stringify({ message: error.message, cause: error.cause }, (_k, v) =>
      v instanceof Error ? { ...v, message: v.message } : v,
    );
    expect(everything).not.toContain(CANARY);
  });

  it('passes an ApiError of authHeaders() through and maps any other rejection to auth', async () => {
    const refresh = new ApiError('refresh_token_failed', 'Your access token could not be refreshed.');
    const base = { baseUrl: server.codexBaseUrl, clientVersion: '0.169.0', originator: 'o', userAgent: 'u' };
    const failing = (error: unknown) =>
      new ModelsCatalogClient({ ...base, auth: { authHeaders: () => Promise.reject(error) } }).fetch();
    await expect(failing(refresh)).rejects.toBe(refresh);
    await expect(failing(new Error('no tokens in auth.json'))).rejects.toMatchObject({
      code: 'auth',
      message: 'could not get credentials: no tokens in auth.json',
    });
    expect(server.requests).toHaveLength(0);
  });

  it('fails with connection_failed without the CA', async () => {
    const c = client(server.codexBaseUrl, false);
    const error = await failure(c.fetch());
    await c.close();
    expect([error.code, error.retryable]).toEqual(['connection_failed', true]);
  });
});

describe('parseModelsEtag', () => {
  it('reads x-models-etag, trimmed; blank or absent is undefined', () => {
    expect(parseModelsEtag({ 'x-models-etag': ' "models-etag-2" ' })).toBe('"models-etag-2"');
    expect(parseModelsEtag({ 'x-models-etag': '  ' })).toBeUndefined();
    expect(parseModelsEtag({})).toBeUndefined();
  });
});
