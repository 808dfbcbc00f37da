#!/usr/bin/env node
// Run ONE consumer repeatedly against one server, for profiling without the other consumers'
// frames in the profile:
//
//   node --cpu-prof --cpu-prof-dir=.tmp/prof src/profile-consumer.mjs ours --n=100000 --runs=20 --server=raw [--server-thread=worker|main]
//     [--gc=yes (with --expose-gc: a forced GC before every run, as the benchmark does)]
//   node src/profile-summary.mjs .tmp/prof/<file>.cpuprofile
//
// Prints the median and min wall time of the runs (after `--warmup` untimed runs) and, on Linux, the
// CPU time of the main thread (the consumer's; the server runs on a worker thread), from
// /proc/self/task/<pid>/schedstat, which is steadier than wall time on a loaded machine.
// `--json` prints one JSON line `{ consumer, n, wallMs: [...], cpuMs: [...] }` instead.

import { performance } from 'node:perf_hooks';
import { createConsumer } from './consumers.mjs';
import { mainThreadCpuMs } from './report.mjs';
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
const json = args.includes('--json');

const med = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

const server = await startServer(kind, thread);
const consumer = createConsumer(name, server.url);
try {
  await server.prepare(n);
  const times = [];
  const cpu = [];
  for (let i = 0; i < warmup + runs; i++) {
    if (forceGc) globalThis.gc?.();
    const c0 = mainThreadCpuMs();
    const t0 = performance.now();
    const seen = await consumer.run(n);
    const ms = performance.now() - t0;
    const c1 = mainThreadCpuMs();
    if (seen.deltas !== undefined && seen.deltas !== n)
      throw new Error(`${name} saw ${seen.deltas} deltas, expected ${n}`);
    if (i >= warmup) {
      times.push(ms);
      if (c0 !== undefined) cpu.push(c1 - c0);
    }
  }
  if (json) {
    console.log(JSON.stringify({ consumer: name, n, server: kind, wallMs: times, cpuMs: cpu }));
  } else {
    const cpuText =
      cpu.length > 0
        ? `; main-thread CPU median ${med(cpu).toFixed(1)} ms, min ${Math.min(...cpu).toFixed(1)} ms`
        : '';
    console.log(
      `${name} N=${n} server=${kind}/${thread}: median ${med(times).toFixed(1)} ms, min ${Math.min(...times).toFixed(1)} ms over ${runs} runs${cpuText}`,
    );
  }
} finally {
  await consumer.close();
  await server.close();
}
