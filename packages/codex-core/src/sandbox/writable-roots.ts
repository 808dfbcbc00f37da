import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import type { SandboxPolicy } from './sandbox.js';

/**
 * Names kept read-only inside every writable root, in the order codex-cli 0.169.0 mounts them
 * (observed bubblewrap argv; codex-rs `protocol.rs` `WritableRoot::read_only_subpaths`).
 */
export const PROTECTED_SUBPATH_NAMES: readonly string[] = ['.git', '.agents', '.codex', '.aws'];

/** A directory the sandboxed command may write, with the paths under it that stay read-only. */
export interface WritableRoot {
  /** Absolute, symlinks resolved. */
  root: string;
  /** Absolute paths under `root` (existing or not) that stay read-only: `.git`, `.agents`, … */
  readOnlySubpaths: string[];
}

/** Thrown by {@link writableRootsFor} when a configured root cannot be mounted. */
export class WritableRootError extends Error {
  override readonly name = 'WritableRootError';
}

/**
 * The writable roots of a `workspace-write` policy for a session in `cwd` (the session's working
 * directory, not a command's `workdir`): `cwd`, then the
 * policy's `writableRoots` (relative ones resolved against `cwd`), then `/tmp` unless
 * `excludeSlashTmp`, then `env.TMPDIR` unless `excludeTmpdirEnvVar` (codex-rs
 * `SandboxPolicy::get_writable_roots_with_cwd`). Symlinks are resolved, duplicates dropped, and the
 * result is ordered parents first (fewest path components first, stable), the order in which
 * bind mounts must be stacked. A missing `/tmp` or `$TMPDIR` is skipped; a missing `cwd` or
 * configured root throws a {@link WritableRootError} with the original's text
 * (`Sandbox expected writable root <path>, but it does not exist.`, codex-rs linux-sandbox
 * `bwrap.rs`). Other modes have no writable roots (`[]`).
 */
export function writableRootsFor(policy: SandboxPolicy, cwd: string, env: NodeJS.ProcessEnv): WritableRoot[] {
  if (policy.mode !== 'workspace-write') return [];
  const candidates: { path: string; required: boolean }[] = [{ path: cwd, required: true }];
  for (const root of policy.writableRoots) candidates.push({ path: resolve(cwd, root), required: true });
  if (!policy.excludeSlashTmp) candidates.push({ path: '/tmp', required: false });
  const tmpdir = env.TMPDIR;
  if (!policy.excludeTmpdirEnvVar && tmpdir !== undefined && isAbsolute(tmpdir))
    candidates.push({ path: tmpdir, required: false });

  const roots: string[] = [];
  for (const { path, required } of candidates) {
    const real = realDirectory(path);
    if (real === undefined) {
      if (required)
        throw new WritableRootError(`Sandbox expected writable root ${path}, but it does not exist.`);
      continue;
    }
    if (!roots.includes(real)) roots.push(real);
  }
  const ordered = roots
    .map((root, index) => ({ root, index, depth: root.split(sep).filter(Boolean).length }))
    .sort((a, b) => a.depth - b.depth || a.index - b.index)
    .map(({ root }) => root);
  return ordered.map((root) => ({ root, readOnlySubpaths: protectedSubpaths(root, ordered) }));
}

/**
 * `root/.git`, `root/.agents`, … plus, when `.git` is a `gitdir:` file (a linked worktree), the
 * git dir it names and that git dir's common dir (`commondir`: the main repository's `.git`,
 * with its hooks and config) when a writable root holds them.
 */
function protectedSubpaths(root: string, roots: readonly string[]): string[] {
  const paths = PROTECTED_SUBPATH_NAMES.map((name) => resolve(root, name));
  const gitDir = gitDirOfFile(resolve(root, '.git'));
  const linked = gitDir === undefined ? [] : [gitDir, commonDirOf(gitDir)];
  for (const dir of linked)
    if (dir !== undefined && roots.some((r) => isWithin(dir, r)) && !paths.includes(dir)) paths.push(dir);
  return paths;
}

/** The `commondir` of a linked worktree's git dir (relative to it), resolved. */
function commonDirOf(gitDir: string): string | undefined {
  try {
    const text = readFileSync(resolve(gitDir, 'commondir'), 'utf8').trim();
    return text === '' ? undefined : realDirectory(resolve(gitDir, text));
  } catch {
    return undefined;
  }
}

/** A worktree's `.git` file (`gitdir: <path>`): the directory it points to, resolved. */
function gitDirOfFile(path: string): string | undefined {
  try {
    if (!lstatSync(path).isFile()) return undefined;
    const match = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(path, 'utf8'));
    if (!match) return undefined;
    return realDirectory(resolve(path, '..', match[1]!));
  } catch {
    return undefined;
  }
}

/** True when `path` is `root` or below it. */
export function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function realDirectory(path: string): string | undefined {
  try {
    const real = realpathSync(path);
    return statSync(real).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}
