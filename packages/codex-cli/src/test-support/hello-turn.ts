// The text turn most exec tests script (a reasoning summary, an answer, usage) and the
// `codex exec --json` lines 0.169.0 printed for it after `thread.started`.
import { type ResponsesEvent, textTurn, usage } from '@codex-ts/responses-server';

/** The SSE / WebSocket events of the hello turn; `text` replaces the answer. */
export function helloTurn(text = 'Hello there!'): ResponsesEvent[] {
  return textTurn({
    responseId: 'resp_1',
    text,
    reasoning: '**Planning a reply**\n\nThe user wants a short greeting.',
    usage: usage({ input: 1200, cached: 1024, output: 42, reasoning: 16 }),
  });
}

/** The lines printed for {@link helloTurn}`()` after `thread.started`. */
export const HELLO_TURN_LINES: readonly string[] = [
  '{"type":"turn.started"}',
  '{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Planning a reply**\\n\\nThe user wants a short greeting."}}',
  '{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"Hello there!"}}',
  '{"type":"turn.completed","usage":{"input_tokens":1200,"cached_input_tokens":1024,"cache_write_input_tokens":0,"output_tokens":42,"reasoning_output_tokens":16}}',
];
