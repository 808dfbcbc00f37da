// The session, start-up, turn and tool recorders: names, attributes and their types as 0.169.0
// exported them (otel-capture 2026-12-03), recorded into the in-memory SDK.
import { context, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TelemetryEventNames, TelemetryMetricNames } from '../names.js';
import { enableAsyncContext, type InMemoryOtel, inMemoryOtel } from '../test/index.js';
import { SessionTelemetry } from './session-telemetry.js';
import type { SessionTelemetryOptions } from './types.js';

const TAGS = { session_source: 'exec', originator: 'codex_exec', model: 'gpt-5.5', 'app.version': '0.1.0' };
const AUTH_ENV = {
  'auth.env_openai_api_key_present': false,
  'auth.env_codex_api_key_present': false,
  'auth.env_codex_api_key_enabled': true,
  'auth.env_provider_key_name': 'configured',
  'auth.env_provider_key_present': true,
  'auth.env_refresh_token_url_override_present': false,
};

let sdk: InMemoryOtel;
let disableContext: () => void;
beforeAll(() => {
  disableContext = enableAsyncContext();
});
afterAll(() => disableContext());
beforeEach(() => {
  sdk = inMemoryOtel();
});
afterEach(async () => {
  await sdk.shutdown();
});

function session(overrides: Partial<SessionTelemetryOptions> = {}): SessionTelemetry {
  return new SessionTelemetry({
    conversationId: 'conv-1',
    model: 'gpt-5.5',
    originator: 'codex_exec',
    appVersion: '0.1.0',
    sessionSource: 'exec',
    terminalType: 'xterm',
    authEnv: {
      openaiApiKeyPresent: false,
      codexApiKeyPresent: false,
      codexApiKeyEnabled: true,
      providerKeyName: 'configured',
      providerKeyPresent: true,
      refreshTokenUrlOverridePresent: false,
    },
    meterProvider: sdk.meterProvider,
    loggerProvider: sdk.loggerProvider,
    tracerProvider: sdk.tracerProvider,
    ...overrides,
  });
}

/** Runs `fn` with a recording span active and returns the span's events. */
function spanEvents(telemetry: SessionTelemetry, fn: () => void) {
  const span = telemetry.startSpan('test.span');
  context.with(trace.setSpan(context.active(), span), fn);
  span.end();
  return sdk.spans().at(-1)?.events ?? [];
}

const logAttrs = (name: string) => sdk.logs(name).map((r) => r.attributes);

describe('codex.conversation_starts', () => {
  it('logs mcp_servers and puts mcp_server_count on the span, with the auth env flags', () => {
    const telemetry = session();
    const events = spanEvents(telemetry, () =>
      telemetry.recordConversationStarts({
        providerName: 'local',
        reasoningSummary: 'auto',
        contextWindow: 272000,
        approvalPolicy: 'never',
        sandboxPolicy: 'read-only',
        mcpServers: ['docs', 'git'],
      }),
    );
    const [log] = logAttrs(TelemetryEventNames.conversationStarts);
    expect(log).toMatchObject({
      ...AUTH_ENV,
      'config.legacy_multi_agent_disabled_sources': 'none',
      provider_name: 'local',
      reasoning_summary: 'auto',
      context_window: 272000,
      approval_policy: 'never',
      sandbox_policy: 'read-only',
      mcp_servers: 'docs, git',
      'conversation.id': 'conv-1',
    });
    expect(log).not.toHaveProperty('reasoning_effort');
    expect(log).not.toHaveProperty('mcp_server_count');
    const event = events.find((e) => e.name === TelemetryEventNames.conversationStarts);
    expect(event?.attributes).toMatchObject({ ...AUTH_ENV, mcp_server_count: 2, provider_name: 'local' });
    expect(event?.attributes).not.toHaveProperty('mcp_servers');
  });
});

describe('start-up', () => {
  it('records codex.startup_phase with a string duration and the phase histogram', async () => {
    const telemetry = session();
    telemetry.recordStartupPhase({ phase: 'thread_start_total', status: 'ready', durationMs: 46.9 });
    telemetry.recordStartupPhase({ phase: 'startup_prewarm_websocket_warmup', durationMs: 26 });
    expect(logAttrs(TelemetryEventNames.startupPhase)).toEqual([
      expect.objectContaining({
        'startup.phase': 'thread_start_total',
        'startup.status': 'ready',
        duration_ms: '46',
      }),
      expect.not.objectContaining({ 'startup.status': expect.anything() }),
    ]);
    const points = await sdk.metricPoints(TelemetryMetricNames.startupPhaseDuration);
    expect(points.map((p) => p.attributes)).toEqual(
      expect.arrayContaining([
        { ...TAGS, phase: 'thread_start_total', status: 'ready' },
        { ...TAGS, phase: 'startup_prewarm_websocket_warmup' },
      ]),
    );
  });

  it('counts the process once and the thread with its git tags; records the prewarm metrics', async () => {
    const telemetry = session();
    telemetry.recordProcessStart();
    telemetry.recordProcessStart();
    session().recordProcessStart();
    telemetry.recordThreadStarted({ isGit: false, isWorktree: undefined });
    telemetry.recordStartupPrewarm(78, 'ready');
    telemetry.recordStartupPrewarmAge(12, 'consumed');
    telemetry.recordStartupPrewarmWebsocketCheck('needs_prewarm');
    // Once per process: this file's first call may have been made by another test in this worker.
    const starts = await sdk.metricPoints(TelemetryMetricNames.processStart);
    expect(starts.reduce((n, p) => n + p.value, 0)).toBeLessThanOrEqual(1);
    for (const p of starts) expect(p.attributes).toEqual({ originator: 'codex_exec' });
    expect(await sdk.metricPoints(TelemetryMetricNames.threadStarted)).toEqual([
      { attributes: { ...TAGS, is_git: 'false', is_worktree: 'unknown' }, value: 1 },
    ]);
    expect((await sdk.metricPoints(TelemetryMetricNames.startupPrewarmDuration))[0]?.attributes).toEqual({
      ...TAGS,
      input: 'base',
      status: 'ready',
    });
    expect(
      (await sdk.metricPoints(TelemetryMetricNames.startupPrewarmAgeAtFirstTurn))[0]?.attributes,
    ).toEqual({
      ...TAGS,
      status: 'consumed',
    });
    expect(
      await sdk.total(TelemetryMetricNames.startupPrewarmWebsocketCheck, { outcome: 'needs_prewarm' }),
    ).toBe(1);
  });
});

describe('turns', () => {
  it('records ttft as event and metric, ttfm, e2e, token usage per token_type and tool calls', async () => {
    const telemetry = session();
    const events = spanEvents(telemetry, () => telemetry.recordTurnTtft(114.6));
    expect(events.find((e) => e.name === TelemetryEventNames.turnTtft)?.attributes).toMatchObject({
      duration_ms: '114',
    });
    expect(logAttrs(TelemetryEventNames.turnTtft)[0]).toMatchObject({ duration_ms: '114' });
    telemetry.recordTurnStarted();
    telemetry.recordTurnTtfm(200);
    telemetry.recordTurnCompleted({
      durationMs: 500,
      toolCalls: 0,
      usage: {
        inputTokens: 1843,
        cachedInputTokens: 1024,
        cacheWriteInputTokens: 0,
        outputTokens: 52,
        reasoningOutputTokens: 24,
        totalTokens: 1895,
      },
    });
    for (const name of [
      TelemetryMetricNames.turnTtftDuration,
      TelemetryMetricNames.turnTtfmDuration,
      TelemetryMetricNames.turnE2eDuration,
      TelemetryMetricNames.conversationTurnCount,
    ]) {
      expect(await sdk.metricPoints(name), name).toEqual([
        expect.objectContaining({ attributes: TAGS, value: 1 }),
      ]);
    }
    const usage = await sdk.metricPoints(TelemetryMetricNames.turnTokenUsage);
    expect(Object.fromEntries(usage.map((p) => [p.attributes.token_type, p.sum]))).toEqual({
      input: 1843,
      cached_input: 1024,
      cache_write_input: 0,
      output: 52,
      reasoning_output: 24,
      total: 1895,
    });
    expect(usage[0]?.attributes).toMatchObject({ ...TAGS, tmp_mem_enabled: 'false' });
    expect(await sdk.metricPoints(TelemetryMetricNames.turnToolCall)).toEqual([
      { attributes: { ...TAGS, tmp_mem_enabled: 'false' }, value: 1, sum: 0 },
    ]);
  });

  it('puts codex.turn_profile on the active span with string counts', () => {
    const telemetry = session();
    const events = spanEvents(telemetry, () =>
      telemetry.recordTurnProfile({ turnId: 't-1', samplingRequestCount: 1, samplingRetryCount: 0 }),
    );
    expect(events.find((e) => e.name === TelemetryEventNames.turnProfile)?.attributes).toEqual({
      'event.name': 'codex.turn_profile',
      'conversation.id': 'conv-1',
      turn_id: 't-1',
      critical_path_status: 'disabled',
      sampling_request_count: '1',
      sampling_retry_count: '0',
    });
    expect(sdk.logs(TelemetryEventNames.turnProfile)).toEqual([]);
  });
});

describe('tools', () => {
  it('logs decisions and results (redacted), counts tool calls, and keeps text off the span', async () => {
    const telemetry = session();
    telemetry.redact('sk-secret-0123456789');
    telemetry.recordToolDecision({ toolName: 'exec', callId: 'c1', decision: 'approved', source: 'config' });
    const events = spanEvents(telemetry, () =>
      telemetry.recordToolResult({
        toolName: 'exec',
        callId: 'c1',
        arguments: '{"cmd":"echo sk-secret-0123456789"}',
        durationMs: 7,
        success: true,
        output: 'sk-secret-0123456789\nline2\n',
      }),
    );
    expect(logAttrs(TelemetryEventNames.toolDecision)[0]).toMatchObject({
      tool_name: 'exec',
      call_id: 'c1',
      decision: 'approved',
      source: 'config',
    });
    const [log] = logAttrs(TelemetryEventNames.toolResult);
    expect(log).toMatchObject({
      arguments: '{"cmd":"echo ***"}',
      output: '***\nline2\n',
      duration_ms: '7',
      success: 'true',
      mcp_server: '',
    });
    const event = events.find((e) => e.name === TelemetryEventNames.toolResult);
    expect(event?.attributes).toMatchObject({
      output_line_count: 2,
      tool_origin: 'builtin',
      mcp_tool: false,
      success: 'true',
    });
    expect(event?.attributes).not.toHaveProperty('output');
    expect(await sdk.exported()).not.toContain('sk-secret-0123456789');
    expect(await sdk.total(TelemetryMetricNames.toolCall, { tool: 'exec', success: 'true' })).toBe(1);
  });
});

describe('WebSocket connect metrics', () => {
  it('counts connects with reauth and success, and logs auth.reauth and the auth env flags', async () => {
    const telemetry = session();
    telemetry.recordWebsocketConnect({ durationMs: 39, status: 101, reauth: false });
    telemetry.recordWebsocketConnect({ durationMs: 3, status: 401, reauth: true, error: 'unauthorized' });
    expect(await sdk.total(TelemetryMetricNames.websocketConnect, { reauth: 'false', success: 'true' })).toBe(
      1,
    );
    expect(await sdk.total(TelemetryMetricNames.websocketConnect, { reauth: 'true', success: 'false' })).toBe(
      1,
    );
    expect(await sdk.total(TelemetryMetricNames.websocketConnectDuration, { success: 'true' })).toBe(1);
    expect(logAttrs(TelemetryEventNames.websocketConnect)[1]).toMatchObject({
      ...AUTH_ENV,
      'auth.reauth': true,
    });
  });
});
