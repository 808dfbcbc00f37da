// CommandTokenAuth as the AuthProvider of @codex-ts/api's clients against the local server
// (observed-cli-0.169-auth §10; upstream core/tests/suite/client.rs
// provider_auth_command_supplies_bearer_token / provider_auth_command_refreshes_after_401).
import { ApiError, ResponsesClient, ResponsesWebsocketClient } from '@codex-ts/api';
import { testProvider, testRequest, testTurnRequest, useResponsesServer } from '@codex-ts/api/test';
import { SecretRedactor } from '@codex-ts/client';
import { expectNoSecret } from '@codex-ts/client/test';
import { userMessage } from '@codex-ts/protocol/test';
import { openAiError, responseCreated, textTurn } from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { type TokenScriptDir, tokenNumber, tokenScript } from '../test-support/token-command.js';
import { CommandTokenAuth } from './command-token-auth.js';

const { server, transport, open } = await useResponsesServer();

let dir: TokenScriptDir | undefined;
afterEach(async () => {
  await dir?.remove();
  dir = undefined;
});

const unauthorized = (message = 'Unauthorized') => ({
  kind: 'error' as const,
  status: 401,
  body: openAiError('invalid_request_error', 'invalid_api_key', message),
});

async function commandAuth(tail?: string) {
  dir = await tokenScript(tail);
  const logs: string[] = [];
  const redactor = new SecretRedactor();
  const auth = new CommandTokenAuth({
    command: '/bin/sh',
    args: [dir.script],
    redactor,
    log: (_level, message) => logs.push(message),
  });
  return { auth, logs, redactor, dir };
}

async function turn(auth: CommandTokenAuth, redactor?: SecretRedactor) {
  const client = new ResponsesClient({ provider: testProvider(server.url), auth, transport, redactor });
  try {
    const types: string[] = [];
    for await (const event of await client.stream(testTurnRequest('Say hello.'))) types.push(event.type);
    return { types, error: undefined };
  } catch (error) {
    return { types: [], error };
  }
}

describe('command token over HTTP', () => {
  it('the first request carries token 1; a 401 reruns the command and the retry carries token 2', async () => {
    const { auth, dir } = await commandAuth();
    server.setScenario({
      steps: [unauthorized(), { kind: 'sse', events: textTurn({ responseId: 'r1', text: 'hi' }) }],
    });
    const { types, error } = await turn(auth);
    expect(error).toBeUndefined();
    expect(types.at(-1)).toBe('completed');
    expect(server.requests.map((r) => r.headerMap.authorization)).toEqual([
      `Bearer ${tokenNumber(1)}`,
      `Bearer ${tokenNumber(2)}`,
    ]);
    expect(await dir.runs()).toBe(2);
  });

  it('a second 401 after the rerun is final (one command step per request)', async () => {
    const { auth, redactor } = await commandAuth();
    server.setScenario({ steps: [unauthorized(), unauthorized(`bad ${tokenNumber(2)}`)] });
    const { error } = await turn(auth, redactor);
    expect(ApiError.isInstance(error) && error.status).toBe(401);
    expect(server.requests).toHaveLength(2);
    expectNoSecret(error, tokenNumber(1), tokenNumber(2));
  });

  it('a failing command: the request goes out without authorization; the 401 surfaces the command text', async () => {
    const { auth, logs } = await commandAuth('echo "token service unavailable" >&2; exit 3');
    const text =
      'provider auth command `/bin/sh` exited with status exit status: 3: token service unavailable';
    server.setScenario({ steps: [unauthorized()] });
    const { error } = await turn(auth);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headerMap.authorization).toBeUndefined();
    expect(ApiError.isInstance(error)).toBe(true);
    expect((error as ApiError).code).toBe('auth_transient');
    expect((error as ApiError).retryable).toBe(true);
    expect((error as ApiError).message).toBe(text);
    expect(logs).toEqual([`Failed to resolve external auth: ${text}`]);
  });

  it('a failing command and a server that accepts: the request succeeds without a header', async () => {
    const { auth } = await commandAuth('echo');
    server.setScenario({ steps: [{ kind: 'sse', events: textTurn({ responseId: 'r1', text: 'hi' }) }] });
    const { error } = await turn(auth);
    expect(error).toBeUndefined();
    expect(server.requests[0]?.headerMap.authorization).toBeUndefined();
  });
});

describe('command token over WebSocket', () => {
  it('the upgrade carries the token, the frames none', async () => {
    const { auth, redactor } = await commandAuth();
    server.setWsScenario({
      responses: [
        { events: [responseCreated('r1'), ...textTurn({ responseId: 'r1', text: 'hi' }).slice(1)] },
      ],
    });
    const client = new ResponsesWebsocketClient({ provider: testProvider(server.url), auth, redactor });
    const connection = await client.connect();
    open.push(connection);
    for await (const _event of await connection.stream(
      testRequest({ input: [userMessage('hi')], parallel_tool_calls: false }),
    )) {
      // drain
    }
    expect(server.handshakes.map((h) => h.headerMap.authorization)).toEqual([`Bearer ${tokenNumber(1)}`]);
    expect(server.wsFrames.length).toBeGreaterThan(0);
    for (const frame of server.wsFrames) expect(JSON.stringify(frame)).not.toContain(tokenNumber(1));
  });

  it('a failing command: the upgrade goes out without authorization', async () => {
    const { auth } = await commandAuth('exit 3');
    server.setWsScenario({ responses: [] });
    const client = new ResponsesWebsocketClient({ provider: testProvider(server.url), auth });
    const connection = await client.connect();
    open.push(connection);
    expect(server.handshakes).toHaveLength(1);
    expect(server.handshakes[0]?.headerMap.authorization).toBeUndefined();
  });
});
