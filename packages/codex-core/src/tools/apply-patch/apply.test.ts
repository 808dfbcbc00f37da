import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyHunks, formatSummary, verifyHunks } from './apply.js';
import { parsePatch } from './parser.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apply-patch-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function apply(patch: string): Promise<string> {
  const hunks = parsePatch(patch);
  await verifyHunks(hunks, dir);
  return formatSummary(await applyHunks(hunks, dir));
}
const read = (name: string) => readFile(join(dir, name), 'utf8');

describe('verifyHunks / applyHunks', () => {
  it('adds, deletes, updates and moves, summarising as the original', async () => {
    await writeFile(join(dir, 'mod.txt'), 'line1\nline2\nline3\n');
    await writeFile(join(dir, 'del.txt'), 'bye\n');
    await writeFile(join(dir, 'old.txt'), 'a\nb\n');
    const patch = [
      '*** Begin Patch',
      '*** Add File: sub/new.txt',
      '+new',
      '*** Delete File: del.txt',
      '*** Update File: mod.txt',
      '@@',
      ' line1',
      '-line2',
      '+LINE2',
      '*** Update File: old.txt',
      '*** Move to: moved/renamed.txt',
      '@@',
      ' a',
      '-b',
      '+B',
      '*** End Patch',
    ].join('\n');
    const changes = await verifyHunks(parsePatch(patch), dir);
    expect(changes).toEqual([
      { path: join(dir, 'del.txt'), kind: 'delete' },
      { path: join(dir, 'mod.txt'), kind: 'update', movePath: undefined },
      { path: join(dir, 'old.txt'), kind: 'update', movePath: join(dir, 'moved/renamed.txt') },
      { path: join(dir, 'sub/new.txt'), kind: 'add' },
    ]);
    expect(await apply(patch)).toBe(
      'Success. Updated the following files:\nA sub/new.txt\nM mod.txt\nM moved/renamed.txt\nD del.txt\n',
    );
    expect(await read('sub/new.txt')).toBe('new\n');
    expect(await read('mod.txt')).toBe('line1\nLINE2\nline3\n');
    expect(await read('moved/renamed.txt')).toBe('a\nB\n');
    await expect(read('del.txt')).rejects.toThrow();
    await expect(read('old.txt')).rejects.toThrow();
  });

  it('keeps CRLF files CRLF, adds a final newline, matches loosely (whitespace, typographic quotes)', async () => {
    await writeFile(join(dir, 'crlf.txt'), 'a\r\nb\r\nc\r\n');
    await writeFile(join(dir, 'nonl.txt'), 'x\ny');
    await writeFile(join(dir, 'uni.txt'), 'say \u201chi\u201d  \nend\n');
    await apply(
      '*** Begin Patch\n*** Update File: crlf.txt\n@@\n a\n-b\n+B\n*** Update File: nonl.txt\n@@\n-y\n+Y\n*** Update File: uni.txt\n@@\n-say "hi"\n+said\n*** End Patch\n',
    );
    expect(await read('crlf.txt')).toBe('a\r\nB\r\nc\r\n');
    expect(await read('nonl.txt')).toBe('x\nY\n');
    expect(await read('uni.txt')).toBe('said\nend\n');
  });

  it('keeps each line ending and gives new lines the first line ending; trims a move path', async () => {
    await writeFile(join(dir, 'lf-first.txt'), 'a\nb\r\nc\r\n');
    await writeFile(join(dir, 'crlf-first.txt'), 'a\r\nb\nc\nd\n');
    await writeFile(join(dir, 't.txt'), 'a\n');
    await apply(
      '*** Begin Patch\n*** Update File: lf-first.txt\n@@\n-b\n+B\n+B2\n*** Update File: crlf-first.txt\n@@\n-d\n+D\n*** Update File: t.txt\n*** Move to: u.txt \n@@\n-a\n+b\n*** End Patch',
    );
    expect(await read('lf-first.txt')).toBe('a\nB\nB2\nc\r\n');
    expect(await read('crlf-first.txt')).toBe('a\r\nb\nc\nD\r\n');
    expect(await read('u.txt')).toBe('b\n');
  });

  it('keeps context lines as the file has them (loosely matched text, line endings)', async () => {
    await writeFile(join(dir, 'ctx.txt'), 'p\nq  \n  r\ns \u2013 t\nu\n');
    await writeFile(join(dir, 'mixed.txt'), 'a\r\nb\nc\n');
    await apply(
      '*** Begin Patch\n*** Update File: ctx.txt\n@@\n-p\n+P\n q\n r\n s - t\n-u\n+U\n*** Update File: mixed.txt\n@@\n b\n-c\n+C\n*** End Patch',
    );
    expect(await read('ctx.txt')).toBe('P\nq  \n  r\ns \u2013 t\nU\n');
    expect(await read('mixed.txt')).toBe('a\r\nb\nC\r\n');
  });

  it('uses @@ context to pick the occurrence and *** End of File to anchor at the end', async () => {
    await writeFile(join(dir, 'f.py'), 'def a():\n    x = 1\ndef b():\n    x = 1\nx = 1\n');
    await apply('*** Begin Patch\n*** Update File: f.py\n@@ def b():\n-    x = 1\n+    x = 2\n*** End Patch');
    expect(await read('f.py')).toBe('def a():\n    x = 1\ndef b():\n    x = 2\nx = 1\n');
    await apply('*** Begin Patch\n*** Update File: f.py\n@@\n-x = 1\n+x = 3\n*** End of File\n*** End Patch');
    expect(await read('f.py')).toBe('def a():\n    x = 1\ndef b():\n    x = 2\nx = 3\n');
    await apply('*** Begin Patch\n*** Update File: f.py\n@@\n+appended\n*** End Patch');
    expect(await read('f.py')).toBe('def a():\n    x = 1\ndef b():\n    x = 2\nx = 3\nappended\n');
  });

  it('fails verification with the original texts (absolute paths) and writes nothing', async () => {
    await writeFile(join(dir, 'mod.txt'), 'line1\nline2\n');
    await mkdir(join(dir, 'adir'));
    await writeFile(join(dir, 'bin.txt'), Buffer.from([0x80, 0x81, 0x82, 0x0a]));
    await writeFile(join(dir, 'cut.txt'), Buffer.from([0x61, 0x62, 0xe2]));
    await writeFile(join(dir, 'bad2.txt'), Buffer.from([0x61, 0x62, 0xe2, 0x81, 0x0a]));
    const cases: [string, string][] = [
      [
        '*** Update File: mod.txt\n@@\n-nothere\n+x',
        `Failed to find expected lines in ${join(dir, 'mod.txt')}:\nnothere`,
      ],
      [
        '*** Update File: mod.txt\n@@ nocontext\n-line2\n+x',
        `Failed to find context 'nocontext' in ${join(dir, 'mod.txt')}`,
      ],
      [
        '*** Update File: missing.txt\n@@\n-a\n+b',
        `Failed to read file to update ${join(dir, 'missing.txt')}: No such file or directory (os error 2)`,
      ],
      [
        '*** Delete File: missing.txt',
        `Failed to read ${join(dir, 'missing.txt')}: No such file or directory (os error 2)`,
      ],
      [
        '*** Delete File: adir',
        `Failed to read ${join(dir, 'adir')}: path \`${join(dir, 'adir')}\` is not a file`,
      ],
      [
        '*** Update File: adir\n@@\n-a\n+b',
        `Failed to read file to update ${join(dir, 'adir')}: path \`${join(dir, 'adir')}\` is not a file`,
      ],
      [
        '*** Delete File: bin.txt',
        `Failed to read ${join(dir, 'bin.txt')}: invalid utf-8 sequence of 1 bytes from index 0`,
      ],
      [
        '*** Update File: cut.txt\n@@\n-a\n+b',
        `Failed to read file to update ${join(dir, 'cut.txt')}: incomplete utf-8 byte sequence from index 2`,
      ],
      [
        '*** Update File: bad2.txt\n@@\n-a\n+b',
        `Failed to read file to update ${join(dir, 'bad2.txt')}: invalid utf-8 sequence of 2 bytes from index 2`,
      ],
      [
        '*** Delete File: mod.txt\n*** Delete File: ./mod.txt',
        `invalid patch: multiple operations target ${join(dir, 'mod.txt')}`,
      ],
      [
        '*** Update File: mod.txt\n@@\n-line1\n+a\n*** Update File: mod.txt\n@@\n-line2\n+b',
        `invalid patch: multiple operations target ${join(dir, 'mod.txt')}`,
      ],
    ];
    for (const [body, message] of cases) {
      const hunks = parsePatch(`*** Begin Patch\n*** Add File: first.txt\n+x\n${body}\n*** End Patch`);
      await expect(verifyHunks(hunks, dir), body).rejects.toThrow(message);
    }
    await expect(read('first.txt')).rejects.toThrow();
    expect(await read('mod.txt')).toBe('line1\nline2\n');
  });

  it('stops at an I/O failure with earlier hunks applied, as the original', async () => {
    await writeFile(join(dir, 'mod.txt'), 'x\n');
    const hunks = parsePatch(
      '*** Begin Patch\n*** Add File: ok.txt\n+ok\n*** Add File: mod.txt/child.txt\n+x\n*** End Patch',
    );
    await verifyHunks(hunks, dir);
    await expect(applyHunks(hunks, dir)).rejects.toThrow(
      `Failed to write file ${join(dir, 'mod.txt/child.txt')}`,
    );
    expect(await read('ok.txt')).toBe('ok\n');
  });

  it('replaces any block of a file with the new lines (property)', async () => {
    const text = fc.stringMatching(/^[a-z ]{0,6}[a-z]$/);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(text, { minLength: 1, maxLength: 8 }),
        fc.array(text, { maxLength: 4 }),
        fc.nat(),
        fc.nat(),
        async (lines, replacement, a, b) => {
          const start = a % lines.length;
          const end = start + 1 + (b % (lines.length - start));
          await writeFile(join(dir, 'p.txt'), `${lines.join('\n')}\n`);
          const body = [
            ...lines.slice(0, start).map((l) => ` ${l}`),
            ...lines.slice(start, end).map((l) => `-${l}`),
            ...replacement.map((l) => `+${l}`),
          ];
          await apply(`*** Begin Patch\n*** Update File: p.txt\n@@\n${body.join('\n')}\n*** End Patch`);
          const expected = [...lines.slice(0, start), ...replacement, ...lines.slice(end)];
          expect(await read('p.txt')).toBe(expected.length === 0 ? '' : `${expected.join('\n')}\n`);
        },
      ),
      { numRuns: 150 },
    );
  });
});
