import type { CustomToolCallOutputItem, FunctionCallOutputItem, MessageItem } from './item-schemas.js';
import type { FunctionCallOutputPayload, MessagePhase } from './parts.js';

function message(
  role: string,
  type: 'input_text' | 'output_text',
  text: string,
  id: string | undefined,
): MessageItem {
  return id === undefined
    ? { type: 'message', role, content: [{ type, text }] }
    : { type: 'message', id, role, content: [{ type, text }] };
}

/**
 * A user message with one `input_text` part:
 * `{"type":"message","id"?:…,"role":"user","content":[{"type":"input_text","text":…}]}`.
 * `id`, when given, should look like `msg_<uuid>`.
 */
export function userMessage(text: string, id?: string): MessageItem {
  return message('user', 'input_text', text, id);
}

/**
 * A developer message with one `input_text` part (0.169.0 sends the base instructions this way,
 * as the first `input` item; observed-cli §5.2).
 */
export function developerMessage(text: string, id?: string): MessageItem {
  return message('developer', 'input_text', text, id);
}

/** An assistant message with one `output_text` part and an optional `phase`. */
export function assistantMessage(text: string, options?: { id?: string; phase?: MessagePhase }): MessageItem {
  const item = message('assistant', 'output_text', text, options?.id);
  if (options?.phase !== undefined) item.phase = options.phase;
  return item;
}

/**
 * A `function_call_output` item answering the `function_call` with `call_id = callId`. `output` is
 * the tool's text, or an array of content parts. `id` should look like `fco_<uuid>`.
 */
export function functionCallOutput(
  callId: string,
  output: FunctionCallOutputPayload,
  id?: string,
): FunctionCallOutputItem {
  return id === undefined
    ? { type: 'function_call_output', call_id: callId, output }
    : { type: 'function_call_output', id, call_id: callId, output };
}

/** A `custom_tool_call_output` item answering the `custom_tool_call` with `call_id = callId`. */
export function customToolCallOutput(
  callId: string,
  output: FunctionCallOutputPayload,
  options?: { id?: string; name?: string },
): CustomToolCallOutputItem {
  return {
    type: 'custom_tool_call_output',
    ...(options?.id === undefined ? {} : { id: options.id }),
    call_id: callId,
    ...(options?.name === undefined ? {} : { name: options.name }),
    output,
  };
}
