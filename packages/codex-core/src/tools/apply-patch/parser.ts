/**
 * Parser of the `apply_patch` format (codex-rs `apply-patch/src/parser.rs`, lenient mode):
 *
 * ```text
 * *** Begin Patch
 * *** Add File: <path>        then `+line` lines
 * *** Delete File: <path>
 * *** Update File: <path>     optional `*** Move to: <path>`, then chunks:
 * @@ [context line]           then ` ctx` / `-old` / `+new` lines, optional `*** End of File`
 * *** End Patch
 * ```
 *
 * Leniencies of the original kept here: whitespace around the marker lines, a heredoc wrapper
 * (`<<EOF` … `EOF`, also `<<'EOF'` / `<<"EOF"`), blank lines between chunks, an update whose first
 * chunk has no `@@` line, an empty line inside a chunk read as an empty context line, trailing
 * whitespace after `@@` and its context text, a `*** Move to:` path trimmed.
 */

/** One `@@` chunk of an `*** Update File:` hunk. */
export interface UpdateFileChunk {
  /** The `@@ <context>` line's text: the chunk's old lines start after the first line matching it. */
  changeContext: string | undefined;
  /** Lines to find (context and `-` lines), in order. */
  oldLines: string[];
  /** Lines that replace them (context and `+` lines), in order. */
  newLines: string[];
  /**
   * The chunk's lines in order, by marker: `context` (` ` or an empty line: kept as the file has
   * it), `delete` (`-`), `insert` (`+`).
   */
  ops: { op: 'context' | 'delete' | 'insert'; text: string }[];
  /** `*** End of File` closed the chunk: `oldLines` are looked for at the end of the file first. */
  isEndOfFile: boolean;
}

/** One file operation of a patch; paths as written in the patch (relative to the cwd or absolute). */
export type PatchHunk =
  | { kind: 'add'; path: string; contents: string }
  | { kind: 'delete'; path: string }
  | { kind: 'update'; path: string; movePath: string | undefined; chunks: UpdateFileChunk[] };

/**
 * A patch that does not follow the format. `message` is the original's text, e.g.
 * `invalid patch: The first line of the patch must be '*** Begin Patch'` or
 * `invalid hunk at line 2, '…' is not a valid hunk header. …` (line numbers count from 1 at
 * `*** Begin Patch`).
 */
export class PatchParseError extends Error {
  override readonly name = 'PatchParseError';
}

const BEGIN_PATCH = '*** Begin Patch';
const END_PATCH = '*** End Patch';
const ADD_FILE = '*** Add File: ';
const DELETE_FILE = '*** Delete File: ';
const UPDATE_FILE = '*** Update File: ';
const MOVE_TO = '*** Move to: ';
const END_OF_FILE = '*** End of File';
const EMPTY_UPDATE = 'Update hunk does not contain any lines';

function invalidPatch(message: string): PatchParseError {
  return new PatchParseError(`invalid patch: ${message}`);
}

function invalidHunk(message: string, lineNumber: number): PatchParseError {
  return new PatchParseError(`invalid hunk at line ${lineNumber}, ${message}`);
}

/** Rust `str::trim`: Unicode White_Space at both ends (JS `trim` also strips U+FEFF, close enough). */
function trim(s: string): string {
  return s.trim();
}

/** Rust `str::lines`: split on `\n`, drop one trailing `\r` per line, no final empty line. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

function checkBoundaries(lines: readonly string[]): void {
  const first = lines[0]?.trim();
  const last = lines[lines.length - 1]?.trim();
  if (first === BEGIN_PATCH && last === END_PATCH && lines.length >= 2) return;
  if (first !== undefined && first !== BEGIN_PATCH) {
    throw invalidPatch(`The first line of the patch must be '${BEGIN_PATCH}'`);
  }
  throw invalidPatch(`The last line of the patch must be '${END_PATCH}'`);
}

/** The lines between the markers, after unwrapping a heredoc the way the original's lenient mode does. */
function patchBody(lines: string[]): string[] {
  try {
    checkBoundaries(lines);
    return lines.slice(1, -1);
  } catch (error) {
    const first = lines[0];
    const last = lines[lines.length - 1] ?? '';
    const heredoc = first === '<<EOF' || first === "<<'EOF'" || first === '<<"EOF"';
    if (heredoc && last.endsWith('EOF') && lines.length >= 4) {
      const inner = lines.slice(1, -1);
      checkBoundaries(inner);
      return inner.slice(1, -1);
    }
    throw error;
  }
}

/**
 * Parses patch text into hunks. An empty patch (`*** Begin Patch` / `*** End Patch` only) parses
 * to no hunks. @throws PatchParseError with the original's message.
 */
export function parsePatch(text: string): PatchHunk[] {
  const body = patchBody(splitLines(trim(text)));
  const hunks: PatchHunk[] = [];
  let rest = body;
  let lineNumber = 2;
  while (rest.length > 0) {
    const [hunk, used] = parseHunk(rest, lineNumber);
    hunks.push(hunk);
    lineNumber += used;
    rest = rest.slice(used);
  }
  return hunks;
}

function parseHunk(lines: string[], lineNumber: number): [PatchHunk, number] {
  const first = trim(lines[0] ?? '');
  if (first.startsWith(ADD_FILE)) {
    let contents = '';
    let used = 1;
    for (const line of lines.slice(1)) {
      if (!line.startsWith('+')) break;
      contents += `${line.slice(1)}\n`;
      used += 1;
    }
    return [{ kind: 'add', path: first.slice(ADD_FILE.length), contents }, used];
  }
  if (first.startsWith(DELETE_FILE)) {
    return [{ kind: 'delete', path: first.slice(DELETE_FILE.length) }, 1];
  }
  if (first.startsWith(UPDATE_FILE)) {
    const path = first.slice(UPDATE_FILE.length);
    let rest = lines.slice(1);
    let used = 1;
    let movePath: string | undefined;
    if (rest[0]?.startsWith(MOVE_TO)) {
      movePath = trim(rest[0].slice(MOVE_TO.length));
      rest = rest.slice(1);
      used += 1;
    }
    const chunks: UpdateFileChunk[] = [];
    while (rest.length > 0) {
      const line = rest[0] as string;
      if (trim(line) === '') {
        rest = rest.slice(1);
        used += 1;
        continue;
      }
      if (line.startsWith('*** ')) break;
      const [chunk, chunkLines] = parseChunk(rest, lineNumber + used, chunks.length === 0);
      chunks.push(chunk);
      used += chunkLines;
      rest = rest.slice(chunkLines);
    }
    if (chunks.length === 0) {
      throw invalidHunk(`Update file hunk for path '${path}' is empty`, lineNumber);
    }
    return [{ kind: 'update', path, movePath, chunks }, used];
  }
  throw invalidHunk(
    `'${first}' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'`,
    lineNumber,
  );
}

function parseChunk(
  lines: string[],
  lineNumber: number,
  allowMissingContext: boolean,
): [UpdateFileChunk, number] {
  const head = lines[0] as string;
  const headText = head.trimEnd();
  let changeContext: string | undefined;
  let start = 1;
  if (headText === '@@') {
    changeContext = undefined;
  } else if (headText.startsWith('@@ ')) {
    changeContext = headText.slice(3);
  } else {
    if (!allowMissingContext) {
      throw invalidHunk(`Expected update hunk to start with a @@ context marker, got: '${head}'`, lineNumber);
    }
    start = 0;
  }
  if (start >= lines.length) throw invalidHunk(EMPTY_UPDATE, lineNumber + 1);
  const chunk: UpdateFileChunk = { changeContext, oldLines: [], newLines: [], ops: [], isEndOfFile: false };
  let parsed = 0;
  for (const line of lines.slice(start)) {
    if (line === END_OF_FILE) {
      if (parsed === 0) throw invalidHunk(EMPTY_UPDATE, lineNumber + 1);
      chunk.isEndOfFile = true;
      parsed += 1;
      break;
    }
    const marker = line[0];
    const text = line.slice(1);
    if (marker === undefined || marker === ' ') {
      chunk.oldLines.push(text);
      chunk.newLines.push(text);
      chunk.ops.push({ op: 'context', text });
    } else if (marker === '+') {
      chunk.newLines.push(text);
      chunk.ops.push({ op: 'insert', text });
    } else if (marker === '-') {
      chunk.oldLines.push(text);
      chunk.ops.push({ op: 'delete', text });
    } else {
      if (parsed === 0) {
        throw invalidHunk(
          `Unexpected line found in update hunk: '${line}'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)`,
          lineNumber + 1,
        );
      }
      break;
    }
    parsed += 1;
  }
  return [chunk, parsed + start];
}
