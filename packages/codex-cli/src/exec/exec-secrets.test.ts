// A canary key on every path that prints: the built `codex-ts` binary against the responses
// server (HTTP and WebSocket) and broken config/auth files. The key never reaches stdout or stderr.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  failed,
  openAiError,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
  textTurn,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliResult, providerConfig, runCli, tempHomes } from '../test-support/run-cli.js';

const KEY = 'sk-canary-3e1f5a7c9b2d4068';

let server: ResponsesServer;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
});
afterEach(() => server.close());

function home(extra = ''): string {
  return newHome(server.url, extra);
}

function exec(args: string[], codexHome: string, env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(['exec', ...args], { home: codexHome, env: { LOCAL_API_KEY: KEY, ...env } });
}

function expectClean(r: CliResult): void {
  expect(r.stdout).not.toContain(KEY);
  expect(r.stderr).not.toContain(KEY);
}

const unauthorized = {
  kind: 'error',
  status: 401,
  headers: { 'x-openai-authorization-error': `invalid key ${KEY}` },
  body: openAiError('invalid_request_error', 'invalid_api_key', `Incorrect API key provided: ${KEY}.`),
} as const;

describe('codex-ts exec never prints the key', () => {
  it('a 401 that echoes it, in JSONL and in human output', async () => {
    server.pushSteps(unauthorized);
    const json = await exec(['--json', 'hi'], home('stream_max_retries = 0'));
    expect(json.code).toBe(1);
    expect(JSON.parse(json.lines.at(-1) ?? '{}')).toEqual({
      type: 'turn.failed',
      error: {
        message: expect.stringMatching(
          /^unexpected status 401 Unauthorized: Incorrect API key provided: \*\*\*\., url: .*, auth error: invalid key \*\*\*$/,
        ),
      },
    });
    expectClean(json);

    server.pushSteps(unauthorized);
    const human = await exec(['hi'], home('stream_max_retries = 0'));
    expect(human.code).toBe(1);
    expect(human.stderr).toContain(
      'ERROR: unexpected status 401 Unauthorized: Incorrect API key provided: ***.',
    );
    expectClean(human);
    expect(server.requests.every((r) => r.headerMap.authorization === `Bearer ${KEY}`)).toBe(true);
  });

  it('retry notices and a response.failed that quote it', async () => {
    server.pushSteps(
      { kind: 'sse', events: [responseCreated('r1'), failed('r1', 'server_error', `key ${KEY} revoked`)] },
      { kind: 'sse', events: [responseCreated('r2'), failed('r2', 'server_error', `key ${KEY} revoked`)] },
    );
    const r = await exec(['--json', 'hi'], home('stream_max_retries = 1'));
    expect(r.code).toBe(1);
    expect(r.lines).toContain(
      '{"type":"error","message":"Reconnecting... 1/1 (stream disconnected before completion: key *** revoked)"}',
    );
    expectClean(r);
  });

  it('a WebSocket 401 handshake and an error frame that quote it', async () => {
    const reject = { ...unauthorized, kind: 'reject' } as const;
    // The startup prewarm and the turn each open a socket.
    server.setWsScenario({ handshakes: [reject, reject], responses: [] });
    // Exhausted retries on WebSocket fall back to HTTP, which gets the same answer.
    server.pushSteps(unauthorized);
    const rejected = await exec(
      ['--json', 'hi'],
      home('supports_websockets = true\nstream_max_retries = 0\nrequest_max_retries = 0'),
    );
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toContain(
      'Falling back from WebSockets to HTTPS transport. unexpected status 401',
    );
    expect(rejected.stdout).toContain('Incorrect API key provided: ***.');
    expectClean(rejected);

    const frame = {
      errorFrame: { status: 400, error: { type: 'invalid_request_error', message: `bad key ${KEY}` } },
    };
    server.setWsScenario({ responses: [frame], repeatLast: true, autoPrewarm: true });
    const human = await exec(['hi'], home('supports_websockets = true\nstream_max_retries = 0'));
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('bad key ***');
    expectClean(human);
  });

  it('model output that repeats it, also split across streamed deltas', async () => {
    const text = `Your key is ${KEY}, keep it safe.`;
    const deltas = ['Your key is sk-', 'canary-3e1f', `${KEY.slice('sk-canary-3e1f'.length)}, keep it safe.`];
    const turn = { kind: 'sse', events: textTurn({ responseId: 'resp_1', text, deltas }) } as const;
    server.pushSteps(turn, turn);
    const human = await exec(['hi'], home());
    expect(human.code).toBe(0);
    expect(human.stdout).toBe('Your key is ***, keep it safe.\n');
    const json = await exec(['--json', 'hi'], home());
    expect(json.stdout).toContain('"text":"Your key is ***, keep it safe."');
    expectClean(human);
    expectClean(json);
  });

  it('config and auth errors: a pasted key as -c override, a TOML error next to it, a corrupt auth.json', async () => {
    const override = await exec(['--strict-config', '-c', `${KEY}=1`, 'hi'], home(), { CODEX_API_KEY: KEY });
    expect(override.code).toBe(1);
    expect(override.stderr).toContain(
      'Error loading config.toml: unknown configuration field `***` in -c/--config override',
    );
    expectClean(override);

    const toml = await exec(['hi'], home(`experimental_bearer_token = "${KEY}" oops`));
    expect(toml.code).toBe(1);
    expect(toml.stderr).toMatch(/^Error: invalid TOML in .*config\.toml at line \d+, column \d+/);
    expectClean(toml);

    const codexHome = home();
    writeFileSync(join(codexHome, 'config.toml'), providerConfig(server.url).replace(/env_key = .*\n/, ''));
    writeFileSync(join(codexHome, 'auth.json'), `{"OPENAI_API_KEY": "${KEY}" oops}`);
    const auth = await exec(['hi'], codexHome);
    expect(auth.code).toBe(1);
    expect(auth.stderr).toMatch(/auth\.json is not valid JSON/);
    expectClean(auth);
  });

  it('a usage error that echoes a pasted key', async () => {
    const r = await runCli([KEY], { home: home(), env: { CODEX_API_KEY: KEY } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command '***'");
    expectClean(r);
  });
});
