// A credential that cannot be sent in an HTTP header (a line break, a character above U+00FF) is
// a clear, non-retryable failure before anything is sent, over HTTP and WebSocket, and
// openExecConversation refuses such a key naming the variable it came from.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staticBearerAuth } from '@codex-ts/api';
import { collect } from '@codex-ts/client/test';
import { LoginError } from '@codex-ts/login';
import { type ResponsesServer, startResponsesServer, textTurn } from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { openExecConversation } from '../session/open-exec.js';
import { harness, testConversation } from '../test/index.js';

const KEY = 'sk-test-SECRET-0123';
const MESSAGE =
  'could not get credentials: the `authorization` header from the auth provider contains a character that cannot be sent in an HTTP header';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const okTurn = { kind: 'sse', events: textTurn({ responseId: 'resp_1', text: 'hi' }) } as const;

describe('an auth header that cannot be sent', () => {
  for (const transport of ['HTTP', 'WebSocket'] as const) {
    it(`fails the ${transport} turn at once, without retries, sending nothing`, async () => {
      const websocket = transport === 'WebSocket';
      const h = await harness(
        { steps: [okTurn], repeatLast: true },
        {
          client: { auth: staticBearerAuth(`${KEY}\u20ac`), supportsWebsockets: websocket },
          ws: { responses: [{ events: textTurn({ responseId: 'resp_1', text: 'hi' }) }], repeatLast: true },
        },
      );
      closers.push(h.close);
      const { conversation, delays } = testConversation(h.client, { streamMaxRetries: 5 });
      const events = await collect(conversation.runTurn('hello'));
      expect(events.map((e) => e.type)).toEqual(['turn.started', 'turn.failed']);
      expect(events.at(-1)).toMatchObject({ type: 'turn.failed', message: MESSAGE });
      expect(JSON.stringify(events)).not.toContain(KEY);
      expect(delays).toEqual([]);
      expect(h.server.requests).toHaveLength(0);
      expect(h.server.handshakes).toHaveLength(0);
    });
  }
});

describe('openExecConversation with an API key that cannot be sent', () => {
  let server: ResponsesServer | undefined;
  let home: string | undefined;
  afterEach(async () => {
    await server?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('refuses the key naming the variable, before any request', async () => {
    server = await startResponsesServer({ scenario: { steps: [okTurn], repeatLast: true } });
    home = mkdtempSync(join(tmpdir(), 'codex-ts-core-cred-'));
    writeFileSync(
      join(home, 'config.toml'),
      `model_provider = "local"\n[model_providers.local]\nbase_url = "${server.url}"\nenv_key = "LOCAL_API_KEY"\n`,
    );
    for (const key of [`${KEY}\u20ac`, `${KEY}\u00e4`, `${KEY}\nx`]) {
      const error = await openExecConversation({
        version: '0.1.0-test',
        env: { CODEX_HOME: home, LOCAL_API_KEY: key },
        cwd: home,
        prewarm: false,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(LoginError.isInstance(error)).toBe(true);
      expect((error as LoginError).code).toBe('invalid_api_key');
      expect((error as LoginError).message).toMatch(
        /^The API key in environment variable `LOCAL_API_KEY` contains a (non-ASCII character|line break) at position 20, which cannot be sent in an HTTP header/,
      );
      expect((error as LoginError).message).not.toContain(KEY);
    }
    expect(server.requests).toHaveLength(0);
  });
});
