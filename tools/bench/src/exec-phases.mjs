// Where the time of a short `codex-ts exec --json` turn goes, phase by phase (see README
// "exec-process", "Where the time goes"). Runs `exec-phases-child.cjs` (the launcher's work with
// checkpoints) against the `raw` server, alternating with `node -e 0` (and, with `--baseline`,
// the same child on another build's dist, e.g. a copy of main's), and prints the median wall and
// CPU time of every phase.
//
//   node src/exec-phases.mjs [--runs 15] [--dist packages/codex-cli/dist] [--baseline <dist>] [--out path]

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './servers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const runs = Number(option('--runs', '15'));
const dist = resolve(option('--dist', join(repo, 'packages', 'codex-cli', 'dist')));
const baselineOption = option('--baseline', undefined);
const baseline = baselineOption === undefined ? undefined : resolve(baselineOption);
const out = option('--out', join(here, '..', 'results', 'exec-phases.json'));

function run(file, argv, env, cwd) {
  return new Promise((done, fail) => {
    const child = spawn(file, argv, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

console.log(
  `exec-phases: node ${process.version}, runs ${runs}, dist ${dist}${baseline ? `, baseline ${baseline}` : ''}, load ${load()}`,
);
const loadStart = loadavg();
const scratch = mkdtempSync(join(tmpdir(), 'codex-ts-exec-phases-'));
const server = await startServer('raw');
try {
  await server.prepare(4);
  const home = join(scratch, 'home');
  const cwd = join(scratch, 'cwd');
  mkdirSync(home);
  mkdirSync(cwd);
  writeFileSync(
    join(home, 'config.toml'),
    `model = "gpt-5.5"\nmodel_provider = "local"\n[model_providers.local]\nname = "local"\nbase_url = "${server.url}"\nenv_key = "LOCAL_API_KEY"\nwire_api = "responses"\n`,
  );
  const env = { ...process.env, CODEX_HOME: home, LOCAL_API_KEY: 'bench' };
  for (const name of ['OPENAI_API_KEY', 'CODEX_API_KEY', 'OPENAI_BASE_URL']) delete env[name];
  const exec = ['exec', '--json', '--skip-git-repo-check', 'Say hello.'];
  // The launcher's first run writes the code cache the child needs.
  await run(process.execPath, [join(dist, 'bin.cjs'), ...exec], env, cwd);
  if (baseline) await run(process.execPath, [join(baseline, 'bin.cjs'), ...exec], env, cwd);
  const phases = new Map();
  const basePhases = new Map();
  const bare = { wall: [], cpu: [] };
  const child = async (folder, into) => {
    const r = await run(process.execPath, [join(here, 'exec-phases-child.cjs'), folder, ...exec], env, cwd);
    if (r.code !== 0 || !r.stdout.includes('"turn.completed"')) throw new Error(`exec failed: ${r.stderr}`);
    const line = r.stderr.split('\n').find((l) => l.startsWith('[['));
    for (const [phase, wall, cpuMs] of JSON.parse(line)) {
      if (!into.has(phase)) into.set(phase, { wall: [], cpu: [] });
      into.get(phase).wall.push(wall);
      into.get(phase).cpu.push(cpuMs);
    }
  };
  const bareScript =
    'process.once("exit",()=>{const c=process.cpuUsage();process.stderr.write(JSON.stringify([process.uptime()*1000,(c.user+c.system)/1000]))})';
  for (let i = 0; i < runs; i++) {
    // Each round runs every command once, in an order that alternates from round to round.
    if (baseline && i % 2 === 1) await child(baseline, basePhases);
    await child(dist, phases);
    if (baseline && i % 2 === 0) await child(baseline, basePhases);
    const b = await run(process.execPath, ['-e', bareScript], env, cwd);
    const [wall, cpuMs] = JSON.parse(b.stderr);
    bare.wall.push(wall);
    bare.cpu.push(cpuMs);
  }
  const summarize = (map) =>
    [...map].map(([phase, t]) => ({ phase, wallMs: median(t.wall), cpuMs: median(t.cpu) }));
  const rows = summarize(phases);
  const baseRows = baseline ? summarize(basePhases) : undefined;
  const cell = (r) => `${r.wallMs.toFixed(1)} | ${r.cpuMs.toFixed(1)}`;
  const head = baseRows
    ? '| phase | median wall ms | median CPU ms | baseline wall ms | baseline CPU ms |\n| --- | ---: | ---: | ---: | ---: |'
    : '| phase | median wall ms | median CPU ms |\n| --- | ---: | ---: |';
  console.log(`\n${head}`);
  for (const r of rows) {
    const b = baseRows?.find((x) => x.phase === r.phase);
    console.log(`| ${r.phase} | ${cell(r)}${baseRows ? ` | ${b ? cell(b) : ' | '}` : ''} |`);
  }
  const sum = (list, k) => list.slice(1).reduce((a, r) => a + r[k], 0);
  const sumCell = (list) => `${sum(list, 'wallMs').toFixed(1)} | ${sum(list, 'cpuMs').toFixed(1)}`;
  console.log(`| sum after node start-up | ${sumCell(rows)}${baseRows ? ` | ${sumCell(baseRows)}` : ''} |`);
  const bareCell = `${median(bare.wall).toFixed(1)} | ${median(bare.cpu).toFixed(1)}`;
  console.log(
    `| \`node -e 0\` up to its exit (reference) | ${bareCell}${baseRows ? ` | ${bareCell}` : ''} |`,
  );
  console.log(`\nload at the end: ${load()}`);
  mkdirSync(dirname(out), { recursive: true });
  const result = {
    node: process.version,
    runs,
    loadStart,
    loadEnd: loadavg(),
    phases: rows,
    ...(baseRows ? { baseline: { dist: baseline, phases: baseRows } } : {}),
    nodeE0: { wallMs: median(bare.wall), cpuMs: median(bare.cpu) },
  };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`results: ${out}`);
} finally {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
}
