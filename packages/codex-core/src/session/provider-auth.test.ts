// `[model_providers.<id>.auth]` end to end through openExecConversation and the turn loop
// (observed-cli-0.169-auth §10): config.toml → CommandTokenAuth → HTTP / WebSocket requests, the
// 401 rerun, the interval, a failing command (no authorization header, the logged error, the
// "Reconnecting..." notices and turn.failed), and a canary scan.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '@codex-ts/client/test';
import {
  modelsCatalog,
  openAiError,
  type ResponsesServer,
  type Step,
  startResponsesServer,
  textTurn,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TurnEvent } from '../turn/events.js';
import { openExecConversation } from './open-exec.js';

let server: ResponsesServer;
let home: string;

beforeEach(async () => {
  server = await startResponsesServer();
  home = await mkdtemp(join(tmpdir(), 'codex-ts-core-cmdtok-'));
  await writeFile(
    join(home, 'mint.sh'),
    [
      '#!/bin/sh',
      'n=$(cat "$(dirname "$0")/count" 2>/dev/null || echo 0)',
      'n=$((n+1))',
      'echo "$n" > "$(dirname "$0")/count"',
      'pwd > "$(dirname "$0")/cwd"',
      'if [ -n "$MINT_FAIL" ]; then echo "token service unavailable" >&2; exit 3; fi',
      'echo "cmd-token-canary-$n"',
      '',
    ].join('\n'),
  );
  await chmod(join(home, 'mint.sh'), 0o755);
});
afterEach(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});

const token = (n: number) => `cmd-token-canary-${n}`;
const FAILED = 'provider auth command `/bin/sh` exited with status exit status: 3: token service unavailable';
const ok = (id = 'resp_1'): Step => ({ kind: 'sse', events: textTurn({ responseId: id, text: 'hi' }) });
const unauthorized = (message = 'Unauthorized'): Step => ({
  kind: 'error',
  status: 401,
  body: openAiError('invalid_request_error', 'invalid_api_key', message),
});

async function open(extra: string[] = [], env: Record<string, string> = {}) {
  await writeFile(
    join(home, 'config.toml'),
    [
      'model = "gpt-5.5"',
      'model_provider = "myprovider"',
      '[model_providers.myprovider]',
      `base_url = "${server.url}"`,
      ...extra.filter((line) => !line.startsWith('auth.')),
      '[model_providers.myprovider.auth]',
      'command = "/bin/sh"',
      `args = ["${join(home, 'mint.sh')}"]`,
      ...extra.filter((line) => line.startsWith('auth.')).map((line) => line.slice('auth.'.length)),
      '',
    ].join('\n'),
  );
  const logs: string[] = [];
  const workspace = await mkdtemp(join(home, 'ws-'));
  const opened = await openExecConversation({
    version: '0.1.0-test',
    env: { CODEX_HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    cwd: workspace,
    authLog: (level, message) => logs.push(`${level} ${message}`),
    prewarm: false,
  });
  return { opened, logs, workspace };
}

const runs = async () => Number((await readFile(join(home, 'count'), 'utf8').catch(() => '0')).trim());
const notices = (events: TurnEvent[]) =>
  events.filter((e) => e.type === 'stream_error').map((e) => (e as { message: string }).message);
const posts = () => server.requests.filter((r) => r.route === 'responses');
const authorizations = () => posts().map((r) => r.headerMap.authorization);

describe('command-backed provider auth over HTTP', () => {
  it('token 1 on the first POST; a 401 reruns the command and the retry carries token 2 (nothing printed)', async () => {
    server.setScenario({ steps: [unauthorized(), ok()] });
    server.setChatgptRoute('models', { replies: [modelsCatalog([], '"models-etag-1"')], repeatLast: true });
    const { opened, logs, workspace } = await open();
    try {
      const events = await collect(opened.conversation.runTurn('hello'));
      expect(events.at(-1)?.type).toBe('turn.completed');
      expect(authorizations()).toEqual([`Bearer ${token(1)}`, `Bearer ${token(2)}`]);
      expect(notices(events)).toEqual([]);
      expect(logs).toEqual([]);
      expect(await runs()).toBe(2);
      // The provider's models catalog was fetched with the command's token (as 0.169.0 did).
      const cacheFile = join(home, 'models_cache.json');
      for (
        let i = 0;
        i < 100 &&
        !(await readFile(cacheFile).then(
          () => true,
          () => false,
        ));
        i++
      ) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await opened.close();
      const models = server.requests.filter((r) => r.route === 'models');
      expect(models.length).toBeGreaterThanOrEqual(1);
      expect(models[0]?.url).toBe(`${new URL(server.url).pathname}/models?client_version=0.1.0-test`);
      expect(models[0]?.headerMap.authorization).toMatch(/^Bearer cmd-token-canary-[12]$/);
      const cache = JSON.parse(await readFile(cacheFile, 'utf8'));
      expect(cache).toMatchObject({ etag: '"models-etag-1"', client_version: '0.1.0-test', models: [] });
      // The command ran in the session's working directory (observed), not the config directory.
      expect((await readFile(join(home, 'cwd'), 'utf8')).trim()).toBe(workspace);
    } finally {
      await opened.close();
    }
  });

  it('default interval: one run for two turns; refresh_interval_ms = 1: a run per request', async () => {
    server.setScenario({ steps: [ok('r1'), ok('r2')] });
    let { opened } = await open();
    try {
      await collect(opened.conversation.runTurn('one'));
      await collect(opened.conversation.runTurn('two'));
    } finally {
      await opened.close();
    }
    expect(authorizations()).toEqual([`Bearer ${token(1)}`, `Bearer ${token(1)}`]);
    expect(await runs()).toBe(1);

    server.requests.length = 0;
    server.setScenario({ steps: [ok('r3'), ok('r4')] });
    ({ opened } = await open(['auth.refresh_interval_ms = 1']));
    try {
      await collect(opened.conversation.runTurn('one'));
      await new Promise((r) => setTimeout(r, 5));
      await collect(opened.conversation.runTurn('two'));
    } finally {
      await opened.close();
    }
    expect(authorizations()).toEqual([`Bearer ${token(2)}`, `Bearer ${token(3)}`]);
  });

  it('a failing command: no authorization header, the error logged, and on 401 the notices then turn.failed', async () => {
    server.setScenario({ steps: [unauthorized()], repeatLast: true });
    const { opened, logs } = await open(['stream_max_retries = 2'], { MINT_FAIL: '1' });
    try {
      const events = await collect(opened.conversation.runTurn('hello'));
      expect(posts()).toHaveLength(3);
      expect(authorizations()).toEqual([undefined, undefined, undefined]);
      expect(notices(events)).toEqual([`Reconnecting... 1/2 (${FAILED})`, `Reconnecting... 2/2 (${FAILED})`]);
      expect(events.at(-1)).toMatchObject({ type: 'turn.failed', message: FAILED });
      expect(logs.length).toBeGreaterThanOrEqual(3);
      expect(new Set(logs)).toEqual(new Set([`error Failed to resolve external auth: ${FAILED}`]));
    } finally {
      await opened.close();
    }
  });

  it('a failing command and a server that accepts: the turn completes without a header', async () => {
    server.setScenario({ steps: [ok()] });
    server.setChatgptRoute('models', { replies: [modelsCatalog([], '"models-etag-1"')], repeatLast: true });
    const { opened, logs } = await open([], { MINT_FAIL: '1' });
    try {
      const events = await collect(opened.conversation.runTurn('hello'));
      expect(events.at(-1)?.type).toBe('turn.completed');
      await opened.modelsCatalog?.whenIdle();
      expect(authorizations()).toEqual([undefined]);
      // The session-start `/models` fetch also went out without a token: one log per request,
      // whether the two shared one failed run or not.
      const models = server.requests.filter((r) => r.route === 'models');
      expect(models.map((r) => r.headerMap.authorization)).toEqual([undefined]);
      expect(logs).toEqual(Array(2).fill(`error Failed to resolve external auth: ${FAILED}`));
    } finally {
      await opened.close();
    }
  });

  it('canary: tokens echoed by the server never reach an event, a notice or the log', async () => {
    server.setScenario({
      steps: [unauthorized(`bad token ${token(1)}`), unauthorized(`bad token ${token(2)}`)],
      repeatLast: true,
    });
    const { opened, logs } = await open(['stream_max_retries = 1']);
    try {
      const events = await collect(opened.conversation.runTurn('hello'));
      expect(events.at(-1)?.type).toBe('turn.failed');
      expect(authorizations()[0]).toBe(`Bearer ${token(1)}`);
      const everything = JSON.stringify({ events, logs });
      expect(everything).toContain('bad token ***');
      for (let n = 1; n <= (await runs()); n++) expect(everything).not.toContain(token(n));
      expect(opened.redactor.redact(token(2))).toBe('***');
    } finally {
      await opened.close();
    }
  });
});

describe('command-backed provider auth over WebSocket', () => {
  it('the upgrade carries the token and the frames none; a 401 handshake reruns the command', async () => {
    server.setWsScenario({
      handshakes: [{ kind: 'reject', status: 401 }, { kind: 'accept' }],
      responses: [{ events: textTurn({ responseId: 'resp_1', text: 'hi' }) }],
    });
    const { opened } = await open(['supports_websockets = true']);
    try {
      const events = await collect(opened.conversation.runTurn('hello'));
      expect(events.at(-1)?.type).toBe('turn.completed');
      expect(server.handshakes.map((h) => `${h.status} ${h.headerMap.authorization}`)).toEqual([
        `401 Bearer ${token(1)}`,
        `101 Bearer ${token(2)}`,
      ]);
      expect(server.wsFrames.length).toBeGreaterThan(0);
      for (const frame of server.wsFrames) expect(JSON.stringify(frame)).not.toContain('cmd-token-canary');
      expect(posts()).toHaveLength(0);
    } finally {
      await opened.close();
    }
  });
});

describe('command-backed provider auth behind a custom CA', () => {
  it('the models catalog is fetched with CODEX_CA_CERTIFICATE, like the model requests', async () => {
    await server.close();
    server = await startResponsesServer({ tls: { caFile: join(home, 'ca.pem') } });
    server.setScenario({ steps: [ok()] });
    server.setChatgptRoute('models', { replies: [modelsCatalog([], '"models-etag-ca"')], repeatLast: true });
    const { opened } = await open([], { CODEX_CA_CERTIFICATE: join(home, 'ca.pem') });
    try {
      const events = await collect(opened.conversation.runTurn('hello'));
      expect(events.at(-1)?.type).toBe('turn.completed');
      // close() aborts a fetch still running: wait (bounded) for the cache the fetch writes.
      for (let i = 0; i < 100; i++) {
        const written = await readFile(join(home, 'models_cache.json')).then(
          () => true,
          () => false,
        );
        if (written) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await opened.close();
    }
    const models = server.requests.filter((r) => r.route === 'models');
    expect(models).toHaveLength(1);
    expect(models[0]?.headerMap.authorization).toMatch(/^Bearer cmd-token-canary-1$/);
    const cache = JSON.parse(await readFile(join(home, 'models_cache.json'), 'utf8'));
    expect(cache).toMatchObject({ etag: '"models-etag-ca"', models: [] });
  });
});
