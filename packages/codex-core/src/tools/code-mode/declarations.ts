// The nested tools' part of the `exec` description, as codex-cli 0.169.0 writes it (captured in
// `fixtures/additional-tools.json`): one section per nested tool, sorted by name,
//
//   ### `<name>`
//   <description>
//
//   exec tool declaration:
//   ```ts
//   declare const tools: { <name>(<params>): Promise<<result>>; };
//   ```
//
// where a function tool's parameters are `args: {…}` rendered from its JSON Schema (one
// `// <description>` line above each property, `?` on optional ones) and a freeform tool's are
// `input: string`. The result is `unknown` unless the tool has an output schema (below).

import { EXEC_DESCRIPTION_HEAD, EXEC_LARK_GRAMMAR } from './specs.js';

type Schema = {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
};

/** The output schema 0.169.0 declares for `exec_command` and `write_stdin` (their structured result). */
const UNIFIED_EXEC_OUTPUT: Schema = {
  type: 'object',
  properties: {
    chunk_id: { type: 'string', description: 'Chunk identifier included when the response reports one.' },
    exit_code: {
      type: 'number',
      description: 'Process exit code when the command finished during this call.',
    },
    original_token_count: {
      type: 'number',
      description: 'Approximate token count before output truncation.',
    },
    output: { type: 'string', description: 'Command output text, possibly truncated.' },
    session_id: {
      type: 'number',
      description: 'Session identifier to pass to write_stdin when the process is still running.',
    },
    wall_time_seconds: {
      type: 'number',
      description: 'Elapsed wall time spent waiting for output in seconds.',
    },
  },
  required: ['output', 'wall_time_seconds'],
};

/** Output schemas by nested tool name. */
const OUTPUT_SCHEMAS: Readonly<Record<string, Schema>> = {
  exec_command: UNIFIED_EXEC_OUTPUT,
  write_stdin: UNIFIED_EXEC_OUTPUT,
};

function typeOf(schema: Schema, indent: string): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
      return type;
    case 'integer':
      return 'number';
    case 'array':
      return `Array<${schema.items ? typeOf(schema.items, indent) : 'unknown'}>`;
    case 'object':
      return objectType(schema, indent);
    default:
      return 'unknown';
  }
}

function objectType(schema: Schema, indent: string): string {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return '{}';
  const required = new Set(schema.required ?? []);
  const inner = `${indent}  `;
  const lines = ['{'];
  for (const [name, property] of properties.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (property.description) lines.push(`${inner}// ${property.description}`);
    lines.push(`${inner}${name}${required.has(name) ? '' : '?'}: ${typeOf(property, inner)};`);
  }
  lines.push(`${indent}}`);
  return lines.join('\n');
}

/** What the `exec` description and runtime need to know about a nested tool. */
export interface NestedToolInfo {
  name: string;
  description: string;
  /** `freeform` for a `custom` tool (string input), else `function` (object input). */
  kind: 'function' | 'freeform';
  /** The function tool's `parameters` (JSON Schema). */
  parameters?: unknown;
}

/** `info` of a Responses tool definition (`{type: "function" | "custom", name, description, parameters?}`), or undefined for other kinds. */
export function nestedToolInfo(spec: unknown): NestedToolInfo | undefined {
  const s = spec as { type?: unknown; name?: unknown; description?: unknown; parameters?: unknown };
  if (typeof s?.name !== 'string') return undefined;
  const description = typeof s.description === 'string' ? s.description : '';
  if (s.type === 'custom') return { name: s.name, description, kind: 'freeform' };
  if (s.type === 'function') return { name: s.name, description, kind: 'function', parameters: s.parameters };
  return undefined;
}

/** The `declare const tools: {…};` line(s) of one nested tool. */
export function toolDeclaration(tool: NestedToolInfo): string {
  const params =
    tool.kind === 'freeform' ? 'input: string' : `args: ${objectType((tool.parameters ?? {}) as Schema, '')}`;
  const output = OUTPUT_SCHEMAS[tool.name];
  const result = output ? objectType(output, '') : 'unknown';
  return `declare const tools: { ${tool.name}(${params}): Promise<${result}>; };`;
}

/** One nested tool's section of the `exec` description (no trailing newline). */
export function toolSection(tool: NestedToolInfo): string {
  return [
    `### \`${tool.name}\``,
    tool.description,
    '',
    'exec tool declaration:',
    '```ts',
    toolDeclaration(tool),
    '```',
  ].join('\n');
}

/**
 * The `exec` custom tool definition for `nested` (sorted by name):
 * `{type: "custom", name: "exec", description, format: {type: "grammar", syntax: "lark", definition}}`.
 */
export function execToolSpec(nested: readonly NestedToolInfo[]): Record<string, unknown> {
  const sections = [...nested]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((tool) => toolSection(tool));
  return {
    type: 'custom',
    name: 'exec',
    description: [EXEC_DESCRIPTION_HEAD, ...sections].join('\n\n'),
    format: { type: 'grammar', syntax: 'lark', definition: EXEC_LARK_GRAMMAR },
  };
}
