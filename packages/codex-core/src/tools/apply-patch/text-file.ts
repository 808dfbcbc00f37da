/**
 * Text files as the original's applier sees them (codex-rs `apply-patch/src/text_file.rs`): UTF-8
 * checked the way Rust's `str::from_utf8` reports errors, lines without their endings for
 * matching, each line's own ending kept, inserted lines given the file's first line ending.
 */

/** A UTF-8 check failure worded as Rust's `Utf8Error` (`invalid utf-8 sequence of 1 bytes from index 0`). */
export class Utf8DecodeError extends Error {
  override readonly name = 'Utf8DecodeError';
}

/** Length of a UTF-8 sequence by its first byte (0: not a valid first byte). */
function sequenceWidth(byte: number): number {
  if (byte < 0x80) return 1;
  if (byte >= 0xc2 && byte <= 0xdf) return 2;
  if (byte >= 0xe0 && byte <= 0xef) return 3;
  if (byte >= 0xf0 && byte <= 0xf4) return 4;
  return 0;
}

const isContinuation = (byte: number | undefined) => byte !== undefined && byte >= 0x80 && byte <= 0xbf;

/** Whether `second` may follow `first` in a 3- or 4-byte sequence (no overlongs, surrogates or > U+10FFFF). */
function validSecond(first: number, second: number | undefined): boolean {
  if (second === undefined) return true; // reported as an incomplete sequence
  if (first === 0xe0) return second >= 0xa0 && second <= 0xbf;
  if (first === 0xed) return second >= 0x80 && second <= 0x9f;
  if (first === 0xf0) return second >= 0x90 && second <= 0xbf;
  if (first === 0xf4) return second >= 0x80 && second <= 0x8f;
  return isContinuation(second);
}

/**
 * Decodes UTF-8 strictly. @throws Utf8DecodeError `invalid utf-8 sequence of <n> bytes from index
 * <i>` or `incomplete utf-8 byte sequence from index <i>`, as Rust's `Utf8Error` displays.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  for (let i = 0; i < bytes.length; ) {
    const first = bytes[i] as number;
    const width = sequenceWidth(first);
    const fail = (length: number | undefined): never => {
      throw new Utf8DecodeError(
        length === undefined
          ? `incomplete utf-8 byte sequence from index ${i}`
          : `invalid utf-8 sequence of ${length} bytes from index ${i}`,
      );
    };
    if (width === 0) fail(1);
    for (let k = 1; k < width; k += 1) {
      const next = bytes[i + k];
      if (next === undefined) fail(undefined);
      const ok = k === 1 && width > 2 ? validSecond(first, next) : isContinuation(next);
      if (!ok) fail(k);
    }
    i += width;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

interface SourceLine {
  text: string;
  ending: '\n' | '\r\n' | undefined;
}

/**
 * `[start index, number of old lines, new lines]`, sorted by start, not overlapping; a number among
 * the new lines keeps the file's line at that index (text and ending), a string is a new line.
 */
export type Replacement = [number, number, (string | number)[]];

/** A file's lines with their endings; `preferred` is the first line ending found (LF if none). */
export class SourceFile {
  #lines: SourceLine[];
  readonly #preferred: '\n' | '\r\n';

  constructor(contents: string) {
    this.#lines = [];
    let preferred: '\n' | '\r\n' | undefined;
    let start = 0;
    for (let nl = contents.indexOf('\n'); nl !== -1; nl = contents.indexOf('\n', start)) {
      const line = contents.slice(start, nl);
      const crlf = line.endsWith('\r');
      const ending = crlf ? '\r\n' : '\n';
      preferred ??= ending;
      this.#lines.push({ text: crlf ? line.slice(0, -1) : line, ending });
      start = nl + 1;
    }
    if (start < contents.length) this.#lines.push({ text: contents.slice(start), ending: undefined });
    this.#preferred = preferred ?? '\n';
  }

  /** The lines' texts, without endings. */
  get texts(): string[] {
    return this.#lines.map((line) => line.text);
  }

  /** Replaces line ranges; new lines and an unterminated last line get the preferred ending; kept lines keep theirs. */
  applyReplacements(replacements: readonly Replacement[]): void {
    const out: SourceLine[] = [];
    let index = 0;
    for (const [start, oldLength, newLines] of replacements) {
      if (start > index) out.push(...this.#lines.slice(index, start));
      for (const line of newLines) {
        const kept = typeof line === 'number' ? this.#lines[line] : undefined;
        out.push(kept ? { ...kept } : { text: String(line), ending: this.#preferred });
      }
      index = Math.max(index, start + oldLength);
    }
    out.push(...this.#lines.slice(index));
    for (const line of out) line.ending ??= this.#preferred;
    this.#lines = out;
  }

  /** The file's text. */
  toString(): string {
    return this.#lines.map((line) => line.text + (line.ending ?? '')).join('');
  }
}
