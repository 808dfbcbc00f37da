import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BWRAP_UNAVAILABLE_MESSAGE,
  detectSandbox,
  planBwrap,
  probeSandbox,
  procMountSupported,
  releaseSyntheticTargets,
  removeSyntheticTargetsAtExit,
  USER_NAMESPACE_WARNING,
} from './bwrap.js';
import type { SandboxPolicy } from './sandbox.js';
import { writableRootsFor } from './writable-roots.js';

let base: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'codex-ts-bwrap-'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

function policy(mode: SandboxPolicy['mode'], extra: Partial<SandboxPolicy> = {}): SandboxPolicy {
  return { mode, writableRoots: [], networkAccess: false, ...extra };
}

describe('detectSandbox', () => {
  it('finds the first executable bwrap on PATH, skipping non-executable ones and relative entries', () => {
    const dirs = ['a', 'b', 'c'].map((name) => join(base, 'path', name));
    for (const dir of dirs) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dirs[0]!, 'bwrap'), 'not executable');
    chmodSync(join(dirs[0]!, 'bwrap'), 0o644);
    writeFileSync(join(dirs[1]!, 'bwrap'), '#!/bin/sh\n');
    chmodSync(join(dirs[1]!, 'bwrap'), 0o755);
    writeFileSync(join(dirs[2]!, 'bwrap'), '#!/bin/sh\n');
    chmodSync(join(dirs[2]!, 'bwrap'), 0o755);
    expect(detectSandbox({ PATH: ['relative', ...dirs].join(':') })).toEqual({
      available: true,
      bwrapPath: join(dirs[1]!, 'bwrap'),
      source: 'PATH',
    });
  });

  it('reports a missing bwrap with the original text, and caches per PATH', () => {
    const env = { PATH: join(base, 'nothing-here') };
    const first = detectSandbox(env);
    expect(first).toEqual({ available: false, message: BWRAP_UNAVAILABLE_MESSAGE });
    expect(BWRAP_UNAVAILABLE_MESSAGE).toBe('bubblewrap is unavailable: no system bwrap was found on PATH');
    expect(detectSandbox({ ...env })).toBe(first);
  });

  it('prefers CODEX_TS_BWRAP over PATH', () => {
    const custom = join(base, 'custom-bwrap');
    writeFileSync(custom, '#!/bin/sh\n');
    chmodSync(custom, 0o755);
    expect(detectSandbox({ PATH: '/usr/bin:/bin', CODEX_TS_BWRAP: custom })).toEqual({
      available: true,
      bwrapPath: custom,
      source: 'CODEX_TS_BWRAP',
    });
  });
});

describe('probeSandbox', () => {
  const fake = (name: string, script: string) => {
    const path = join(base, name);
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
    return path;
  };

  it('names a namespace failure with the original warning, any other failure with its stderr', async () => {
    expect(await probeSandbox(fake('ok-bwrap', 'exit 0'))).toBeUndefined();
    expect(
      await probeSandbox(
        fake('userns-bwrap', 'echo "bwrap: setting up uid map: Permission denied" >&2; exit 1'),
      ),
    ).toBe(USER_NAMESPACE_WARNING);
    expect(await probeSandbox(fake('broken-bwrap', 'echo "bwrap: something else" >&2; exit 1'))).toBe(
      'bubblewrap probe failed: bwrap: something else',
    );
    expect(await probeSandbox(join(base, 'missing-bwrap'))).toMatch(/^bubblewrap probe failed: .*ENOENT/);
  });

  it('falls back to no fresh /proc only when bubblewrap cannot mount one', async () => {
    const noProc = fake(
      'no-proc-bwrap',
      'for a in "$@"; do if [ "$a" = --proc ]; then ' +
        `echo "bwrap: Can't mount proc on /newroot/proc: Operation not permitted" >&2; exit 1; fi; done; exit 0`,
    );
    expect(await probeSandbox(noProc)).toBeUndefined();
    expect(await procMountSupported(noProc)).toBe(false);
    expect(await procMountSupported(fake('proc-ok-bwrap', 'exit 0'))).toBe(true);
    // Another failure is not a reason to drop /proc: the command will fail with bwrap's own error.
    expect(
      await procMountSupported(
        fake('userns-fail-bwrap', 'echo "bwrap: No permissions to create a new namespace" >&2; exit 1'),
      ),
    ).toBe(true);
    expect(planBwrap(policy('read-only'), '/', [], { mountProc: false }).args).not.toContain('--proc');
  });
});

describe('planBwrap', () => {
  it('read-only: the whole filesystem read-only, fresh /dev and /proc, namespaces unshared, no network', () => {
    const plan = planBwrap(policy('read-only'), '/work/project', []);
    expect(plan).toEqual({
      args: [
        '--new-session',
        '--die-with-parent',
        '--ro-bind',
        '/',
        '/',
        '--dev',
        '/dev',
        '--unshare-user',
        '--unshare-pid',
        '--unshare-ipc',
        '--unshare-net',
        '--proc',
        '/proc',
        '--cap-drop',
        'ALL',
        '--chdir',
        '/work/project',
      ],
      syntheticTargets: [],
    });
    expect(planBwrap(policy('read-only', { networkAccess: true }), '/', []).args).not.toContain(
      '--unshare-net',
    );
  });

  it('workspace-write: binds roots parents first, then protects .git/.agents/.codex/.aws of each', () => {
    const ws = join(base, 'plan', 'ws');
    const extra = join(base, 'plan', 'extra');
    mkdirSync(join(ws, '.git'), { recursive: true });
    mkdirSync(extra, { recursive: true });
    const roots = writableRootsFor(
      policy('workspace-write', { writableRoots: ['../extra'], excludeSlashTmp: true }),
      ws,
      { TMPDIR: join(base, 'plan') },
    );
    expect(roots.map((r) => r.root)).toEqual([join(base, 'plan'), ws, extra]);
    const plan = planBwrap(policy('workspace-write'), ws, roots);
    try {
      const text = plan.args.join(' ');
      expect(text).toContain(
        `--dev /dev --bind ${join(base, 'plan')} ${join(base, 'plan')} --bind ${ws} ${ws} --bind ${extra} ${extra} `,
      );
      expect(text).toContain(`--ro-bind-try ${ws}/.git ${ws}/.git`);
      expect(text).toContain(`--perms 555 --tmpfs ${ws}/.codex --remount-ro ${ws}/.codex`);
      expect(text).toContain(`--perms 555 --tmpfs ${extra}/.aws --remount-ro ${extra}/.aws`);
      expect(plan.args.slice(-10)).toEqual([
        '--unshare-user',
        '--unshare-pid',
        '--unshare-ipc',
        '--unshare-net',
        '--proc',
        '/proc',
        '--cap-drop',
        'ALL',
        '--chdir',
        ws,
      ]);
      expect(plan.syntheticTargets).not.toContain(join(ws, '.git'));
      expect(plan.syntheticTargets).toContain(join(ws, '.agents'));
      expect(plan.syntheticTargets).toHaveLength(11);
    } finally {
      releaseSyntheticTargets(plan);
    }
  });

  it('keeps a synthetic mount point until the last command using it is released, then removes it if empty', () => {
    const ws = join(base, 'shared');
    mkdirSync(ws, { recursive: true });
    const roots = writableRootsFor(policy('workspace-write', { excludeSlashTmp: true }), ws, {});
    const first = planBwrap(policy('workspace-write'), ws, roots);
    // Bubblewrap creates the mount point while the first command runs…
    mkdirSync(join(ws, '.codex'));
    // …so a second command planned meanwhile must still treat it as synthetic (an empty tmpfs).
    const second = planBwrap(policy('workspace-write'), ws, roots);
    expect(second.args.join(' ')).toContain(`--tmpfs ${ws}/.codex`);
    releaseSyntheticTargets(first);
    expect(existsSync(join(ws, '.codex'))).toBe(true);
    releaseSyntheticTargets(second);
    expect(existsSync(join(ws, '.codex'))).toBe(false);
    releaseSyntheticTargets(second);
  });

  it('removes mount points whose cleanup never ran when the process exits', () => {
    const ws = join(base, 'forgotten');
    mkdirSync(ws, { recursive: true });
    const roots = writableRootsFor(policy('workspace-write', { excludeSlashTmp: true }), ws, {});
    const plan = planBwrap(policy('workspace-write'), ws, roots);
    for (const target of plan.syntheticTargets) mkdirSync(target);
    expect(process.listeners('exit')).toContain(removeSyntheticTargetsAtExit);
    removeSyntheticTargetsAtExit();
    for (const target of plan.syntheticTargets) expect(existsSync(target)).toBe(false);
  });

  it('never removes a mount point that gained content', () => {
    const ws = join(base, 'content');
    mkdirSync(ws, { recursive: true });
    const roots = writableRootsFor(policy('workspace-write', { excludeSlashTmp: true }), ws, {});
    const plan = planBwrap(policy('workspace-write'), ws, roots);
    mkdirSync(join(ws, '.git'));
    writeFileSync(join(ws, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    releaseSyntheticTargets(plan);
    expect(existsSync(join(ws, '.git', 'HEAD'))).toBe(true);
  });
});
