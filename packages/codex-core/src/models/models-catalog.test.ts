// The models catalog against the local responses server's `/models` route over 127.0.0.1: the
// cache file as 0.169.0 writes it, reuse of a fresh cache, and the refetch when a response
// announces another `x-models-etag` (observed-cli-0.169-auth §7).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '@codex-ts/client/test';
import {
  modelsCatalog,
  type ResponsesServer,
  startResponsesServer,
  textTurn,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harness, testConversation } from '../test/index.js';
import { modelsCacheIdentity, rfc3339Nanos } from './models-cache.js';
import { ModelsCatalog, type ModelsCatalogOptions } from './models-catalog.js';

const VERSION = '0.169.0';
const IDENTITY = modelsCacheIdentity('acct-fake-0000');
const MODEL = { slug: 'gpt-5.5', display_name: 'GPT-5.5', priority: 1, shell_type: 'shell_command' };

let home: string;
let server: ResponsesServer;
const closers: (() => Promise<void>)[] = [];
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'codex-core-models-'));
  server = await startResponsesServer({ scenario: { steps: [] } });
});
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await server.close();
  await rm(home, { recursive: true, force: true });
});

/** The api helper's job, done here with fetch: `GET {codexBaseUrl}/models?client_version=…`. */
function fetchModels(base: string) {
  return async (signal?: AbortSignal) => {
    const res = await fetch(`${base}/models?client_version=${VERSION}`, signal ? { signal } : {});
    if (!res.ok) throw new Error(`models: ${res.status}`);
    const body = (await res.json()) as { models: unknown[] };
    const etag = res.headers.get('etag') ?? undefined;
    return { models: body.models, ...(etag !== undefined ? { etag } : {}) };
  };
}

function catalog(overrides: Partial<ModelsCatalogOptions> = {}): ModelsCatalog {
  return new ModelsCatalog({
    codexHome: home,
    clientVersion: VERSION,
    identity: () => IDENTITY,
    fetch: fetchModels(server.codexBaseUrl),
    ...overrides,
  });
}

const modelsRequests = () => server.requests.filter((r) => r.route === 'models');

describe('ModelsCatalog', () => {
  it('fetches at start and writes models_cache.json in the observed format', async () => {
    server.setChatgptScenario({ models: { replies: [modelsCatalog([MODEL], '"models-etag-1"')] } });
    const c = catalog();
    await c.refreshAtStart();
    expect(modelsRequests()).toHaveLength(1);
    expect(modelsRequests()[0]!.url).toBe(`/backend-api/codex/models?client_version=${VERSION}`);
    expect(c.models).toEqual([MODEL]);
    expect(c.etag).toBe('"models-etag-1"');

    const text = await readFile(join(home, 'models_cache.json'), 'utf8');
    expect(text.endsWith('}')).toBe(true);
    const file = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(file)).toEqual(['fetched_at', 'etag', 'client_version', 'identity', 'models']);
    expect(file.fetched_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(file).toMatchObject({ etag: '"models-etag-1"', client_version: VERSION, models: [MODEL] });
    expect(file.identity).toMatch(/^[0-9a-f]{64}$/);
    expect(text).toBe(JSON.stringify(file, null, 2));
  });

  it('writes no etag key when the answer had none, and keeps unknown entry fields', async () => {
    server.setChatgptScenario({ models: { replies: [modelsCatalog([{ ...MODEL, extra: { a: 1 } }])] } });
    const c = catalog();
    await c.refreshAtStart();
    const file = JSON.parse(await readFile(c.path, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(file)).toEqual(['fetched_at', 'client_version', 'identity', 'models']);
    expect(file.models).toEqual([{ ...MODEL, extra: { a: 1 } }]);
  });

  it('reuses a fresh cache for the same version and identity, and refetches otherwise', async () => {
    server.setChatgptScenario({ models: { replies: [modelsCatalog([MODEL], '"e1"')], repeatLast: true } });
    const t0 = Date.now();
    await catalog({ now: () => t0 }).refreshAtStart();
    expect(modelsRequests()).toHaveLength(1);

    const fresh = catalog({ now: () => t0 + 299_000 });
    await fresh.refreshAtStart();
    expect(modelsRequests()).toHaveLength(1);
    expect(fresh.models).toEqual([MODEL]);
    expect(fresh.etag).toBe('"e1"');

    await catalog({ now: () => t0 + 301_000 }).refreshAtStart(); // stale
    await catalog({ identity: () => modelsCacheIdentity('acct-other') }).refreshAtStart(); // other account
    await catalog({ clientVersion: '0.170.0' }).refreshAtStart(); // other version
    expect(modelsRequests()).toHaveLength(4);
  });

  it('treats a corrupt cache as a miss and keeps the old catalog when a fetch fails', async () => {
    await writeFile(join(home, 'models_cache.json'), '{not json');
    server.setChatgptScenario({
      models: { replies: [modelsCatalog([MODEL], '"e1"'), { status: 500, body: 'boom' }] },
    });
    const errors: unknown[] = [];
    const c = catalog({ onError: (e) => errors.push(e) });
    await c.refreshAtStart();
    expect(c.models).toEqual([MODEL]);
    await c.refresh();
    expect(errors).toHaveLength(1);
    expect(c.models).toEqual([MODEL]);
    expect(c.etag).toBe('"e1"');
  });

  it('formats fetched_at with nanoseconds', () => {
    expect(rfc3339Nanos(Date.UTC(2026, 11, 3, 11, 0, 21, 55) + 0.25)).toBe('2026-12-03T11:00:21.055250000Z');
    expect(rfc3339Nanos(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00.000000000Z');
  });
});

describe('x-models-etag refetch through ModelClientSession', () => {
  it('refetches once, while the stream is still running, when the etag differs', async () => {
    let c: ModelsCatalog | undefined;
    const h = await harness(
      {
        steps: [
          {
            kind: 'sse',
            headers: { 'x-models-etag': '"models-etag-2"' },
            events: [
              ...textTurn({ responseId: 'resp_1', text: 'Hi.' }).slice(0, -1),
              { data: textTurn({ responseId: 'resp_1', text: 'Hi.' }).at(-1)!, delayMs: 300 },
            ],
          },
          {
            kind: 'sse',
            headers: { 'x-models-etag': '"models-etag-2"' },
            events: textTurn({ responseId: 'resp_2', text: 'Hi.' }),
          },
          {
            kind: 'sse',
            headers: { 'x-models-etag': '"models-etag-3"' },
            events: textTurn({ responseId: 'resp_3', text: 'Hi.' }),
          },
          {
            kind: 'sse',
            headers: { 'x-models-etag': '"models-etag-3"' },
            events: textTurn({ responseId: 'resp_4', text: 'Hi.' }),
          },
        ],
      },
      { client: { onModelsEtag: (etag) => c?.observeEtag(etag) } },
    );
    closers.push(h.close);
    h.server.setChatgptScenario({
      models: {
        replies: [modelsCatalog([MODEL], '"models-etag-1"'), modelsCatalog([MODEL], '"models-etag-2"')],
        repeatLast: true,
      },
    });
    c = catalog({ fetch: fetchModels(h.server.codexBaseUrl) });
    await c.refreshAtStart();
    const { conversation } = testConversation(h.client);
    let completedAt = 0;
    for await (const event of conversation.runTurn('Say hello.')) {
      if (event.type === 'turn.completed') completedAt = Date.now();
    }
    await c.whenIdle();
    const models = h.server.requests.filter((r) => r.route === 'models');
    expect(models).toHaveLength(2);
    expect(models[1]!.receivedAt).toBeLessThan(completedAt);
    expect(c.etag).toBe('"models-etag-2"');
    // The same etag again: no fetch.
    await collect(conversation.runTurn('Again.'));
    await c.whenIdle();
    expect(h.server.requests.filter((r) => r.route === 'models')).toHaveLength(2);
    // A new etag the catalog does not answer with: one fetch, not one per response.
    await collect(conversation.runTurn('Third.'));
    await c.whenIdle();
    await collect(conversation.runTurn('Fourth.'));
    await c.whenIdle();
    expect(h.server.requests.filter((r) => r.route === 'models')).toHaveLength(3);
    expect(c.etag).toBe('"models-etag-2"');
  });

  it('refetches on the etag of a WebSocket codex.response.metadata event', async () => {
    let c: ModelsCatalog | undefined;
    const h = await harness(
      { steps: [] },
      {
        client: { supportsWebsockets: true, onModelsEtag: (etag) => c?.observeEtag(etag) },
        ws: {
          responses: [
            {
              events: [
                { type: 'codex.response.metadata', headers: { 'x-models-etag': '"models-etag-2"' } },
                ...textTurn({ responseId: 'resp_1', text: 'Hi.' }),
              ],
            },
          ],
        },
      },
    );
    closers.push(h.close);
    h.server.setChatgptScenario({
      models: {
        replies: [modelsCatalog([MODEL], '"models-etag-1"'), modelsCatalog([MODEL], '"models-etag-2"')],
      },
    });
    c = catalog({ fetch: fetchModels(h.server.codexBaseUrl) });
    await c.refreshAtStart();
    const { conversation } = testConversation(h.client);
    expect((await collect(conversation.runTurn('Say hello.'))).at(-1)?.type).toBe('turn.completed');
    await c.whenIdle();
    expect(h.server.requests.filter((r) => r.route === 'models')).toHaveLength(2);
    expect(c.etag).toBe('"models-etag-2"');
  });
});
