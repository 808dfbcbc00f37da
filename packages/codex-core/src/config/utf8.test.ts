import { describe, expect, it } from 'vitest';
import { decodeUtf8Strict, firstInvalidUtf8Offset } from './utf8.js';

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const isValid = (bytes: Uint8Array) => {
  try {
    fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/** Checks the scanner against the platform decoder on one byte sequence. */
function agree(bytes: Uint8Array): void {
  const offset = firstInvalidUtf8Offset(bytes);
  if ((offset === -1) !== isValid(bytes)) {
    throw new Error(`disagree on [${[...bytes].map((b) => b.toString(16)).join(' ')}]: ${offset}`);
  }
  // Everything before the reported sequence is valid UTF-8.
  if (offset > 0 && !isValid(bytes.subarray(0, offset))) throw new Error(`prefix invalid at ${offset}`);
}

describe('firstInvalidUtf8Offset', () => {
  it('agrees with the fatal TextDecoder on every 1- and 2-byte sequence', () => {
    const one = new Uint8Array(1);
    const two = new Uint8Array(2);
    for (let a = 0; a < 256; a++) {
      one[0] = a;
      agree(one);
      two[0] = a;
      for (let b = 0; b < 256; b++) {
        two[1] = b;
        agree(two);
      }
    }
  });

  it('agrees on 3- and 4-byte sequences around every range boundary', () => {
    const edges = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xe0, 0xf0, 0xff];
    const three = new Uint8Array(3);
    const four = new Uint8Array(4);
    for (let lead = 0x80; lead < 0x100; lead++) {
      for (const b of edges) {
        for (const c of edges) {
          three.set([lead, b, c]);
          agree(three);
          for (const d of [0x41, 0x80, 0xbf, 0xc0]) {
            four.set([lead, b, c, d]);
            agree(four);
          }
        }
      }
    }
  });

  it('reports the start of the bad sequence, not the byte where it broke', () => {
    // 0xe9 ("é" in Latin-1) announces 3 bytes; "t" breaks it: the offset is the 0xe9.
    expect(firstInvalidUtf8Offset(Buffer.from([0x61, 0xe9, 0x74, 0x65]))).toBe(1);
    expect(firstInvalidUtf8Offset(Buffer.from('ok ✓ 😀', 'utf8'))).toBe(-1);
  });
});

describe('decodeUtf8Strict', () => {
  it('returns the text, or line and column (in characters) of the first invalid byte', () => {
    expect(decodeUtf8Strict(Buffer.from('\ufeffa = "é"\n', 'utf8'))).toEqual({ text: 'a = "é"\n' });
    const bad = Buffer.concat([Buffer.from('x = 1\ny = "éé', 'utf8'), Buffer.from([0xff, 0x0a])]);
    expect(decodeUtf8Strict(bad)).toEqual({ invalid: { offset: 15, line: 2, column: 8 } });
    expect(decodeUtf8Strict(Buffer.from([0xff]))).toEqual({ invalid: { offset: 0, line: 1, column: 1 } });
  });
});
