// A canary key on the error paths of a whole exec session: config and auth errors while opening,
// HTTP and WebSocket failures of a turn. No error, event or message carries the key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testProvider } from '@codex-ts/api/test';
import { collect, expectNoSecret } from '@codex-ts/client/test';
import { openAiError, type ResponsesServer, startResponsesServer } from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelClient } from '../client/model-client.js';
import { IDENTITY, testConversation } from '../test/index.js';
import { openExecConversation } from './open-exec.js';

const KEY = 'sk-canary-0a9b8c7d6e5f4321';

let server: ResponsesServer;
let home: string;

beforeEach(async () => {
  server = await startResponsesServer();
  home = mkdtempSync(join(tmpdir(), 'codex-ts-core-secrets-'));
});
afterEach(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

function writeConfig(provider: string[], top: string[] = []): void {
  const lines = [
    ...top,
    'model = "gpt-5.5"',
    'model_provider = "local"',
    '[model_providers.local]',
    'name = "local"',
    `base_url = "${server.url}"`,
    'wire_api = "responses"',
    'stream_max_retries = 0',
    ...provider,
  ];
  writeFileSync(join(home, 'config.toml'), `${lines.join('\n')}\n`);
}

function open(env: Record<string, string> = {}, configOverrides: string[] = [], strictConfig = false) {
  return openExecConversation({
    version: '0.1.0-test',
    env: { CODEX_HOME: home, LOCAL_API_KEY: KEY, ...env },
    cwd: home,
    configOverrides,
    prewarm: false,
    strictConfig,
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('opening a session', () => {
  it('a TOML syntax error next to the key does not carry the file excerpt (cause)', async () => {
    writeConfig([`experimental_bearer_token = "${KEY}" oops`]);
    const error = await rejection(open());
    expect((error as Error).message).toMatch(/^invalid TOML in .*config\.toml at line \d+, column \d+: /);
    expectNoSecret(error, KEY);
  });

  it('a -c override whose key is the pasted API key is masked (strict error, lenient warning)', async () => {
    writeConfig(['env_key = "LOCAL_API_KEY"']);
    const error = await rejection(open({ CODEX_API_KEY: KEY }, [`${KEY}=1`], true));
    expect((error as Error).message).toContain('unknown configuration field `***`');
    expectNoSecret(error, KEY);
    const opened = await open({ CODEX_API_KEY: KEY }, [`${KEY}=1`]);
    try {
      expect(opened.config.warnings.join('\n')).toContain('session-flags: `***` is ignored.');
      expect(opened.config.warnings.join('\n')).not.toContain(KEY);
    } finally {
      await opened.close();
    }
  });

  it('a corrupt auth.json holding the key is reported by position only', async () => {
    writeConfig(['requires_openai_auth = true']);
    writeFileSync(join(home, 'auth.json'), `{"OPENAI_API_KEY": "${KEY}", oops}`);
    const error = await rejection(open());
    expect((error as Error).message).toMatch(/auth\.json is not valid JSON \(line 1, column \d+\)$/);
    expectNoSecret(error, KEY);
  });

  it('an env_key value with a line break fails without echoing it', async () => {
    writeConfig(['env_key = "LOCAL_API_KEY"']);
    const error = await rejection(open({ LOCAL_API_KEY: `${KEY}\nx` }));
    expect((error as Error).message).toMatch(
      /^The API key in environment variable `LOCAL_API_KEY` contains a line break at position \d+, which cannot be sent in an HTTP header/,
    );
    expectNoSecret(error, KEY);
  });

  it('a key with a character a header cannot carry fails before sending, without echoing it', async () => {
    writeConfig(['env_key = "LOCAL_API_KEY"']);
    const error = await rejection(open({ LOCAL_API_KEY: `${KEY}\u20ac` }));
    expect((error as Error).message).toMatch(/contains a non-ASCII character at position \d+/);
    expectNoSecret(error, KEY);
    expect(server.requests).toHaveLength(0);
  });
});

describe('a turn whose server echoes the key', () => {
  for (const websocket of [false, true]) {
    it(`fails without the key in any event (${websocket ? 'WebSocket' : 'HTTP'})`, async () => {
      writeConfig(['env_key = "LOCAL_API_KEY"', `supports_websockets = ${websocket}`]);
      const body = openAiError('invalid_request_error', 'invalid_api_key', `Incorrect API key: ${KEY}`);
      const headers = { 'x-openai-authorization-error': `bad ${KEY}` };
      server.setScenario({ steps: [{ kind: 'error', status: 401, headers, body }], repeatLast: true });
      server.setWsScenario({ handshakes: [{ kind: 'reject', status: 401, headers, body }], responses: [] });
      const opened = await open();
      try {
        const events = await collect(opened.conversation.runTurn('hello'));
        const last = events.at(-1);
        expect(last?.type).toBe('turn.failed');
        expect(last?.type === 'turn.failed' && last.message).toContain('Incorrect API key: ***');
        expectNoSecret(last?.type === 'turn.failed' ? last.error : undefined, KEY);
        expect(JSON.stringify(events)).not.toContain(KEY);
        expect(opened.redactor.redact(`Bearer ${KEY}`)).toBe('***');
      } finally {
        await opened.close();
      }
      const sent = websocket ? server.handshakes[0] : server.requests[0];
      expect(sent?.headerMap.authorization).toBe(`Bearer ${KEY}`);
    });
  }

  it('an authHeaders() rejection quoting a provider key while keying the WebSocket is masked', async () => {
    const client = new ModelClient({
      provider: testProvider(server.url, { streamIdleTimeoutMs: 2_000, headers: { 'x-api-key': KEY } }),
      auth: {
        authHeaders: async () => {
          throw new Error(`vault refused ${KEY}`);
        },
      },
      identity: IDENTITY,
      originator: 'codex_exec',
      userAgent: 'codex_exec/0.1.0',
      supportsWebsockets: true,
    });
    try {
      const { conversation } = testConversation(client, { streamMaxRetries: 0 });
      const events = await collect(conversation.runTurn('hello'));
      const last = events.at(-1);
      expect(last?.type === 'turn.failed' && last.message).toBe(
        'could not get credentials: vault refused ***',
      );
      expectNoSecret(last?.type === 'turn.failed' ? last.error : undefined, KEY);
    } finally {
      await client.close();
    }
  });
});
