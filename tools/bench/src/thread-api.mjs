// What running turns in-process saves over spawning a binary per turn (what `@openai/codex-sdk`
// does): the same text turn from a local responses server (HTTP), timed per turn
//  - `thread.run` (core's `Codex`): one thread, turns back to back (the session stays open);
//  - `codex-ts exec --json` spawned per turn (packages/codex-cli/dist/bin.js, built first);
// and 8 threads at once × 5 turns each, in-process vs 8 processes at a time.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Codex } from '@codex-ts/core';
import { startResponsesServer, textTurn, usage } from '@codex-ts/responses-server';
import { loadavg, median, round, table } from './report.mjs';

const BIN = fileURLToPath(new URL('../../../packages/codex-cli/dist/bin.js', import.meta.url));
const TURNS = Number(process.env.TURNS ?? 20);

const server = await startResponsesServer({
  scenario: {
    steps: [
      {
        kind: 'sse',
        events: textTurn({
          responseId: 'resp_1',
          text: 'Hello there!',
          usage: usage({ input: 100, output: 5 }),
        }),
      },
    ],
    repeatLast: true,
  },
});
const home = mkdtempSync(join(tmpdir(), 'codex-ts-bench-thread-'));
writeFileSync(
  join(home, 'config.toml'),
  `model = "gpt-5.5"\nmodel_provider = "local"\n[model_providers.local]\nname = "local"\nbase_url = "${server.url}"\nenv_key = "LOCAL_API_KEY"\nwire_api = "responses"\n`,
);
const env = { PATH: process.env.PATH ?? '', CODEX_HOME: home, LOCAL_API_KEY: 'sk-bench', TERM: 'xterm' };

function spawnTurn() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'exec', '--json', 'Say hello.'], {
      env,
      cwd: home,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 && out.includes('turn.completed') ? resolve() : reject(new Error(`exit ${code}`)),
    );
  });
}

async function timed(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const codex = new Codex({ env });
try {
  // Warm-up (JIT, the first session's config and catalog).
  await codex.startThread({ workingDirectory: home, skipGitRepoCheck: true }).run('warm up');
  await spawnTurn();

  const thread = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
  const inProcess = [];
  for (let i = 0; i < TURNS; i += 1) inProcess.push(await timed(() => thread.run('Say hello.')));
  const spawned = [];
  for (let i = 0; i < TURNS; i += 1) spawned.push(await timed(spawnTurn));

  const threads = 8;
  const perThread = 5;
  const concurrentInProcess = await timed(() =>
    Promise.all(
      Array.from({ length: threads }, async () => {
        const t = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
        for (let i = 0; i < perThread; i += 1) await t.run('Say hello.');
      }),
    ),
  );
  const concurrentSpawned = await timed(() =>
    Promise.all(
      Array.from({ length: threads }, async () => {
        for (let i = 0; i < perThread; i += 1) await spawnTurn();
      }),
    ),
  );

  const ms = (v) => round(v, 1);
  console.log(`thread API vs a process per turn (${TURNS} sequential turns; load ${loadavg().join(' ')})`);
  console.log(
    table(
      ['way', 'median ms/turn', 'min', 'max'],
      [
        [
          'thread.run (one thread)',
          ms(median(inProcess)),
          ms(Math.min(...inProcess)),
          ms(Math.max(...inProcess)),
        ],
        [
          'codex-ts exec --json spawned',
          ms(median(spawned)),
          ms(Math.min(...spawned)),
          ms(Math.max(...spawned)),
        ],
      ],
    ),
  );
  console.log(`\n${threads} threads × ${perThread} turns at once`);
  console.log(
    table(
      ['way', 'total ms', 'ms/turn'],
      [
        ['in-process threads', ms(concurrentInProcess), ms(concurrentInProcess / (threads * perThread))],
        [
          `${threads} processes at a time`,
          ms(concurrentSpawned),
          ms(concurrentSpawned / (threads * perThread)),
        ],
      ],
    ),
  );
} finally {
  await codex.close();
  await server.close();
  rmSync(home, { recursive: true, force: true });
}
