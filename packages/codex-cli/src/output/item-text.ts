/**
 * Text extraction shared by the human and JSONL printers, so both show the same reasoning and
 * answer text for a completed `ResponseItem`.
 */

/** The text of an assistant message: its `output_text` (or `text`) parts joined, '' when none. */
export function messageText(content: unknown): string {
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (part && typeof part === 'object' && 'text' in part && typeof part.text === 'string') {
      const type = (part as { type?: unknown }).type;
      if (type === 'output_text' || type === 'text') text += part.text;
    }
  }
  return text;
}

/**
 * The summary text of a completed `reasoning` item: its non-empty `summary[].text` parts joined
 * by a blank line (`\n\n`); '' when the item has no summary text (the printers then print nothing).
 */
export function reasoningText(item: { summary?: unknown }): string {
  if (!Array.isArray(item.summary)) return '';
  const parts: string[] = [];
  for (const part of item.summary) {
    if (part && typeof part === 'object' && 'text' in part && typeof part.text === 'string') {
      if (part.text.length > 0) parts.push(part.text);
    }
  }
  return parts.join('\n\n');
}
