// The output budget of a code-mode answer (`max_output_tokens` of `exec`, `max_tokens` of
// `wait`), as upstream `truncate_code_mode_result` applies it before the status header goes in (checked
// against codex-cli 0.169.0's answers).

import { truncatedOutputText, truncateMiddleTokens } from '../exec/output-format.js';
import type { CellContent } from './cell.js';

const BYTES_PER_TOKEN = 4;

/**
 * `content` within `maxTokens` (4 UTF-8 bytes a token), upstream's two policies:
 * - only text items: unchanged when their texts joined with `\n` fit; else one item, the joined
 *   text as `truncatedOutputText` gives it: `Warning: truncated output (original token count:
 *   T)\nTotal output lines: L\n\n<joined text cut in the middle>` (`…N tokens truncated…`), as
 *   codex-cli 0.169.0 answered;
 * - with images: items in order, each text kept while the budget lasts, the one that crosses it
 *   cut in the middle to the rest of the budget, later texts dropped and counted in a final
 *   `[omitted N text items ...]` item; images always kept in place.
 */
export function truncateCodeModeContent(content: CellContent[], maxTokens: number): CellContent[] {
  const budget = Math.max(0, Math.floor(maxTokens)) * BYTES_PER_TOKEN;
  if (content.every((item) => item.type === 'input_text')) {
    if (content.length === 0) return content;
    const joined = content.map((item) => (item as { text: string }).text).join('\n');
    if (Buffer.byteLength(joined, 'utf8') <= budget) return content;
    return [{ type: 'input_text', text: truncatedOutputText(joined, maxTokens) }];
  }
  const out: CellContent[] = [];
  let remaining = budget;
  let omitted = 0;
  for (const item of content) {
    if (item.type !== 'input_text') {
      out.push(item);
      continue;
    }
    if (remaining === 0) {
      omitted += 1;
      continue;
    }
    const cost = Buffer.byteLength(item.text, 'utf8');
    if (cost <= remaining) {
      out.push(item);
      remaining -= cost;
      continue;
    }
    const snippet = truncateMiddleTokens(item.text, Math.ceil(remaining / BYTES_PER_TOKEN));
    if (snippet === '') omitted += 1;
    else out.push({ type: 'input_text', text: snippet });
    remaining = 0;
  }
  if (omitted > 0) out.push({ type: 'input_text', text: `[omitted ${omitted} text items ...]` });
  return out;
}
