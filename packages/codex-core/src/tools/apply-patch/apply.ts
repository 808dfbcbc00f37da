/**
 * Verifying and applying parsed patches on the file system (codex-rs `apply-patch/src/lib.rs`:
 * `maybe_parse_apply_patch_verified`, `apply_hunks_to_files`, `print_summary`; line endings as
 * `apply-patch/src/eol.rs`). Error texts are the original's, with Rust's I/O error wording
 * (`No such file or directory (os error 2)`).
 */

import { dirname, resolve } from 'node:path';
import { mkdir, readFile, rm, stat, writeFile } from '../../internal/fs-async.js';
import type { PatchHunk, UpdateFileChunk } from './parser.js';
import { seekSequence } from './seek-sequence.js';
import { decodeUtf8, type Replacement, SourceFile } from './text-file.js';

/** A patch that cannot be applied as written (a missing file, context not found); `message` is the original's text. */
export class PatchVerificationError extends Error {
  override readonly name = 'PatchVerificationError';
}

/** One file a verified patch touches: absolute `path` (the source of a move), its kind, and a move's absolute destination. */
export interface PatchFileChange {
  path: string;
  kind: 'add' | 'delete' | 'update';
  movePath?: string | undefined;
}

/** What {@link applyHunks} did: the paths as written in the patch (a move's destination for `modified`). */
export interface AffectedPaths {
  added: string[];
  modified: string[];
  deleted: string[];
}

const STRERROR: Record<string, [number, string]> = {
  ENOENT: [2, 'No such file or directory'],
  EACCES: [13, 'Permission denied'],
  EPERM: [1, 'Operation not permitted'],
  EISDIR: [21, 'Is a directory'],
  ENOTDIR: [20, 'Not a directory'],
  EEXIST: [17, 'File exists'],
  EROFS: [30, 'Read-only file system'],
  ENOSPC: [28, 'No space left on device'],
  ELOOP: [40, 'Too many levels of symbolic links'],
  ENAMETOOLONG: [36, 'File name too long'],
};

/** An I/O error as Rust's `std::io::Error` displays it: `<strerror> (os error <n>)`. */
export function rustIoErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const known = code === undefined ? undefined : STRERROR[code];
  if (known) return `${known[1]} (os error ${known[0]})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * A file's text as the original reads it: `path \`<path>\` is not a file` for a directory or other
 * non-file, Rust's I/O error text, or Rust's UTF-8 error text.
 */
async function readText(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error(`path \`${path}\` is not a file`);
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    throw new Error(rustIoErrorText(error));
  }
  return decodeUtf8(bytes);
}

/** Resolves a patch path against `cwd` (absolute paths stay), normalising `.` and `..`. */
export function resolvePatchPath(cwd: string, path: string): string {
  return resolve(cwd, path);
}

/**
 * The file's new contents after the chunks: each kept line keeps its own ending, new lines get the
 * file's first line ending (LF if none), and the result always ends with a line ending.
 * @throws PatchVerificationError `Failed to read file to update <path>: …`,
 * `Failed to find context '<ctx>' in <path>`, `Failed to find expected lines in <path>:\n<lines>`.
 */
export async function deriveNewContents(path: string, chunks: readonly UpdateFileChunk[]): Promise<string> {
  let original: string;
  try {
    original = await readText(path);
  } catch (error) {
    throw new PatchVerificationError(`Failed to read file to update ${path}: ${(error as Error).message}`);
  }
  const file = new SourceFile(original);
  file.applyReplacements(computeReplacements(file.texts, path, chunks));
  return file.toString();
}

function computeReplacements(
  lines: readonly string[],
  path: string,
  chunks: readonly UpdateFileChunk[],
): Replacement[] {
  const replacements: Replacement[] = [];
  let index = 0;
  for (const chunk of chunks) {
    if (chunk.changeContext !== undefined) {
      const at = seekSequence(lines, [chunk.changeContext], index, false);
      if (at === undefined) {
        throw new PatchVerificationError(`Failed to find context '${chunk.changeContext}' in ${path}`);
      }
      index = at + 1;
    }
    if (chunk.oldLines.length === 0) {
      const end = lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
      replacements.push([end, 0, [...chunk.newLines]]);
      continue;
    }
    let pattern = chunk.oldLines;
    let found = seekSequence(lines, pattern, index, chunk.isEndOfFile);
    let dropLastNew = false;
    if (found === undefined && pattern[pattern.length - 1] === '') {
      pattern = pattern.slice(0, -1);
      dropLastNew = chunk.newLines[chunk.newLines.length - 1] === '';
      found = seekSequence(lines, pattern, index, chunk.isEndOfFile);
    }
    if (found === undefined) {
      throw new PatchVerificationError(
        `Failed to find expected lines in ${path}:\n${chunk.oldLines.join('\n')}`,
      );
    }
    replacements.push([found, pattern.length, newSegment(chunk, found, pattern.length, dropLastNew)]);
    index = found + pattern.length;
  }
  return replacements.sort((a, b) => a[0] - b[0]);
}

/**
 * The lines replacing a matched block: context lines stay as the file has them (their index), `+`
 * lines are new; a block matched without its trailing empty line skips the ops past it.
 */
function newSegment(
  chunk: UpdateFileChunk,
  start: number,
  length: number,
  dropLastNew: boolean,
): (string | number)[] {
  const segment: (string | number)[] = [];
  let consumed = 0;
  for (const { op, text } of chunk.ops) {
    if (op === 'insert') {
      segment.push(text);
    } else if (consumed < length) {
      if (op === 'context') segment.push(start + consumed);
      consumed += 1;
    }
  }
  const expected = chunk.newLines.length - (dropLastNew ? 1 : 0);
  return segment.length > expected ? segment.slice(0, expected) : segment;
}

/**
 * Checks that every hunk can be applied to the files as they are now, writing nothing: deleted
 * files must be readable, updated files must contain every chunk, and no two hunks may name the
 * same file (`invalid patch: multiple operations target <path>`; a move's destination does not
 * count). Returns the touched files sorted by absolute path.
 * @throws PatchVerificationError with the original's text (`Failed to read <path>: …` for a delete).
 */
export async function verifyHunks(hunks: readonly PatchHunk[], cwd: string): Promise<PatchFileChange[]> {
  const changes = new Map<string, PatchFileChange>();
  for (const hunk of hunks) {
    const path = resolvePatchPath(cwd, hunk.path);
    if (changes.has(path))
      throw new PatchVerificationError(`invalid patch: multiple operations target ${path}`);
    if (hunk.kind === 'add') {
      changes.set(path, { path, kind: 'add' });
    } else if (hunk.kind === 'delete') {
      try {
        await readText(path);
      } catch (error) {
        throw new PatchVerificationError(`Failed to read ${path}: ${(error as Error).message}`);
      }
      changes.set(path, { path, kind: 'delete' });
    } else {
      await deriveNewContents(path, hunk.chunks);
      const movePath = hunk.movePath === undefined ? undefined : resolvePatchPath(cwd, hunk.movePath);
      changes.set(path, { path, kind: 'update', movePath });
    }
  }
  return [...changes.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A failure while writing (after verification): `message` is the original's `Failed to write file <path>` etc. */
export class PatchApplyError extends Error {
  override readonly name = 'PatchApplyError';
}

/**
 * Applies the hunks in order (each update re-read from disk, so a second update of a file sees
 * the first). Not transactional, as the original: a failure leaves earlier hunks applied; call
 * {@link verifyHunks} first so that only I/O failures can stop it half-way. `guard` (the sandbox
 * of `writeGuard`) is asked before each write or removal; a refused path fails like an I/O error.
 * @throws PatchApplyError (`Failed to write file <path>`, `Failed to delete file <path>`,
 * `Failed to remove original <path>`) or PatchVerificationError when a file changed meanwhile.
 */
export async function applyHunks(
  hunks: readonly PatchHunk[],
  cwd: string,
  guard?: (path: string, removal?: boolean) => Promise<boolean>,
): Promise<AffectedPaths> {
  const allowed = async (path: string, removal = false) => (guard ? guard(path, removal) : true);
  const writeWithParents = async (path: string, contents: string): Promise<void> => {
    try {
      if (!(await allowed(path))) throw new Error('blocked by the sandbox');
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, contents);
    } catch {
      throw new PatchApplyError(`Failed to write file ${path}`);
    }
  };
  const remove = async (path: string, message: string): Promise<void> => {
    try {
      if (!(await allowed(path, true))) throw new Error('blocked by the sandbox');
      await rm(path);
    } catch {
      throw new PatchApplyError(`${message} ${path}`);
    }
  };
  const affected: AffectedPaths = { added: [], modified: [], deleted: [] };
  for (const hunk of hunks) {
    const path = resolvePatchPath(cwd, hunk.path);
    if (hunk.kind === 'add') {
      await writeWithParents(path, hunk.contents);
      affected.added.push(hunk.path);
    } else if (hunk.kind === 'delete') {
      await remove(path, 'Failed to delete file');
      affected.deleted.push(hunk.path);
    } else {
      const contents = await deriveNewContents(path, hunk.chunks);
      if (hunk.movePath === undefined) {
        await writeWithParents(path, contents);
        affected.modified.push(hunk.path);
      } else {
        await writeWithParents(resolvePatchPath(cwd, hunk.movePath), contents);
        await remove(path, 'Failed to remove original');
        affected.modified.push(hunk.movePath);
      }
    }
  }
  return affected;
}

/** The original's summary: `Success. Updated the following files:` then `A`, `M`, `D` lines, each ending in `\n`. */
export function formatSummary(affected: AffectedPaths): string {
  return [
    'Success. Updated the following files:\n',
    ...affected.added.map((path) => `A ${path}\n`),
    ...affected.modified.map((path) => `M ${path}\n`),
    ...affected.deleted.map((path) => `D ${path}\n`),
  ].join('');
}
