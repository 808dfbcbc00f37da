// A ModelClient and Conversation wired to a local responses server, with the identity, settings
// and telemetry the core tests share.

import { type Provider, staticBearerAuth } from '@codex-ts/api';
import { testProvider } from '@codex-ts/api/test';
import {
  Conversation,
  type ConversationOptions,
  ModelClient,
  type ModelClientOptions,
  type SessionIdentity,
  type ToolHandler,
} from '@codex-ts/core';
import { SessionTelemetry, type SessionTelemetryOptions } from '@codex-ts/otel';
import type { ResponseItem } from '@codex-ts/protocol';
import {
  type ResponsesServer,
  type Scenario,
  startResponsesServer,
  type WsScenario,
} from '@codex-ts/responses-server';

/** The thread id of every test session (a UUIDv7, as codex-cli 0.169.0 makes them). */
export const THREAD_ID = '01a2004f-b89d-7fb1-9159-4117ec46c750';

/** The session identity of every test client: thread {@link THREAD_ID}, window 0, a new history. */
export const IDENTITY: SessionIdentity = {
  installationId: '72f58e05-d55f-4096-b35a-759a281d52e5',
  sessionId: THREAD_ID,
  threadId: THREAD_ID,
  contextWindowId: '01a2004f-b8a4-70e0-a604-825da08eb81b',
  windowNumber: 0,
  historyInitialization: 'new',
  sandbox: 'none',
  sandboxMode: 'read-only',
};

/** What {@link harness} returns: call `close()` after the test (client, then server). */
export interface Harness {
  server: ResponsesServer;
  client: ModelClient;
  close(): Promise<void>;
}

/**
 * Starts a responses server playing `scenario` (and `options.ws` on its WebSocket endpoint) and a
 * ModelClient for it: api/test's provider with a 2 s stream idle timeout (`options.provider`
 * overrides), API key `sk-test-key`, {@link IDENTITY}, originator `codex_exec`, a fixed user agent
 * and the `remote_compaction_v2` beta feature (`options.client` overrides).
 */
export async function harness(
  scenario: Scenario,
  options: { provider?: Partial<Provider>; client?: Partial<ModelClientOptions>; ws?: WsScenario } = {},
): Promise<Harness> {
  const server = await startResponsesServer({ scenario, ...(options.ws ? { wsScenario: options.ws } : {}) });
  const client = new ModelClient({
    provider: testProvider(server.url, { streamIdleTimeoutMs: 2_000, ...options.provider }),
    auth: staticBearerAuth('sk-test-key'),
    identity: IDENTITY,
    originator: 'codex_exec',
    userAgent: 'codex_exec/0.1.0 (Test 1.0.0; x86_64) xterm',
    betaFeatures: ['remote_compaction_v2'],
    ...options.client,
  });
  return {
    server,
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** A sleep that records the requested delays (ms) and waits 1 ms instead; rejects once `signal` aborted. */
export function recordingSleep(): {
  delays: number[];
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
} {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number, signal?: AbortSignal) => {
      delays.push(ms);
      if (signal?.aborted) throw signal.reason;
      await new Promise((r) => setTimeout(r, 1));
    },
  };
}

/** The environment context every conversation test sends. */
export const TEST_ENVIRONMENT_CONTEXT = '<environment_context>\n  <cwd>/tmp</cwd>\n</environment_context>';

/**
 * A Conversation with the settings the conversation tests share (gpt-5.5, medium effort, low
 * verbosity, a short base instruction and environment context, 5 stream retries) and a
 * {@link recordingSleep}; `delays` are the retry delays it was asked to sleep.
 */
export function testConversation(
  client: ModelClient,
  options: Partial<ConversationOptions> = {},
): { conversation: Conversation; delays: number[] } {
  const sleeper = recordingSleep();
  const conversation = new Conversation({
    client,
    model: 'gpt-5.5',
    baseInstructions: 'You are a test agent.',
    environmentContext: TEST_ENVIRONMENT_CONTEXT,
    reasoning: { effort: 'medium' },
    verbosity: 'low',
    streamMaxRetries: 5,
    sleep: sleeper.sleep,
    ...options,
  });
  return { conversation, delays: sleeper.delays };
}

/**
 * The SessionTelemetry of a test session: conversation {@link THREAD_ID}, model gpt-5.5,
 * originator `codex_exec`, app version 0.1.0, session source `exec`; `options` adds or replaces
 * fields (providers, auth mode, …).
 */
export function testTelemetry(options: Partial<SessionTelemetryOptions> = {}): SessionTelemetry {
  return new SessionTelemetry({
    conversationId: THREAD_ID,
    model: 'gpt-5.5',
    originator: 'codex_exec',
    appVersion: '0.1.0',
    sessionSource: 'exec',
    ...options,
  });
}

/**
 * A tool handler offering one function tool, `exec_command`, that answers every call with the
 * `function_call_output` "hi\n"; `calls` are the calls it handled, in order.
 */
export function echoTools(): ToolHandler & { calls: ResponseItem[] } {
  const calls: ResponseItem[] = [];
  return {
    calls,
    specs: [{ type: 'function', name: 'exec_command', parameters: { type: 'object' } }],
    async handle(call) {
      calls.push(call);
      return {
        type: 'function_call_output',
        call_id: (call as { call_id: string }).call_id,
        output: 'hi\n',
      } as ResponseItem;
    },
  };
}
