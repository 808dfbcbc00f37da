import { randomBytes } from 'node:crypto';

/** Bytes per token of the original's token estimate (`approx_token_count`). */
const BYTES_PER_TOKEN = 4;

/** Tokens of `text` as the original estimates them: UTF-8 bytes / 4, rounded up. */
export function approxTokenCount(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / BYTES_PER_TOKEN);
}

/**
 * Cuts the middle out of `text` so that at most `maxTokens × 4` UTF-8 bytes remain, half from
 * the start and half from the end (on character boundaries), joined by
 * `…<n> tokens truncated…` where n = ⌈(bytes − budget) / 4⌉ (upstream
 * `truncate_middle_with_token_budget`). Returns `text` unchanged when it fits.
 */
export function truncateMiddleTokens(text: string, maxTokens: number): string {
  const bytes = Buffer.from(text, 'utf8');
  const budget = Math.max(0, Math.floor(maxTokens)) * BYTES_PER_TOKEN;
  if (bytes.length <= budget && budget > 0) return text;
  if (text.length === 0) return text;
  const removed = Math.ceil((bytes.length - budget) / BYTES_PER_TOKEN);
  const marker = `…${removed} tokens truncated…`;
  if (budget === 0) return marker;
  const headBudget = Math.floor(budget / 2);
  const tailBudget = budget - headBudget;
  const head = charBoundaryPrefix(bytes, headBudget);
  const tailStart = charBoundaryStart(bytes, Math.max(head, bytes.length - tailBudget));
  return `${bytes.subarray(0, head).toString('utf8')}${marker}${bytes.subarray(tailStart).toString('utf8')}`;
}

/** Length of the longest prefix of `bytes` of at most `limit` bytes that ends on a character boundary. */
function charBoundaryPrefix(bytes: Buffer, limit: number): number {
  let end = Math.min(limit, bytes.length);
  while (end > 0 && end < bytes.length && isContinuation(bytes[end] as number)) end -= 1;
  return end;
}

/** The first character boundary at or after `start`. */
function charBoundaryStart(bytes: Buffer, start: number): number {
  let index = start;
  while (index < bytes.length && isContinuation(bytes[index] as number)) index += 1;
  return index;
}

function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/** Number of lines as Rust's `str::lines` counts them (a final newline does not start a line). */
function lineCount(text: string): number {
  if (text.length === 0) return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

/**
 * The `Output:` section of an exec tool answer: `output` itself when it is within `maxTokens`,
 * else `Warning: truncated output (original token count: T)\nTotal output lines: L\n\n` followed by
 * {@link truncateMiddleTokens} of it (as codex-cli 0.169.0 printed it for `max_output_tokens`).
 */
export function truncatedOutputText(output: string, maxTokens: number): string {
  const tokens = approxTokenCount(output);
  if (tokens <= maxTokens) return output;
  return (
    `Warning: truncated output (original token count: ${tokens})\n` +
    `Total output lines: ${lineCount(output)}\n\n${truncateMiddleTokens(output, maxTokens)}`
  );
}

/** What one `exec_command` / `write_stdin` call saw. */
export interface ExecAnswer {
  /** Seconds waited for this answer (printed with 4 decimals). */
  wallTimeSeconds: number;
  /** The exit code when the process ended, else `undefined` (then `sessionId` is set). */
  exitCode?: number | undefined;
  /** The id to pass to `write_stdin` while the process runs. */
  sessionId?: number | undefined;
  /** Output (stdout and stderr merged) produced since the previous answer for this process. */
  output: string;
  /** `max_output_tokens` of the call. */
  maxOutputTokens: number;
  /** Six hex digits; random by default. */
  chunkId?: string | undefined;
}

/** A random 6-hex-digit chunk id. */
export function newChunkId(): string {
  return randomBytes(3).toString('hex');
}

/**
 * The `function_call_output` text of an exec tool call (codex-cli 0.169.0, observed):
 *
 * ```text
 * Chunk ID: 0862f0
 * Wall time: 0.0000 seconds
 * Process exited with code 0            (or: Process running with session ID 29039)
 * Original token count: 1
 * Output:
 * hi
 * ```
 *
 * `Original token count` is {@link approxTokenCount} of the whole output; the output itself is
 * truncated to `maxOutputTokens` ({@link truncatedOutputText}).
 */
export function formatExecAnswer(answer: ExecAnswer): string {
  const status =
    answer.exitCode !== undefined
      ? `Process exited with code ${answer.exitCode}`
      : `Process running with session ID ${answer.sessionId ?? 0}`;
  return [
    `Chunk ID: ${answer.chunkId ?? newChunkId()}`,
    `Wall time: ${answer.wallTimeSeconds.toFixed(4)} seconds`,
    status,
    `Original token count: ${approxTokenCount(answer.output)}`,
    `Output:`,
    truncatedOutputText(answer.output, answer.maxOutputTokens),
  ].join('\n');
}
