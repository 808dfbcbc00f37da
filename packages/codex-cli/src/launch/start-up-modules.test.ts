import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.cjs');

/** The Node built-in modules loaded once `dist/cli.cjs` is evaluated (before `run()`), in a fresh process. */
function builtinsAfterBundleLoad(): string[] {
  const script = `require(${JSON.stringify(BUNDLE)}); process.stdout.write(JSON.stringify(process.moduleLoadList));`;
  const list = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
  return list.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => entry.slice(13));
}

describe('start-up of the bundle', () => {
  it('leaves the built-ins only some runs need unloaded until first use', () => {
    const loaded = builtinsAfterBundleLoad();
    expect(loaded).toContain('http'); // sanity: the list is the real one
    // zlib: WebSocket permessage-deflate and zstd request bodies; worker_threads: code-mode cells;
    // assert: signal-exit under proper-lockfile / write-file-atomic (auth lock, auth.json writes).
    expect(loaded.filter((name) => ['zlib', 'worker_threads', 'assert'].includes(name))).toEqual([]);
  });
});
