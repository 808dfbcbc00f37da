import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = new URL('./doc-check.mjs', import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repo(index: string, other = '', testEntry?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'doc-check-'));
  dirs.push(root);
  writeFileSync(join(root, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: {} }));
  mkdirSync(join(root, 'packages', 'codex-x', 'src'), { recursive: true });
  writeFileSync(join(root, 'packages', 'codex-x', 'src', 'index.ts'), index);
  writeFileSync(join(root, 'packages', 'codex-x', 'src', 'other.ts'), other);
  if (testEntry !== undefined) {
    mkdirSync(join(root, 'packages', 'codex-x', 'src', 'test'));
    writeFileSync(join(root, 'packages', 'codex-x', 'src', 'test', 'index.ts'), testEntry);
  }
  return root;
}

const run = (root: string) => {
  const r = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
};

describe('doc-check', () => {
  it('passes when every export (also re-exported ones) has a doc comment', () => {
    const root = repo(
      "/** Adds. */\nexport function add(a: number, b: number) { return a + b; }\nexport { sub } from './other.js';\n",
      '/** Subtracts, in units of one. */\nexport const sub = (a: number, b: number) => a - b;\n',
    );
    expect(run(root)).toMatchObject({ status: 0 });
  });

  it('names the undocumented exports', () => {
    const root = repo(
      "export function add(a: number, b: number) { return a + b; }\nexport { sub } from './other.js';\n",
      'export const sub = 1;\n',
    );
    const { status, out } = run(root);
    expect(status).toBe(1);
    expect(out).toContain('packages/codex-x/src/index.ts: add');
    expect(out).toContain('packages/codex-x/src/index.ts: sub');
  });

  it('holds the test helpers of a ./test entry to the same rule', () => {
    const root = repo(
      '/** Adds. */\nexport const add = 1;\n',
      '',
      '/** A documented helper. */\nexport const documented = 1;\nexport const bare = 2;\n',
    );
    const { status, out } = run(root);
    expect(status).toBe(1);
    expect(out).toContain('packages/codex-x/src/test/index.ts: bare');
    expect(out).not.toContain('documented');
  });
});
