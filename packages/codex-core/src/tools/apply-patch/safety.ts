/**
 * Whether a verified patch may be written under the session's sandbox policy, as `codex exec`
 * decides it (codex-rs `core/src/safety.rs` `assess_patch_safety`; exec never asks for approval):
 * `danger-full-access` writes anywhere, `read-only` nowhere, `workspace-write` only inside the
 * writable roots (the cwd, `writableRoots`, `/tmp` and `$TMPDIR` unless excluded) and never
 * inside their `.git`, `.agents`, `.codex` or `.aws` (`PROTECTED_SUBPATH_NAMES` of the sandbox,
 * existing or not). The check compares paths as written; while writing,
 * {@link writeGuard} resolves symbolic links as the original's sandbox would, so a link inside the
 * workspace cannot lead a write outside.
 */

import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { realpath } from '../../internal/fs-async.js';
import type { SandboxPolicy } from '../../sandbox/sandbox.js';
import { PROTECTED_SUBPATH_NAMES } from '../../sandbox/writable-roots.js';

/** Text of `patch rejected: <reason>` for a patch whose `changes` are empty. */
export const EMPTY_PATCH_REJECTION = 'patch rejected: empty patch';
/** The text 0.169.0 answers with in `read-only` mode (any patch). */
export const READ_ONLY_REJECTION =
  'patch rejected: writing is blocked by read-only sandbox; rejected by user approval settings';
/** The text 0.169.0 answers with in `workspace-write` mode for a path outside the writable roots. */
export const OUTSIDE_WORKSPACE_REJECTION =
  'patch rejected: writing outside of the project; rejected by user approval settings';

/** `path` with the symbolic links of its deepest existing ancestor resolved. */
async function realTarget(path: string): Promise<string> {
  const tail: string[] = [];
  let current = resolve(path);
  for (let depth = 0; depth < 4096; depth += 1) {
    try {
      return join(await realpath(current), ...tail.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) break;
      tail.push(basename(current));
      current = parent;
    }
  }
  return resolve(path);
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel));
}

/**
 * The writable roots of `policy` for a session in `cwd`, each with its read-only subdirectories;
 * `real` resolves their symbolic links.
 */
async function writableRoots(
  policy: SandboxPolicy,
  cwd: string,
  env: NodeJS.ProcessEnv,
  real: boolean,
): Promise<{ root: string; readOnly: string[] }[]> {
  const roots = [cwd, ...policy.writableRoots];
  if (!policy.excludeSlashTmp) roots.push('/tmp');
  const tmpdir = env.TMPDIR;
  if (!policy.excludeTmpdirEnvVar && tmpdir) roots.push(tmpdir);
  const result: { root: string; readOnly: string[] }[] = [];
  for (const entry of roots) {
    const root = real ? await realTarget(resolve(cwd, entry)) : resolve(cwd, entry);
    // Whether they exist or not (0.169.0 refused `.codex/x` and `.git/x` in a folder without them).
    result.push({ root, readOnly: PROTECTED_SUBPATH_NAMES.map((name) => join(root, name)) });
  }
  return result;
}

function allowedIn(roots: { root: string; readOnly: string[] }[], target: string): boolean {
  return roots.some(
    ({ root, readOnly }) => isInside(root, target) && !readOnly.some((sub) => isInside(sub, target)),
  );
}

/**
 * `undefined` when the patch may be written, else the `custom_tool_call_output` text refusing it.
 * `paths` are the absolute paths the patch writes or deletes (move destinations included),
 * compared as written (the original's approval check does not resolve links).
 */
export async function patchRejection(
  paths: readonly string[],
  policy: SandboxPolicy,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  if (paths.length === 0) return EMPTY_PATCH_REJECTION;
  if (policy.mode === 'danger-full-access') return undefined;
  if (policy.mode === 'read-only') return READ_ONLY_REJECTION;
  const roots = await writableRoots(policy, cwd, env, false);
  return paths.every((path) => allowedIn(roots, resolve(path))) ? undefined : OUTSIDE_WORKSPACE_REJECTION;
}

/**
 * What the original's sandbox enforces while the patch is written: under `workspace-write`, a
 * write is allowed only when the path, its symbolic links resolved, stays inside a writable root
 * (a link inside the workspace to elsewhere fails as `Failed to write file <path>`). Returns a
 * check for each path written or removed (`removal`: the entry itself, a link not followed);
 * `undefined` when nothing is enforced.
 */
export async function writeGuard(
  policy: SandboxPolicy,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<((path: string, removal?: boolean) => Promise<boolean>) | undefined> {
  if (policy.mode !== 'workspace-write') return undefined;
  const roots = await writableRoots(policy, cwd, env, true);
  // Removing a link removes the entry, not its target: only the directory's links count.
  return async (path, removal = false) =>
    allowedIn(
      roots,
      removal ? join(await realTarget(dirname(path)), basename(path)) : await realTarget(path),
    );
}
