import { describe, expect, it } from 'vitest';
import { decodePromptBytes, type PromptInputError, resolvePrompt } from './prompt-input.js';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('decodePromptBytes (codex-rs exec prompt decoding)', () => {
  it('drops a UTF-8 BOM and decodes UTF-16 with a BOM', () => {
    expect(decodePromptBytes(bytes(0xef, 0xbb, 0xbf, 0x68, 0x69))).toBe('hi');
    expect(decodePromptBytes(bytes(0xff, 0xfe, 0x68, 0x00, 0x69, 0x00))).toBe('hi');
    expect(decodePromptBytes(bytes(0xfe, 0xff, 0x00, 0x68, 0x00, 0x69))).toBe('hi');
  });

  it('refuses UTF-32, broken UTF-16 and invalid UTF-8 with the original texts', () => {
    expect(decodePromptBytes(bytes(0xff, 0xfe, 0x00, 0x00, 0x68))).toEqual({
      error: 'input appears to be UTF-32LE. Convert it to UTF-8 and retry.',
    });
    expect(decodePromptBytes(bytes(0xfe, 0xff, 0x00))).toEqual({
      error: 'input looked like UTF-16BE but could not be decoded. Convert it to UTF-8 and retry.',
    });
    expect(decodePromptBytes(bytes(0x68, 0xc3, 0xa9, 0xff, 0x69))).toEqual({
      error:
        'input is not valid UTF-8 (invalid byte at offset 3). Convert it to UTF-8 and retry (e.g., `iconv -f <ENC> -t UTF-8 prompt.txt`).',
    });
  });
});

describe('resolvePrompt', () => {
  const run = (prompt: string | undefined, stdin: string, stdinIsTty = false) => {
    let stderr = '';
    return resolvePrompt({
      prompt,
      stdinIsTty,
      readStdinBytes: async () => new TextEncoder().encode(stdin),
      stderr: {
        write: (s: string) => {
          stderr += s;
        },
      },
    }).then(
      (text) => ({ text, stderr }),
      (error: unknown) => ({ error: (error as PromptInputError).message, stderr }),
    );
  };

  it('uses the prompt alone on a terminal and refuses a missing one there', async () => {
    expect(await run('hi', 'ignored', true)).toEqual({ text: 'hi', stderr: '' });
    expect(await run(undefined, '', true)).toEqual({
      error: 'No prompt provided. Either specify one as an argument or pipe the prompt into stdin.',
      stderr: '',
    });
  });

  it('keeps the stdin block verbatim when it already ends with a newline', async () => {
    expect(await run('hi ', 'a\n\n')).toEqual({
      text: 'hi \n\n<stdin>\na\n\n</stdin>',
      stderr: 'Reading additional input from stdin...\n',
    });
  });
});
