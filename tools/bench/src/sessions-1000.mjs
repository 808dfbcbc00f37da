#!/usr/bin/env node
// N = 1 000 concurrent sessions in one process, one turn each (~200 small deltas), HTTP vs
// WebSocket (prewarmed as the CLI does, and cold), with and without permessage-deflate. The server
// runs in its own process; every run of the client is a fresh process. See ../README.md.
//
// node src/sessions-1000.mjs [--n=1000] [--deltas=200] [--rounds=3]
//   [--scenarios=http,ws,ws-prewarmed,ws-plain,ws-prewarmed-plain] [--backlog=4096]
//   [--out=results/sessions-1000.json]

import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argList, argPairs, fmtInt, loadavg, median, round, runMeta, table, toJson } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The scenarios: transport, prewarm, and whether the server accepts permessage-deflate (`on`:
 * every frame compressed with context takeover, as `ws` servers do; `off`: the extension declined,
 * frames go plain). The client always offers it.
 */
const SCENARIOS = {
  http: { transport: 'http', prewarm: 'no', deflate: 'off', label: 'HTTP SSE, a new connection per session' },
  ws: { transport: 'websocket', prewarm: 'no', deflate: 'on', label: 'WS, handshake in the turn, deflate' },
  'ws-prewarmed': {
    transport: 'websocket',
    prewarm: 'yes',
    deflate: 'on',
    label: 'WS after the prewarm, deflate',
  },
  'ws-plain': {
    transport: 'websocket',
    prewarm: 'no',
    deflate: 'off',
    label: 'WS, handshake in the turn, no deflate',
  },
  'ws-prewarmed-plain': {
    transport: 'websocket',
    prewarm: 'yes',
    deflate: 'off',
    label: 'WS after the prewarm, no deflate',
  },
};

function parseArgs(argv) {
  const o = {
    n: 1000,
    deltas: 200,
    rounds: 3,
    backlog: 4096,
    scenarios: Object.keys(SCENARIOS),
    out: join(here, '..', 'results', 'sessions-1000.json'),
  };
  for (const [key, value] of argPairs(argv)) {
    if (key === 'n' || key === 'deltas' || key === 'rounds' || key === 'backlog') {
      const v = Number(value);
      if (!Number.isInteger(v) || v < 1) throw new Error(`--${key} takes a positive integer`);
      o[key] = v;
    } else if (key === 'scenarios') o.scenarios = argList(value);
    else if (key === 'out') o.out = resolve(value);
    else throw new Error(`unknown option --${key}`);
  }
  for (const s of o.scenarios) if (!(s in SCENARIOS)) throw new Error(`unknown scenario ${s}`);
  return o;
}

/** Forks `script` with `args`; resolves with the child and its first IPC message. */
function forkFirstMessage(script, args, execArgv = []) {
  const child = fork(join(here, script), args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const first = new Promise((resolveMessage, reject) => {
    child.once('message', resolveMessage);
    child.once('exit', (code) => reject(new Error(`${script} exited with code ${code} before answering`)));
  });
  return { child, first };
}

async function startServer(deflate, o) {
  const { child, first } = forkFirstMessage('sessions-server.mjs', [
    `--deflate=${deflate}`,
    `--deltas=${o.deltas}`,
    `--backlog=${o.backlog}`,
  ]);
  const { url } = await first;
  return {
    url,
    counts: () =>
      new Promise((ok) => {
        child.once('message', (m) => ok(m.counts));
        child.send({ op: 'counts' });
      }),
    close: () =>
      new Promise((ok) => {
        child.once('exit', ok);
        child.send({ op: 'close' });
      }),
  };
}

/**
 * The kernel's count of connections dropped because a listen socket's accept queue was full
 * (`TcpExt ListenOverflows`, this network namespace, every process), or undefined when unreadable.
 * Each drop costs its client a SYN retransmission (1 s, then 3 s, …), so a run with drops has a
 * wall time set by the kernel's timers, not by the client.
 */
function listenOverflows() {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const names = lines[i].split(/\s+/);
      const values = lines[i + 1].split(/\s+/);
      const at = names.indexOf('ListenOverflows');
      if (names[0] === 'TcpExt:' && at > 0) return Number(values[at]);
    }
  } catch {
    // not Linux, or no procfs
  }
  return undefined;
}

async function runOnce(name, server, o) {
  const s = SCENARIOS[name];
  await server.counts(); // clears the server's records
  const overflows0 = listenOverflows();
  const args = [`--url=${server.url}`, `--n=${o.n}`, `--deltas=${o.deltas}`];
  args.push(`--transport=${s.transport}`, `--prewarm=${s.prewarm}`);
  const { first } = forkFirstMessage('sessions-client.mjs', args, ['--expose-gc']);
  const message = await first;
  if (message.error) throw new Error(`${name}: ${message.error}`);
  const overflows1 = listenOverflows();
  const listenDrops = overflows0 === undefined ? undefined : overflows1 - overflows0;
  const counts = await server.counts();
  const ws = s.transport === 'websocket';
  const expectFrames = ws ? o.n * (s.prewarm === 'yes' ? 2 : 1) : 0;
  if (
    counts.requests !== (ws ? 0 : o.n) ||
    counts.handshakes !== (ws ? o.n : 0) ||
    counts.frames !== expectFrames
  ) {
    throw new Error(`${name}: server saw ${JSON.stringify(counts)}`);
  }
  const negotiated = counts.extensions !== undefined; // the offer was sent
  // The server's CPU over the whole client run (prewarm and closing included), per turn event.
  const serverCpuUsPerEvent = counts.cpuUs / message.result.serverEvents;
  return { ...message.result, serverCpuUsPerEvent, listenDrops, offered: ws ? negotiated : undefined };
}

const o = parseArgs(process.argv.slice(2));
const meta = runMeta(o);
console.log(
  `sessions-1000: N=${o.n}, ${o.deltas} deltas per turn, ${o.rounds} rounds; load ${meta.loadavgStart.join(' ')}`,
);
const servers = new Map();
for (const name of o.scenarios) {
  const { deflate } = SCENARIOS[name];
  if (!servers.has(deflate)) servers.set(deflate, await startServer(deflate, o));
}
const runs = new Map(o.scenarios.map((n) => [n, []]));
try {
  for (let round = 0; round < o.rounds; round++) {
    for (let j = 0; j < o.scenarios.length; j++) {
      const name = o.scenarios[(round + j) % o.scenarios.length];
      const r = await runOnce(name, servers.get(SCENARIOS[name].deflate), o);
      runs.get(name).push(r);
      console.log(
        `  round ${round + 1} ${name.padEnd(20)} wall ${fmtInt(r.wallMs)} ms, ${r.cpuUsPerEvent.toFixed(1)} µs CPU/event (server ${r.serverCpuUsPerEvent.toFixed(1)}), ${r.listenDrops ?? '?'} listen drops, load ${loadavg()[0]}`,
      );
    }
  }
} finally {
  for (const server of servers.values()) await server.close();
}

const KEYS = [
  'wallMs',
  'prewarmMs',
  'eventsPerSec',
  'cpuUsPerEvent',
  'prewarmCpuUsPerEvent',
  'serverCpuUsPerEvent',
  'heapPeakKbPerSession',
  'rssPeakKbPerSession',
  'heapOpenKbPerSession',
  'rssOpenKbPerSession',
];
const summary = {};
for (const [name, list] of runs) {
  summary[name] = Object.fromEntries(
    KEYS.map((k) => [k, list[0][k] === undefined ? undefined : round(median(list.map((r) => r[k])), 1)]),
  );
}
// Wall time swings with the machine's load from run to run; two steadier readings: the best run,
// and the ratio to the `http` run of the same round (rounds rotate the order), median over rounds.
const httpRuns = runs.get('http');
for (const [name, list] of runs) {
  summary[name].wallMsMin = round(Math.min(...list.map((r) => r.wallMs)), 1);
  if (httpRuns !== undefined) {
    summary[name].wallVsHttpPaired = round(median(list.map((r, i) => r.wallMs / httpRuns[i].wallMs)), 2);
  }
}
const http = summary.http;
const rows = Object.entries(summary).map(([name, m]) => [
  name,
  fmtInt(m.wallMs),
  fmtInt(m.wallMsMin),
  m.prewarmMs === undefined ? '' : fmtInt(m.prewarmMs),
  fmtInt(m.eventsPerSec),
  m.cpuUsPerEvent.toFixed(1),
  m.prewarmCpuUsPerEvent === undefined ? '' : m.prewarmCpuUsPerEvent.toFixed(1),
  m.serverCpuUsPerEvent.toFixed(1),
  m.heapPeakKbPerSession.toFixed(0),
  m.rssPeakKbPerSession.toFixed(0),
  m.heapOpenKbPerSession.toFixed(0),
  http ? `${(m.wallMs / http.wallMs).toFixed(2)}x` : '',
  http ? `${m.wallVsHttpPaired.toFixed(2)}x` : '',
  http ? `${(m.cpuUsPerEvent / http.cpuUsPerEvent).toFixed(2)}x` : '',
]);
console.log(
  `\nmedians of ${o.rounds} runs (N=${o.n}; KB per session; ratios to http; paired: median of the per-round wall ratios)\n${table(
    [
      'scenario',
      'wall ms',
      'wall min',
      'prewarm ms',
      'events/s',
      'CPU µs/event',
      'prewarm CPU',
      'server CPU',
      'heap peak',
      'RSS peak',
      'heap open',
      'wall/http',
      'paired',
      'CPU/http',
    ],
    rows,
  )}`,
);
const loadEnd = loadavg();
console.log(`load at the end: ${loadEnd.join(' ')}`);
mkdirSync(dirname(o.out), { recursive: true });
const scenarios = Object.fromEntries(o.scenarios.map((n) => [n, SCENARIOS[n].label]));
writeFileSync(
  o.out,
  `${toJson({ meta: { ...meta, loadavgEnd: loadEnd }, scenarios, summary, runs: Object.fromEntries(runs) })}\n`,
);
