import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ToolCallItem } from '@codex-ts/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolItemEvent } from '../tool-handler.js';
import cases from './fixtures/codex-0.169.0-cases.json' with { type: 'json' };
import { applyPatchTool } from './tool.js';

/**
 * Each case was run through the released codex-cli 0.169.0 (`codex exec --json`, sandbox bypassed,
 * the model's `custom_tool_call` scripted on a local responses server) and recorded: the
 * `custom_tool_call_output` text (`<DIR>` = the case's cwd, `<T>` = wall time), the `file_change`
 * items printed, and the files afterwards. Our tool must do the same.
 */
type FileContent = string | { b64: string };
interface ObservedCase {
  name: string;
  files: Record<string, FileContent>;
  patch: string;
  output: string;
  items: { event: string; status: string; changes: { path: string; kind: string }[] }[];
  after: Record<string, FileContent>;
}

const content = (c: FileContent) => (typeof c === 'string' ? Buffer.from(c) : Buffer.from(c.b64, 'base64'));

async function tree(dir: string, prefix = ''): Promise<Record<string, FileContent>> {
  const out: Record<string, FileContent> = {};
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) {
      out[`${prefix}${name}/`] = '';
      Object.assign(out, await tree(path, `${prefix}${name}/`));
    } else {
      const bytes = await readFile(path);
      try {
        out[prefix + name] = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        out[prefix + name] = { b64: bytes.toString('base64') };
      }
    }
  }
  return out;
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'apply-patch-observed-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('apply_patch against what codex-cli 0.169.0 did', () => {
  (cases as unknown as ObservedCase[]).forEach((c, index) => {
    it(`${index} ${c.name}`, async () => {
      const dir = join(root, `case-${index}`);
      await mkdir(dir);
      for (const [name, data] of Object.entries(c.files)) {
        if (name.endsWith('/')) {
          await mkdir(join(dir, name), { recursive: true });
          continue;
        }
        await mkdir(dirname(join(dir, name)), { recursive: true });
        await writeFile(join(dir, name), content(data));
      }
      const events: ToolItemEvent[] = [];
      const tool = applyPatchTool({
        cwd: dir,
        sandboxPolicy: { mode: 'danger-full-access', writableRoots: [], networkAccess: false },
      });
      const call = {
        type: 'custom_tool_call',
        call_id: 'call_1',
        name: 'apply_patch',
        input: c.patch,
      } as ToolCallItem;
      const output = (await tool.handle(call, {
        signal: new AbortController().signal,
        turnId: 't',
        emit: (e) => events.push(e),
      })) as { output: string };
      const normalise = (s: string) => s.replaceAll(dir, '<DIR>');
      expect(normalise(output.output).replace(/Wall time: [0-9.]+ seconds/, 'Wall time: <T> seconds')).toBe(
        c.output,
      );
      expect(
        events.map((e) => {
          const item = e.item as { status: string; changes: { path: string; kind: string }[] };
          return {
            event: `item.${e.phase}`,
            status: item.status,
            changes: item.changes.map((ch) => ({ path: normalise(ch.path), kind: ch.kind })),
          };
        }),
      ).toEqual(c.items);
      expect(await tree(dir)).toEqual(c.after);
    });
  });
});
