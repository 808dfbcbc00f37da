#!/usr/bin/env node
// The publish check (run by CI after `build`): what a new user gets from `npm install` of one of
// our packages. For every published package it
//   1. packs it with pnpm (as `pnpm publish` would: `workspace:^` rewritten) into .tmp/pack-check,
//   2. checks the packed manifest and files (no `workspace:`, LICENSE, CHANGELOG entry, README
//      quick start and upstream line, no tests), then `publint --strict` and arethetypeswrong
//      (`--profile esm-only`) on the tarball,
//   3. installs the tarball alone into an empty npm project (our other packages resolve to their
//      local tarballs through `overrides`, never to the registry) and checks that every
//      @codex-ts/* and @opentelemetry/api exists once,
//   4. `import()`s and `require()`s it (same export names), type-checks a strict consumer
//      (`skipLibCheck: false`) under `moduleResolution` node16 and bundler, README quick start
//      included,
//   5. runs the README quick start against a local Responses server (tools/responses-server),
//   6. for @codex-ts/cli: `codex-ts exec` with `[otel]` exports to a local OTLP receiver and exits
//      within the flush bound with a stalled or refusing collector (otel-exec.mjs).
// Usage: node tools/pack-check/pack-check.mjs [--only <name>]... [--keep] [--manifests]
// (--manifests: pack and print each packed manifest, check it, stop; used by `release:dry`)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkManifest, consumerFiles, installEnv, lockfileProblems } from './consumer.mjs';
import { checkPackedExecTelemetry } from './otel-exec.mjs';
import { installName, parseQuickStart } from './readme.mjs';
import { readTarball } from './tarball.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const work = join(root, '.tmp', 'pack-check');
const argv = process.argv.slice(2);
const only = argv.flatMap((arg, i) => (argv[i - 1] === '--only' ? [arg] : []));
const keep = argv.includes('--keep');
const manifestsOnly = argv.includes('--manifests');

const pnpmBin = join(root, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
const tscBin = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const attwBin = join(here, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const license = readFileSync(join(root, 'LICENSE'));

/** Runs a command; resolves `{ code, stdout, stderr }`. Killed (code 124) after `timeoutMs`. */
function run(command, args, { cwd = root, env = process.env, timeoutMs = 180_000 } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      stderr += String(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? 124, stdout, stderr });
    });
  });
}

function tail(text, lines = 25) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Runs `tasks` with at most `limit` at a time. */
async function pool(items, limit, task) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir: join(root, 'packages', dir) }))
  .filter((p) => existsSync(join(p.dir, 'package.json')))
  .map((p) => ({ ...p, manifest: JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) }))
  .filter((p) => p.manifest.private !== true);
const versions = new Map(packages.map((p) => [p.manifest.name, p.manifest.version]));
const selected = packages.filter((p) => only.length === 0 || only.includes(p.manifest.name));
if (selected.length === 0) throw new Error(`no published package matches --only ${only.join(', ')}`);

const problems = [];
const fail = (pkg, message) => problems.push(`${pkg.manifest.name}: ${message}`);
const started = performance.now();

rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'tarballs'), { recursive: true });

// 1. Pack every published package (dependents need their dependencies' tarballs too).
console.log(`== pack (${packages.length} packages)`);
for (const pkg of packages) {
  if (!existsSync(join(pkg.dir, 'dist', 'index.js'))) {
    throw new Error(`${pkg.manifest.name} is not built: run \`npx -y pnpm@10 build\` first`);
  }
  const result = await run(
    process.execPath,
    [pnpmBin, 'pack', '--pack-destination', join(work, 'tarballs')],
    {
      cwd: pkg.dir,
    },
  );
  const file = result.stdout.trim().split('\n').pop() ?? '';
  if (result.code !== 0 || !file.endsWith('.tgz'))
    throw new Error(`pnpm pack failed in ${pkg.dir}:\n${tail(result.stderr)}`);
  pkg.tarball = resolve(pkg.dir, file);
  pkg.files = readTarball(pkg.tarball);
  pkg.packed = JSON.parse(pkg.files.get('package.json').toString('utf8'));
}
const tarballs = new Map(packages.map((p) => [p.manifest.name, p.tarball]));

/** Prints the problems and exits 1, or prints `summary`. */
function finish(summary) {
  if (!keep) rmSync(join(work, 'consumers'), { recursive: true, force: true });
  if (problems.length > 0) {
    console.error(`pack-check: ${problems.length} problem(s)`);
    for (const problem of problems) console.error(`  - ${problem.replaceAll('\n', '\n    ')}`);
    process.exit(1);
  }
  console.log(summary);
}

if (manifestsOnly) {
  console.log('== packed manifests (what `pnpm publish -r` would publish)');
  for (const pkg of selected) {
    for (const message of checkManifest(pkg, { versions, license, rootManifest })) fail(pkg, message);
    const { name, version, exports, bin, dependencies, peerDependencies, engines } = pkg.packed;
    const shown = { name, version, exports, bin, dependencies, peerDependencies, engines };
    console.log(`${JSON.stringify(shown, null, 2)}\n  files: ${[...pkg.files.keys()].sort().join(', ')}`);
  }
  finish(`pack-check: ${selected.length} packed manifests ok`);
  process.exit(0);
}

// 2. The packed manifest and files, publint, attw.
console.log('== packed manifests, publint --strict, attw --profile esm-only');
const { publint } = await import('publint');
const { formatMessage } = await import('publint/utils');
for (const pkg of selected) {
  for (const message of checkManifest(pkg, { versions, license, rootManifest })) fail(pkg, message);
  const deps = Object.entries({ ...pkg.packed.dependencies, ...pkg.packed.peerDependencies })
    .map(([name, range]) => `${name}@${range}`)
    .join(' ');
  console.log(`  ${pkg.packed.name}@${pkg.packed.version} (${pkg.files.size} files): ${deps}`);
  const bytes = readFileSync(pkg.tarball);
  const tarball = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const lint = await publint({ pack: { tarball }, strict: true, level: 'suggestion' });
  for (const message of lint.messages)
    fail(pkg, `publint ${message.type}: ${formatMessage(message, lint.pkg)}`);
  const attw = await run(process.execPath, [attwBin, pkg.tarball, '--profile', 'esm-only', '--no-color']);
  if (attw.code !== 0) fail(pkg, `attw --profile esm-only:\n${tail(attw.stdout + attw.stderr)}`);
}

// 3 + 4. Install alone, import/require, strict type-check (two at a time: npm and tsc are heavy).
console.log('== install each tarball alone into an empty project, import, require, tsc (node16, bundler)');
const env = installEnv(process.env);
await pool(selected, Math.min(2, availableParallelism()), async (pkg) => {
  const t0 = performance.now();
  const before = problems.length;
  const dir = join(work, 'consumers', pkg.manifest.name.replace('@codex-ts/', ''));
  let quick;
  try {
    quick = parseQuickStart(pkg.files.get('README.md')?.toString('utf8') ?? '');
  } catch {
    quick = undefined; // reported by checkManifest
  }
  const extra = (quick?.install ?? []).filter((spec) => !installName(spec).startsWith('@codex-ts/'));
  mkdirSync(dir, { recursive: true });
  const typesNode = rootManifest.devDependencies['@types/node'];
  const files = consumerFiles(pkg, { tarballs, extra, typesNode, quick });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const npmArgs = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
  const install = await run('npm', npmArgs, { cwd: dir, env });
  if (install.code !== 0) {
    fail(pkg, `npm install failed:\n${tail(install.stderr)}`);
    return;
  }
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  for (const message of lockfileProblems(lock, tarballs)) fail(pkg, message);

  const imported = await run(process.execPath, ['import-check.mjs'], { cwd: dir });
  const required = await run(process.execPath, ['require-check.cjs'], { cwd: dir });
  if (imported.code !== 0) fail(pkg, `import() failed:\n${tail(imported.stderr)}`);
  if (required.code !== 0) fail(pkg, `require() failed:\n${tail(required.stderr)}`);
  if (imported.code === 0 && required.code === 0 && imported.stdout !== required.stdout) {
    fail(pkg, `require() and import() give different exports:\n${required.stdout}\n${imported.stdout}`);
  }
  const exportCount = imported.code === 0 ? JSON.parse(imported.stdout).length : 0;
  for (const [name, bin] of Object.entries(pkg.packed.bin ?? {})) {
    const version = await run(process.execPath, [
      join(dir, 'node_modules', pkg.packed.name, bin),
      '--version',
    ]);
    if (version.code !== 0 || !version.stdout.includes(pkg.packed.version)) {
      fail(pkg, `bin ${name} --version: exit ${version.code}, ${tail(version.stdout + version.stderr)}`);
    }
  }
  for (const config of ['tsconfig.node16.json', 'tsconfig.bundler.json']) {
    const tsc = await run(process.execPath, [tscBin, '-p', config], { cwd: dir });
    if (tsc.code !== 0)
      fail(pkg, `strict consumer type-check (${config}):\n${tail(tsc.stdout + tsc.stderr)}`);
  }
  pkg.consumer = dir;
  pkg.quick = quick;
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  const status = problems.length === before ? 'ok' : 'FAILED';
  console.log(
    `  ${pkg.manifest.name}: ${status}, ${exportCount} exports via import() and require() (${seconds} s)`,
  );
});

// 5. README quick starts, one at a time, against a local Responses server.
console.log('== README quick starts against a local Responses server');
const server = await import(pathToFileURL(join(root, 'tools', 'responses-server', 'dist', 'index.js')).href);
const turn = () =>
  server.textTurn({
    responseId: `resp_qs_${randomBytes(4).toString('hex')}`,
    text: 'Hello from the quick start.',
  });
const responses = await server.startResponsesServer({
  scenario: { steps: [{ kind: 'sse', events: turn() }], repeatLast: true },
  wsScenario: { responses: [{ events: turn() }], repeatLast: true },
});
const home = join(work, 'codex-home');
mkdirSync(home, { recursive: true });
writeFileSync(join(home, 'config.toml'), `model = "gpt-5.5"\nopenai_base_url = "${responses.url}"\n`);
const key = `sk-quickstart-${randomBytes(12).toString('hex')}`;
const quickEnv = {
  ...env,
  CODEX_HOME: home,
  CODEX_API_KEY: key,
  OPENAI_API_KEY: key,
  OPENAI_BASE_URL: responses.url,
};
try {
  for (const pkg of selected) {
    if (pkg.consumer === undefined || pkg.quick === undefined) continue;
    const failures = problems.length;
    const before = responses.requests.length + responses.wsFrames.length;
    const steps = [];
    if (pkg.quick.js !== undefined) steps.push([process.execPath, ['quickstart.mjs']]);
    if (pkg.quick.commands.length > 0) steps.push(['sh', ['-e', '-c', pkg.quick.commands.join('\n')]]);
    let output = '';
    for (const [command, args] of steps) {
      const result = await run(command, args, { cwd: pkg.consumer, env: quickEnv, timeoutMs: 60_000 });
      output += result.stdout + result.stderr;
      if (result.code !== 0) {
        fail(
          pkg,
          `quick start \`${args.join(' ')}\` exited ${result.code}:\n${tail(result.stdout + result.stderr)}`,
        );
        break;
      }
      if (result.stdout.trim() === '')
        fail(pkg, `quick start \`${args.join(' ')}\` printed nothing on stdout`);
    }
    if (output.includes(key)) fail(pkg, 'quick start printed the API key');
    const sent = responses.requests.length + responses.wsFrames.length - before;
    const status = problems.length === failures ? 'ok' : 'FAILED';
    console.log(`  ${pkg.manifest.name}: quick start ${status}, ${sent} request(s) to the local server`);
  }
  // 6. The packed CLI's telemetry: exported from a plain install, bounded exit with a dead collector.
  const cli = selected.find((p) => p.manifest.name === '@codex-ts/cli' && p.consumer !== undefined);
  if (cli !== undefined) {
    console.log('== codex-ts exec with [otel] from the packed install');
    const bin = join(cli.consumer, 'node_modules', '@codex-ts/cli', cli.packed.bin['codex-ts']);
    const { problems: found, times } = await checkPackedExecTelemetry({ root, bin, responses });
    for (const message of found) fail(cli, message);
    console.log(
      `  @codex-ts/cli: otel ${found.length === 0 ? 'ok' : 'FAILED'}, exit ms ${JSON.stringify(times)}`,
    );
  }
} finally {
  await responses.close();
}

const seconds = ((performance.now() - started) / 1000).toFixed(0);
finish(
  `pack-check: ${selected.length} packages install, import, require and type-check alone (${seconds} s)`,
);
