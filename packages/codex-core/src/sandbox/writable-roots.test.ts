import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPolicy } from './sandbox.js';
import { PROTECTED_SUBPATH_NAMES, WritableRootError, writableRootsFor } from './writable-roots.js';

let base: string;
beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'codex-ts-roots-')));
  for (const dir of ['ws', 'extra', 'tmp']) mkdirSync(join(base, dir));
  symlinkSync(join(base, 'extra'), join(base, 'extra-link'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const workspaceWrite = (extra: Partial<SandboxPolicy> = {}): SandboxPolicy => ({
  mode: 'workspace-write',
  writableRoots: [],
  networkAccess: false,
  ...extra,
});

describe('writableRootsFor', () => {
  it('has none outside workspace-write', () => {
    for (const mode of ['read-only', 'danger-full-access'] as const)
      expect(writableRootsFor({ mode, writableRoots: [base], networkAccess: false }, base, {})).toEqual([]);
  });

  it('lists cwd, writable roots, /tmp and $TMPDIR, resolved, deduplicated and parents first', () => {
    const ws = join(base, 'ws');
    const roots = writableRootsFor(
      workspaceWrite({ writableRoots: ['../extra-link', join(base, 'extra')] }),
      ws,
      {
        TMPDIR: join(base, 'tmp'),
      },
    );
    expect(roots.map((r) => r.root)).toEqual([
      realpathSync('/tmp'),
      ws,
      join(base, 'extra'),
      join(base, 'tmp'),
    ]);
    expect(roots[1]!.readOnlySubpaths).toEqual(PROTECTED_SUBPATH_NAMES.map((name) => join(ws, name)));
    expect(PROTECTED_SUBPATH_NAMES).toEqual(['.git', '.agents', '.codex', '.aws']);
  });

  it('honours exclude_slash_tmp and exclude_tmpdir_env_var, and ignores a relative or missing $TMPDIR', () => {
    const ws = join(base, 'ws');
    const only = (policy: SandboxPolicy, env: NodeJS.ProcessEnv) =>
      writableRootsFor(policy, ws, env).map((r) => r.root);
    expect(
      only(workspaceWrite({ excludeSlashTmp: true, excludeTmpdirEnvVar: true }), { TMPDIR: base }),
    ).toEqual([ws]);
    expect(only(workspaceWrite({ excludeSlashTmp: true }), { TMPDIR: 'relative/tmp' })).toEqual([ws]);
    expect(only(workspaceWrite({ excludeSlashTmp: true }), { TMPDIR: join(base, 'gone') })).toEqual([ws]);
  });

  it('throws the original text for a missing cwd or writable root', () => {
    const missing = join(base, 'missing');
    expect(() => writableRootsFor(workspaceWrite(), missing, {})).toThrow(
      new WritableRootError(`Sandbox expected writable root ${missing}, but it does not exist.`),
    );
    expect(() => writableRootsFor(workspaceWrite({ writableRoots: [missing] }), base, {})).toThrow(
      WritableRootError,
    );
  });

  it("adds a worktree's git dir and its common dir when a writable root holds them", () => {
    const worktree = join(base, 'wt');
    const commonDir = join(base, 'extra', 'main', '.git');
    const gitDir = join(commonDir, 'worktrees', 'wt');
    mkdirSync(worktree);
    mkdirSync(gitDir, { recursive: true });
    writeFileSync(join(worktree, '.git'), 'gitdir: ../extra/main/.git/worktrees/wt\n');
    writeFileSync(join(gitDir, 'commondir'), '../..\n');
    const policy = workspaceWrite({ excludeSlashTmp: true });
    expect(writableRootsFor(policy, worktree, {})[0]!.readOnlySubpaths).toEqual(
      PROTECTED_SUBPATH_NAMES.map((name) => join(worktree, name)),
    );
    const withExtra = writableRootsFor({ ...policy, writableRoots: [join(base, 'extra')] }, worktree, {});
    expect(withExtra.find((r) => r.root === worktree)!.readOnlySubpaths.slice(-2)).toEqual([
      gitDir,
      commonDir,
    ]);
  });
});
