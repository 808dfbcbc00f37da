#!/usr/bin/env node
// The README demo: starts the local Responses server with a realistic scenario (reasoning
// summary, streamed text, usage), points a throwaway $CODEX_HOME/config.toml provider at it and
// runs the built `codex-ts exec` against it, first in human mode, then with --json.
// Run it with `npx -y pnpm@10 demo` (which builds what it needs first).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { startResponsesServer, loadScenarioFile } = await import(
  join(root, 'tools/responses-server/dist/index.js')
);
const cli = join(root, 'packages/codex-cli/dist/bin.js');

const scenario = await loadScenarioFile(join(root, 'tools/responses-server/scenarios/demo.json'));
const server = await startResponsesServer({ scenario: { steps: scenario.steps, repeatLast: true } });
const home = mkdtempSync(join(tmpdir(), 'codex-ts-demo-'));
writeFileSync(
  join(home, 'config.toml'),
  [
    'model = "gpt-5.5"',
    'model_provider = "demo"',
    '',
    '[model_providers.demo]',
    'name = "demo"',
    `base_url = "${server.url}"`,
    'env_key = "DEMO_API_KEY"',
    'wire_api = "responses"',
    '',
  ].join('\n'),
);

function run(args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, CODEX_HOME: home, DEMO_API_KEY: 'demo-key' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => resolvePromise(code ?? 1));
  });
}

let failed = false;
try {
  console.log(`responses server listening on ${server.url}\n`);
  console.log('$ codex-ts exec "Say hello."');
  failed ||= (await run(['exec', 'Say hello.'])) !== 0;
  console.log('\n$ codex-ts exec --json "Say hello."');
  failed ||= (await run(['exec', '--json', 'Say hello.'])) !== 0;
  console.log(`\nthe server recorded ${server.requests.length} requests:`);
  for (const r of server.requests) {
    console.log(
      `  ${r.method} ${r.path}  model=${r.json?.model}  input items=${r.json?.input?.length}  originator=${r.headerMap.originator}`,
    );
  }
} finally {
  await server.close();
  rmSync(home, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
