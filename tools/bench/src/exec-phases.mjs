// Where the time of a short `codex-ts exec --json` turn goes, phase by phase (see README
// "exec-process", "Where the time goes"). Runs `exec-phases-child.cjs` (the launcher's work with
// checkpoints) against the `raw` server, alternating with `node -e 0`, and prints the median wall
// and CPU time of every phase.
//
//   node src/exec-phases.mjs [--runs 15] [--dist packages/codex-cli/dist] [--out path]

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

console.log(`exec-phases: node ${process.version}, runs ${runs}, dist ${dist}, load ${load()}`);
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
  const phases = new Map();
  const bare = { wall: [], cpu: [] };
  const bareScript =
    'process.once("exit",()=>{const c=process.cpuUsage();process.stderr.write(JSON.stringify([performance.now(),(c.user+c.system)/1000]))})';
  for (let i = 0; i < runs; i++) {
    const r = await run(process.execPath, [join(here, 'exec-phases-child.cjs'), dist, ...exec], env, cwd);
    if (r.code !== 0 || !r.stdout.includes('"turn.completed"')) throw new Error(`exec failed: ${r.stderr}`);
    const line = r.stderr.split('\n').find((l) => l.startsWith('[['));
    for (const [phase, wall, cpuMs] of JSON.parse(line)) {
      if (!phases.has(phase)) phases.set(phase, { wall: [], cpu: [] });
      phases.get(phase).wall.push(wall);
      phases.get(phase).cpu.push(cpuMs);
    }
    const b = await run(process.execPath, ['-e', bareScript], env, cwd);
    const [wall, cpuMs] = JSON.parse(b.stderr);
    bare.wall.push(wall);
    bare.cpu.push(cpuMs);
  }
  const rows = [...phases].map(([phase, s]) => ({ phase, wallMs: median(s.wall), cpuMs: median(s.cpu) }));
  console.log('\n| phase | median wall ms | median CPU ms |\n| --- | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.phase} | ${r.wallMs.toFixed(1)} | ${r.cpuMs.toFixed(1)} |`);
  const after = rows.slice(1);
  const sum = (k) => after.reduce((a, r) => a + r[k], 0);
  console.log(`| sum after node start-up | ${sum('wallMs').toFixed(1)} | ${sum('cpuMs').toFixed(1)} |`);
  console.log(
    `| \`node -e 0\` up to its exit (reference) | ${median(bare.wall).toFixed(1)} | ${median(bare.cpu).toFixed(1)} |`,
  );
  console.log(`\nload at the end: ${load()}`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ node: process.version, runs, loadEnd: loadavg(), phases: rows, nodeE0: { wallMs: median(bare.wall), cpuMs: median(bare.cpu) } }, null, 2)}\n`,
  );
  console.log(`results: ${out}`);
} finally {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
}
