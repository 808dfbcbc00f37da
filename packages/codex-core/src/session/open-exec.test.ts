// openExecConversation builds a SessionTelemetry on the global OpenTelemetry providers and wires it
// into the client: checked with globally registered in-memory providers and a local responses server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '@codex-ts/client/test';
import { TelemetryMetricNames as M } from '@codex-ts/otel';
import { type InMemoryOtel, inMemoryOtel } from '@codex-ts/otel/test';
import {
  openAiError,
  type ResponsesServer,
  startResponsesServer,
  textTurn,
} from '@codex-ts/responses-server';
import { metrics } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localProviderToml } from '../test/index.js';
import { openExecConversation } from './open-exec.js';

let server: ResponsesServer;
let home: string;
let otel: InMemoryOtel;

beforeEach(async () => {
  server = await startResponsesServer({
    scenario: { steps: [{ kind: 'sse', events: textTurn({ responseId: 'resp_1', text: 'hi' }) }] },
  });
  home = mkdtempSync(join(tmpdir(), 'codex-ts-core-otel-'));
  otel = inMemoryOtel();
  metrics.setGlobalMeterProvider(otel.meterProvider);
  logs.setGlobalLoggerProvider(otel.loggerProvider);
});
afterEach(async () => {
  metrics.disable();
  logs.disable();
  await otel.shutdown();
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

function writeConfig(extra = ''): void {
  writeFileSync(join(home, 'config.toml'), localProviderToml(server.url, ['', extra]));
}

async function open() {
  return openExecConversation({
    version: '0.1.0-test',
    env: { CODEX_HOME: home, LOCAL_API_KEY: 'sk-local-secret', TERM: 'xterm-test', SHELL: '/bin/bash' },
    cwd: home,
  });
}

describe('openExecConversation telemetry', () => {
  it('records on the global providers with the exec session metadata', async () => {
    writeConfig();
    const opened = await open();
    try {
      expect(opened.telemetry.conversationId).toBe(opened.conversation.threadId);
      const events = await collect(opened.conversation.runTurn('a private prompt'));
      expect(events.at(-1)?.type).toBe('turn.completed');
    } finally {
      await opened.close();
    }
    expect(await otel.metricPoints(M.apiRequest)).toEqual([
      {
        // No auth_mode: the provider's env_key supplies the key (0.169.0 tags none then).
        attributes: {
          session_source: 'exec',
          originator: 'codex_exec',
          model: 'gpt-5.5',
          'app.version': '0.1.0-test',
          status: '200',
          success: 'true',
        },
        value: 1,
      },
    ]);
    expect(await otel.total(M.sseEvent)).toBeGreaterThan(0);
    const [prompt] = otel.logs('codex.user_prompt');
    expect(prompt?.attributes).toMatchObject({
      prompt: '[REDACTED]',
      'conversation.id': opened.conversation.threadId,
      'terminal.type': 'xterm-test',
    });
    expect(prompt?.attributes).not.toHaveProperty('auth_mode');
    const everything = JSON.stringify(otel.logs('codex.api_request').map((r) => r.attributes));
    expect(everything).not.toContain('sk-local-secret');
  });

  it('never exports the API key when a 401 echoes it in the error body and headers', async () => {
    const body = openAiError(
      'invalid_request_error',
      'invalid_api_key',
      'Incorrect API key: sk-local-secret',
    );
    const headers = { 'x-echoed-authorization': 'Bearer sk-local-secret' };
    for (const websocket of [false, true]) {
      writeConfig(`stream_max_retries = 0\nsupports_websockets = ${websocket}`);
      server.setScenario({ steps: [{ kind: 'error', status: 401, headers, body }], repeatLast: true });
      server.setWsScenario({ handshakes: [{ kind: 'reject', status: 401, headers, body }], responses: [] });
      const opened = await open();
      try {
        const events = await collect(opened.conversation.runTurn('hello'));
        expect(events.at(-1)?.type).toBe('turn.failed');
      } finally {
        await opened.close();
      }
    }
    // Both transports sent the key and got it back, and failures were recorded...
    expect(server.requests.at(-1)?.headerMap.authorization).toBe('Bearer sk-local-secret');
    expect(server.handshakes.at(-1)?.headerMap.authorization).toBe('Bearer sk-local-secret');
    expect(await otel.total(M.apiRequest, { status: '401', success: 'false' })).toBeGreaterThan(0);
    const connects = otel.logs('codex.websocket_connect').map((r) => r.attributes['error.message']);
    expect(connects).toContainEqual(expect.stringContaining('Incorrect API key: ***'));
    // ...but nothing exported carries it.
    expect(await otel.exported()).not.toContain('sk-local-secret');
  });

  it('logs the prompt text when [otel] log_user_prompt = true', async () => {
    writeConfig('[otel]\nlog_user_prompt = true');
    const opened = await open();
    try {
      await collect(opened.conversation.runTurn('show me'));
    } finally {
      await opened.close();
    }
    expect(otel.logs('codex.user_prompt')[0]?.attributes.prompt).toBe('show me');
  });
});
