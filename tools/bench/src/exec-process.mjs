// Whole-process benchmark: how long `codex-ts exec --json` takes from spawn to exit against a
// local Responses server, paired with a baseline command, and `codex-ts --version` against
// `node -e 0`. See README "exec-process".
//
//   node src/exec-process.mjs [--runs 21] [--warmup 2] [--cases version,short,deltas10k]
//                             [--model gpt-5.5|default] [--unset NAME[,NAME…]] [--out path]
//
// Every command runs with this process's environment (minus the provider keys), except the
// variables `--unset` names, which no command gets (e.g. `--unset NODE_EXTRA_CA_CERTS`: Node 20
// reads and parses that file when it starts, before any JavaScript; see README "exec-process").
//
// Commands (each optional except codex-ts):
//   CODEX_TS_BIN   the codex-ts bin to measure (default: packages/codex-cli/dist/bin.cjs; a packed
//                  install's node_modules/.bin/codex-ts works too), run as `node <bin>`
//   BASELINE_BIN   another codex-ts bin (e.g. a build of main), run as `node <bin>`
//   CODEX_BIN      the released CLI; the npm launcher (`…/.bin/codex`, a node script) is resolved
//                  to the native binary it would spawn (CODEX_BIN_RAW=1 keeps the launcher)

import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './servers.mjs';
import { DELTA } from './sse-body.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const TIME = '/usr/bin/time';

function parseArgs(argv) {
  const options = {
    runs: 21,
    warmup: 2,
    cases: ['version', 'short', 'deltas10k'],
    model: 'gpt-5.5',
    unset: [],
    out: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--runs') options.runs = Number(value());
    else if (arg === '--warmup') options.warmup = Number(value());
    else if (arg === '--cases') options.cases = value().split(',');
    else if (arg === '--model') options.model = value();
    else if (arg === '--unset') options.unset = value().split(',').filter(Boolean);
    else if (arg === '--out') options.out = value();
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!Number.isInteger(options.runs) || options.runs < 1)
    throw new Error('--runs must be a positive integer');
  return options;
}

/** The native binary the npm launcher of @openai/codex would spawn, or `bin` itself. */
function resolveCodexBin(bin) {
  const real = realpathSync(bin);
  if (process.env.CODEX_BIN_RAW === '1' || !real.endsWith('.js')) return real;
  const scope = join(dirname(real), '..', '..'); // node_modules/@openai
  const triple = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[process.arch];
  const candidates = [
    join(scope, `codex-linux-${process.arch}`, 'vendor', triple, 'bin', 'codex'),
    join(scope, `codex-linux-${process.arch}`, 'vendor', triple, 'codex', 'codex'),
    join(dirname(real), '..', 'vendor', triple, 'codex', 'codex'),
  ];
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined)
    throw new Error(`CODEX_BIN ${bin}: no native binary found next to the npm launcher`);
  return found;
}

/** `model` = `default` leaves the key out: each CLI then runs its own default model. */
function configToml(baseUrl, model) {
  return [
    ...(model === 'default' ? [] : [`model = "${model}"`]),
    'model_provider = "local"',
    '[model_providers.local]',
    'name = "local"',
    `base_url = "${baseUrl}"`,
    'env_key = "LOCAL_API_KEY"',
    'wire_api = "responses"',
    '',
  ].join('\n');
}

/** The commands to compare: `{ name, file, args(kind), home }`. */
function commands(baseUrl, scratch, model) {
  const list = [];
  const home = (name) => {
    const dir = join(scratch, `home-${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.toml'), configToml(baseUrl, model));
    return dir;
  };
  const exec = ['exec', '--json', '--skip-git-repo-check', 'Say hello.'];
  const tsBin = process.env.CODEX_TS_BIN ?? join(repo, 'packages', 'codex-cli', 'dist', 'bin.cjs');
  list.push({ name: 'codex-ts', file: process.execPath, pre: [tsBin], exec, home: home('ts'), shown: tsBin });
  if (process.env.BASELINE_BIN) {
    const bin = process.env.BASELINE_BIN;
    list.push({ name: 'baseline', file: process.execPath, pre: [bin], exec, home: home('base'), shown: bin });
  }
  if (process.env.CODEX_BIN) {
    const bin = resolveCodexBin(process.env.CODEX_BIN);
    list.push({ name: 'rust', file: bin, pre: [], exec, home: home('rust'), shown: bin });
  }
  return list;
}

/**
 * Runs `file args` once: `{ ms, rssKiB, cpuMs, stdout, code }` (peak RSS and user + system CPU
 * time through /usr/bin/time when present; its CPU times have a 10 ms resolution).
 */
function runOnce(file, args, { cwd, env }) {
  const useTime = existsSync(TIME);
  const rssFile = join(cwd, `.rss-${process.pid}`);
  const [cmd, argv] = useTime ? [TIME, ['-q', '-o', rssFile, '-f', '%M %U %S', file, ...args]] : [file, args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      let rssKiB = null;
      let cpuMs = null;
      if (useTime) {
        const [maxRss, user, system] = readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ');
        rssKiB = Number(maxRss);
        cpuMs = (Number(user) + Number(system)) * 1000;
        rmSync(rssFile, { force: true });
      }
      resolve({
        ms,
        rssKiB,
        cpuMs,
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** Throws unless `result` is a complete turn whose answer has `textLength` characters. */
function checkTurn(name, result, textLength) {
  if (result.code !== 0) throw new Error(`${name}: exit ${result.code}\n${result.stderr.slice(-2000)}`);
  const events = result.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  const message = events.find((e) => e.type === 'item.completed' && e.item?.type === 'agent_message');
  if (!events.some((e) => e.type === 'turn.completed') || message?.item.text.length !== textLength) {
    throw new Error(
      `${name}: incomplete turn (text ${message?.item.text.length} ≠ ${textLength})\n${result.stdout.slice(-500)}`,
    );
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
};

/**
 * Warm-up runs, then `runs` rounds in which each command runs once, the order rotating each
 * round. `check(name, result)` validates every run.
 */
async function paired(entries, { runs, warmup, cwd, check }) {
  for (const entry of entries) {
    for (let i = 0; i < warmup; i++)
      check(entry.name, await runOnce(entry.file, entry.args, { cwd, env: entry.env }));
  }
  const samples = new Map(entries.map((e) => [e.name, { ms: [], rssKiB: [], cpuMs: [] }]));
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < entries.length; k++) {
      const entry = entries[(round + k) % entries.length];
      const result = await runOnce(entry.file, entry.args, { cwd, env: entry.env });
      check(entry.name, result);
      samples.get(entry.name).ms.push(result.ms);
      if (result.rssKiB !== null) samples.get(entry.name).rssKiB.push(result.rssKiB);
      if (result.cpuMs !== null) samples.get(entry.name).cpuMs.push(result.cpuMs);
    }
  }
  return samples;
}

function summarize(samples, reference) {
  const rows = {};
  for (const [name, s] of samples) {
    rows[name] = {
      medianMs: median(s.ms),
      p25Ms: quantile(s.ms, 0.25),
      p75Ms: quantile(s.ms, 0.75),
      peakRssMiB: s.rssKiB.length ? median(s.rssKiB) / 1024 : null,
      // The mean: /usr/bin/time's 10 ms steps average out over the runs, a median would keep them.
      meanCpuMs: s.cpuMs.length ? s.cpuMs.reduce((a, b) => a + b, 0) / s.cpuMs.length : null,
    };
  }
  const ref = samples.get(reference);
  for (const [name, s] of samples) {
    if (name === reference || ref === undefined) continue;
    // Per-round ratios (the runs of one round are neighbours in time, so load cancels out).
    const ratios = s.ms.map((ms, i) => ms / ref.ms[i]);
    rows[name].ratioTo = reference;
    rows[name].ratioOfMedians = rows[name].medianMs / rows[reference].medianMs;
    rows[name].medianPairedRatio = median(ratios);
  }
  return rows;
}

function printTable(title, rows) {
  console.log(`\n## ${title}`);
  console.log(
    '| command | median ms | p25–p75 ms | peak RSS MiB | mean CPU ms | ratio (medians) | median paired ratio |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, r] of Object.entries(rows)) {
    const ratio = r.ratioTo ? `${r.ratioOfMedians.toFixed(2)}× ${r.ratioTo}` : '';
    const paired = r.ratioTo ? `${r.medianPairedRatio.toFixed(2)}×` : '';
    const rss = r.peakRssMiB === null ? '' : r.peakRssMiB.toFixed(1);
    const cpu = r.meanCpuMs === null ? '' : r.meanCpuMs.toFixed(0);
    console.log(
      `| ${name} | ${r.medianMs.toFixed(1)} | ${r.p25Ms.toFixed(1)}–${r.p75Ms.toFixed(1)} | ${rss} | ${cpu} | ${ratio} | ${paired} |`,
    );
  }
}

const options = parseArgs(process.argv.slice(2));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
console.log(
  `exec-process: node ${process.version}, model ${options.model}, runs ${options.runs}, warm-up ${options.warmup}, load ${load()}`,
);
for (const name of options.unset) delete process.env[name];
if (options.unset.length > 0) console.log(`unset for every command: ${options.unset.join(', ')}`);
if (process.env.SSL_CERT_FILE) console.log(`SSL_CERT_FILE is set (${process.env.SSL_CERT_FILE})`);
if (process.env.NODE_EXTRA_CA_CERTS)
  console.log(
    `NODE_EXTRA_CA_CERTS is set (${process.env.NODE_EXTRA_CA_CERTS}): every node process parses it at start-up`,
  );

const scratch = mkdtempSync(join(tmpdir(), 'codex-ts-exec-bench-'));
const cwd = join(scratch, 'cwd');
mkdirSync(cwd);
const server = await startServer('raw');
const result = {
  node: process.version,
  model: options.model,
  runs: options.runs,
  unset: options.unset,
  sslCertFile: process.env.SSL_CERT_FILE ?? null,
  nodeExtraCaCerts: process.env.NODE_EXTRA_CA_CERTS ?? null,
  loadStart: loadavg(),
  cases: {},
};
try {
  const list = commands(server.url, scratch, options.model);
  for (const c of list) console.log(`${c.name}: ${c.shown}`);
  const envOf = (c) => {
    const env = { ...process.env, CODEX_HOME: c.home, LOCAL_API_KEY: 'bench' };
    for (const name of ['OPENAI_API_KEY', 'CODEX_API_KEY', 'OPENAI_BASE_URL']) delete env[name];
    return env;
  };

  if (options.cases.includes('version')) {
    const entries = [
      { name: 'node -e 0', file: process.execPath, args: ['-e', '0'], env: process.env },
      ...list.map((c) => ({ name: c.name, file: c.file, args: [...c.pre, '--version'], env: envOf(c) })),
    ];
    const check = (name, r) => {
      if (r.code !== 0) throw new Error(`${name}: exit ${r.code} ${r.stderr}`);
    };
    const rows = summarize(await paired(entries, { ...options, cwd, check }), 'node -e 0');
    printTable('--version vs node -e 0', rows);
    result.cases.version = rows;
  }

  for (const [kind, deltas] of [
    ['short', 4],
    ['deltas10k', 10_000],
  ]) {
    if (!options.cases.includes(kind)) continue;
    await server.prepare(deltas);
    const entries = list.map((c) => ({
      name: c.name,
      file: c.file,
      args: [...c.pre, ...c.exec],
      env: envOf(c),
    }));
    const check = (name, r) => checkTurn(name, r, DELTA.length * deltas);
    const reference = list.some((c) => c.name === 'rust')
      ? 'rust'
      : list.some((c) => c.name === 'baseline')
        ? 'baseline'
        : 'codex-ts';
    const samples = await paired(entries, { ...options, cwd, check });
    // Ratios against the Rust CLI when present, else against the baseline; both when both are.
    const rows = summarize(samples, reference);
    if (reference === 'rust' && samples.has('baseline')) {
      const vsBase = summarize(new Map([...samples].filter(([n]) => n !== 'rust')), 'baseline')['codex-ts'];
      rows['codex-ts'].vsBaseline = {
        ratioOfMedians: vsBase.ratioOfMedians,
        medianPairedRatio: vsBase.medianPairedRatio,
      };
    }
    printTable(`exec --json, ${deltas} deltas`, rows);
    if (rows['codex-ts'].vsBaseline) {
      const v = rows['codex-ts'].vsBaseline;
      console.log(
        `codex-ts vs baseline: ${v.ratioOfMedians.toFixed(2)}× (medians), ${v.medianPairedRatio.toFixed(2)}× (paired)`,
      );
    }
    result.cases[kind] = { deltas, rows };
  }
} finally {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
}
result.loadEnd = loadavg();
console.log(`\nload at the end: ${load()}`);
const out = options.out ?? join(here, '..', 'results', 'exec-process.json');
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`results: ${out}`);
