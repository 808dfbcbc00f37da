import type { OutputSink } from '../output/jsonl-printer.js';

/** How the prompt is read, as codex-rs `exec` decides it. */
export interface PromptSources {
  /** The positional prompt (`-` forces stdin). */
  prompt: string | undefined;
  stdinIsTty: boolean;
  /** Reads all of standard input as bytes. */
  readStdinBytes(): Promise<Uint8Array>;
  stderr: OutputSink;
}

/** The prompt could not be read; `message` is the original's text, printed on stderr (exit 1). */
export class PromptInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromptInputError';
  }
}

/**
 * Resolves the prompt of `codex exec` as 0.169.0 does (codex-rs `exec/src/lib.rs`):
 * - no prompt, stdin a terminal: "No prompt provided. Either specify one as an argument or pipe
 *   the prompt into stdin.";
 * - no prompt, stdin piped: prints "Reading prompt from stdin..." and uses stdin;
 * - `-`: uses stdin (nothing printed);
 * - a prompt and a piped stdin: prints "Reading additional input from stdin..." and, when
 *   stdin holds more than whitespace, appends it as `<prompt>\n\n<stdin>\n<text>[\n]</stdin>`
 *   (a newline is added only when the text lacks one);
 * - stdin that is empty or whitespace where it is the prompt: "No prompt provided via stdin.".
 * Stdin is decoded as UTF-8 (a UTF-8 BOM dropped) or, after a BOM, UTF-16 LE/BE; UTF-32 and
 * invalid bytes are refused with the original's "Failed to read prompt from stdin: …" text.
 *
 * @throws PromptInputError with the text to print.
 */
export async function resolvePrompt(sources: PromptSources): Promise<string> {
  const { prompt, stdinIsTty, stderr } = sources;
  if (prompt !== undefined && prompt !== '-') {
    if (stdinIsTty) return prompt;
    stderr.write('Reading additional input from stdin...\n');
    const extra = await readStdinText(sources);
    if (extra.trim() === '') return prompt;
    return `${prompt}\n\n<stdin>\n${extra}${extra.endsWith('\n') ? '' : '\n'}</stdin>`;
  }
  if (prompt === undefined) {
    if (stdinIsTty)
      throw new PromptInputError(
        'No prompt provided. Either specify one as an argument or pipe the prompt into stdin.',
      );
    stderr.write('Reading prompt from stdin...\n');
  }
  const text = await readStdinText(sources);
  if (text.trim() === '') throw new PromptInputError('No prompt provided via stdin.');
  return text;
}

async function readStdinText(sources: PromptSources): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await sources.readStdinBytes();
  } catch (error) {
    throw new PromptInputError(
      `Failed to read prompt from stdin: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const decoded = decodePromptBytes(bytes);
  if (typeof decoded !== 'string')
    throw new PromptInputError(`Failed to read prompt from stdin: ${decoded.error}`);
  return decoded;
}

/** Decodes prompt bytes as the original does; see {@link resolvePrompt}. */
export function decodePromptBytes(input: Uint8Array): string | { error: string } {
  let bytes = input;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xfe, 0x00, 0x00))
    return { error: 'input appears to be UTF-32LE. Convert it to UTF-8 and retry.' };
  if (starts(0x00, 0x00, 0xfe, 0xff))
    return { error: 'input appears to be UTF-32BE. Convert it to UTF-8 and retry.' };
  for (const [bom, encoding] of [
    [[0xff, 0xfe], 'UTF-16LE'],
    [[0xfe, 0xff], 'UTF-16BE'],
  ] as const) {
    if (!starts(...bom)) continue;
    const rest = bytes.subarray(2);
    try {
      if (rest.length % 2 !== 0) throw new Error('odd length');
      return new TextDecoder(encoding === 'UTF-16LE' ? 'utf-16le' : 'utf-16be', {
        fatal: true,
        ignoreBOM: true,
      }).decode(rest);
    } catch {
      return {
        error: `input looked like ${encoding} but could not be decoded. Convert it to UTF-8 and retry.`,
      };
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return {
      error: `input is not valid UTF-8 (invalid byte at offset ${validUtf8Prefix(bytes)}). Convert it to UTF-8 and retry (e.g., \`iconv -f <ENC> -t UTF-8 prompt.txt\`).`,
    };
  }
}

/** Length of the longest valid UTF-8 prefix (Rust's `valid_up_to`), one character at a time. */
function validUtf8Prefix(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let at = 0;
  while (at < bytes.length) {
    let step = 0;
    for (let m = 1; m <= 4 && at + m <= bytes.length; m++) {
      try {
        decoder.decode(bytes.subarray(at, at + m));
        step = m;
        break;
      } catch {
        // not a whole character yet
      }
    }
    if (step === 0) return at;
    at += step;
  }
  return at;
}
