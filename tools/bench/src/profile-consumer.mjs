#!/usr/bin/env node
// Run ONE consumer repeatedly against one server, for profiling without the other consumers'
// frames in the profile:
//
//   node --cpu-prof --cpu-prof-dir=.tmp/prof src/profile-consumer.mjs ours --n=100000 --runs=20 --server=raw [--server-thread=worker|main]
//     [--gc=yes (with --expose-gc: a forced GC before every run, as the benchmark does)]
//   node src/profile-summary.mjs .tmp/prof/<file>.cpuprofile
//
// Prints the time of every run (after `--warmup` untimed runs).

import { performance } from 'node:perf_hooks';
import { createConsumer } from './consumers.mjs';
import { startServer } from './servers.mjs';

const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith('--')) ?? 'ours';
const opt = (key, fallback) => {
  const a = args.find((x) => x.startsWith(`--${key}=`));
  return a ? a.slice(key.length + 3) : fallback;
};
const n = Number(opt('n', '100000'));
const runs = Number(opt('runs', '20'));
const warmup = Number(opt('warmup', '3'));
const kind = opt('server', 'raw');
const thread = opt('server-thread', 'worker');
const forceGc = opt('gc', 'no') === 'yes';

const server = await startServer(kind, thread);
const consumer = createConsumer(name, server.url);
try {
  await server.prepare(n);
  const times = [];
  for (let i = 0; i < warmup + runs; i++) {
    if (forceGc) globalThis.gc?.();
    const t0 = performance.now();
    const seen = await consumer.run(n);
    const ms = performance.now() - t0;
    if (seen.deltas !== undefined && seen.deltas !== n)
      throw new Error(`${name} saw ${seen.deltas} deltas, expected ${n}`);
    if (i >= warmup) times.push(ms);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${name} N=${n} server=${kind}/${thread}: median ${times[times.length >> 1].toFixed(1)} ms, min ${times[0].toFixed(1)} ms over ${runs} runs`,
  );
} finally {
  await consumer.close();
  await server.close();
}
