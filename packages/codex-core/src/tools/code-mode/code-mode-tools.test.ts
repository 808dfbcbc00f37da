// The code-mode runtime through its tools (no model server needed): isolation of the script's
// realm, yield/wait/terminate, nested-call errors, close(); and a nested exec_command under the
// session's bubblewrap sandbox.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResponseItem, ToolCallItem } from '@codex-ts/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommandSandbox } from '../../sandbox/sandbox.js';
import { createExecToolSet } from '../../session/exec-tools.js';
import { sandboxSkipReason } from '../../test/sandbox-skip.js';
import type { ToolContext, ToolItemEvent } from '../tool-handler.js';
import { type CodeModeTools, createCodeModeTools, parseExecInput } from './code-mode-tools.js';

const skipReason = await sandboxSkipReason();
if (skipReason !== undefined) console.warn(`code-mode-tools.test.ts: bubblewrap test SKIPPED: ${skipReason}`);

let work: string;
let codeMode: CodeModeTools;
let closeTools: () => void;

function setUp(mode: 'danger-full-access' | 'read-only'): void {
  const sandbox = createCommandSandbox({ mode, writableRoots: [], networkAccess: false }, { cwd: work });
  const set = createExecToolSet({
    sandbox,
    cwd: work,
    env: { PATH: process.env.PATH ?? '', HOME: work },
    threadId: 't',
  });
  closeTools = () => set.close();
  codeMode = createCodeModeTools(set.registry);
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'codex-ts-code-mode-'));
  setUp('danger-full-access');
});
afterEach(async () => {
  await codeMode.close();
  closeTools();
  rmSync(work, { recursive: true, force: true });
});

function context(events: ToolItemEvent[] = []): ToolContext {
  return {
    signal: new AbortController().signal,
    turnId: 'turn',
    emit: (e) => events.push(e),
    inject: () => {},
  };
}
const exec = (source: string, ctx = context()) =>
  codeMode.exec.handle(
    { type: 'custom_tool_call', call_id: 'c1', name: 'exec', input: source } as ToolCallItem,
    ctx,
  );
const wait = (args: Record<string, unknown>) =>
  codeMode.wait.handle(
    { type: 'function_call', call_id: 'w1', name: 'wait', arguments: JSON.stringify(args) } as ToolCallItem,
    context(),
  );
const texts = (item: ResponseItem) =>
  ((item as { output: { text?: string }[] }).output ?? []).map((part) => part.text ?? '');

describe('code-mode exec', () => {
  it('the script reaches no host object: no process through constructors, no require, no console', async () => {
    const answer = await exec(
      [
        'const viaText = text.constructor.constructor("return this")();',
        'text(typeof viaText.process);',
        'const viaTools = tools.exec_command.constructor.constructor("return typeof process")();',
        'text(viaTools);',
        'text(typeof require + "," + typeof console + "," + typeof fetch);',
        'const p = tools.exec_command({cmd: "true"});',
        'text(typeof p.constructor.constructor("return this")().process);',
        'await p;',
      ].join('\n'),
    );
    expect(texts(answer).slice(1)).toEqual([
      'undefined',
      'undefined',
      'undefined,undefined,undefined',
      'undefined',
    ]);
  });

  it('an endless loop yields after yield_time_ms, keeps running, and wait {terminate} stops it', async () => {
    const answer = await exec('// @exec: {"yield_time_ms": 300}\ntext("spinning");\nwhile (true) {}');
    expect(texts(answer)[0]).toMatch(/^Script running with cell ID 1\nWall time 0\.\d seconds\nOutput:\n$/);
    const polled = await wait({ cell_id: '1', yield_time_ms: 200 });
    expect(texts(polled)[0]).toMatch(/^Script running with cell ID 1\n/);
    const stopped = await wait({ cell_id: '1', terminate: true });
    expect(texts(stopped)[0]).toMatch(/^Script terminated\n/);
    expect(texts(await wait({ cell_id: '1' }))).toEqual([
      'Script failed\nWall time 0.0 seconds\nOutput:\n',
      'Script error:\nexec cell 1 not found',
    ]);
  });

  it('yield_control() answers at once with the output so far; the cell finishes in wait', async () => {
    const answer = await exec(
      'text("a");\nyield_control();\nawait new Promise((r) => setTimeout(r, 200));\ntext("b");',
    );
    expect(texts(answer)).toEqual([expect.stringMatching(/^Script running with cell ID 1\n/), 'a']);
    const rest = await wait({ cell_id: '1', yield_time_ms: 5000 });
    expect(texts(rest)).toEqual([expect.stringMatching(/^Script completed\n/), 'b']);
  });

  it('nested-call failures reject with their text as a string (0.169.0); store/load carry over to the next cell', async () => {
    const answer = await exec(
      [
        'try { await tools.apply_patch({}); } catch (e) { text(typeof e + ":" + e); }',
        'try { await tools.exec_command("ls"); } catch (e) { text(e); }',
        'try { await tools.exec_command({}); } catch (e) { text(typeof e + ":" + e.message); }',
        'try { await tools.write_stdin({session_id: 12345}); } catch (e) { text(e); }',
        'text(await tools.apply_patch("bad patch").catch((e) => e));',
        'try { await tools.nope(); } catch (e) { text(String(e)); }',
        'text(typeof tools.exec);',
        'store("n", [1, 2]);',
      ].join('\n'),
    );
    // 0.169.0 (fixtures/observed-0.169.json, http-nesterr2): string rejections, e.message undefined.
    expect(texts(answer).slice(1)).toEqual([
      'string:tool `apply_patch` expects a string input',
      'tool `exec_command` expects a JSON object for arguments',
      'string:undefined',
      'write_stdin failed: Unknown process id 12345',
      "apply_patch verification failed: invalid patch: The first line of the patch must be '*** Begin Patch'",
      'TypeError: tools.nope is not a function',
      'undefined',
    ]);
    expect(texts(await exec('text(load("n"));')).slice(1)).toEqual(['[1,2]']);
  });

  it('close() stops a running cell', async () => {
    await exec('// @exec: {"yield_time_ms": 100}\nwhile (true) {}');
    await codeMode.close();
    expect(texts(await wait({ cell_id: '1' }))).toEqual([
      'Script failed\nWall time 0.0 seconds\nOutput:\n',
      'Script error:\nexec cell 1 not found',
    ]);
  });

  it('parses the first-line pragma', () => {
    expect(parseExecInput('// @exec: {"yield_time_ms": 5, "max_output_tokens": 7}\ncode')).toEqual({
      source: 'code',
      yieldTimeMs: 5,
      maxOutputTokens: 7,
    });
    expect(parseExecInput('code')).toEqual({ source: 'code' });
    expect(() => parseExecInput('// @exec: nope\ncode')).toThrow(/invalid exec pragma/);
  });

  it.skipIf(skipReason !== undefined)(
    'a nested exec_command runs under the read-only bubblewrap sandbox',
    async () => {
      await codeMode.close();
      closeTools();
      setUp('read-only');
      const events: ToolItemEvent[] = [];
      const answer = await exec(
        'const r = await tools.exec_command({cmd: "touch blocked.txt 2>/dev/null; echo $?"});\ntext(r.output);',
        context(events),
      );
      expect(texts(answer)[0]).toMatch(/^Script completed\n/);
      expect(texts(answer)[1]).not.toBe('0\n');
      expect(events.at(-1)?.item).toMatchObject({ type: 'command_execution', exit_code: 0 });
    },
  );
});
