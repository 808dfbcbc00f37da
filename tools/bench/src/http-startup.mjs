#!/usr/bin/env node
// Start-up cost of the HTTP transport candidates: a whole `node` process that streams one short
// Responses turn from a local server, per variant, paired and rotating. See ../README.md.
//
// node src/http-startup.mjs [--rounds=21] [--warmup=2] [--n=4]
//   [--variants=empty,node-http,ours,ours-undici,ours-undici-deep,ours-undici-deep-notierup,
//   ours-undici-deep-liftoff,ours-sender-undici,ours-sender-undici-liftoff]
//   [--out=results/http-startup.json]

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argList, argPairs, fmtInt, loadavg, median, round, runMeta, table, toJson } from './report.mjs';
import { renderBody } from './sse-body.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, 'http-startup-child.mjs');
const VARIANTS = [
  'empty',
  'node-http',
  'ours',
  'ours-undici',
  'ours-undici-deep',
  'ours-undici-deep-notierup',
  'ours-undici-deep-liftoff',
  'ours-sender-undici',
  'ours-sender-undici-liftoff',
];
const CHILD_DEADLINE_MS = 30_000;

function parseArgs(argv) {
  const options = {
    rounds: 21,
    warmup: 2,
    n: 4,
    variants: [...VARIANTS],
    out: join(here, '..', 'results', 'http-startup.json'),
  };
  for (const [name, value] of argPairs(argv)) {
    if (name === 'rounds' || name === 'warmup' || name === 'n') options[name] = Number(value);
    else if (name === 'variants') options.variants = argList(value);
    else if (name === 'out') options.out = resolve(value);
    else throw new Error(`unknown option --${name}`);
  }
  for (const v of options.variants) if (!VARIANTS.includes(v)) throw new Error(`unknown variant "${v}"`);
  return options;
}

/** Wall-clock ms with sub-ms precision, comparable across processes. */
const now = () => performance.timeOrigin + performance.now();

/** A node:http server answering every POST with the same SSE body; remembers the last arrival. */
async function startServer(n) {
  const body = Buffer.from(renderBody(n));
  const state = { lastArrival: 0 };
  const server = createServer((req, res) => {
    state.lastArrival = now();
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-length': body.length });
      res.end(body);
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}/v1/responses`;
  return { url, state, close: () => new Promise((ok) => server.close(ok)) };
}

/** Runs one child; resolves with its wall time, the arrival of its request and its own marks. */
function runChild(variant, server) {
  return new Promise((ok, fail) => {
    server.state.lastArrival = 0;
    const started = now();
    const child = spawn(process.execPath, [CHILD, variant, server.url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_DEADLINE_MS);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallMs = now() - started;
      if (code !== 0) return fail(new Error(`${variant} exited with ${code}`));
      const marks = JSON.parse(out.trim().split('\n').pop());
      const requestMs = server.state.lastArrival === 0 ? undefined : server.state.lastArrival - started;
      if (variant !== 'empty' && requestMs === undefined) return fail(new Error(`${variant} sent nothing`));
      ok({ wallMs, requestMs, ...marks });
    });
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const meta = runMeta(options);
  console.log(`http-startup  node ${meta.node}  ${meta.platform}  ${meta.cpus} cpus (${meta.cpuModel})`);
  console.log(`load average (1/5/15 min) at start: ${meta.loadavgStart.join(' / ')}`);
  const server = await startServer(options.n);
  const runs = new Map(options.variants.map((v) => [v, []]));
  try {
    for (let round = 0; round < options.warmup + options.rounds; round++) {
      for (let j = 0; j < options.variants.length; j++) {
        const variant = options.variants[(round + j) % options.variants.length];
        const result = await runChild(variant, server);
        if (round >= options.warmup) runs.get(variant).push(result);
      }
    }
  } finally {
    await server.close();
  }
  const pick = (list, key) => list.map((r) => r[key]).filter((v) => v !== undefined && v !== 0);
  const med = (list, key) => {
    const values = pick(list, key);
    return values.length === 0 ? undefined : median(values);
  };
  const baseWall = runs.has('node-http') ? med(runs.get('node-http'), 'wallMs') : undefined;
  const undiciWall = runs.has('ours-undici') ? med(runs.get('ours-undici'), 'wallMs') : undefined;
  const results = options.variants.map((variant) => {
    const list = runs.get(variant);
    const wall = med(list, 'wallMs');
    const done = med(list, 'done');
    const exit = med(list, 'exit');
    return {
      variant,
      wallMs: round(wall, 1),
      wallMinMs: round(Math.min(...pick(list, 'wallMs')), 1),
      requestMs: round(med(list, 'requestMs'), 1),
      loadedMs: round(med(list, 'loaded'), 1),
      headersMs: round(med(list, 'headers'), 1),
      doneMs: round(done, 1),
      exitMs: round(exit, 1),
      maxRssMiB: round(med(list, 'maxRssKb') / 1024, 1),
      wallVsNodeHttp: baseWall === undefined ? undefined : round(wall / baseWall, 2),
      wallVsOursUndici: undiciWall === undefined ? undefined : round(wall / undiciWall, 2),
      wallRunsMs: pick(list, 'wallMs').map((v) => round(v, 1)),
    };
  });
  console.log(
    `\n== one process, one streamed POST (${options.n}-delta turn); medians of ${options.rounds} rotating rounds ` +
      `after ${options.warmup} warm-up rounds; ms since spawn (request = server saw it) or in-process (loaded/done/exit)`,
  );
  console.log(
    table(
      [
        'variant',
        'wall ms',
        'min',
        'request',
        'loaded',
        'headers',
        'done',
        'exit evt',
        'RSS MiB',
        'vs node-http',
        'vs undici',
      ],
      results.map((r) => [
        r.variant,
        r.wallMs?.toFixed(1),
        r.wallMinMs?.toFixed(1),
        r.requestMs?.toFixed(1),
        r.loadedMs?.toFixed(1),
        r.headersMs?.toFixed(1),
        r.doneMs?.toFixed(1),
        r.exitMs?.toFixed(1),
        r.maxRssMiB?.toFixed(1),
        r.wallVsNodeHttp === undefined ? '' : `${r.wallVsNodeHttp.toFixed(2)}x`,
        r.wallVsOursUndici === undefined ? '' : `${r.wallVsOursUndici.toFixed(2)}x`,
      ]),
    ),
  );
  meta.loadavgEnd = loadavg();
  meta.finishedAt = new Date().toISOString();
  console.log(
    `\nload average (1/5/15 min) at end: ${meta.loadavgEnd.join(' / ')}  (${fmtInt(options.rounds)} rounds)`,
  );
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${toJson({ meta, results })}\n`);
  console.log(`results written to ${options.out}`);
}

await main();
