#!/usr/bin/env node
// Summarise a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per file, and
// the total time (self + callees) of the functions of one package.
//
// node src/profile-summary.mjs <file.cpuprofile> [--top=30] [--match=codex-] [--min-ms=1]

import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: node src/profile-summary.mjs <file.cpuprofile> [--top=30] [--match=substring]');
  process.exit(2);
}
const opt = (name, fallback) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : fallback;
};
const top = Number(opt('top', '30'));
const match = opt('match', 'codex-');

const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Self time per node from the samples and their time deltas (µs).
const selfUs = new Map();
let totalUs = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  totalUs += dt;
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
}

const shortUrl = (url) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/.*\/work\/main\//, '');
const keyOf = (cf) =>
  `${cf.functionName || '(anonymous)'}  ${shortUrl(cf.url) || '(native)'}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;

const byFunction = new Map();
const byFile = new Map();
for (const [id, us] of selfUs) {
  const cf = nodes.get(id).callFrame;
  const k = keyOf(cf);
  byFunction.set(k, (byFunction.get(k) ?? 0) + us);
  const f = shortUrl(cf.url) || `(${cf.functionName || 'native'})`;
  byFile.set(f, (byFile.get(f) ?? 0) + us);
}

// Inclusive time of functions whose url contains `match` (counted once per sample even when recursive).
const inclusive = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  const seen = new Set();
  for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
    const cf = nodes.get(id).callFrame;
    if (!cf.url.includes(match)) continue;
    const k = keyOf(cf);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
  }
}

const ms = (us) => (us / 1000).toFixed(1).padStart(8);
const pct = (us) => `${((us / totalUs) * 100).toFixed(1).padStart(5)}%`;
const print = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(`${ms(us)} ms ${pct(us)}  ${k}`);
};
console.log(`${file}: ${(totalUs / 1000).toFixed(0)} ms sampled`);
print('self time by function', byFunction, top);
print('self time by file', byFile, top);
print(`inclusive time of functions in files matching "${match}"`, inclusive, top);
