// `codex-ts exec --json` with a command-backed provider token (`[model_providers.<id>.auth]`), as
// observed-cli-0.169-auth §10 records 0.169.0: run counts, the authorization header on the POST and
// the WebSocket upgrade, the silent 401 rerun, and for a failing command: no header, the
// `ERROR codex_login::auth::manager: Failed to resolve external auth: …` lines on stderr, the
// `Reconnecting... N/5 (…)` notices after 401s, `turn.failed` and exit code 1.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  modelsCatalog,
  openAiError,
  type ResponsesServer,
  startResponsesServer,
  textTurn,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../test-support/run-cli.js';

let server: ResponsesServer;
const cleanups: (() => void)[] = [];
beforeEach(async () => {
  server = await startResponsesServer();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server.close();
});

const token = (n: number) => `cmd-token-canary-${n}`;
const ok = (id = 'resp_1') => ({ kind: 'sse' as const, events: textTurn({ responseId: id, text: 'hi' }) });
const unauthorized = {
  kind: 'error' as const,
  status: 401,
  body: openAiError('invalid_request_error', 'invalid_api_key', 'Unauthorized'),
};

/** A CODEX_HOME whose provider `myprovider` gets its token from `/bin/sh <home>/mint.sh`. */
function commandHome(tail: string, options: { auth?: string[]; provider?: string[] } = {}): string {
  const { home, cleanup } = tempHome('');
  cleanups.push(cleanup);
  const script = join(home, 'mint.sh');
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      'n=$(cat "$(dirname "$0")/count" 2>/dev/null || echo 0)',
      'n=$((n+1))',
      'echo "$n" > "$(dirname "$0")/count"',
      'pwd > "$(dirname "$0")/cwd"',
      tail,
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  writeFileSync(
    join(home, 'config.toml'),
    [
      'model = "gpt-5.5"',
      'model_provider = "myprovider"',
      '[model_providers.myprovider]',
      'name = "myprovider"',
      `base_url = "${server.url}"`,
      ...(options.provider ?? []),
      '[model_providers.myprovider.auth]',
      'command = "/bin/sh"',
      `args = ["${script}"]`,
      ...(options.auth ?? []),
      '',
    ].join('\n'),
  );
  return home;
}

const posts = () => server.requests.filter((q) => q.route === 'responses');
const runs = (home: string) => Number(readFileSync(join(home, 'count'), 'utf8').trim());
const PRINT = 'echo "cmd-token-canary-$n"';
const authLines = (stderr: string) =>
  stderr.split('\n').filter((l) => l.startsWith('ERROR codex_login::auth::manager: '));
const notices = (lines: string[]) =>
  lines
    .filter((l) => l.startsWith('{"type":"error"'))
    .map((l) => (JSON.parse(l) as { message: string }).message);

describe('codex-ts exec --json with a provider auth command', () => {
  it('default interval: one run; the POST carries the token; the command runs in the CLI cwd', async () => {
    server.setScenario({ steps: [ok()] });
    server.setChatgptRoute('models', { replies: [modelsCatalog()], repeatLast: true });
    const home = commandHome(PRINT);
    const r = await runCli(['exec', '--json', 'hello'], { home });
    expect(r.code).toBe(0);
    expect(posts().map((q) => q.headerMap.authorization)).toEqual([`Bearer ${token(1)}`]);
    // The provider's `/models` catalog is fetched with the same token (0.169.0: 2–3 times; codex-ts once).
    const models = server.requests.filter((q) => q.route === 'models');
    expect(models.map((q) => q.headerMap.authorization)).toEqual([`Bearer ${token(1)}`]);
    expect(models[0]?.url).toMatch(/\/models\?client_version=/);
    expect(runs(home)).toBe(1);
    expect(readFileSync(join(home, 'cwd'), 'utf8').trim()).toBe(process.cwd());
    expect(authLines(r.stderr)).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(token(1));
  });

  it('401: the command runs again and the request is resent with the new token; nothing printed', async () => {
    server.setScenario({ steps: [unauthorized, ok()] });
    const home = commandHome(PRINT);
    const r = await runCli(['exec', '--json', 'hello'], { home });
    expect(r.code).toBe(0);
    expect(posts().map((q) => q.headerMap.authorization)).toEqual([
      `Bearer ${token(1)}`,
      `Bearer ${token(2)}`,
    ]);
    expect(runs(home)).toBe(2);
    expect(notices(r.lines)).toEqual([]);
    expect(r.lines.at(-1)).toContain('"turn.completed"');
  });

  it('WebSocket: the upgrade carries the token, the frames none', async () => {
    server.setWsScenario({ responses: [{ events: textTurn({ responseId: 'resp_1', text: 'hi' }) }] });
    const home = commandHome(PRINT, { provider: ['supports_websockets = true'] });
    const r = await runCli(['exec', '--json', 'hello'], { home });
    expect(r.code).toBe(0);
    expect(server.handshakes.map((h) => h.headerMap.authorization)).toEqual([`Bearer ${token(1)}`]);
    for (const frame of server.wsFrames) expect(JSON.stringify(frame)).not.toContain('cmd-token-canary');
    expect(runs(home)).toBe(1);
  });

  it('failing command and 401 on every request: 6 POSTs without authorization, notices 1/5…5/5, turn.failed, exit 1', async () => {
    server.setScenario({ steps: [unauthorized], repeatLast: true });
    const home = commandHome('echo "token service unavailable" >&2; exit 3');
    const r = await runCli(['exec', '--json', 'hello'], { home, timeoutMs: 30_000 });
    const text =
      'provider auth command `/bin/sh` exited with status exit status: 3: token service unavailable';
    expect(r.code).toBe(1);
    expect(posts()).toHaveLength(6);
    expect(posts().every((q) => q.headerMap.authorization === undefined)).toBe(true);
    expect(notices(r.lines)).toEqual([
      ...[1, 2, 3, 4, 5].map((n) => `Reconnecting... ${n}/5 (${text})`),
      text,
    ]);
    expect(r.lines.at(-1)).toBe(JSON.stringify({ type: 'turn.failed', error: { message: text } }));
    expect(authLines(r.stderr).length).toBeGreaterThanOrEqual(6);
    expect(new Set(authLines(r.stderr))).toEqual(
      new Set([`ERROR codex_login::auth::manager: Failed to resolve external auth: ${text}`]),
    );
  }, 40_000);

  it('empty output and timeout: the notice names the failure, the accepted retry completes', async () => {
    for (const [tail, auth, text] of [
      ['echo', [], 'provider auth command `/bin/sh` produced an empty token'],
      ['exec sleep 5', ['timeout_ms = 300'], 'provider auth command `/bin/sh` timed out after 300 ms'],
    ] as const) {
      server.requests.length = 0;
      server.setScenario({ steps: [unauthorized, ok()] });
      const home = commandHome(tail, { auth: [...auth] });
      const r = await runCli(['exec', '--json', 'hello'], { home, timeoutMs: 20_000 });
      expect(r.code, text).toBe(0);
      expect(notices(r.lines), text).toEqual([`Reconnecting... 1/5 (${text})`]);
      expect(posts().map((q) => q.headerMap.authorization)).toEqual([undefined, undefined]);
      expect(authLines(r.stderr)[0]).toBe(
        `ERROR codex_login::auth::manager: Failed to resolve external auth: ${text}`,
      );
    }
  }, 40_000);
});
