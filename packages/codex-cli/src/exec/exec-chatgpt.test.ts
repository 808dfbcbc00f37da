// `codex-ts exec --json` signed in with ChatGPT (observed-cli-0.169-auth §1–§7): the built binary
// against an HTTPS/wss local backend trusted through CODEX_CA_CERTIFICATE. What is sent, in which
// order, with which headers, the zstd body, the printed lines and auth.json afterwards.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHATGPT_HTTP_HEADER_ORDER,
  CHATGPT_WS_HANDSHAKE_HEADER_ORDER,
  HTTP_BODY_KEY_ORDER,
  keysWithout,
} from '@codex-ts/api/test';
import { accountsCheck, modelsCatalog } from '@codex-ts/responses-server';
import { decompress } from 'fzstd';
import { describe, expect, it } from 'vitest';
import { chatgptHomes, VALID_TOKEN } from '../test-support/chatgpt-home.js';
import { HELLO_TURN_LINES, helloTurn } from '../test-support/hello-turn.js';
import { runCli } from '../test-support/run-cli.js';

const newHome = chatgptHomes();

/**
 * Header names in wire order before the transport's own: those come last, `host` then
 * `content-length` (with a body), and there is no `connection` (observed-cli-0.169.md §3).
 */
const names = (headers: [string, string][]) => {
  const all = headers.map(([n]) => n.toLowerCase());
  expect(all).not.toContain('connection');
  const host = all.indexOf('host');
  expect(all.slice(host)).toEqual(all.includes('content-length') ? ['host', 'content-length'] : ['host']);
  return all.slice(0, host);
};

const MODELS = '/backend-api/codex/models';
const DISCOVERY = '/backend-api/wham/accounts/check';
const RESPONSES = '/backend-api/codex/responses';

describe('codex-ts exec --json with a ChatGPT auth.json', () => {
  it('HTTP: models, discovery, prewarm upgrade (426), one zstd POST with the observed headers; auth.json untouched', async () => {
    const h = await newHome({
      server: {
        scenario: { steps: [{ kind: 'sse', events: helloTurn() }] },
        wsScenario: { handshakes: [{ kind: 'reject', status: 426 }], responses: [] },
      },
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.stderr).not.toContain('ERROR');
    expect(r.code).toBe(0);
    expect(r.lines.slice(1)).toEqual(HELLO_TURN_LINES);
    expect(h.trace()).toEqual([`GET ${MODELS}`, `GET ${DISCOVERY}`, 'UPGRADE 426', `POST ${RESPONSES}`]);

    const [models, discovery, post] = h.server.requests;
    const bearer = `Bearer ${VALID_TOKEN}`;
    const ua = /^codex_exec\/\d+\.\d+\.\d+ \(.+; .+\) xterm$/;
    expect(models!.url).toMatch(/\/models\?client_version=\d+\.\d+\.\d+$/);
    expect(names(models!.headers)).toEqual([
      'version',
      'authorization',
      'chatgpt-account-id',
      'originator',
      'user-agent',
      'accept',
    ]);
    expect(models!.headerMap['user-agent']).toMatch(ua);
    expect(names(discovery!.headers)).toEqual([
      'user-agent',
      'authorization',
      'chatgpt-account-id',
      'accept',
    ]);
    expect(discovery!.headerMap).toMatchObject({
      authorization: bearer,
      'chatgpt-account-id': 'acct-fake-0000',
    });
    expect(discovery!.headerMap['user-agent']).toMatch(ua);
    expect(discovery!.headerMap).not.toHaveProperty('originator');

    const thread = (JSON.parse(r.lines[0]!) as { thread_id: string }).thread_id;
    expect(names(post!.headers)).toEqual(
      keysWithout(CHATGPT_HTTP_HEADER_ORDER, 'x-openai-account-routing-override'),
    );
    expect(post!.headerMap).toMatchObject({
      'content-encoding': 'zstd',
      'x-codex-routing-hint': 'model=gpt-5.5',
      'x-codex-window-id': `${thread}:0`,
      authorization: bearer,
      'chatgpt-account-id': 'acct-fake-0000',
      originator: 'codex_exec',
    });
    // zstd frame magic; the decoded body is the JSON.
    expect(post!.bodyBytes.subarray(0, 4)).toEqual(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
    expect(Number(post!.headerMap['content-length'])).toBe(post!.bodyBytes.length);
    // What the client serialized: the decoded frame is the JSON body, nothing else.
    const body = JSON.parse(Buffer.from(decompress(post!.bodyBytes)).toString('utf8')) as Record<
      string,
      unknown
    >;
    // The test server undoes the encoding too (fzstd on Node 20).
    expect(post!.json).toEqual(body);
    expect(Object.keys(body)).toEqual(
      keysWithout(HTTP_BODY_KEY_ORDER, 'instructions', 'stream_options', 'service_tier'),
    );
    expect(body.client_metadata).toMatchObject({ guardian_credits_requested: 'true' });
    const input = body.input as {
      internal_chat_message_metadata_passthrough?: { content_item_kinds: string[] };
    }[];
    expect(input.map((i) => i.internal_chat_message_metadata_passthrough?.content_item_kinds)).toEqual([
      ['model.base_instructions'],
      ['environments.environment_context'],
      ['user.text'],
    ]);

    expect(h.readAuth()).toBe(h.authBefore);
    const cache = JSON.parse(readFileSync(join(h.home, 'models_cache.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(cache).toMatchObject({ models: [] });
  });

  it('WebSocket: the prewarm upgrade carries the ChatGPT headers and the routing override; frames are plain JSON', async () => {
    const h = await newHome({
      chatgpt: {
        accountsCheck: { replies: [accountsCheck({ id: 'acct-fake-0000', accountRoutingOverride: 'us' })] },
        models: { replies: [modelsCatalog([])], repeatLast: true },
      },
      server: { wsScenario: { responses: [{ events: helloTurn() }] } },
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.code).toBe(0);
    expect(r.lines.slice(1)).toEqual(HELLO_TURN_LINES);
    expect(h.trace()).toEqual([`GET ${MODELS}`, `GET ${DISCOVERY}`, 'UPGRADE 101']);
    const hs = h.server.handshakes[0]!;
    const names = hs.headers.map(([n]) => n.toLowerCase());
    const after = names.slice(names.indexOf('chatgpt-account-id'));
    expect(after).toEqual([...CHATGPT_WS_HANDSHAKE_HEADER_ORDER, 'sec-websocket-extensions']);
    expect(hs.headerMap).toMatchObject({
      'x-openai-account-routing-override': 'us',
      authorization: `Bearer ${VALID_TOKEN}`,
      'x-codex-routing-hint': 'model=gpt-5.5',
    });
    const frames = h.server.wsFrames;
    expect(frames).toHaveLength(2);
    expect(frames.every((f) => !f.binary && f.json !== undefined)).toBe(true);
    expect((frames[1]!.json as { client_metadata: Record<string, string> }).client_metadata).toMatchObject({
      guardian_credits_requested: 'true',
    });
  });

  it('HTTP: a `us` routing answer adds x-openai-account-routing-override to the POST, after version', async () => {
    const h = await newHome({
      chatgpt: {
        accountsCheck: {
          replies: [accountsCheck({ id: 'acct-fake-0000', accountRoutingOverride: 'us_cr' })],
        },
        models: { replies: [modelsCatalog([])], repeatLast: true },
      },
      server: {
        scenario: { steps: [{ kind: 'sse', events: helloTurn() }] },
        wsScenario: { handshakes: [{ kind: 'reject', status: 426 }], responses: [] },
      },
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.code).toBe(0);
    const post = h.server.requests.find((q) => q.path === RESPONSES)!;
    const pairs = post.headers;
    expect(pairs.slice(0, 2).map(([n, v]) => `${n.toLowerCase()}: ${v}`)).toEqual([
      expect.stringMatching(/^version: /),
      'x-openai-account-routing-override: us_cr',
    ]);
    expect(h.server.handshakes[0]!.headerMap['x-openai-account-routing-override']).toBe('us_cr');
  });

  it('refetches the models catalog when a response announces another x-models-etag', async () => {
    const h = await newHome({
      chatgpt: {
        accountsCheck: { replies: [accountsCheck({ id: 'acct-fake-0000' })], repeatLast: true },
        models: {
          replies: [modelsCatalog([], '"models-etag-1"'), modelsCatalog([], '"models-etag-2"')],
          repeatLast: true,
        },
      },
      server: {
        scenario: {
          steps: [{ kind: 'sse', headers: { 'x-models-etag': '"models-etag-2"' }, events: helloTurn() }],
        },
        wsScenario: { handshakes: [{ kind: 'reject', status: 426 }], responses: [] },
      },
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.code).toBe(0);
    expect(r.lines.slice(1)).toEqual(HELLO_TURN_LINES);
    expect(h.trace()).toEqual([
      `GET ${MODELS}`,
      `GET ${DISCOVERY}`,
      'UPGRADE 426',
      `POST ${RESPONSES}`,
      `GET ${MODELS}`,
    ]);
    const models = h.server.requests.filter((q) => q.path === MODELS);
    // The first fetch of the run without the user agent's suffix, the refetch with it.
    expect(models[0]!.headerMap['user-agent']).not.toContain('(codex_exec;');
    expect(models[1]!.headerMap['user-agent']).toMatch(/\(codex_exec; \d+\.\d+\.\d+\)$/);
    const cache = JSON.parse(readFileSync(join(h.home, 'models_cache.json'), 'utf8')) as { etag: string };
    expect(cache.etag).toBe('"models-etag-2"');
  });

  it('a corrupt auth.json: names the file on stderr, exit 1, no request, the file untouched', async () => {
    const h = await newHome({ auth: '{"auth_mode":"chatgpt","tokens":' });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(join(h.home, 'auth.json'));
    expect(h.server.requests).toHaveLength(0);
    expect(h.readAuth()).toBe(h.authBefore);
  });

  it('login restrictions: another workspace is logged out with the original text, exit 1', async () => {
    const h = await newHome({ config: 'forced_chatgpt_workspace_id = "ws-other"' });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'Login is restricted to workspace(s) ws-other, but current credentials belong to acct-fake-0000. Logging out.',
    );
    expect(h.server.requests).toHaveLength(0);
    expect(existsSync(join(h.home, 'auth.json'))).toBe(false);
  });
});
