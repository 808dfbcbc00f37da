import {
  customToolCallOutput,
  functionCallOutput,
  isToolCall,
  type ResponseItem,
  toolCallId,
} from '@codex-ts/protocol';

/** The output recorded for a tool call that never got one (upstream `ensure_call_outputs_present`). */
export const ABORTED_CALL_OUTPUT = 'aborted';

/**
 * The outputs that the tool calls of `history` without one are owed, in call order:
 * `function_call_output` (for `function_call` and `local_shell_call`) or `custom_tool_call_output`
 * with the call's `call_id` and the text `aborted`, as codex-rs fills them in before a request
 * (context_manager `ensure_call_outputs_present`; it places each right after its call, these go at
 * the end of the history, which the API accepts alike and which keeps the history append-only for
 * the rollout recorder). A call left without output by an aborted turn would otherwise make the
 * API reject every later request of the thread (`No tool output found for function call …`).
 * Calls without a `call_id` are skipped.
 */
export function missingCallOutputs(history: readonly ResponseItem[]): ResponseItem[] {
  const answered = new Set<string>();
  for (const item of history) {
    if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') {
      const id = toolCallId(item);
      if (id !== undefined) answered.add(id);
    }
  }
  const outputs: ResponseItem[] = [];
  for (const item of history) {
    if (!isToolCall(item)) continue;
    const callId = toolCallId(item);
    if (callId === undefined || answered.has(callId)) continue;
    answered.add(callId);
    outputs.push(
      item.type === 'custom_tool_call'
        ? customToolCallOutput(callId, ABORTED_CALL_OUTPUT)
        : functionCallOutput(callId, ABORTED_CALL_OUTPUT),
    );
  }
  return outputs;
}
