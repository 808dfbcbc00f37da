import type { ResponseItem, ThreadItem, ToolCallItem } from '@codex-ts/protocol';

/**
 * A thread item as a tool reports it: a `command_execution`, `file_change`, `todo_list`,
 * `mcp_tool_call` or `web_search` item of `codex exec --json` (exec_events.rs `ThreadItem`)
 * without its `id`; the printer (or the thread API) numbers items (`item_N`).
 */
export type ToolThreadItem = ThreadItem extends infer T
  ? T extends ThreadItem
    ? Omit<T, 'id'>
    : never
  : never;

/**
 * A tool's progress report, surfaced by the turn loop as the `TurnEvent` `tool.item` and printed by
 * `exec --json` as `item.started` / `item.updated` / `item.completed`. `key` identifies the item
 * within the turn (normally the call's `call_id`): every phase of one item uses the same key, so
 * consumers give them the same item id. An item may skip `started` (printed as `item.completed` only).
 */
export interface ToolItemEvent {
  phase: 'started' | 'updated' | 'completed';
  key: string;
  item: ToolThreadItem;
  /**
   * The absolute directory a `command_execution` runs in (the call's `workdir` resolved, else the
   * turn cwd), which the human output of `exec` shows (`<command> in <cwd>`); not part of the
   * item (`exec --json` prints none).
   */
  cwd?: string | undefined;
  /**
   * The git-style diff of a `file_change` (`diff --git …` sections in path order, see
   * `patchDiffText`), on its `completed` event, which the human output of `exec` shows; not part
   * of the item.
   */
  diff?: string | undefined;
}

/** What the turn loop hands a tool call besides the call itself. */
export interface ToolContext {
  /** Aborted when the turn is aborted; a running command must be stopped. */
  signal: AbortSignal;
  turnId: string;
  /** Reports the call's thread item (see {@link ToolItemEvent}); the turn yields it at once. */
  emit(event: ToolItemEvent): void;
  /**
   * Adds an extra item to the history right after this call's output (and to the next request),
   * e.g. the code-mode `notify()` output. Optional: hosts that run tools themselves may leave it out.
   */
  inject?(item: ResponseItem): void;
  /**
   * The call's telemetry (given by the turn loop when the session has telemetry): the tool reports
   * its approval decision and extra metric tags through it. Optional: tools must work without it.
   */
  telemetry?: ToolCallTelemetry | undefined;
}

/**
 * What a tool reports about one call besides its output, as 0.169.0's tool orchestrator does:
 * `decision` emits the log event `codex.tool_decision` (`tool_name`, `tool_namespace`, `call_id`
 * of the call; `codex exec` calls it with `approved` / `Config` right before a command starts or a
 * patch is written, never for a call refused before that); `metricTags` adds tags to the call's
 * `codex.tool.call` / `codex.tool.call.duration_ms` points (recorded when the call ends; later
 * calls overwrite a key); `failed` marks a call whose output is an error text for the model
 * (0.169.0's `RespondToModel`: unparsable arguments, a refused escalation or patch, an unknown
 * tool), recorded with `success = "false"`; a command that ran and exited non-zero did not fail;
 * `sandboxOutcome` emits `codex.sandbox_outcome` (0.169.0: only for a command the sandbox denied).
 * None throws.
 */
export interface ToolCallTelemetry {
  /** `codex.tool_decision` of this call now, e.g. `('approved', 'Config')`. */
  decision(decision: string, source: string): void;
  /** Extra tags for this call's `codex.tool.call` points (merged, last value wins). */
  metricTags(tags: Readonly<Record<string, string>>): void;
  /** This call answers the model with an error text: `success = "false"`. */
  failed(): void;
  /**
   * `codex.sandbox_outcome` of this call now: the sandbox stopped its command (`outcome =
   * denied`) after `initialDurationMs` (ms).
   */
  sandboxOutcome(outcome: string, initialDurationMs: number): void;
}

/**
 * Runs the tools a model may call during a turn. The turn loop sends `specs` as the
 * request's `tools`, and after a response that contains tool calls (`function_call`,
 * `custom_tool_call`, `local_shell_call` items: `isToolCall` of `@codex-ts/protocol`) it calls `handle` for each and sends the
 * outputs back in a follow-up request of the same turn. `ToolRegistry` is the pluggable
 * implementation (one `Tool` per name).
 */
export interface ToolHandler {
  /** Tool definitions as Responses API JSON (`{"type":"function","name":…}`), in request order. */
  readonly specs: readonly unknown[];
  /**
   * Runs one call and returns its output item (`function_call_output` or
   * `custom_tool_call_output` with the call's `call_id`). Should not throw for a failing
   * tool: report the failure in the output text. Must honour `context.signal`.
   */
  handle(call: ToolCallItem, context: ToolContext): Promise<ResponseItem>;
  /**
   * True when `call` may run alongside the other such calls of the same response (0.169.0 runs
   * its `exec_command` calls concurrently; any other call waits for those before it and runs
   * alone). Absent: every call runs alone, in order.
   */
  supportsParallel?(call: ToolCallItem): boolean;
}
