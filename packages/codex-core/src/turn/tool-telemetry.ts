import { monotonicMs } from '@codex-ts/client';
import type { SessionTelemetry } from '@codex-ts/otel';
import { type ResponseItem, type ToolCallItem, toolCallId } from '@codex-ts/protocol';
import type { ToolCallTelemetry } from '../tools/tool-handler.js';

/** The telemetry of one tool call, made by the turn loop for each call it runs. */
export interface ToolCallRecorder {
  /** Handed to the tool as `ToolContext.telemetry` (undefined without session telemetry). */
  readonly context: ToolCallTelemetry | undefined;
  /** Records the finished call once (later calls do nothing): `codex.tool.call*`, `codex.tool_result`. */
  finish(output: ResponseItem, success: boolean): void;
}

/**
 * The recorder of `call`: the tool's decision becomes `codex.tool_decision` at once, its metric tags
 * are kept for the call's `codex.tool.call` points, and {@link ToolCallRecorder.finish} records
 * `codex.tool_result` with the wall time since this was made (ms), failed when `finish` says so or
 * the tool called `failed()`. Everything runs inside `inTurn`
 * (the turn's span active). Without `telemetry` nothing is recorded.
 */
export function toolCallRecorder(
  call: ToolCallItem,
  telemetry: SessionTelemetry | undefined,
  inTurn: <T>(fn: () => T) => T,
): ToolCallRecorder {
  const startedAt = monotonicMs();
  if (telemetry === undefined) return { context: undefined, finish: () => {} };
  const callId = toolCallId(call) ?? '';
  let metricTags: Record<string, string> | undefined;
  let recorded = false;
  let failed = false;
  return {
    context: {
      decision: (decision, source) =>
        inTurn(() => telemetry.recordToolDecision({ toolName: toolName(call), callId, decision, source })),
      metricTags: (tags) => {
        metricTags = { ...metricTags, ...tags };
      },
      failed: () => {
        failed = true;
      },
      sandboxOutcome: (outcome, initialDurationMs) =>
        inTurn(() =>
          telemetry.recordSandboxOutcome({ toolName: toolName(call), callId, outcome, initialDurationMs }),
        ),
    },
    finish(output, success) {
      if (recorded) return;
      recorded = true;
      inTurn(() =>
        telemetry.recordToolResult({
          toolName: toolName(call),
          callId,
          arguments: toolArguments(call),
          durationMs: monotonicMs() - startedAt,
          success: success && !failed,
          output: outputText(output),
          metricTags,
        }),
      );
    },
  };
}

/** The tool's name (`name` of a function / custom call, else the item type). */
function toolName(call: ToolCallItem): string {
  const name = (call as { name?: unknown }).name;
  return typeof name === 'string' ? name : call.type;
}

/** The call's arguments as the model sent them (`arguments` / `input`), else `''`. */
function toolArguments(call: ToolCallItem): string {
  const c = call as { arguments?: unknown; input?: unknown };
  if (typeof c.arguments === 'string') return c.arguments;
  if (typeof c.input === 'string') return c.input;
  return '';
}

/** The text of a call output item (a string `output`, or the JSON of a structured one). */
function outputText(item: ResponseItem): string {
  const output = (item as { output?: unknown }).output;
  if (typeof output === 'string') return output;
  return output === undefined ? '' : JSON.stringify(output);
}
