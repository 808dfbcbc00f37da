/**
 * Attributes of the tool-call events `codex.tool_decision` and `codex.tool_result`, in the key
 * order and with the value types 0.169.0 exported (captured with a tool-call turn). Internal to
 * the package.
 */

import type { SecretRedactor } from '@codex-ts/client';
import type { SandboxOutcomeRecord, ToolDecisionRecord, ToolResultRecord } from './lifecycle-types.js';
import { type AttrMap, durationMsText, truncMs } from './values.js';

/** `tool_namespace` of a built-in tool. */
const DEFAULT_TOOL_NAMESPACE = 'functions';
/** `agent_name` of the session's own (root) agent. */
const ROOT_AGENT_NAME = '/root';

/** `codex.tool_decision`: `tool_name`, `tool_namespace`, `call_id`, `decision`, `source`. */
export function toolDecisionAttributes(record: ToolDecisionRecord): AttrMap {
  return {
    tool_name: record.toolName,
    tool_namespace: record.toolNamespace ?? DEFAULT_TOOL_NAMESPACE,
    call_id: record.callId,
    decision: record.decision,
    source: record.source,
  };
}

/** What both sides of `codex.tool_result` carry after `tool_result_seq`, in export order. */
function resultCommon(record: ToolResultRecord): AttrMap {
  return {
    tool_name: record.toolName,
    tool_namespace: record.toolNamespace ?? DEFAULT_TOOL_NAMESPACE,
    call_id: record.callId,
    duration_ms: durationMsText(record.durationMs),
    success: record.success ? 'true' : 'false',
    output_truncated: record.outputTruncated ?? false,
  };
}

/**
 * The log record of `codex.tool_result` number `seq` (1-based, per session): `tool_result_seq`
 * (an integer), `tool_name`, `tool_namespace`, `call_id`, `duration_ms` (string of whole ms),
 * `success` (`"true"` | `"false"`), `output_truncated` (boolean), `agent_name` (`/root`),
 * `arguments` and `output` (both redacted), `mcp_server`, `mcp_server_origin`.
 */
export function toolResultLogAttributes(
  record: ToolResultRecord,
  seq: number,
  redactor: SecretRedactor,
): AttrMap {
  return {
    tool_result_seq: seq,
    ...resultCommon(record),
    agent_name: ROOT_AGENT_NAME,
    arguments: redactor.redact(record.arguments),
    output: redactor.redact(record.output),
    mcp_server: record.mcpServer ?? '',
    mcp_server_origin: record.mcpServerOrigin ?? '',
  };
}

/**
 * The span event of `codex.tool_result` number `seq`: never the arguments or output, only their
 * sizes. `tool_result_seq` is a string here (the tracing bridge wrote unsigned integers as
 * strings), then `tool_name`, `tool_namespace`, `call_id`, `duration_ms`, `success`,
 * `output_truncated`, `arguments_length`, `output_length`, `output_line_count`, `tool_origin`
 * (`builtin` | `mcp`), `mcp_tool`.
 */
export function toolResultSpanAttributes(record: ToolResultRecord, seq: number): AttrMap {
  const output = record.output;
  const mcpServer = record.mcpServer ?? '';
  return {
    tool_result_seq: String(seq),
    ...resultCommon(record),
    arguments_length: record.arguments.length,
    output_length: output.length,
    output_line_count: output === '' ? 0 : output.split(/\r?\n/).length - (output.endsWith('\n') ? 1 : 0),
    tool_origin: mcpServer === '' ? 'builtin' : 'mcp',
    mcp_tool: mcpServer !== '',
  };
}

/** `codex.sandbox_outcome`: `tool_name`, `call_id`, `outcome`, `initial_duration_ms` (an integer). */
export function sandboxOutcomeAttributes(record: SandboxOutcomeRecord): AttrMap {
  return {
    tool_name: record.toolName,
    call_id: record.callId,
    outcome: record.outcome,
    initial_duration_ms: truncMs(record.initialDurationMs),
  };
}
