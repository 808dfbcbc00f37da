// Strict UTF-8 decoding for config files: invalid bytes are an error with a position, never U+FFFD.

/** Where the first invalid UTF-8 sequence of a file starts. */
export interface Utf8Position {
  /** 0-based byte offset of the first byte of the invalid sequence. */
  offset: number;
  /** 1-based line (lines end at LF). */
  line: number;
  /** 1-based column, in characters, on that line. */
  column: number;
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes `bytes` as UTF-8 (a leading BOM is dropped). Returns the text, or the position of
 * the first invalid sequence (overlong forms, surrogates, code points above U+10FFFF, stray
 * continuation bytes and truncated sequences are all invalid, as in the WHATWG decoder).
 */
export function decodeUtf8Strict(bytes: Uint8Array): { text: string } | { invalid: Utf8Position } {
  try {
    return { text: fatalDecoder.decode(bytes) };
  } catch {
    return { invalid: positionOf(bytes, firstInvalidUtf8Offset(bytes)) };
  }
}

/**
 * Byte offset where the first invalid UTF-8 sequence of `bytes` starts, or -1 when all of it
 * is valid. Follows the well-formed byte sequences of Unicode table 3-7.
 */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0; // no overlong 3-byte forms
      if (lead === 0xed) high = 0x9f; // no UTF-16 surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90; // no overlong 4-byte forms
      if (lead === 0xf4) high = 0x8f; // nothing above U+10FFFF
    } else return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      const min = k === 1 ? low : 0x80;
      const max = k === 1 ? high : 0xbf;
      if (next === undefined || next < min || next > max) return i;
    }
    i += length;
  }
  return -1;
}

function positionOf(bytes: Uint8Array, offset: number): Utf8Position {
  const at = Math.max(0, offset);
  const lineStart = at === 0 ? 0 : bytes.lastIndexOf(0x0a, at - 1) + 1;
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
  // Everything before `offset` is valid, so the line's prefix decodes; count its code points
  // (a BOM at the start of the file is not a column).
  const decoder = new TextDecoder('utf-8', { ignoreBOM: lineStart !== 0 });
  const prefix = decoder.decode(bytes.subarray(lineStart, at));
  return { offset: at, line, column: [...prefix].length + 1 };
}
