// The `exec` description rendered from our nested tools against 0.169.0's captured text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyPatchToolSpec } from '../apply-patch/spec.js';
import { EXEC_COMMAND_SPEC, WRITE_STDIN_SPEC } from '../exec/specs.js';
import { execToolSpec, type NestedToolInfo, nestedToolInfo } from './declarations.js';
import { WAIT_SPEC } from './specs.js';

const captured = JSON.parse(
  readFileSync(new URL('./fixtures/additional-tools.json', import.meta.url), 'utf8'),
) as [{ type: string; name: string; description: string; tools: Record<string, unknown>[] }];

/** 0.169.0's description with only the sections of `names` kept (it also had tools codex-ts does not implement). */
function capturedDescriptionFor(names: readonly string[]): string {
  const text = captured[0].tools[0]!.description as string;
  const start = text.indexOf('### `');
  const namespaces = text.indexOf('\n\n## ', start);
  const sections = text.slice(start, namespaces === -1 ? undefined : namespaces).split(/\n\n(?=### `)/);
  const kept = sections.filter((section) => names.some((name) => section.startsWith(`### \`${name}\``)));
  return [text.slice(0, start - 2), ...kept].join('\n\n');
}

describe('execToolSpec', () => {
  const nested = [applyPatchToolSpec(), EXEC_COMMAND_SPEC, WRITE_STDIN_SPEC]
    .map((spec) => nestedToolInfo(spec))
    .filter((info): info is NestedToolInfo => info !== undefined);

  it('renders the apply_patch, exec_command and write_stdin sections byte for byte as 0.169.0', () => {
    const spec = execToolSpec(nested);
    const original = captured[0].tools[0]!;
    expect(spec.description).toBe(capturedDescriptionFor(['apply_patch', 'exec_command', 'write_stdin']));
    expect(JSON.stringify({ ...spec, description: '' })).toBe(
      JSON.stringify({ ...original, description: '' }),
    );
  });

  it('the wait tool is the captured one', () => {
    expect(JSON.stringify(WAIT_SPEC)).toBe(JSON.stringify(captured[0].tools[1]));
  });
});
