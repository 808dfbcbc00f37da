// 401 recovery over HTTP end to end through Conversation and the turn loop, with a scripted
// managed-mode AuthProvider mimicking observed-cli-0.169-auth §8 (401 → same-token resend → refresh;
// permanent and transient refresh failures), against the responses server on 127.0.0.1.
import { ApiError, staticBearerAuth } from '@codex-ts/api';
import { collect } from '@codex-ts/client/test';
import { type InMemoryOtel, inMemoryOtel } from '@codex-ts/otel/test';
import { openAiError, type Step, textTurn } from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelClientOptions } from '../client/model-client.js';
import { harness, scriptedRecoveryAuth, testConversation, testTelemetry } from '../test/index.js';
import type { TurnEvent } from '../turn/events.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const TRANSIENT = 'Failed to refresh token: 500 Internal Server Error';
const REUSED =
  'Your access token could not be refreshed because your refresh token was already used. Please log out and sign in again.';
const unauthorized: Step = {
  kind: 'error',
  status: 401,
  headers: { 'x-request-id': 'req-401', 'cf-ray': 'ray-401' },
  body: openAiError('invalid_request_error', 'token_expired', 'Provided authentication token is expired.'),
};
const ok: Step = { kind: 'sse', events: textTurn({ responseId: 'resp_1', text: 'Hi there.' }) };

async function setup(steps: Step[], auth: ModelClientOptions['auth'], otel?: InMemoryOtel) {
  const telemetry = otel
    ? testTelemetry({ loggerProvider: otel.loggerProvider, meterProvider: otel.meterProvider })
    : undefined;
  const h = await harness(
    { steps, repeatLast: true },
    { client: { auth, ...(telemetry ? { telemetry } : {}) } },
  );
  closers.push(h.close);
  const { conversation, delays } = testConversation(h.client, { random: () => 0.5 });
  const posts = () => h.server.requests.map((r) => `${r.step} ${r.headerMap.authorization}`);
  return { ...h, conversation, delays, posts };
}

const notices = (events: TurnEvent[]) =>
  events.filter((e) => e.type === 'stream_error').map((e) => (e as { message: string }).message);
const outcomes = (otel: InMemoryOtel) =>
  otel.logs('codex.auth_recovery').map((r) => `${r.attributes['auth.step']} ${r.attributes['auth.outcome']}`);

describe('HTTP 401 recovery through the turn loop', () => {
  it('401, same-token resend 401, refresh, resend with the new token: nothing printed', async () => {
    const otel = inMemoryOtel();
    const auth = scriptedRecoveryAuth({ token: 'tok-1', refreshTo: 'tok-2' });
    const t = await setup([unauthorized, unauthorized, ok], auth, otel);
    const events = await collect(t.conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(t.posts()).toEqual(['0 Bearer tok-1', '1 Bearer tok-1', '2 Bearer tok-2']);
    expect(auth.stepsRun).toEqual(['reload', 'refresh_token']);
    expect(notices(events)).toEqual([]);
    expect(events.map((e) => e.type)).not.toContain('warning');
    expect(outcomes(otel)).toEqual(['reload recovery_succeeded', 'refresh_token recovery_succeeded']);
    const [first] = otel.logs('codex.auth_recovery');
    expect(first?.attributes).toMatchObject({
      'auth.mode': 'managed',
      'auth.request_id': 'req-401',
      'auth.cf_ray': 'ray-401',
      'auth.state_changed': false,
    });
    expect(await otel.exported()).not.toContain('tok-');
  });

  it('a permanent refresh failure: exactly 2 POSTs, then turn.failed with its message, no retry', async () => {
    const otel = inMemoryOtel();
    const auth = scriptedRecoveryAuth({
      token: 'tok-1',
      refreshFailure: () => new ApiError('refresh_token_failed', REUSED),
    });
    const t = await setup([unauthorized], auth, otel);
    const events = await collect(t.conversation.runTurn('hello'));
    expect(events.at(-1)).toMatchObject({ type: 'turn.failed', message: REUSED });
    expect(t.posts()).toEqual(['0 Bearer tok-1', '0 Bearer tok-1']);
    expect(notices(events)).toEqual([]);
    expect(t.delays).toEqual([]);
    expect(outcomes(otel)).toEqual(['reload recovery_succeeded', 'refresh_token recovery_failed_permanent']);
  });

  it('a transient refresh failure is retried with Reconnecting... N/5 notices, then fails after 6 rounds', async () => {
    const otel = inMemoryOtel();
    const auth = scriptedRecoveryAuth({
      token: 'tok-1',
      refreshFailure: () => new ApiError('auth_transient', TRANSIENT),
    });
    const t = await setup([unauthorized], auth, otel);
    const events = await collect(t.conversation.runTurn('hello'));
    // Each round: POST 401, same-token POST 401, refresh fails (observed-cli-0.169-auth §8).
    expect(t.server.requests).toHaveLength(12);
    expect(auth.recoveries).toBe(6);
    expect(auth.stepsRun).toEqual(Array.from({ length: 6 }, () => ['reload', 'refresh_token']).flat());
    expect(notices(events)).toEqual([1, 2, 3, 4, 5].map((n) => `Reconnecting... ${n}/5 (${TRANSIENT})`));
    expect(t.delays).toHaveLength(5);
    expect(events.at(-1)).toMatchObject({ type: 'turn.failed', message: TRANSIENT });
    expect(outcomes(otel).filter((o) => o === 'refresh_token recovery_failed_transient')).toHaveLength(6);
  });

  it('API key: a 401 has no recovery step and is retried by the turn loop as before (recovery_not_run)', async () => {
    const otel = inMemoryOtel();
    const t = await setup([unauthorized, ok], staticBearerAuth('sk-test-key'), otel);
    const events = await collect(t.conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(t.server.requests).toHaveLength(2);
    expect(notices(events)).toHaveLength(1);
    expect(notices(events)[0]).toMatch(/^Reconnecting\.\.\. 1\/5 \(unexpected status 401 Unauthorized: /);
    const records = otel.logs('codex.auth_recovery').map((r) => r.attributes);
    expect(records).toEqual([
      expect.objectContaining({
        'auth.mode': 'none',
        'auth.step': 'none',
        'auth.outcome': 'recovery_not_run',
        'auth.recovery_reason': 'not_chatgpt_auth',
        'auth.request_id': 'req-401',
      }),
    ]);
    expect(await otel.exported()).not.toContain('sk-test-key');
  });
});
