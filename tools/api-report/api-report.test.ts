import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// Fixture repos live under this package's .tmp/ (git-ignored) so that `types: ["node"]` in the
// shared config resolves @types/node from the workspace's node_modules, as it does for packages/.
const script = new URL('./api-report.mjs', import.meta.url).pathname;
const scratch = new URL('./.tmp/', import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ADD = '/** Adds two numbers. */\nexport declare function add(a: number, b: number): number;\n';
const SUB = '/** Subtracts b from a. */\nexport declare function sub(a: number, b: number): number;\n';

/** A repo with packages/a (published, the given dist/index.d.ts or none) and packages/p (private). */
function repo(dts: string | undefined): string {
  mkdirSync(scratch, { recursive: true });
  const root = mkdtempSync(join(scratch, 'fixture-'));
  dirs.push(root);
  for (const [dir, manifest] of [
    ['a', { name: '@fixture/a', version: '1.0.0', types: './dist/index.d.ts' }],
    ['p', { name: '@fixture/p', version: '1.0.0', private: true }],
  ] as const) {
    mkdirSync(join(root, 'packages', dir, 'dist'), { recursive: true });
    writeFileSync(join(root, 'packages', dir, 'package.json'), JSON.stringify(manifest));
  }
  if (dts !== undefined) writeFileSync(join(root, 'packages', 'a', 'dist', 'index.d.ts'), dts);
  return root;
}

const run = (root: string, mode: '--check' | '--update') => {
  const r = spawnSync(process.execPath, [script, mode, '--root', root], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
};
const report = (root: string) => readFileSync(join(root, 'packages', 'a', 'api.md'), 'utf8');

describe('api-report', { timeout: 120_000 }, () => {
  it('fails on a missing or stale report, naming the package and printing the diff; --update fixes it', () => {
    // The doc comment has a TSDoc style problem (no hyphen after the @param name): reported, not fatal.
    const dts =
      '/**\n * Adds.\n * @param a the first\n */\nexport declare function add(a: number, b: number): number;\n';
    const root = repo(dts);
    const missing = run(root, '--check');
    expect(missing.status).toBe(1);
    expect(missing.out).toContain('@fixture/a: packages/a/api.md is missing');
    expect(missing.out).toContain('+export function add(a: number, b: number): number;');
    expect(() => report(root)).toThrow();

    expect(run(root, '--update')).toMatchObject({ status: 0 });
    const before = report(root);
    expect(before).toContain('## API Report File for "@fixture/a"');
    expect(before).toContain('export function add(a: number, b: number): number;');
    expect(() => readFileSync(join(root, 'packages', 'p', 'api.md'))).toThrow();
    const clean = run(root, '--check');
    expect(clean.status).toBe(0);
    expect(clean.out).toContain('@fixture/a: 1 warning(s): tsdoc-param-tag-missing-hyphen ×1');

    writeFileSync(join(root, 'packages', 'a', 'dist', 'index.d.ts'), dts + SUB);
    const stale = run(root, '--check');
    expect(stale.status).toBe(1);
    expect(stale.out).toContain('@fixture/a: packages/a/api.md is stale');
    expect(stale.out).toContain('+export function sub(a: number, b: number): number;');
    expect(report(root)).toBe(before);
    const updated = run(root, '--update');
    expect(updated).toMatchObject({ status: 0 });
    expect(updated.out).toContain('@fixture/a: updated packages/a/api.md');
    expect(report(root)).toContain('export function sub(a: number, b: number): number;');
  });

  it('is deterministic: no date, no absolute path, the same report from another folder', () => {
    const [one, two] = [repo(ADD), repo(ADD)];
    expect(run(one, '--update')).toMatchObject({ status: 0 });
    expect(run(two, '--update')).toMatchObject({ status: 0 });
    expect(report(one)).toBe(report(two));
    expect(report(one)).not.toContain(scratch);
    expect(report(one)).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('fails, naming the package, when it has not been built', () => {
    const { status, out } = run(repo(undefined), '--check');
    expect(status).toBe(1);
    expect(out).toContain('no dist/index.d.ts in @fixture/a: build first');
  });
});
