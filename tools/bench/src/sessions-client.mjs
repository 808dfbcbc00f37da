// One run of sessions-1000, in a fresh process (forked by sessions-1000.mjs with --expose-gc):
// N sessions (a ModelClient + Conversation each, as one CLI session) run one turn each, all at
// once, against the server at --url. Sends one `{ result }` (or `{ error }`) IPC message and exits.
//
// argv: --url=… --n=1000 --deltas=200 --transport=http|websocket --prewarm=yes|no
//
// Timed phase = from starting all N turns to the last `turn.completed`. With --prewarm=yes every
// session first runs `Conversation.prewarm()` (handshake + `generate: false` request, as the CLI
// does at start-up), all at once and timed separately; the turn then reuses that socket.

import { performance } from 'node:perf_hooks';
import { Conversation } from '@codex-ts/core';
import { newClient } from './bench-client.mjs';
import { argPairs } from './report.mjs';
import { sessionTurn } from './sessions-server.mjs';
import { baseInstructions, ENVIRONMENT_CONTEXT, TOOLS } from './ws-workload.mjs';

const gc = globalThis.gc;
if (!gc) throw new Error('run with node --expose-gc');

function parseArgs(argv) {
  const o = { url: undefined, n: 1000, deltas: 200, transport: 'http', prewarm: 'no' };
  for (const [key, value] of argPairs(argv)) {
    if (key === 'n' || key === 'deltas') o[key] = Number(value);
    else if (key in o) o[key] = value;
    else throw new Error(`unknown option --${key}`);
  }
  if (!o.url) throw new Error('--url is required');
  return o;
}

const messageText = (item) =>
  (item.content ?? [])
    .filter((c) => c.type === 'output_text')
    .map((c) => c.text)
    .join('');

/** Runs one turn to `turn.completed`, checks its answer, resolves with the events it yielded. */
async function turn(conversation, expectedText) {
  let events = 0;
  let text;
  let completed = false;
  for await (const e of conversation.runTurn('Say the words.')) {
    events++;
    if (e.type === 'turn.failed') throw new Error(`turn failed: ${e.message}`);
    if (e.type === 'stream_error' || e.type === 'warning' || e.type === 'turn.aborted') {
      throw new Error(`unexpected ${e.type}: ${e.message ?? e.reason}`);
    }
    if (e.type === 'item.completed' && e.item.type === 'message') text = messageText(e.item);
    if (e.type === 'turn.completed') completed = true;
  }
  if (!completed) throw new Error('turn ended without turn.completed');
  if (text !== expectedText) throw new Error(`turn answered ${JSON.stringify(text?.slice(0, 80))}…`);
  return events;
}

/** Samples `process.memoryUsage()` every `everyMs` until `stop()`; keeps the peaks. */
function memorySampler(everyMs = 20) {
  const peak = { rss: 0, heapUsed: 0, external: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.external = Math.max(peak.external, m.external + m.arrayBuffers);
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

const cpuMicros = (since) => {
  const d = process.cpuUsage(since);
  return d.user + d.system;
};

async function run(o) {
  const websocket = o.transport === 'websocket';
  const instructions = baseInstructions(8192);
  const { text: expectedText } = sessionTurn(o.deltas);
  gc();
  const base = process.memoryUsage();
  const sessions = Array.from({ length: o.n }, () => {
    const client = newClient(o.url, websocket, 60_000); // 1 000 connections on 2 loaded cores
    const conversation = new Conversation({
      client,
      model: 'gpt-5.5',
      baseInstructions: instructions,
      environmentContext: ENVIRONMENT_CONTEXT,
      reasoning: { effort: 'medium', summary: 'auto' },
      streamMaxRetries: 0,
      tools: TOOLS,
      turnTrigger: 'exec',
    });
    return { client, conversation };
  });
  const sampler = memorySampler();
  let prewarmMs;
  let prewarmCpuUs;
  if (o.prewarm === 'yes') {
    const prewarmCpu = process.cpuUsage();
    const t = performance.now();
    const outcomes = await Promise.all(sessions.map((s) => s.conversation.prewarm()));
    prewarmMs = performance.now() - t;
    prewarmCpuUs = cpuMicros(prewarmCpu);
    const bad = outcomes.filter((x) => x !== 'ready');
    if (bad.length > 0) throw new Error(`${bad.length} prewarms failed (${bad[0]})`);
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const counts = await Promise.all(sessions.map((s) => turn(s.conversation, expectedText)));
  const wallMs = performance.now() - t0;
  const cpuUs = cpuMicros(cpu0);
  const peak = sampler.stop();
  gc();
  const open = process.memoryUsage();
  await Promise.all(sessions.map((s) => s.client.close()));
  // The server's events: created, item added, the deltas, item done, completed.
  const serverEvents = o.n * (o.deltas + 4);
  const perSession = (bytes) => (bytes / o.n / 1024).toFixed(1);
  return {
    wallMs,
    prewarmMs,
    cpuMs: cpuUs / 1000,
    serverEvents,
    turnEvents: counts.reduce((a, b) => a + b, 0),
    eventsPerSec: serverEvents / (wallMs / 1000),
    cpuUsPerEvent: cpuUs / serverEvents,
    // The prewarm's CPU, on the same scale (per event of the turns that follow it).
    prewarmCpuUsPerEvent: prewarmCpuUs === undefined ? undefined : prewarmCpuUs / serverEvents,
    rssPeakKbPerSession: Number(perSession(peak.rss - base.rss)),
    heapPeakKbPerSession: Number(perSession(peak.heapUsed - base.heapUsed)),
    externalPeakKbPerSession: Number(perSession(peak.external - base.external - base.arrayBuffers)),
    heapOpenKbPerSession: Number(perSession(open.heapUsed - base.heapUsed)),
    rssOpenKbPerSession: Number(perSession(open.rss - base.rss)),
  };
}

const options = parseArgs(process.argv.slice(2));
try {
  const result = await run(options);
  process.send({ result }, () => process.exit(0));
} catch (error) {
  process.send({ error: String(error?.stack ?? error) }, () => process.exit(1));
}
