import type { ResponseItem, ToolCallItem } from '@codex-ts/protocol';

/**
 * Runs the tools a model may call during a turn. The turn loop sends `specs` as the
 * request's `tools`, and after a response that contains tool calls (`function_call`,
 * `custom_tool_call`, `local_shell_call` items: `isToolCall` of `@codex-ts/protocol`) it calls `handle` for each and sends the
 * outputs back in a follow-up request of the same turn.
 */
export interface ToolHandler {
  /** Tool definitions as Responses API JSON (`{"type":"function","name":…}`). */
  readonly specs: readonly unknown[];
  /**
   * Runs one call and returns its output item (`function_call_output` or
   * `custom_tool_call_output` with the call's `call_id`). Should not throw for a failing
   * tool: report the failure in the output text. Must honour `signal`.
   */
  handle(call: ToolCallItem, context: { signal: AbortSignal; turnId: string }): Promise<ResponseItem>;
}
