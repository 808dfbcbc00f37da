// exec_command given an `apply_patch` script: applied in-process, never run by the shell (texts and
// items as codex-cli 0.169.0 printed them for the same calls).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolCallItem } from '@codex-ts/protocol';
import { describe, expect, it } from 'vitest';
import { type CommandSandbox, createCommandSandbox, type SandboxPolicy } from '../../sandbox/sandbox.js';
import { useExecToolKit } from '../../test/exec-kit.js';
import type { ToolItemEvent } from '../tool-handler.js';
import { createExecTools } from './exec-tools.js';

const { tempDir, track } = useExecToolKit('codex-exec-patch-');

/** A sandbox of `policy` that refuses to launch anything: an intercepted patch must not reach it. */
function noLaunch(policy: SandboxPolicy): CommandSandbox {
  return {
    ...createCommandSandbox(policy),
    prepare: async () => ({ kind: 'refused', message: 'launched' }),
  };
}

async function execCommand(sandbox: CommandSandbox, cwd: string, args: Record<string, unknown>) {
  const set = createExecTools({
    sandbox,
    cwd,
    env: { ...process.env, HOME: tempDir() },
    defaultShell: '/bin/bash',
  });
  track(set);
  const events: ToolItemEvent[] = [];
  const call = {
    type: 'function_call',
    id: 'fc_1',
    name: 'exec_command',
    arguments: JSON.stringify(args),
    call_id: 'call_1',
  } as ToolCallItem;
  const item = await set.execCommand.handle(call, {
    signal: new AbortController().signal,
    turnId: 'turn-1',
    emit: (e) => events.push(e),
  });
  return { output: (item as { output: string }).output, events };
}

const PATCH = '*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch';
const FULL: SandboxPolicy = { mode: 'danger-full-access', writableRoots: [], networkAccess: false };
// /tmp and $TMPDIR excluded, so that a sibling temp folder is outside the workspace.
const WORKSPACE: SandboxPolicy = {
  mode: 'workspace-write',
  writableRoots: [],
  networkAccess: false,
  excludeSlashTmp: true,
  excludeTmpdirEnvVar: true,
};

describe('exec_command: apply_patch scripts', () => {
  it("applies `apply_patch <<'EOF'` in-process: a file_change item and the wrapped tool output", async () => {
    const cwd = tempDir();
    const { output, events } = await execCommand(noLaunch(FULL), cwd, {
      cmd: `apply_patch <<'EOF'\n${PATCH}\nEOF`,
    });
    expect(output).toMatch(
      /^Wall time: 0\.0000 seconds\nOutput:\nExit code: 0\nWall time: \d+(\.\d)? seconds\nOutput:\nSuccess\. Updated the following files:\nA hello\.txt\n$/,
    );
    expect(readFileSync(join(cwd, 'hello.txt'), 'utf8')).toBe('hello\n');
    const change = { type: 'file_change', changes: [{ path: join(cwd, 'hello.txt'), kind: 'add' }] };
    expect(events).toEqual([
      { phase: 'started', key: 'call_1', item: { ...change, status: 'in_progress' } },
      {
        phase: 'completed',
        key: 'call_1',
        item: { ...change, status: 'completed' },
        diff: expect.stringContaining('diff --git a/hello.txt b/hello.txt\n'),
      },
    ]);
  });

  it('resolves patch paths in the call workdir', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'sub'));
    const { output } = await execCommand(noLaunch(FULL), cwd, {
      cmd: `apply_patch <<'EOF'\n${PATCH}\nEOF`,
      workdir: 'sub',
    });
    expect(output).toContain('Success.');
    expect(readFileSync(join(cwd, 'sub', 'hello.txt'), 'utf8')).toBe('hello\n');
  });

  it('a bare patch is refused with the original text, nothing run', async () => {
    const { output, events } = await execCommand(noLaunch(FULL), tempDir(), { cmd: PATCH });
    expect(output).toBe(
      'apply_patch verification failed: patch detected without explicit call to apply_patch. Rerun as ["apply_patch", "<patch>"]',
    );
    expect(events).toEqual([]);
  });

  it('workspace-write: `cd <outside> &&` or an outside workdir does not move the workspace', async () => {
    const cwd = tempDir();
    const outside = tempDir();
    const rejected = 'patch rejected: writing outside of the project; rejected by user approval settings';
    const viaCd = await execCommand(noLaunch(WORKSPACE), cwd, {
      cmd: `cd ${outside} && apply_patch <<'EOF'\n${PATCH}\nEOF`,
    });
    expect(viaCd.output).toBe(rejected);
    const viaWorkdir = await execCommand(noLaunch(WORKSPACE), cwd, {
      cmd: `apply_patch <<'EOF'\n${PATCH}\nEOF`,
      workdir: outside,
    });
    expect(viaWorkdir.output).toBe(rejected);
    expect(viaCd.events).toEqual([]);
    expect(viaWorkdir.events).toEqual([]);
    expect(existsSync(join(outside, 'hello.txt'))).toBe(false);
  });
});
