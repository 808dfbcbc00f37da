#!/usr/bin/env node
// Cost of SessionTelemetry's recorders when no OpenTelemetry SDK is registered (the global
// no-op providers), in ns per call. Informational: not run by tests or CI. Uses the built
// package, so build first: `npx -y pnpm@10 --filter @codex-ts/otel build && node bench/noop.mjs`.
// `OTEL_DIST=<dir>` loads another build (e.g. a copy of main's `dist`) for a paired comparison;
// recorders that build lacks print `-`.
import { pathToFileURL } from 'node:url';

const dist = process.env.OTEL_DIST ?? new URL('../dist', import.meta.url).pathname;
const { SessionTelemetry } = await import(pathToFileURL(`${dist}/index.js`).href);

const ITERATIONS = Number(process.env.ITERATIONS ?? 100_000);

const t = new SessionTelemetry({
  conversationId: 'conv-noop',
  model: 'gpt-5.1-codex',
  authMode: 'apikey',
  originator: 'codex_exec',
  appVersion: '0.1.0',
  sessionSource: 'exec',
});

function nsPerOp(fn) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) fn();
  return Number(process.hrtime.bigint() - start) / ITERATIONS;
}

const requestHook = t.requestTelemetry();
const sseHook = t.sseTelemetry();
const ok = { attempt: 0, status: 200, error: undefined, durationMs: 12 };
const sse = {
  event: {
    event: 'response.output_text.delta',
    data: '{"type":"response.output_text.delta","delta":"x"}',
    id: undefined,
  },
  error: undefined,
  durationMs: 1,
};
const unnamedSse = {
  event: { event: 'message', data: '{"type":"response.created"}', id: undefined },
  error: undefined,
  durationMs: 1,
};
const retry = { attempt: 1, delayMs: 200, layer: 'http', operation: 'request' };
const wsEvent = { frame: 'text', kind: 'response.created', durationMs: 1 };
const continuation = { mode: 'incremental', reason: 'incremental', phase: 'generation' };

const connect = { durationMs: 3, status: 101, endpoint: '/responses', auth: { headerAttached: true } };
const spanOptions = { attributes: { 'turn.id': 't', model: 'gpt-5.1-codex' } };
const usage = { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, toolTokens: 15 };
const turnEnd = {
  durationMs: 100,
  toolCalls: 1,
  usage: {
    inputTokens: 10,
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    outputTokens: 5,
    reasoningOutputTokens: 0,
    totalTokens: 15,
  },
};
const phase = { phase: 'thread_start_total', status: 'ready', durationMs: 4 };
const toolResult = {
  toolName: 'exec',
  callId: 'c',
  arguments: '{}',
  durationMs: 3,
  success: true,
  output: 'ok',
};
/** `{ name: ns/op }` when this build has the recorder, else `{ name: NaN }` (printed `-`). */
function optional(name, fn) {
  return { [name]: typeof t[name] === 'function' ? nsPerOp(fn) : Number.NaN };
}

// Warm up so the JIT has compiled the paths.
for (let i = 0; i < 10_000; i++) {
  requestHook.onRequest(ok);
  sseHook.onSseEvent(sse);
}
const results = {
  'requestTelemetry().onRequest': nsPerOp(() => requestHook.onRequest(ok)),
  'sseTelemetry().onSseEvent': nsPerOp(() => sseHook.onSseEvent(sse)),
  'onSseEvent (event: message)': nsPerOp(() => sseHook.onSseEvent(unnamedSse)),
  recordRetry: nsPerOp(() => t.recordRetry(retry)),
  recordWebsocketEvent: nsPerOp(() => t.recordWebsocketEvent(wsEvent)),
  recordContinuation: nsPerOp(() => t.recordContinuation(continuation)),
  recordFallbackToHttp: nsPerOp(() => t.recordFallbackToHttp()),
  userPrompt: nsPerOp(() => t.userPrompt('hello')),
  w3cTraceContext: nsPerOp(() => t.w3cTraceContext()),
  recordWebsocketConnect: nsPerOp(() => t.recordWebsocketConnect(connect)),
  'startSpan + end (one turn span)': nsPerOp(() => t.startSpan('run_turn', spanOptions).end()),
  recordResponseCompleted: nsPerOp(() => t.recordResponseCompleted(usage)),
  ...optional('recordTurnTtft', () => t.recordTurnTtft(12)),
  ...optional('recordTurnCompleted', () => t.recordTurnCompleted(turnEnd)),
  ...optional('recordStartupPhase', () => t.recordStartupPhase(phase)),
  ...optional('recordToolResult', () => t.recordToolResult(toolResult)),
};
const table = Object.entries(results)
  .map(([name, ns]) => `  ${name.padEnd(32)} ${Number.isNaN(ns) ? '-' : `${ns.toFixed(1)} ns/op`}`)
  .join('\n');
console.log(`no-op SessionTelemetry (node ${process.version}), ${ITERATIONS} calls each:\n${table}`);
