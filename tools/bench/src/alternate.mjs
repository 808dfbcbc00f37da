#!/usr/bin/env node
// Each consumer in a process of its own, in alternating order: `profile-consumer.mjs --json` per
// (bench directory, consumer) and round, so nothing else runs in the consumer's process (no other
// consumer's code shares the JIT's feedback) and a load change hits every variant alike.
//
//   node src/alternate.mjs --consumers=floor,ours [--n=100000] [--rounds=6] [--runs=8]
//     [--server=prechunked] [--dirs=<this bench dir>,<another build's tools/bench>] [--out=<file.json>]
//
// `--dirs` compares builds (e.g. a checkout of main built beside this one): every consumer runs from
// every directory. Prints, per variant, the median main-thread CPU and wall ms of all runs and the
// ratios to the first variant; the load average before and after.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argList, argPairs, loadavg, median, round, runMeta, toJson } from './report.mjs';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const options = {
  consumers: ['floor', 'ours'],
  n: 100_000,
  rounds: 6,
  runs: 8,
  server: 'prechunked',
  dirs: [here],
  out: '',
};
for (const [key, value] of argPairs(process.argv.slice(2))) {
  if (key === 'consumers') options.consumers = argList(value);
  else if (key === 'dirs') options.dirs = argList(value).map((d) => resolve(d));
  else if (key === 'server' || key === 'out') options[key] = value;
  else if (key in options) options[key] = Number(value);
  else throw new Error(`unknown option --${key}`);
}

const variants = options.dirs.flatMap((dir) => options.consumers.map((consumer) => ({ dir, consumer })));
const label = (v) => (options.dirs.length > 1 ? `${v.consumer}@${options.dirs.indexOf(v.dir)}` : v.consumer);
const seen = new Map(variants.map((v) => [label(v), { cpu: [], wall: [] }]));
const meta = runMeta({ ...options, out: options.out || '.' });
console.log(`load average at start: ${meta.loadavgStart.join(' / ')}`);
for (let round = 0; round < options.rounds; round++) {
  for (let j = 0; j < variants.length; j++) {
    const v = variants[(round + j) % variants.length];
    const out = execFileSync(
      process.execPath,
      [
        '--expose-gc',
        'src/profile-consumer.mjs',
        v.consumer,
        `--n=${options.n}`,
        `--runs=${options.runs}`,
        `--server=${options.server}`,
        '--gc=yes',
        '--json',
      ],
      { cwd: v.dir, encoding: 'utf8' },
    );
    const run = JSON.parse(out.trim().split('\n').pop());
    seen.get(label(v)).cpu.push(...run.cpuMs);
    seen.get(label(v)).wall.push(...run.wallMs);
  }
}
const [first] = seen.values();
const results = [];
for (const [name, { cpu, wall }] of seen) {
  const cpuMs = median(cpu);
  const wallMs = median(wall);
  results.push({
    variant: name,
    cpuMedianMs: round(cpuMs, 2),
    cpuRatio: round(cpuMs / median(first.cpu), 2),
    wallMedianMs: round(wallMs, 2),
    wallRatio: round(wallMs / median(first.wall), 2),
    cpuMs: cpu.map((v) => round(v, 2)),
    wallMs: wall.map((v) => round(v, 2)),
  });
  console.log(
    `${name.padEnd(22)} CPU ${cpuMs.toFixed(1)} ms (${round(cpuMs / median(first.cpu), 2)}x)  wall ${wallMs.toFixed(1)} ms (${round(wallMs / median(first.wall), 2)}x)`,
  );
}
const loadEnd = loadavg();
console.log(`load average at end: ${loadEnd.join(' / ')}`);
if (options.out !== '') {
  const output = { benchmark: 'alternate', meta: { ...meta, loadavgEnd: loadEnd }, results };
  writeFileSync(resolve(options.out), `${toJson(output)}\n`);
}
