// The code-mode tools of a Responses-Lite conversation (codex-cli 0.169.0 with `gpt-6.1-sol`,
// upstream `codex-rs/core/src/tools/code_mode`, `codex-rs/code-mode`): the model calls the custom
// tool `exec` with JavaScript, which runs in a fresh `node:vm` context on a worker thread and
// reaches the conversation's other tools (`exec_command`, `write_stdin`, `apply_patch`, …)
// through the global `tools` object; `wait` resumes a script that outlived its yield time.

import {
  customToolCallOutput,
  functionCallOutput,
  type ResponseItem,
  type ToolCallItem,
  toolCallId,
} from '@codex-ts/protocol';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import type { Tool, ToolRegistry } from '../registry.js';
import type { ToolContext, ToolItemEvent } from '../tool-handler.js';
import { type CellContent, type CellEnd, CodeCell } from './cell.js';
import { execToolSpec, type NestedToolInfo, nestedToolInfo } from './declarations.js';
import { nestedResultJson } from './nested-result.js';
import { truncateCodeModeContent } from './output-truncation.js';
import { WAIT_SPEC } from './specs.js';

/** Default `yield_time_ms` of `exec`, ms. */
export const DEFAULT_EXEC_YIELD_TIME_MS = 30_000;
/** Default `yield_time_ms` of `wait`, ms. */
export const DEFAULT_WAIT_YIELD_TIME_MS = 10_000;
/** Default output budget of `exec` (`max_output_tokens`) and `wait` (`max_tokens`), tokens. */
export const DEFAULT_CODE_MODE_MAX_TOKENS = 10_000;

/** The tool name of the code-mode entry point. */
const EXEC = 'exec';
const PRAGMA = /^[ \t]*\/\/ @exec:([^\r\n]*)\r?\n/;

/** The code-mode tools built by {@link createCodeModeTools}. */
export interface CodeModeTools {
  /** `exec` (custom tool: JavaScript source), called by the model directly. */
  readonly exec: Tool;
  /** `wait` (function tool `{cell_id, yield_time_ms?, max_tokens?, terminate?}`), called by the model directly. */
  readonly wait: Tool;
  /**
   * The `tools` of the `additional_tools` item: `[{type: "namespace", name: "functions",
   * description: "", tools: [exec, wait]}]`, `exec`'s description listing the nested tools
   * registered now (see `execToolSpec`).
   */
  additionalTools(): unknown[];
  /** Stops every script still running (conversation close). */
  close(): Promise<void>;
}

/** `yield_time_ms` / `max_output_tokens` of the first-line pragma, and the source after it. */
export function parseExecInput(input: string): {
  source: string;
  yieldTimeMs?: number;
  maxOutputTokens?: number;
} {
  const match = PRAGMA.exec(input);
  if (!match) return { source: input };
  let options: unknown;
  try {
    options = JSON.parse(match[1] as string);
  } catch {
    throw new Error('invalid exec pragma: expected a JSON object after `// @exec:`');
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new Error('invalid exec pragma: expected a JSON object after `// @exec:`');
  const { yield_time_ms: yieldTimeMs, max_output_tokens: maxOutputTokens } = options as Record<
    string,
    unknown
  >;
  return {
    source: input.slice(match[0].length),
    ...(typeof yieldTimeMs === 'number' && yieldTimeMs >= 0 ? { yieldTimeMs } : {}),
    ...(typeof maxOutputTokens === 'number' && maxOutputTokens >= 0 ? { maxOutputTokens } : {}),
  };
}

/** The header item of an answer: `<status>\nWall time <s.s> seconds\nOutput:\n`. */
function header(status: string, startedAt: number): CellContent {
  const seconds = Math.round((Date.now() - startedAt) / 100) / 10;
  return { type: 'input_text', text: `${status}\nWall time ${seconds.toFixed(1)} seconds\nOutput:\n` };
}

function status(cell: CodeCell, end: CellEnd | undefined): string {
  if (end === undefined) return `Script running with cell ID ${cell.id}`;
  if (end.kind === 'terminated') return 'Script terminated';
  return end.kind === 'completed' ? 'Script completed' : 'Script failed';
}

/**
 * The code-mode tools over the nested tools of `nested` (every tool registered there when a call
 * comes, except `exec` itself):
 *
 * - `exec` (custom tool, JavaScript source, optional first-line pragma
 *   `// @exec: {"yield_time_ms": N, "max_output_tokens": N}`): runs the script as a new cell (ids
 *   `1`, `2`, … per conversation) and waits up to `yield_time_ms` (default 30000) or until the
 *   script calls `yield_control()`. Answer: a `custom_tool_call_output` (`ctco_<uuid v7>`) whose
 *   `output` is content items: `Script completed|failed|running with cell ID N\nWall time S.S
 *   seconds\nOutput:\n`, then one `input_text` per `text()` call (`input_image` per `image()`),
 *   then for a failure `Script error:\n<Error: message + frames in exec_main.mjs>` (a syntax error:
 *   `SyntaxError: <message>`), as 0.169.0 answered; the items after the header kept within
 *   `max_output_tokens` (default 10000) as upstream does (`truncateCodeModeContent`).
 * - `wait {cell_id, yield_time_ms?, max_tokens?, terminate?}` (`function_call_output`, `fco_…`):
 *   the cell's output since the last answer, with the same header (`Script terminated` after
 *   `terminate: true`); an unknown cell: `Script failed` and `Script error:\nexec cell <id> not found`.
 * - Globals of the script: `tools.<name>(input)` (object input for function tools, string for
 *   freeform ones; resolves with the result: `exec_command` / `write_stdin` as `{chunk_id,
 *   wall_time_seconds, exit_code | session_id, original_token_count, output}`, `apply_patch` as
 *   `{}` as 0.169.0 did, others as their output text; rejects with the failure text as a string, as
 *   0.169.0: argument errors, `write_stdin failed: …`, a rejected patch), `text`,
 *   `image`, `generatedImage`, `notify` (an extra `custom_tool_call_output` `{call_id, name:
 *   "exec", output}` after the call's answer, via `ToolContext.inject`), `store` / `load`
 *   (JSON values kept per conversation), `exit`, `yield_control`, `setTimeout` / `clearTimeout`,
 *   `ALL_TOOLS`; no `console`, `process`, `require`, file system or network. `audio()` throws
 *   (not supported).
 * - Nested calls run the nested tool's handler with the `exec` (or latest `wait`) call's signal;
 *   their items (`command_execution`, `file_change`) are reported through the call answering for
 *   the cell at that moment (held for the next `wait` while none does), as for direct calls, and
 *   commands run under the session's sandbox. A script ends when its top-level code settled; the
 *   worker is then stopped (unawaited promises and timers are dropped). Turn abort (the `exec` /
 *   `wait` call's signal: the answer is then `Script terminated`) and {@link CodeModeTools.close}
 *   stop running scripts.
 */
export function createCodeModeTools(nested: ToolRegistry): CodeModeTools {
  const cells = new Map<string, CodeCell>();
  /** `store()`d JSON texts by key (no prototype: any key is a plain key). */
  const stored: Record<string, string> = Object.create(null);
  let nextCellId = 1;
  /** The signal and turn of a cell's nested calls: those of the call that last waited on it. */
  const contexts = new Map<string, ToolContext>();
  /** The `exec` / `wait` call answering for a cell right now (its nested items are reported there). */
  const active = new Map<string, ToolContext>();
  /** Nested items reported while no call answers for the cell, for the next `wait`. */
  const queued = new Map<string, ToolItemEvent[]>();
  /** `notify` items waiting for the end of the current call, by cell id. */
  const notes = new Map<string, ResponseItem[]>();

  const nestedTools = (): NestedToolInfo[] =>
    nested.names
      .filter((name) => name !== EXEC)
      .map((name) => nestedToolInfo(nested.get(name)?.spec))
      .filter((info): info is NestedToolInfo => info !== undefined);

  async function callTool(cellId: string, name: string, input: string | undefined): Promise<string> {
    const info = nestedTools().find((tool) => tool.name === name);
    const tool = nested.get(name);
    if (!info || !tool) throw new Error(`tool \`${name}\` is not enabled in ${EXEC}`);
    const value: unknown = input === undefined ? undefined : JSON.parse(input);
    const nestedCallId = `${EXEC}-${uuidv4()}`;
    let call: ToolCallItem;
    if (info.kind === 'freeform') {
      if (typeof value !== 'string') throw new Error(`tool \`${name}\` expects a string input`);
      call = { type: 'custom_tool_call', call_id: nestedCallId, name, input: value } as ToolCallItem;
    } else {
      if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value)))
        throw new Error(`tool \`${name}\` expects a JSON object for arguments`);
      call = {
        type: 'function_call',
        call_id: nestedCallId,
        name,
        arguments: value === undefined ? '{}' : JSON.stringify(value),
      } as ToolCallItem;
    }
    const last = contexts.get(cellId);
    if (!last) throw new Error(`exec cell ${cellId} has no active call`);
    const context: ToolContext = {
      signal: last.signal,
      turnId: last.turnId,
      emit: (event) => {
        const current = active.get(cellId);
        if (current) current.emit(event);
        else queued.set(cellId, [...(queued.get(cellId) ?? []), event]);
      },
    };
    const output = await tool.handle(call, context);
    return nestedResultJson(name, info.kind, output);
  }

  async function answer(
    cell: CodeCell,
    context: ToolContext,
    deadline: number,
    startedAt: number,
    maxTokens: number,
  ): Promise<CellContent[]> {
    contexts.set(cell.id, context);
    active.set(cell.id, context);
    for (const event of queued.get(cell.id) ?? []) context.emit(event);
    queued.delete(cell.id);
    const onAbort = (): void => void cell.terminate();
    context.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await cell.progress(deadline, context.signal);
    } finally {
      context.signal.removeEventListener('abort', onAbort);
      active.delete(cell.id);
    }
    // An aborted call stopped the script: answer once it is gone, not "running".
    if (context.signal.aborted) await cell.terminate();
    const end = cell.end;
    const content = cell.take();
    if (end?.kind === 'failed') content.push({ type: 'input_text', text: `Script error:\n${end.error}` });
    if (end !== undefined) {
      cells.delete(cell.id);
      contexts.delete(cell.id);
      queued.delete(cell.id);
    }
    for (const item of notes.get(cell.id) ?? []) context.inject?.(item);
    notes.delete(cell.id);
    return [header(status(cell, end), startedAt), ...truncateCodeModeContent(content, maxTokens)];
  }

  const exec: Tool = {
    name: EXEC,
    get spec() {
      return execToolSpec(nestedTools());
    },
    async handle(call, context) {
      const startedAt = Date.now();
      const callId = toolCallId(call) ?? '';
      const reply = (output: CellContent[] | string) =>
        customToolCallOutput(callId, output as never, { id: `ctco_${uuidv7()}` });
      const input = (call as { input?: unknown }).input;
      if (call.type !== 'custom_tool_call' || typeof input !== 'string')
        return reply(`${EXEC} expects raw JavaScript source text`);
      let parsed: ReturnType<typeof parseExecInput>;
      try {
        parsed = parseExecInput(input);
      } catch (error) {
        return reply((error as Error).message);
      }
      const id = String(nextCellId++);
      const cell = new CodeCell({
        id,
        source: parsed.source,
        tools: nestedTools().map(({ name, description }) => ({ name, description })),
        stored: { ...stored },
        host: {
          callTool: (name, value) => callTool(id, name, value),
          notify: (text) => {
            const list = notes.get(id) ?? [];
            list.push(customToolCallOutput(callId, text, { id: `ctco_${uuidv7()}`, name: EXEC }));
            notes.set(id, list);
          },
          store: (key, json) => {
            stored[key] = json;
          },
        },
      });
      cells.set(id, cell);
      const deadline = startedAt + (parsed.yieldTimeMs ?? DEFAULT_EXEC_YIELD_TIME_MS);
      return reply(
        await answer(
          cell,
          context,
          deadline,
          startedAt,
          parsed.maxOutputTokens ?? DEFAULT_CODE_MODE_MAX_TOKENS,
        ),
      );
    },
  };

  const wait: Tool = {
    name: 'wait',
    spec: WAIT_SPEC,
    async handle(call, context) {
      const startedAt = Date.now();
      const callId = toolCallId(call) ?? '';
      const reply = (output: CellContent[] | string) =>
        functionCallOutput(callId, output as never, `fco_${uuidv7()}`);
      let args: Record<string, unknown>;
      try {
        args = JSON.parse(String((call as { arguments?: unknown }).arguments ?? '{}')) as Record<
          string,
          unknown
        >;
        if (typeof args !== 'object' || args === null) throw new Error('expected a JSON object');
      } catch (error) {
        return reply(`failed to parse function arguments: ${(error as Error).message}`);
      }
      const cellId = typeof args.cell_id === 'string' ? args.cell_id : String(args.cell_id ?? '');
      const cell = cells.get(cellId);
      if (!cell)
        return reply([
          header('Script failed', startedAt),
          { type: 'input_text', text: `Script error:\nexec cell ${cellId} not found` },
        ]);
      const maxTokens = typeof args.max_tokens === 'number' ? args.max_tokens : DEFAULT_CODE_MODE_MAX_TOKENS;
      if (args.terminate === true) await cell.terminate();
      const yieldMs =
        typeof args.yield_time_ms === 'number' ? args.yield_time_ms : DEFAULT_WAIT_YIELD_TIME_MS;
      return reply(await answer(cell, context, startedAt + yieldMs, startedAt, maxTokens));
    },
  };

  return {
    exec,
    wait,
    additionalTools: () => [
      { type: 'namespace', name: 'functions', description: '', tools: [exec.spec, wait.spec] },
    ],
    close: async () => {
      await Promise.all([...cells.values()].map((cell) => cell.terminate()));
      cells.clear();
    },
  };
}
