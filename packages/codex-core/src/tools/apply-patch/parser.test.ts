import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PatchHunk, parsePatch } from './parser.js';

const wrap = (body: string) => `*** Begin Patch\n${body}\n*** End Patch`;

describe('parsePatch', () => {
  it('parses add, delete, update with move, context and end-of-file chunks', () => {
    const hunks = parsePatch(
      wrap(
        [
          '*** Add File: path/add.py',
          '+abc',
          '+',
          '*** Delete File: path/delete.py',
          '*** Update File: path/update.py',
          '*** Move to: path/update2.py',
          '@@ def f():',
          '-    pass',
          '+    return 123',
          '@@',
          ' tail',
          '+more',
          '*** End of File',
        ].join('\n'),
      ),
    );
    expect(hunks).toEqual([
      { kind: 'add', path: 'path/add.py', contents: 'abc\n\n' },
      { kind: 'delete', path: 'path/delete.py' },
      {
        kind: 'update',
        path: 'path/update.py',
        movePath: 'path/update2.py',
        chunks: [
          {
            changeContext: 'def f():',
            oldLines: ['    pass'],
            newLines: ['    return 123'],
            ops: [
              { op: 'delete', text: '    pass' },
              { op: 'insert', text: '    return 123' },
            ],
            isEndOfFile: false,
          },
          {
            changeContext: undefined,
            oldLines: ['tail'],
            newLines: ['tail', 'more'],
            ops: [
              { op: 'context', text: 'tail' },
              { op: 'insert', text: 'more' },
            ],
            isEndOfFile: true,
          },
        ],
      },
    ]);
  });

  it('accepts the leniencies of the original: padded markers, heredoc, CRLF, no first @@, blank lines', () => {
    const padded = '  *** Begin Patch  \n *** Add File: foo\n+hi\n *** End Patch \n';
    expect(parsePatch(padded)).toEqual([{ kind: 'add', path: 'foo', contents: 'hi\n' }]);
    const heredoc = "<<'EOF'\n*** Begin Patch\n*** Delete File: x\n*** End Patch\nEOF\n";
    expect(parsePatch(heredoc)).toEqual([{ kind: 'delete', path: 'x' }]);
    const crlf =
      '*** Begin Patch\r\n*** Update File: a\r\n import foo\r\n+bar\r\n\r\n@@\r\n-x\r\n*** End Patch\r\n';
    expect(parsePatch(crlf)).toEqual([
      {
        kind: 'update',
        path: 'a',
        movePath: undefined,
        chunks: [
          {
            changeContext: undefined,
            oldLines: ['import foo', ''],
            newLines: ['import foo', 'bar', ''],
            ops: [
              { op: 'context', text: 'import foo' },
              { op: 'insert', text: 'bar' },
              { op: 'context', text: '' },
            ],
            isEndOfFile: false,
          },
          {
            changeContext: undefined,
            oldLines: ['x'],
            newLines: [],
            ops: [{ op: 'delete', text: 'x' }],
            isEndOfFile: false,
          },
        ],
      },
    ]);
    expect(parsePatch('*** Begin Patch\n*** End Patch')).toEqual([]);
    const contexts = parsePatch(wrap('*** Update File: a\n@@ \n-x\n*** Update File: b\n@@   zz  \n-y'));
    expect(contexts.map((h) => (h.kind === 'update' ? h.chunks[0]?.changeContext : null))).toEqual([
      undefined,
      '  zz',
    ]);
  });

  it('fails with the original texts', () => {
    const cases: [string, string][] = [
      ['bad', "invalid patch: The first line of the patch must be '*** Begin Patch'"],
      ['  \n ', "invalid patch: The last line of the patch must be '*** End Patch'"],
      [
        wrap('*** Update File: b\n@@\n-a\n+b\n***x'),
        "invalid hunk at line 6, Expected update hunk to start with a @@ context marker, got: '***x'",
      ],
      ['*** Begin Patch\nbad', "invalid patch: The last line of the patch must be '*** End Patch'"],
      [
        wrap('*** Frobnicate File: x'),
        "invalid hunk at line 2, '*** Frobnicate File: x' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
      ],
      [
        wrap('*** Update File: test.py'),
        "invalid hunk at line 2, Update file hunk for path 'test.py' is empty",
      ],
      [
        wrap('*** Add File: a\n+x\n*** Update File: b\n@@'),
        'invalid hunk at line 6, Update hunk does not contain any lines',
      ],
      [
        wrap('*** Update File: b\nbad line'),
        "invalid hunk at line 4, Unexpected line found in update hunk: 'bad line'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)",
      ],
      [
        wrap('*** Update File: b\n@@\n-a\n+b\nnot a chunk'),
        "invalid hunk at line 6, Expected update hunk to start with a @@ context marker, got: 'not a chunk'",
      ],
      [
        wrap('*** Update File: b\n@@\n*** End of File'),
        'invalid hunk at line 4, Update hunk does not contain any lines',
      ],
    ];
    for (const [text, message] of cases) expect(() => parsePatch(text), text).toThrow(message);
  });

  // Round trip: hunks rendered in the patch format parse back to themselves.
  const line = fc.string({ maxLength: 12 }).filter((s) => !/[\r\n]/.test(s));
  const path = fc.stringMatching(/^[a-z][a-z0-9_/.-]{0,15}$/).filter((p) => !p.endsWith(' '));
  const chunk = fc.record({
    changeContext: fc.option(
      line.filter((s) => s.trim() !== '' && s.trim() === s),
      { nil: undefined },
    ),
    lines: fc.array(fc.tuple(fc.constantFrom(' ', '-', '+'), line), { minLength: 1, maxLength: 5 }),
    isEndOfFile: fc.boolean(),
  });
  const hunk: fc.Arbitrary<PatchHunk> = fc.oneof(
    fc.record({
      kind: fc.constant('add' as const),
      path,
      contents: fc.array(line, { minLength: 1, maxLength: 4 }).map((ls) => ls.map((l) => `${l}\n`).join('')),
    }),
    fc.record({ kind: fc.constant('delete' as const), path }),
    fc.record({
      kind: fc.constant('update' as const),
      path,
      movePath: fc.option(path, { nil: undefined }),
      chunks: fc.array(chunk, { minLength: 1, maxLength: 3 }).map((cs) =>
        cs.map((c) => ({
          changeContext: c.changeContext,
          oldLines: c.lines.filter(([m]) => m !== '+').map(([, l]) => l),
          newLines: c.lines.filter(([m]) => m !== '-').map(([, l]) => l),
          ops: c.lines.map(([m, l]) => ({
            op: m === ' ' ? 'context' : m === '-' ? 'delete' : 'insert',
            text: l,
          })),
          isEndOfFile: c.isEndOfFile,
          text: c.lines.map(([m, l]) => `${m}${l}`),
        })),
      ),
    }),
  ) as fc.Arbitrary<PatchHunk>;

  function render(hunks: PatchHunk[]): string {
    const out = ['*** Begin Patch'];
    for (const h of hunks) {
      if (h.kind === 'add') {
        out.push(
          `*** Add File: ${h.path}`,
          ...h.contents
            .split('\n')
            .slice(0, -1)
            .map((l) => `+${l}`),
        );
      } else if (h.kind === 'delete') {
        out.push(`*** Delete File: ${h.path}`);
      } else {
        out.push(`*** Update File: ${h.path}`);
        if (h.movePath !== undefined) out.push(`*** Move to: ${h.movePath}`);
        for (const c of h.chunks as (PatchHunk & { kind: 'update' })['chunks']) {
          out.push(c.changeContext === undefined ? '@@' : `@@ ${c.changeContext}`);
          out.push(...(c as unknown as { text: string[] }).text);
          if (c.isEndOfFile) out.push('*** End of File');
        }
      }
    }
    out.push('*** End Patch');
    return out.join('\n');
  }

  it('round-trips rendered hunks (property)', () => {
    fc.assert(
      fc.property(fc.array(hunk, { minLength: 1, maxLength: 4 }), (hunks) => {
        const expected = hunks.map((h) =>
          h.kind === 'update'
            ? {
                ...h,
                chunks: h.chunks.map(({ changeContext, oldLines, newLines, ops, isEndOfFile }) => ({
                  changeContext,
                  oldLines,
                  newLines,
                  ops,
                  isEndOfFile,
                })),
              }
            : h,
        );
        expect(parsePatch(render(hunks))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
