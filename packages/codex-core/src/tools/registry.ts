import {
  customToolCallOutput,
  functionCallOutput,
  type ResponseItem,
  type ToolCallItem,
  toolCallId,
} from '@codex-ts/protocol';
import { v7 as uuidv7 } from 'uuid';
import type { ToolContext, ToolHandler } from './tool-handler.js';

/**
 * One tool of a {@link ToolRegistry}: its name (the `name` of the calls it answers), its
 * Responses API definition (`spec`, sent in `tools`) and its handler (see `ToolHandler.handle`).
 */
export interface Tool {
  readonly name: string;
  readonly spec: unknown;
  handle(call: ToolCallItem, context: ToolContext): Promise<ResponseItem>;
  /** True when its calls may run concurrently with the response's other parallel calls (see `ToolHandler.supportsParallel`). */
  readonly parallel?: boolean;
}

/** The name a tool call addresses (`function_call` / `custom_tool_call` `name`; `local_shell_call` → `local_shell`). */
export function toolCallName(call: ToolCallItem): string {
  if (call.type === 'local_shell_call') return 'local_shell';
  return (call as { name?: string }).name ?? '';
}

/**
 * The pluggable tool layer of a conversation: a `ToolHandler` holding tools by name, in
 * registration order (the order of the request's `tools`). A host adds, replaces or removes tools
 * at any time; the next request sends the new set. A call to an unknown tool is answered, so the
 * turn goes on, as 0.169.0 answers it: a `function_call` (or `local_shell_call`) with a
 * `function_call_output` `unsupported call: <name>` (id `fco_<uuid v7>`), a `custom_tool_call`
 * with a `custom_tool_call_output` `unsupported custom tool call: <name>` (id `ctco_<uuid v7>`).
 */
export class ToolRegistry implements ToolHandler {
  readonly #tools = new Map<string, Tool>();

  constructor(tools: Iterable<Tool> = []) {
    for (const tool of tools) this.register(tool);
  }

  /** Adds `tool`. @throws Error when a tool of that name is registered (use {@link replace}). */
  register(tool: Tool): this {
    if (this.#tools.has(tool.name)) throw new Error(`tool already registered: ${tool.name}`);
    this.#tools.set(tool.name, tool);
    return this;
  }

  /** Adds `tool` or replaces the one of the same name (keeping its position). */
  replace(tool: Tool): this {
    this.#tools.set(tool.name, tool);
    return this;
  }

  /** Removes the tool called `name`; true when there was one. */
  unregister(name: string): boolean {
    return this.#tools.delete(name);
  }

  get(name: string): Tool | undefined {
    return this.#tools.get(name);
  }

  /** Names in request order. */
  get names(): string[] {
    return [...this.#tools.keys()];
  }

  get specs(): readonly unknown[] {
    return [...this.#tools.values()].map((tool) => tool.spec);
  }

  /** True for a call of a registered tool marked `parallel`. */
  supportsParallel(call: ToolCallItem): boolean {
    return this.#tools.get(toolCallName(call))?.parallel === true;
  }

  handle(call: ToolCallItem, context: ToolContext): Promise<ResponseItem> {
    const name = toolCallName(call);
    const tool = this.#tools.get(name);
    if (tool) return tool.handle(call, context);
    const callId = toolCallId(call) ?? '';
    context.telemetry?.failed();
    return Promise.resolve(
      call.type === 'custom_tool_call'
        ? customToolCallOutput(callId, `unsupported custom tool call: ${name}`, { id: `ctco_${uuidv7()}` })
        : functionCallOutput(callId, `unsupported call: ${name}`, `fco_${uuidv7()}`),
    );
  }
}
