// The git-style diff of a patch that codex-cli 0.169.0's human `exec` output shows after
// `patch: completed`: one `diff --git` section per file (in path order), blob ids in `index`,
// hunks with 3 lines of context.

import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { readFile } from '../../internal/fs-async.js';
import { deriveNewContents, type PatchFileChange, resolvePatchPath } from './apply.js';
import type { PatchHunk } from './parser.js';

const NO_BLOB = '0'.repeat(40);
const CONTEXT = 3;

/** Git's blob id of `text` (SHA-1 of `blob <bytes>\0<text>`). */
export function gitBlobId(text: string): string {
  return createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest('hex');
}

type Op = { kind: ' ' | '-' | '+'; line: string };

/** Lines with their terminators (the last may have none). */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Myers' shortest edit script from `a` to `b` (deletions before insertions). */
function diffLines(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1);
  const trace: Int32Array[] = [];
  outer: for (let d = 0; d <= n + m; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number))
          ? (v[offset + k + 1] as number)
          : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) break outer;
    }
  }
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const w = trace[d] as Int32Array;
    const k = x - y;
    const prevK =
      k === -d || (k !== d && (w[offset + k - 1] as number) < (w[offset + k + 1] as number)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : (w[offset + prevK] as number);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ kind: ' ', line: a[x] as string });
    }
    if (d > 0) {
      if (x === prevX) ops.push({ kind: '+', line: b[--y] as string });
      else ops.push({ kind: '-', line: a[--x] as string });
    }
  }
  return ops.reverse();
}

/** The `@@ … @@` hunks turning `oldText` into `newText` (git's format, `\ No newline at end of file`). */
export function unifiedHunks(oldText: string, newText: string): string {
  const ops = diffLines(splitLines(oldText), splitLines(newText));
  const changed = ops.flatMap((op, i) => (op.kind === ' ' ? [] : [i]));
  let out = '';
  let i = 0;
  while (i < changed.length) {
    let last = i;
    while (
      last + 1 < changed.length &&
      (changed[last + 1] as number) - (changed[last] as number) <= 2 * CONTEXT
    )
      last++;
    const from = Math.max(0, (changed[i] as number) - CONTEXT);
    const to = Math.min(ops.length, (changed[last] as number) + CONTEXT + 1);
    let oldStart = 0;
    let newStart = 0;
    for (const op of ops.slice(0, from)) {
      if (op.kind !== '+') oldStart++;
      if (op.kind !== '-') newStart++;
    }
    const body = ops.slice(from, to);
    const oldLines = body.filter((op) => op.kind !== '+').length;
    const newLines = body.filter((op) => op.kind !== '-').length;
    const range = (start: number, count: number) =>
      `${count === 0 ? start : start + 1}${count === 1 ? '' : `,${count}`}`;
    out += `@@ -${range(oldStart, oldLines)} +${range(newStart, newLines)} @@\n`;
    for (const op of body)
      out += op.line.endsWith('\n')
        ? `${op.kind}${op.line}`
        : `${op.kind}${op.line}\n\\ No newline at end of file\n`;
    i = last + 1;
  }
  return out;
}

/**
 * The `diff --git` text of a verified patch about to be applied (`changes` in path order, the
 * files still unchanged): per file the header (`new file mode 100644` / `deleted file mode
 * 100644`, `index <old blob>..<new blob>`, `--- a/…` / `+++ b/…` or `/dev/null`, paths relative to
 * `cwd`) and its hunks, as 0.169.0 printed it.
 */
export async function patchDiffText(
  hunks: readonly PatchHunk[],
  changes: readonly PatchFileChange[],
  cwd: string,
): Promise<string> {
  let out = '';
  for (const change of changes) {
    const hunk = hunks.find((h) => resolvePatchPath(cwd, h.path) === change.path);
    if (hunk === undefined) continue;
    const read = () => readFile(change.path, 'utf8').catch(() => '');
    const oldText = hunk.kind === 'add' ? '' : await read();
    const newText =
      hunk.kind === 'add'
        ? hunk.contents
        : hunk.kind === 'delete'
          ? ''
          : await deriveNewContents(change.path, hunk.chunks);
    const oldName = relative(cwd, change.path);
    const newName = change.movePath === undefined ? oldName : relative(cwd, change.movePath);
    out += `diff --git a/${oldName} b/${newName}\n`;
    if (hunk.kind === 'add') out += 'new file mode 100644\n';
    if (hunk.kind === 'delete') out += 'deleted file mode 100644\n';
    const oldId = hunk.kind === 'add' ? NO_BLOB : gitBlobId(oldText);
    const newId = hunk.kind === 'delete' ? NO_BLOB : gitBlobId(newText);
    out += `index ${oldId}..${newId}\n`;
    out += `--- ${hunk.kind === 'add' ? '/dev/null' : `a/${oldName}`}\n`;
    out += `+++ ${hunk.kind === 'delete' ? '/dev/null' : `b/${newName}`}\n`;
    out += unifiedHunks(oldText, newText);
  }
  return out;
}
