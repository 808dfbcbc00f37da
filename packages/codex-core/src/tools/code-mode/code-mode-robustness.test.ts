// Review regressions of the code-mode runtime: what a hostile or broken script must not do to
// the host (crash it, leave workers behind), checked through `CodeCell` and the tools.

import type { ResponseItem, ToolCallItem } from '@codex-ts/protocol';
import { describe, expect, it } from 'vitest';
import { ToolRegistry } from '../registry.js';
import { CELL_MAX_HELD_CHARS, type CellHost, CodeCell } from './cell.js';
import { createCodeModeTools } from './code-mode-tools.js';

const host: CellHost = { callTool: async () => '""', notify: () => {}, store: () => {} };

function cell(source: string): CodeCell {
  return new CodeCell({ id: '1', source, tools: [], stored: {}, host });
}

describe('code-mode cell robustness', () => {
  it('a non-Error thrown uncaught in the worker (FinalizationRegistry callback) fails the cell, not the host', async () => {
    const errors: unknown[] = [];
    const onUncaught = (error: unknown): void => void errors.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      // Allocates (bounded) until V8 collects the registered object and runs the throwing callback.
      const script = cell(
        'const registry = new FinalizationRegistry(() => { throw null; });\n' +
          'registry.register({}, 1);\n' +
          'let keep = [];\n' +
          'for (let i = 0; i < 2000; i++) {\n' +
          '  keep.push(new Array(100000).fill(i));\n' +
          '  if (keep.length > 40) keep = [];\n' +
          '  await new Promise((r) => setTimeout(r, 1));\n' +
          '}\n' +
          'text(typeof registry);',
      );
      await script.progress(Date.now() + 20_000);
      await script.terminate();
      expect(errors).toEqual([]);
      expect(script.end).toEqual({ kind: 'failed', error: 'null' });
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  }, 30_000);

  it('a thrown value whose reading throws (poisoned Error[Symbol.hasInstance]) still ends the cell as failed', async () => {
    const script = cell(
      'Object.defineProperty(Error, Symbol.hasInstance, { value() { throw null; } });\nthrow new Error("boom");',
    );
    await script.progress(Date.now() + 10_000);
    expect(script.end).toEqual({ kind: 'failed', error: 'Error: the thrown value could not be read' });
    await script.terminate();
  }, 30_000);

  it('a script printing in a loop holds at most CELL_MAX_HELD_CHARS in the host; the rest is counted', async () => {
    // 24 MiB of text(): all of it used to be held on the main thread until the answer.
    const script = cell(
      'const s = "x".repeat(1 << 20);\nfor (let i = 0; i < 24; i++) text(s);\ntext("end");',
    );
    await script.progress(Date.now() + 20_000);
    expect(script.end).toEqual({ kind: 'completed' });
    const content = script.take();
    const held = content.reduce((sum, item) => sum + (item.type === 'input_text' ? item.text.length : 0), 0);
    expect(held).toBeLessThanOrEqual(CELL_MAX_HELD_CHARS + 100);
    expect(content).toHaveLength(9);
    expect(content.at(-1)).toEqual({
      type: 'input_text',
      text: '[omitted 17 items over the output limit ...]',
    });
    expect(script.take()).toEqual([]);
  }, 30_000);
});

describe('code-mode tools robustness', () => {
  const texts = (item: ResponseItem) =>
    ((item as { output: { text?: string }[] }).output ?? []).map((part) => part.text ?? '');

  it('a turn aborted mid-cell stops the script and answers "Script terminated"; the cell is gone', async () => {
    const codeMode = createCodeModeTools(new ToolRegistry());
    try {
      const controller = new AbortController();
      const context = { signal: controller.signal, turnId: 't', emit: () => {}, inject: () => {} };
      setTimeout(() => controller.abort(), 200);
      const answer = await codeMode.exec.handle(
        {
          type: 'custom_tool_call',
          call_id: 'c1',
          name: 'exec',
          input: 'text("started");\nwhile (true) {}',
        } as ToolCallItem,
        context,
      );
      expect(texts(answer)[0]).toMatch(/^Script terminated\n/);
      const after = await codeMode.wait.handle(
        { type: 'function_call', call_id: 'w1', name: 'wait', arguments: '{"cell_id":"1"}' } as ToolCallItem,
        { signal: new AbortController().signal, turnId: 't', emit: () => {} },
      );
      expect(texts(after)[1]).toBe('Script error:\nexec cell 1 not found');
    } finally {
      await codeMode.close();
    }
  }, 30_000);
});
