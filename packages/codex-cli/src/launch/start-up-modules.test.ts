import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startResponsesServer } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { helloTurn } from '../test-support/hello-turn.js';
import { runCli, tempHomes } from '../test-support/run-cli.js';

const BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.cjs');

/** The Node built-in modules loaded once `dist/cli.cjs` is evaluated (before `run()`), in a fresh process. */
function builtinsAfterBundleLoad(): string[] {
  const script = `require(${JSON.stringify(BUNDLE)}); process.stdout.write(JSON.stringify(process.moduleLoadList));`;
  const list = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
  return builtins(list);
}

function builtins(moduleLoadList: readonly string[]): string[] {
  return moduleLoadList.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => entry.slice(13));
}

const newHome = tempHomes();

describe('start-up of the bundle', () => {
  it('leaves the built-ins only some runs need unloaded until first use', () => {
    const loaded = builtinsAfterBundleLoad();
    expect(loaded).toContain('http'); // sanity: the list is the real one
    // zlib: WebSocket permessage-deflate and zstd request bodies; worker_threads: code-mode cells;
    // assert: signal-exit under proper-lockfile / write-file-atomic (auth lock, auth.json writes).
    expect(loaded.filter((name) => ['zlib', 'worker_threads', 'assert'].includes(name))).toEqual([]);
  });

  it('runs a whole turn over plain HTTP without node:perf_hooks (the global `performance`) or node:fs/promises', async () => {
    const server = await startResponsesServer();
    const scratch = mkdtempSync(join(tmpdir(), 'codex-ts-modules-'));
    try {
      // Preloaded into the CLI's process: writes the modules it loaded when it exits.
      const hook = join(scratch, 'hook.cjs');
      const listFile = join(scratch, 'modules.json');
      writeFileSync(
        hook,
        `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(listFile)}, JSON.stringify(process.moduleLoadList)));\n`,
      );
      server.pushSteps({ kind: 'sse', events: helloTurn() });
      const home = newHome(server.url);
      const result = await runCli(['exec', '--json', '--skip-git-repo-check', 'Say hello.'], {
        home,
        cwd: scratch,
        env: { NODE_OPTIONS: `--require ${hook}` },
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('"type":"turn.completed"');
      const loaded = builtins(JSON.parse(readFileSync(listFile, 'utf8')) as string[]);
      expect(loaded).toContain('http'); // sanity: the list is the real one
      // fs/promises brings node's readline and fs watchers: our packages call the callback functions
      // of node:fs instead (`internal/fs-async.ts`), and load it only for a FileHandle.
      expect(loaded.filter((name) => ['perf_hooks', 'fs/promises'].includes(name))).toEqual([]);
    } finally {
      await server.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
