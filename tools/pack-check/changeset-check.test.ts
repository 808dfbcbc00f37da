import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = new URL('./changeset-check.mjs', import.meta.url).pathname;
const dirs: string[] = [];

const manifest = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: '@codex-ts/x', version: '0.1.0', devDependencies: { vitest: '4' }, ...extra });

/** A git repo with one published package, @codex-ts/x@0.1.0, committed. */
function repo(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'changeset-check-'));
  dirs.push(root);
  write(root, {
    'packages/codex-x/package.json': manifest(),
    'packages/codex-x/CHANGELOG.md': '# @codex-ts/x\n\n## 0.1.0\n\n- First release.\n',
    'packages/codex-x/src/index.ts': 'export const x = 1;\n',
    'packages/codex-x/src/index.test.ts': 'test\n',
    'packages/private-y/package.json': JSON.stringify({
      name: '@codex-ts/y',
      version: '1.0.0',
      private: true,
    }),
    '.changeset/README.md': 'changesets\n',
    ...files,
  });
  git(root, 'init', '-q');
  commit(root);
  return root;
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

function commit(root: string): void {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '--allow-empty', '-m', 'change');
}

function run(root: string) {
  const r = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('changeset-check', () => {
  it('passes an unreleased package whose CHANGELOG describes its version', () => {
    const r = run(repo());
    expect(r.out).toContain('@codex-ts/x@0.1.0: not released yet');
    expect(r.status).toBe(0);
  });

  it('fails an unreleased package without a CHANGELOG section for its version', () => {
    const root = repo({ 'packages/codex-x/CHANGELOG.md': '# @codex-ts/x\n' });
    const r = run(root);
    expect(r.status).toBe(1);
    expect(r.out).toContain(
      '@codex-ts/x@0.1.0 is not released and packages/codex-x/CHANGELOG.md has no "## 0.1.0" section',
    );
  });

  it('after a release, fails a published-file change without a changeset and passes it with one', () => {
    const root = repo();
    git(root, 'tag', '@codex-ts/x@0.1.0');
    expect(run(root).status).toBe(0);
    write(root, { 'packages/codex-x/src/index.ts': 'export const x = 2;\n' });
    commit(root);
    const r = run(root);
    expect(r.status).toBe(1);
    expect(r.out).toContain('@codex-ts/x changed since @codex-ts/x@0.1.0 (packages/codex-x/src/index.ts)');
    write(root, { '.changeset/quiet-cats.md': '---\n"@codex-ts/x": patch\n---\n\nx is 2.\n' });
    commit(root);
    expect(run(root).status).toBe(0);
  });

  it('after a release, ignores tests, devDependencies and scripts, but not other package.json fields', () => {
    const root = repo();
    git(root, 'tag', '@codex-ts/x@0.1.0');
    write(root, {
      'packages/codex-x/src/index.test.ts': 'changed\n',
      'packages/codex-x/package.json': manifest({ devDependencies: { vitest: '5' }, scripts: { test: 'x' } }),
    });
    commit(root);
    expect(run(root).status).toBe(0);
    write(root, { 'packages/codex-x/package.json': manifest({ dependencies: { zod: '^4' } }) });
    commit(root);
    const r = run(root);
    expect(r.status).toBe(1);
    expect(r.out).toContain('(packages/codex-x/package.json)');
  });

  it('fails a changeset that names an unpublished package', () => {
    const root = repo({ '.changeset/odd-dogs.md': '---\n"@codex-ts/y": minor\n---\n\ny.\n' });
    const r = run(root);
    expect(r.status).toBe(1);
    expect(r.out).toContain('.changeset/odd-dogs.md names @codex-ts/y, which is not a published package');
  });
});
