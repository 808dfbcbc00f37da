/**
 * Finding a chunk's lines in a file, with the original's decreasing strictness (codex-rs
 * `apply-patch/src/seek_sequence.rs`): exact, then ignoring trailing whitespace, then ignoring
 * whitespace at both ends, then also mapping typographic dashes, quotes and odd spaces to ASCII.
 */

const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g;
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F]/g;
const SPACES = /[\u00A0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000]/g;

function normalise(line: string): string {
  return line
    .trim()
    .replace(DASHES, '-')
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(SPACES, ' ');
}

const PASSES: ((line: string) => string)[] = [
  (line) => line,
  (line) => line.trimEnd(),
  (line) => line.trim(),
  normalise,
];

/**
 * Index of the first place at or after `start` where `pattern` occurs in `lines`, or undefined.
 * With `eof` the search starts at the last possible position (a chunk closed by `*** End of File`
 * matches the end of the file). An empty pattern matches at `start`.
 */
export function seekSequence(
  lines: readonly string[],
  pattern: readonly string[],
  start: number,
  eof: boolean,
): number | undefined {
  if (pattern.length === 0) return start;
  if (pattern.length > lines.length) return undefined;
  const from = eof ? lines.length - pattern.length : start;
  const last = lines.length - pattern.length;
  for (const key of PASSES) {
    const wanted = pattern.map(key);
    for (let i = from; i <= last; i += 1) {
      let ok = true;
      for (let j = 0; j < wanted.length; j += 1) {
        if (key(lines[i + j] as string) !== wanted[j]) {
          ok = false;
          break;
        }
      }
      if (ok) return i;
    }
  }
  return undefined;
}
