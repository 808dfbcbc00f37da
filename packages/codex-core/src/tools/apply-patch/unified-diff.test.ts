// The git-style diff 0.169.0's human exec output printed for patches (live run, same files).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyHunks } from './apply.js';
import { parsePatch } from './parser.js';
import { gitBlobId, patchDiffText, unifiedHunks } from './unified-diff.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const PATCH = `*** Begin Patch
*** Update File: a.txt
@@
 line1
-line2
+line2 changed
 line3
*** Delete File: b.txt
*** Add File: sub/c.txt
+new1
+new2
*** Update File: d.txt
*** Move to: e.txt
@@
-old
+new
*** End Patch
`;

// What 0.169.0 printed after `patch: completed` and the file list.
const EXPECTED = `diff --git a/a.txt b/a.txt
index 84275f9939456e87efd6932bdf7fe01d52a53116..a16f0f76662d4657cc5c241dcaa9684018cb7dfa
--- a/a.txt
+++ b/a.txt
@@ -1,4 +1,4 @@
 line1
-line2
+line2 changed
 line3
 line4
diff --git a/b.txt b/b.txt
deleted file mode 100644
index b023018cabc396e7692c70bbf5784a93d3f738ab..0000000000000000000000000000000000000000
--- a/b.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git a/d.txt b/e.txt
index 3367afdbbf91e638efe983616377c60477cc6612..3e757656cf36eca53338e520d134963a44f793f8
--- a/d.txt
+++ b/e.txt
@@ -1 +1 @@
-old
+new
diff --git a/sub/c.txt b/sub/c.txt
new file mode 100644
index 0000000000000000000000000000000000000000..80ce8d9d7d61536fe3ece17d90ba8d94a41a429b
--- /dev/null
+++ b/sub/c.txt
@@ -0,0 +1,2 @@
+new1
+new2
`;

describe('patch diffs as 0.169.0 shows them', () => {
  it('add, delete, update and move: headers, blob ids and hunks', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'codex-patch-diff-'));
    dirs.push(cwd);
    writeFileSync(join(cwd, 'a.txt'), 'line1\nline2\nline3\nline4\n');
    writeFileSync(join(cwd, 'b.txt'), 'bye\n');
    writeFileSync(join(cwd, 'd.txt'), 'old\n');
    mkdirSync(join(cwd, 'sub'));
    const hunks = parsePatch(PATCH);
    expect(await patchDiffText(hunks, await verifyHunks(hunks, cwd), cwd)).toBe(EXPECTED);
  });

  it('hunks: 3 lines of context, separate hunks, a missing final newline', () => {
    expect(gitBlobId('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    const old = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n';
    expect(unifiedHunks(old, old.replace('b\n', 'B\n').replace('l\nm\n', 'L\nm'))).toBe(
      '@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -9,5 +9,5 @@\n i\n j\n k\n-l\n-m\n+L\n+m\n\\ No newline at end of file\n',
    );
    expect(unifiedHunks('x\n', 'x\n')).toBe('');
  });
});
