// 401 recovery over Responses WebSocket (handshake and error frame) with a scripted managed-mode
// AuthProvider, through Conversation against the responses server on 127.0.0.1, and the
// `codex.auth_recovery` events it records (codex-rs core/src/client.rs `handle_unauthorized`,
// login.md §7, telemetry.md §3).
import { ApiError } from '@codex-ts/api';
import { collect } from '@codex-ts/client/test';
import { type InMemoryOtel, inMemoryOtel } from '@codex-ts/otel/test';
import {
  outputTextDelta,
  responseCreated,
  textTurn,
  type WsResponseStep,
  type WsScenario,
} from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import {
  harness,
  type ScriptedAuth,
  scriptedRecoveryAuth,
  testConversation,
  testTelemetry,
} from '../test/index.js';
import type { TurnEvent } from '../turn/events.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const DEBUG_HEADERS = {
  'x-request-id': 'req-401',
  'cf-ray': 'ray-401',
  'x-openai-authorization-error': 'token_expired',
};
const EXPIRED =
  'Your access token could not be refreshed because your refresh token has expired. Please log out and sign in again.';

async function setup(ws: WsScenario, auth: ScriptedAuth, otel?: InMemoryOtel) {
  const telemetry = otel
    ? testTelemetry({ loggerProvider: otel.loggerProvider, meterProvider: otel.meterProvider })
    : undefined;
  const h = await harness(
    { steps: [] },
    { ws, client: { supportsWebsockets: true, auth, ...(telemetry ? { telemetry } : {}) } },
  );
  closers.push(h.close);
  const { conversation, delays } = testConversation(h.client, { random: () => 0.5 });
  const tokens = () => h.server.handshakes.map((s) => `${s.status} ${s.headerMap.authorization}`);
  return { ...h, conversation, delays, tokens };
}

const text = (id: string, words = 'Hello there!'): WsResponseStep => ({
  events: textTurn({ responseId: id, text: words }),
});
const unauthorizedFrame: WsResponseStep = {
  errorFrame: {
    status: 401,
    error: { type: 'invalid_request_error', code: 'token_expired', message: 'expired' },
  },
};
const shown = (events: TurnEvent[]) =>
  events
    .filter((e) => e.type === 'output_text.delta')
    .map((e) => (e as { delta: string }).delta)
    .join('');
const typesOf = (events: TurnEvent[]) => events.map((e) => e.type);
const recoveries = (otel: InMemoryOtel) =>
  otel.logs('codex.auth_recovery').map((r) => {
    const a = r.attributes;
    return [
      a['auth.mode'],
      a['auth.step'],
      a['auth.outcome'],
      a['auth.state_changed'],
      a['auth.recovery_reason'],
    ];
  });

describe('WebSocket handshake answered 401', () => {
  it('reloads, handshakes again with the same token and completes without a notice', async () => {
    const otel = inMemoryOtel();
    const auth = scriptedRecoveryAuth({ token: 'tok-1' });
    const t = await setup(
      {
        handshakes: [{ kind: 'reject', status: 401, headers: DEBUG_HEADERS }, { kind: 'accept' }],
        responses: [text('resp_1')],
      },
      auth,
      otel,
    );
    const events = await collect(t.conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(t.tokens()).toEqual(['401 Bearer tok-1', '101 Bearer tok-1']);
    expect(auth.stepsRun).toEqual(['reload']);
    expect(typesOf(events)).not.toContain('stream_error');
    expect(t.delays).toEqual([]);
    expect(recoveries(otel)).toEqual([['managed', 'reload', 'recovery_succeeded', false, undefined]]);
    const [record] = otel.logs('codex.auth_recovery');
    expect(record?.attributes).toMatchObject({
      'auth.request_id': 'req-401',
      'auth.cf_ray': 'ray-401',
      'auth.error': 'token_expired',
    });
  });

  it('refreshes after a second 401 and handshakes with the new token on a new connection', async () => {
    const otel = inMemoryOtel();
    const auth = scriptedRecoveryAuth({ token: 'tok-1', refreshTo: 'tok-2' });
    const t = await setup(
      {
        handshakes: [{ kind: 'reject', status: 401 }, { kind: 'reject', status: 401 }, { kind: 'accept' }],
        responses: [text('resp_1')],
      },
      auth,
      otel,
    );
    const events = await collect(t.conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(t.tokens()).toEqual(['401 Bearer tok-1', '401 Bearer tok-1', '101 Bearer tok-2']);
    expect(auth.stepsRun).toEqual(['reload', 'refresh_token']);
    expect(t.delays).toEqual([]);
    expect(recoveries(otel)).toEqual([
      ['managed', 'reload', 'recovery_succeeded', false, undefined],
      ['managed', 'refresh_token', 'recovery_succeeded', true, undefined],
    ]);
    expect(await otel.exported()).not.toContain('tok-');
  });

  it('with no step left maps the 401 as before: the turn loop retries it (recovery_not_run)', async () => {
    const otel = inMemoryOtel();
    const auth = scriptedRecoveryAuth({ token: 'tok-1', refreshTo: 'tok-2' });
    const reject = { kind: 'reject', status: 401 } as const;
    const t = await setup({ handshakes: [reject, reject, reject], responses: [text('resp_1')] }, auth, otel);
    const events = await collect(t.conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    // 3rd 401: no step left → unexpected_status 401 → a silent turn-level retry (first one on WebSocket).
    expect(t.tokens()).toEqual([
      '401 Bearer tok-1',
      '401 Bearer tok-1',
      '401 Bearer tok-2',
      '101 Bearer tok-2',
    ]);
    expect(t.delays).toHaveLength(1);
    expect(auth.recoveries).toBe(1);
    expect(recoveries(otel)).toEqual([
      ['managed', 'reload', 'recovery_succeeded', false, undefined],
      ['managed', 'refresh_token', 'recovery_succeeded', true, undefined],
      ['managed', 'done', 'recovery_not_run', undefined, 'recovery_exhausted'],
    ]);
  });

  it('a permanent refresh failure ends the turn with its message after exactly 2 handshakes', async () => {
    const otel = inMemoryOtel();
    const auth = scriptedRecoveryAuth({
      token: 'tok-1',
      refreshFailure: () => new ApiError('refresh_token_failed', EXPIRED),
    });
    const reject = { kind: 'reject', status: 401 } as const;
    const t = await setup({ handshakes: [reject, reject], responses: [text('resp_1')] }, auth, otel);
    const events = await collect(t.conversation.runTurn('hello'));
    expect(events.at(-1)).toMatchObject({ type: 'turn.failed', message: EXPIRED });
    expect(t.tokens()).toEqual(['401 Bearer tok-1', '401 Bearer tok-1']);
    expect(typesOf(events)).not.toContain('stream_error');
    expect(recoveries(otel)).toEqual([
      ['managed', 'reload', 'recovery_succeeded', false, undefined],
      ['managed', 'refresh_token', 'recovery_failed_permanent', undefined, undefined],
    ]);
  });
});

describe('WebSocket error frame with status 401', () => {
  it('before any output: reloads and sends the request again in full on a new socket, shown once', async () => {
    const otel = inMemoryOtel();
    const auth = scriptedRecoveryAuth({ token: 'tok-1' });
    const t = await setup({ responses: [unauthorizedFrame, text('resp_1', 'Only once.')] }, auth, otel);
    const events = await collect(t.conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(auth.stepsRun).toEqual(['reload']);
    expect(t.tokens()).toEqual(['101 Bearer tok-1', '101 Bearer tok-1']);
    const frames = t.server.wsFrames.map((f) => f.json as Record<string, unknown>);
    expect(frames.map((f) => f.previous_response_id)).toEqual([undefined, undefined]);
    expect(frames[1]?.input).toEqual(frames[0]?.input);
    expect(new Set(t.server.wsFrames.map((f) => f.connection)).size).toBe(2);
    // No turn-level retry: nothing discarded, no notice, no backoff.
    expect(typesOf(events)).not.toContain('attempt.discarded');
    expect(typesOf(events)).not.toContain('stream_error');
    expect(t.delays).toEqual([]);
    expect(shown(events)).toBe('Only once.');
    expect(recoveries(otel)).toEqual([['managed', 'reload', 'recovery_succeeded', false, undefined]]);
  });

  it('twice: refreshes and the resent request carries the new token', async () => {
    const auth = scriptedRecoveryAuth({ token: 'tok-1', refreshTo: 'tok-2' });
    const t = await setup({ responses: [unauthorizedFrame, unauthorizedFrame, text('resp_1')] }, auth);
    const events = await collect(t.conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(auth.stepsRun).toEqual(['reload', 'refresh_token']);
    expect(t.tokens()).toEqual(['101 Bearer tok-1', '101 Bearer tok-1', '101 Bearer tok-2']);
    expect(t.delays).toEqual([]);
  });

  it('after output: runs the step, then the turn loop discards the attempt and retries', async () => {
    const auth = scriptedRecoveryAuth({ token: 'tok-1', refreshTo: 'tok-2' });
    const partial: WsResponseStep = {
      events: [
        responseCreated('resp_0'),
        outputTextDelta('par'),
        { type: 'error', status: 401, error: { type: 'invalid_request_error', message: 'expired' } },
      ],
    };
    const t = await setup({ responses: [partial, text('resp_1', 'Whole answer.')] }, auth);
    const events = await collect(t.conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(auth.stepsRun).toEqual(['reload']);
    expect(typesOf(events)).toContain('attempt.discarded');
    expect(t.delays).toHaveLength(1);
    const lastAttempt = Math.max(
      ...events.filter((e) => e.type === 'output_text.delta').map((e) => e.attempt),
    );
    const finalText = events
      .filter((e) => e.type === 'output_text.delta' && e.attempt === lastAttempt)
      .map((e) => (e as { delta: string }).delta)
      .join('');
    expect(finalText).toBe('Whole answer.');
  });
});

describe('connection key and credentials', () => {
  it('the startup prewarm recovers from a 401 handshake; the turn continues from the warmed response', async () => {
    const auth = scriptedRecoveryAuth({ token: 'tok-1' });
    const t = await setup(
      { handshakes: [{ kind: 'reject', status: 401 }, { kind: 'accept' }], responses: [text('resp_1')] },
      auth,
    );
    expect(await t.conversation.prewarm()).toBe('ready');
    const events = await collect(t.conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(t.tokens()).toEqual(['401 Bearer tok-1', '101 Bearer tok-1']);
    expect(auth.stepsRun).toEqual(['reload']);
    const frames = t.server.wsFrames.map((f) => f.json as Record<string, unknown>);
    expect(frames.map((f) => f.generate)).toEqual([false, undefined]);
    expect(frames[1]?.previous_response_id).toBe('resp_prewarm_1');
  });

  it('never records a token a 401 echoes (canary in x-openai-authorization-error and the body)', async () => {
    const otel = inMemoryOtel();
    const canary = 'canary-access-token-0123456789';
    const auth = scriptedRecoveryAuth({ token: canary, refreshTo: `${canary}-v2` });
    const echo = {
      kind: 'reject',
      status: 401,
      headers: { 'x-openai-authorization-error': `rejected Bearer ${canary}` },
      body: `bad token ${canary}`,
    } as const;
    const t = await setup({ handshakes: [echo, echo, echo], responses: [text('resp_1')] }, auth, otel);
    const events = await collect(t.conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    const errors = otel.logs('codex.auth_recovery').map((r) => r.attributes['auth.error']);
    expect(errors).toEqual(['rejected ***', 'rejected ***', 'rejected ***']);
    expect(await otel.exported()).not.toContain(canary);
    expect(JSON.stringify(events)).not.toContain(canary);
  });

  it('opens a new socket for the next turn when the token changed in between', async () => {
    const auth = scriptedRecoveryAuth({ token: 'tok-1' });
    const t = await setup({ responses: [text('resp_1'), text('resp_2')] }, auth);
    expect((await collect(t.conversation.runTurn('first'))).at(-1)?.type).toBe('turn.completed');
    auth.token = 'tok-2';
    expect((await collect(t.conversation.runTurn('second'))).at(-1)?.type).toBe('turn.completed');
    expect(t.tokens()).toEqual(['101 Bearer tok-1', '101 Bearer tok-2']);
    const second = t.server.wsFrames[1]?.json as Record<string, unknown>;
    expect(second.previous_response_id).toBeUndefined();
  });
});
