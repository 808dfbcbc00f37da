// What a nested tool call resolves with inside an `exec` script (upstream `code_mode_result`),
// as the JSON text handed to the script's realm.

import type { ResponseItem } from '@codex-ts/protocol';

const EXEC_ANSWER =
  /^Chunk ID: ([^\n]*)\nWall time: ([0-9.]+) seconds\nProcess (?:exited with code (-?\d+)|running with session ID (\d+))\nOriginal token count: (\d+)\nOutput:\n([\s\S]*)$/;

/** The text of a tool output item (`output` string, or its `input_text` parts joined). */
function outputText(item: ResponseItem): string {
  const output = (item as { output?: unknown }).output;
  if (typeof output === 'string') return output;
  if (Array.isArray(output))
    return output
      .map((part: { type?: string; text?: string }) => (part?.type === 'input_text' ? (part.text ?? '') : ''))
      .join('');
  return '';
}

/**
 * The JSON text of the value a nested call of `name` resolves with, from the tool's output item;
 * throws an Error whose message is the tool's failure text when the call failed (the script's
 * promise then rejects with that text as a string, as 0.169.0's did):
 * - `exec_command` / `write_stdin`: their answer (`formatExecAnswer`) as the structured result
 *   0.169.0 returned, keys `chunk_id, wall_time_seconds, exit_code | session_id,
 *   original_token_count, output`; any other text (argument errors, `write_stdin failed: …`, an
 *   approval rejection) is a failure;
 * - a freeform tool (`apply_patch`): `{}` (what 0.169.0's script saw) when the answer is an
 *   `Exit code: …` report, else a failure (`apply_patch verification failed: …`, `patch rejected: …`);
 * - other tools: the output text as a string.
 */
export function nestedResultJson(name: string, kind: 'function' | 'freeform', item: ResponseItem): string {
  const text = outputText(item);
  if (name === 'exec_command' || name === 'write_stdin') {
    const match = EXEC_ANSWER.exec(text);
    if (!match) throw new Error(text);
    const [, chunkId, wall, exitCode, sessionId, tokens, output] = match;
    return JSON.stringify({
      chunk_id: chunkId,
      wall_time_seconds: Number(wall),
      ...(exitCode !== undefined ? { exit_code: Number(exitCode) } : { session_id: Number(sessionId) }),
      original_token_count: Number(tokens),
      output,
    });
  }
  if (kind === 'freeform') {
    if (!text.startsWith('Exit code: ')) throw new Error(text);
    return '{}';
  }
  return JSON.stringify(text);
}
