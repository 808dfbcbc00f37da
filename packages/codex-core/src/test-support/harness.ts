// Test helpers for codex-core: a ModelClient wired to a local responses server.
import { type Provider, staticBearerAuth } from '@codex-ts/api';
import {
  type ResponsesServer,
  type Scenario,
  startResponsesServer,
  type WsScenario,
} from '@codex-ts/responses-server';
import { ModelClient, type ModelClientOptions } from '../client/model-client.js';
import { Conversation, type ConversationOptions } from '../conversation/conversation.js';
import type { SessionIdentity } from '../metadata/turn-metadata.js';

export const THREAD_ID = '01a2004f-b89d-7fb1-9159-4117ec46c750';
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

export function testProvider(server: ResponsesServer, overrides: Partial<Provider> = {}): Provider {
  return {
    name: 'test',
    baseUrl: server.url,
    headers: {},
    retry: {
      maxAttempts: 0,
      baseDelayMs: 1,
      retryOn: { retry429: false, retry5xx: true, retryTransport: true },
    },
    streamIdleTimeoutMs: 2_000,
    websocketConnectTimeoutMs: 2_000,
    ...overrides,
  };
}

export async function harness(
  scenario: Scenario,
  options: { provider?: Partial<Provider>; client?: Partial<ModelClientOptions>; ws?: WsScenario } = {},
): Promise<{ server: ResponsesServer; client: ModelClient; close(): Promise<void> }> {
  const server = await startResponsesServer({ scenario, ...(options.ws ? { wsScenario: options.ws } : {}) });
  const client = new ModelClient({
    provider: testProvider(server, options.provider),
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

/** Collects an async iterable into an array (bounded by the test timeout). */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

/** A sleep that records the requested delays and waits 1 ms instead. */
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
 * verbosity, a short base instruction and environment context) and a recording sleep.
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
