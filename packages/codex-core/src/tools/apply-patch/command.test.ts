import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxPolicy } from '../../sandbox/sandbox.js';
import type { ToolItemEvent } from '../tool-handler.js';
import { parseApplyPatchCommand, runApplyPatchCommand } from './command.js';

const FULL: SandboxPolicy = { mode: 'danger-full-access', writableRoots: [], networkAccess: false };
const PATCH = '*** Begin Patch\n*** Add File: hd.txt\n+hd\n*** End Patch';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'apply-patch-cmd-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function run(script: string, policy: SandboxPolicy = FULL) {
  const events: ToolItemEvent[] = [];
  const text = await runApplyPatchCommand(
    script,
    { cwd, sandboxPolicy: policy, env: {}, now: () => 0 },
    { signal: new AbortController().signal, turnId: 't', emit: (e) => events.push(e) },
    'call_1',
  );
  return { text, events };
}

describe('apply_patch inside exec_command (outputs observed from codex-cli 0.169.0)', () => {
  it('recognises the heredoc forms and nothing else', () => {
    expect(parseApplyPatchCommand(`apply_patch <<'EOF'\n${PATCH}\nEOF\n`)).toEqual({
      kind: 'heredoc',
      body: PATCH,
      workdir: undefined,
    });
    expect(parseApplyPatchCommand(`cd "sub dir" && applypatch <<PATCH\n${PATCH}\nPATCH`)).toMatchObject({
      workdir: 'sub dir',
    });
    expect(parseApplyPatchCommand(`  apply_patch <<"EOF"\n${PATCH}\nEOF\n\n`)).toMatchObject({
      kind: 'heredoc',
    });
    expect(parseApplyPatchCommand(PATCH)).toEqual({ kind: 'implicit' });
    expect(parseApplyPatchCommand(`apply_patch <<'EOF'\n${PATCH}\nEOF\necho done`)).toBeUndefined();
    expect(parseApplyPatchCommand(`apply_patch '${PATCH}'`)).toBeUndefined();
    expect(parseApplyPatchCommand('echo hi')).toBeUndefined();
    expect(parseApplyPatchCommand(`apply_patch <<'EOF'\n${PATCH}\n`)).toBeUndefined();
  });

  it('applies a heredoc patch (in the cd directory) and wraps the tool output', async () => {
    await mkdir(join(cwd, 'sub'));
    const { text, events } = await run(`cd sub && apply_patch <<'EOF'\n${PATCH}\nEOF\n`);
    expect(text).toBe(
      'Wall time: 0.0000 seconds\nOutput:\nExit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\nA hd.txt\n',
    );
    expect(await readFile(join(cwd, 'sub', 'hd.txt'), 'utf8')).toBe('hd\n');
    expect(events.map((e) => [e.phase, e.key, e.item.type])).toEqual([
      ['started', 'call_1', 'file_change'],
      ['completed', 'call_1', 'file_change'],
    ]);
  });

  it('answers verification failures, a bare patch and refusals without the wrapper', async () => {
    expect((await run(`apply_patch <<'EOF'\nbad\nEOF\n`)).text).toBe(
      "apply_patch verification failed: invalid patch: The first line of the patch must be '*** Begin Patch'",
    );
    expect(
      (
        await run(
          `apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: nope.txt\n@@\n-a\n+b\n*** End Patch\nEOF\n`,
        )
      ).text,
    ).toBe(
      `apply_patch verification failed: Failed to read file to update ${join(cwd, 'nope.txt')}: No such file or directory (os error 2)`,
    );
    expect((await run(PATCH)).text).toBe(
      'apply_patch verification failed: patch detected without explicit call to apply_patch. Rerun as ["apply_patch", "<patch>"]',
    );
    const readOnly = await run(`apply_patch <<'EOF'\n${PATCH}\nEOF\n`, { ...FULL, mode: 'read-only' });
    expect(readOnly.text).toBe(
      'patch rejected: writing is blocked by read-only sandbox; rejected by user approval settings',
    );
    expect(readOnly.events).toEqual([]);
    expect((await run('echo hi')).text).toBeUndefined();
  });

  it('workspace-write: `cd <dir> &&` moves where paths resolve, not the workspace (0.169.0 refuses outside)', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'apply-patch-outside-'));
    try {
      const policy: SandboxPolicy = {
        mode: 'workspace-write',
        writableRoots: [],
        networkAccess: false,
        excludeSlashTmp: true,
        excludeTmpdirEnvVar: true,
      };
      const escaped = await run(`cd ${outside} && apply_patch <<'EOF'\n${PATCH}\nEOF\n`, policy);
      expect(escaped.text).toBe(
        'patch rejected: writing outside of the project; rejected by user approval settings',
      );
      expect(escaped.events).toEqual([]);
      await expect(readFile(join(outside, 'hd.txt'), 'utf8')).rejects.toThrow();
      await mkdir(join(cwd, 'sub'));
      expect((await run(`cd sub && apply_patch <<'EOF'\n${PATCH}\nEOF\n`, policy)).text).toContain(
        'Success.',
      );
      expect(await readFile(join(cwd, 'sub', 'hd.txt'), 'utf8')).toBe('hd\n');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
