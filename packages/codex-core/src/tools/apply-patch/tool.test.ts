import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResponseItem, ToolCallItem } from '@codex-ts/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxPolicy } from '../../sandbox/sandbox.js';
import type { ToolItemEvent } from '../tool-handler.js';
import { applyPatchTool } from './tool.js';

let root: string;
let cwd: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'apply-patch-tool-'));
  cwd = join(root, 'ws');
  await mkdir(cwd);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const FULL: SandboxPolicy = { mode: 'danger-full-access', writableRoots: [], networkAccess: false };
const READ_ONLY: SandboxPolicy = { mode: 'read-only', writableRoots: [], networkAccess: false };
// /tmp and $TMPDIR excluded: the test directories live there.
const WORKSPACE: SandboxPolicy = {
  mode: 'workspace-write',
  writableRoots: [],
  networkAccess: false,
  excludeSlashTmp: true,
  excludeTmpdirEnvVar: true,
};

async function call(input: string, policy: SandboxPolicy = FULL, turnId = 'turn_1') {
  const events: ToolItemEvent[] = [];
  const tool = applyPatchTool({ cwd, sandboxPolicy: policy, env: {}, now: () => 0 });
  const item: ToolCallItem = {
    type: 'custom_tool_call',
    id: 'ctc_1',
    status: 'completed',
    call_id: 'call_1',
    name: 'apply_patch',
    input,
  } as ToolCallItem;
  const output = (await tool.handle(item, {
    signal: new AbortController().signal,
    turnId,
    emit: (e) => events.push(e),
  })) as ResponseItem & { output: string; id: string; call_id: string };
  return { output, events };
}

const exists = (path: string) =>
  readFile(path).then(
    () => true,
    () => false,
  );

describe('applyPatchTool', () => {
  it('answers a custom_tool_call_output as 0.169.0 and reports a file_change item', async () => {
    const { output, events } = await call('*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch');
    expect(output.type).toBe('custom_tool_call_output');
    expect(output.call_id).toBe('call_1');
    expect(output.id).toMatch(/^ctco_[0-9a-f-]{36}$/);
    expect(output.output).toBe(
      'Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\nA hello.txt\n',
    );
    const changes = [{ path: join(cwd, 'hello.txt'), kind: 'add' }];
    expect(events).toEqual([
      { phase: 'started', key: 'call_1', item: { type: 'file_change', changes, status: 'in_progress' } },
      {
        phase: 'completed',
        key: 'call_1',
        item: { type: 'file_change', changes, status: 'completed' },
        diff: expect.stringMatching(
          /^diff --git a\/hello\.txt b\/hello\.txt\nnew file mode 100644\n[\s\S]*\n\+hello\n$/,
        ),
      },
    ]);
    expect(await readFile(join(cwd, 'hello.txt'), 'utf8')).toBe('hello\n');
  });

  it('reports a write failure as exit code 1 and a failed item', async () => {
    await writeFile(join(cwd, 'mod.txt'), 'x\n');
    const { output, events } = await call(
      '*** Begin Patch\n*** Add File: mod.txt/child.txt\n+x\n*** End Patch',
    );
    expect(output.output).toBe(
      `Exit code: 1\nWall time: 0 seconds\nOutput:\nFailed to write file ${join(cwd, 'mod.txt/child.txt')}\n`,
    );
    expect(events.map((e) => [e.phase, (e.item as { status: string }).status])).toEqual([
      ['started', 'in_progress'],
      ['completed', 'failed'],
    ]);
  });

  it('answers verification failures without an item', async () => {
    const cases: [string, string][] = [
      [
        'bad patch',
        "apply_patch verification failed: invalid patch: The first line of the patch must be '*** Begin Patch'",
      ],
      [
        '*** Begin Patch\n*** Update File: missing.txt\n@@\n-a\n+b\n*** End Patch',
        `apply_patch verification failed: Failed to read file to update ${join(cwd, 'missing.txt')}: No such file or directory (os error 2)`,
      ],
      ['*** Begin Patch\n*** End Patch', 'patch rejected: empty patch'],
    ];
    for (const [input, text] of cases) {
      const { output, events } = await call(input);
      expect(output.output).toBe(text);
      expect(events).toEqual([]);
    }
  });

  it('refuses every write under read-only', async () => {
    const { output, events } = await call(
      '*** Begin Patch\n*** Add File: a.txt\n+a\n*** End Patch',
      READ_ONLY,
    );
    expect(output.output).toBe(
      'patch rejected: writing is blocked by read-only sandbox; rejected by user approval settings',
    );
    expect(events).toEqual([]);
    expect(await exists(join(cwd, 'a.txt'))).toBe(false);
  });

  it('under workspace-write writes inside the workspace only (not .git, not through a symlink to elsewhere)', async () => {
    const outside = 'patch rejected: writing outside of the project; rejected by user approval settings';
    const inside = await call('*** Begin Patch\n*** Add File: in.txt\n+a\n*** End Patch', WORKSPACE);
    expect(inside.output.output).toContain('Success. Updated the following files:\nA in.txt\n');

    await mkdir(join(cwd, '.git'));
    await mkdir(join(root, 'elsewhere'));
    await symlink(join(root, 'elsewhere'), join(cwd, 'link'));
    await writeFile(join(cwd, 'src.txt'), 'a\n');
    for (const input of [
      `*** Begin Patch\n*** Add File: ${join(root, 'out.txt')}\n+a\n*** End Patch`,
      '*** Begin Patch\n*** Add File: ../out.txt\n+a\n*** End Patch',
      '*** Begin Patch\n*** Add File: .git/config\n+a\n*** End Patch',
      '*** Begin Patch\n*** Update File: src.txt\n*** Move to: ../moved.txt\n@@\n-a\n+b\n*** End Patch',
    ]) {
      const { output, events } = await call(input, WORKSPACE);
      expect(output.output, input).toBe(outside);
      expect(events).toEqual([]);
    }
    // As 0.169.0: the approval check passes (paths as written), the sandbox then blocks the write.
    const viaLink = await call('*** Begin Patch\n*** Add File: link/x.txt\n+a\n*** End Patch', WORKSPACE);
    expect(viaLink.output.output).toBe(
      `Exit code: 1\nWall time: 0 seconds\nOutput:\nFailed to write file ${join(cwd, 'link/x.txt')}\n`,
    );
    expect(viaLink.events.map((e) => (e.item as { status: string }).status)).toEqual([
      'in_progress',
      'failed',
    ]);
    expect(await exists(join(root, 'out.txt'))).toBe(false);
    expect(await exists(join(root, 'elsewhere', 'x.txt'))).toBe(false);
    expect(await readFile(join(cwd, 'src.txt'), 'utf8')).toBe('a\n');

    const extra = await call(
      `*** Begin Patch\n*** Add File: ${join(root, 'elsewhere', 'y.txt')}\n+a\n*** End Patch`,
      {
        ...WORKSPACE,
        writableRoots: [join(root, 'elsewhere')],
      },
    );
    expect(extra.output.output).toContain(`A ${join(root, 'elsewhere', 'y.txt')}\n`);
  });

  it('under workspace-write refuses .git, .agents, .codex and .aws of a root, existing or not (as 0.169.0)', async () => {
    const outside = 'patch rejected: writing outside of the project; rejected by user approval settings';
    await mkdir(join(cwd, '.aws'));
    for (const path of ['.aws/credentials', '.codex/x.txt', '.git/x.txt', '.agents/x.txt']) {
      const { output, events } = await call(
        `*** Begin Patch\n*** Add File: ${path}\n+a\n*** End Patch`,
        WORKSPACE,
      );
      expect(output.output, path).toBe(outside);
      expect(events).toEqual([]);
      expect(await exists(join(cwd, path))).toBe(false);
    }
    // Only a root's own: a nested `.aws` is an ordinary folder.
    const nested = await call('*** Begin Patch\n*** Add File: sub/.aws/y.txt\n+a\n*** End Patch', WORKSPACE);
    expect(nested.output.output).toContain('A sub/.aws/y.txt\n');
  });

  it('answers a function_call with `aborted`, as 0.169.0 does for its freeform tool', async () => {
    const tool = applyPatchTool({ cwd, sandboxPolicy: FULL });
    const output = await tool.handle(
      {
        type: 'function_call',
        name: 'apply_patch',
        call_id: 'call_f',
        arguments: JSON.stringify({ input: '*** Begin Patch\n*** Add File: f.txt\n+x\n*** End Patch\n' }),
      } as ToolCallItem,
      { signal: new AbortController().signal, turnId: 't', emit: () => undefined },
    );
    expect(output).toMatchObject({ type: 'function_call_output', call_id: 'call_f', output: 'aborted' });
    expect(await exists(join(cwd, 'f.txt'))).toBe(false);
  });

  it('sends the tool definition 0.169.0 sends', () => {
    const spec = applyPatchTool({ cwd, sandboxPolicy: FULL }).spec;
    expect(JSON.stringify(spec)).toBe(
      '{"type":"custom","name":"apply_patch","description":"The `apply_patch` tool can be used to edit files. This is a FREEFORM tool, so do not wrap the patch in JSON.","format":{"type":"grammar","syntax":"lark","definition":"start: begin_patch hunk+ end_patch\\nbegin_patch: \\"*** Begin Patch\\" LF\\nend_patch: \\"*** End Patch\\" LF?\\n\\nhunk: add_hunk | delete_hunk | update_hunk\\nadd_hunk: \\"*** Add File: \\" filename LF add_line+\\ndelete_hunk: \\"*** Delete File: \\" filename LF\\nupdate_hunk: \\"*** Update File: \\" filename LF change_move? change?\\n\\nfilename: /(.+)/\\nadd_line: \\"+\\" /(.*)/ LF -> line\\n\\nchange_move: \\"*** Move to: \\" filename LF\\nchange: (change_context | change_line)+ eof_line?\\nchange_context: (\\"@@\\" | \\"@@ \\" /(.+)/) LF\\nchange_line: (\\"+\\" | \\"-\\" | \\" \\") /(.*)/ LF\\neof_line: \\"*** End of File\\" LF\\n\\n%import common.LF\\n"}}',
    );
  });
});
