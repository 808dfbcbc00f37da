// exec_command / write_stdin against real processes (observed-cli-0.169-auth §14; the texts were
// captured from codex-cli 0.169.0 runs of the same commands).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResponseItem, ToolCallItem } from '@codex-ts/protocol';
import { describe, expect, it } from 'vitest';
import { type CommandSandbox, createCommandSandbox } from '../../sandbox/sandbox.js';
import { FULL_ACCESS_SANDBOX, useExecToolKit } from '../../test/exec-kit.js';
import { processGone } from '../../test/processes.js';
import { sandboxSkipReason } from '../../test/sandbox-skip.js';
import type { ToolContext, ToolItemEvent } from '../tool-handler.js';
import { createExecTools, type ExecTools } from './exec-tools.js';

const { tempDir, track } = useExecToolKit('codex-exec-tool-');

// HOME is a fresh folder so that the login shell (`bash -l`) reads no user profile: fast, and no
// profile hook (such as a `pyenv rehash` lock) can stall or be cut off by a kill.
function tools(sandbox: CommandSandbox = FULL_ACCESS_SANDBOX, cwd = tempDir()): ExecTools {
  const env = { ...process.env, HOME: tempDir() };
  const set = createExecTools({ sandbox, cwd, env, defaultShell: '/bin/bash', threadId: 'thread-1' });
  return track(set);
}

let callNumber = 0;
function call(name: string, args: Record<string, unknown>): ToolCallItem {
  callNumber += 1;
  return {
    type: 'function_call',
    id: `fc_${callNumber}`,
    name,
    arguments: JSON.stringify(args),
    call_id: `call_${callNumber}`,
  } as ToolCallItem;
}

function context(signal = new AbortController().signal): ToolContext & { events: ToolItemEvent[] } {
  const events: ToolItemEvent[] = [];
  return { signal, turnId: 'turn-1', emit: (e) => events.push(e), events };
}

function outputText(item: ResponseItem): string {
  expect(item).toMatchObject({
    type: 'function_call_output',
    id: expect.stringMatching(/^fco_[0-9a-f-]{36}$/),
  });
  return (item as { output: string }).output;
}

const HEADER = /^Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\n/;

describe('exec_command', () => {
  it('runs /bin/bash -lc <cmd>, answers in the original format and reports started/completed items', async () => {
    const cwd = tempDir();
    const t = tools(FULL_ACCESS_SANDBOX, cwd);
    const ctx = context();
    const c = call('exec_command', { cmd: 'echo hi' });
    const text = outputText(await t.execCommand.handle(c, ctx));
    expect(text).toMatch(HEADER);
    expect(text.replace(HEADER, '')).toBe(
      'Process exited with code 0\nOriginal token count: 1\nOutput:\nhi\n',
    );
    expect(ctx.events).toEqual([
      {
        phase: 'started',
        key: c.call_id,
        item: {
          type: 'command_execution',
          command: "/bin/bash -lc 'echo hi'",
          aggregated_output: '',
          exit_code: null,
          status: 'in_progress',
        },
        cwd: cwd,
      },
      {
        phase: 'completed',
        key: c.call_id,
        item: {
          type: 'command_execution',
          command: "/bin/bash -lc 'echo hi'",
          aggregated_output: 'hi\n',
          exit_code: 0,
          status: 'completed',
        },
      },
    ]);
  });

  it('merges stderr, reports the exit code and marks a non-zero exit failed', async () => {
    const ctx = context();
    const text = outputText(
      await tools().execCommand.handle(call('exec_command', { cmd: 'echo oops >&2; exit 3' }), ctx),
    );
    expect(text.replace(HEADER, '')).toBe(
      'Process exited with code 3\nOriginal token count: 2\nOutput:\noops\n',
    );
    expect(ctx.events.at(-1)?.item).toEqual({
      type: 'command_execution',
      command: "/bin/bash -lc 'echo oops >&2; exit 3'",
      aggregated_output: 'oops\n',
      exit_code: 3,
      status: 'failed',
    });
  });

  it('honours workdir, shell and login, and exports the exec environment', async () => {
    const cwd = tempDir();
    const ctx = context();
    const c = call('exec_command', {
      cmd: 'pwd; echo "$TERM $NO_COLOR $PAGER $CODEX_THREAD_ID $CODEX_TOOL_CALL_ID"; ls -l /proc/self/fd/0',
      workdir: 'sub/..',
      login: false,
      shell: '/bin/bash',
    });
    const text = outputText(await tools(FULL_ACCESS_SANDBOX, cwd).execCommand.handle(c, ctx));
    expect(text).toContain(`Output:\n${cwd}\ndumb 1 cat thread-1 ${c.call_id}\n`);
    expect(text).toContain('-> /dev/null');
    expect(ctx.events[0]?.item).toMatchObject({ command: expect.stringMatching(/^\/bin\/bash -c '/) });
  });

  it('truncates the output to max_output_tokens as the original (head and tail, token marker)', async () => {
    const text = outputText(
      await tools().execCommand.handle(
        call('exec_command', { cmd: 'seq 1 3000', max_output_tokens: 50 }),
        context(),
      ),
    );
    const lines = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => `${from + i}\n`).join('');
    // Captured from codex-cli 0.169.0 for the same call.
    const expected =
      'Process exited with code 0\nOriginal token count: 3474\nOutput:\n' +
      'Warning: truncated output (original token count: 3474)\nTotal output lines: 3000\n\n' +
      `${lines(1, 36)}3…3424 tokens truncated…${lines(2981, 3000)}`;
    expect(text.replace(HEADER, '')).toBe(expected);
  });

  it('answers with a session id when the command outlives yield_time_ms; write_stdin polls it to the end', async () => {
    const t = tools();
    const ctx = context();
    const c = call('exec_command', { cmd: 'echo start; sleep 1; echo end', yield_time_ms: 250 });
    const first = outputText(await t.execCommand.handle(c, ctx));
    const match = /^Process running with session ID (\d+)\nOriginal token count: 2\nOutput:\nstart\n$/.exec(
      first.replace(HEADER, ''),
    );
    expect(match).not.toBeNull();
    const sessionId = Number(match?.[1]);
    expect(sessionId).toBeGreaterThanOrEqual(1000);
    expect(ctx.events.map((e) => e.phase)).toEqual(['started']);

    const pollCtx = context();
    const polled = outputText(
      await t.writeStdin.handle(call('write_stdin', { session_id: sessionId }), pollCtx),
    );
    expect(polled.replace(HEADER, '')).toBe(
      'Process exited with code 0\nOriginal token count: 1\nOutput:\nend\n',
    );
    // The exec_command item is completed (same key) with everything the command printed.
    expect(pollCtx.events).toEqual([
      {
        phase: 'completed',
        key: c.call_id,
        item: expect.objectContaining({
          aggregated_output: 'start\nend\n',
          exit_code: 0,
          status: 'completed',
        }),
      },
    ]);
    // The process is gone from the store.
    const again = outputText(
      await t.writeStdin.handle(call('write_stdin', { session_id: sessionId }), context()),
    );
    expect(again).toBe(`write_stdin failed: Unknown process id ${sessionId}`);
  });

  it('write_stdin: stdin is closed without tty; with tty: true the characters reach the command', async () => {
    const t = tools();
    const noTty = outputText(
      await t.execCommand.handle(call('exec_command', { cmd: 'sleep 5', yield_time_ms: 250 }), context()),
    );
    const id = Number(/session ID (\d+)/.exec(noTty)?.[1]);
    expect(
      outputText(await t.writeStdin.handle(call('write_stdin', { session_id: id, chars: 'x\n' }), context())),
    ).toBe(
      'write_stdin failed: stdin is closed for this session; rerun exec_command with tty=true to keep stdin open',
    );

    const tty = outputText(
      await t.execCommand.handle(
        call('exec_command', { cmd: 'read x; echo "got $x"', tty: true, yield_time_ms: 250 }),
        context(),
      ),
    );
    const ttyId = Number(/session ID (\d+)/.exec(tty)?.[1]);
    const answer = outputText(
      await t.writeStdin.handle(
        call('write_stdin', { session_id: ttyId, chars: 'abc\n', yield_time_ms: 3000 }),
        context(),
      ),
    );
    expect(answer.replace(HEADER, '')).toBe(
      'Process exited with code 0\nOriginal token count: 2\nOutput:\ngot abc\n',
    );
  });

  it('a turn abort kills the whole process group and rejects the call', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'pid');
    const controller = new AbortController();
    const pending = tools().execCommand.handle(
      call('exec_command', { cmd: `sleep 30 & echo $! > ${pidFile}; wait`, yield_time_ms: 30_000 }),
      context(controller.signal),
    );
    for (let i = 0; i < 200 && !(existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim()); i++)
      await new Promise((r) => setTimeout(r, 25));
    const grandchild = Number(readFileSync(pidFile, 'utf8').trim());
    expect(grandchild).toBeGreaterThan(0);
    controller.abort(new Error('turn aborted'));
    await expect(pending).rejects.toThrow('turn aborted');
    expect(await processGone(grandchild)).toBe(true);
  });

  it('a refused command never runs: exit code 101 (0.169.0) with the refusal text, no item', async () => {
    const dir = tempDir();
    const refusing: CommandSandbox = {
      tag: 'seccomp',
      policy: { mode: 'read-only', writableRoots: [], networkAccess: false },
      prepare: async () => ({ kind: 'refused', message: 'sandbox unavailable: bwrap not found' }),
    };
    const ctx = context();
    const text = outputText(
      await tools(refusing, dir).execCommand.handle(call('exec_command', { cmd: `touch ${dir}/ran` }), ctx),
    );
    expect(text.replace(HEADER, '')).toBe(
      'Process exited with code 101\nOriginal token count: 10\nOutput:\nsandbox unavailable: bwrap not found\n',
    );
    expect(ctx.events).toEqual([]);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('a sandboxed command failing like a sandbox denial reports no item; other sandboxed commands do', async () => {
    // A stand-in sandbox: runs the command itself, as "sandboxed", turning writes into EROFS.
    const fakeSandbox: CommandSandbox = {
      tag: 'seccomp',
      policy: { mode: 'read-only', writableRoots: [], networkAccess: false },
      prepare: async (argv, o) => ({
        kind: 'run',
        argv: (argv[2] ?? '').startsWith('write')
          ? ['/bin/sh', '-c', 'echo "/bin/bash: line 1: f.txt: Read-only file system" >&2; exit 1']
          : [...argv],
        cwd: o.cwd,
        env: o.env,
        sandboxed: true,
      }),
    };
    const t = tools(fakeSandbox);
    const denied = context();
    const text = outputText(await t.execCommand.handle(call('exec_command', { cmd: 'write f.txt' }), denied));
    expect(text).toContain('Process exited with code 1\n');
    expect(text).toContain('Read-only file system\n');
    expect(denied.events).toEqual([]);

    const ok = context();
    await t.execCommand.handle(call('exec_command', { cmd: 'echo fine; exit 4' }), ok);
    expect(ok.events.map((e) => [e.phase, e.item.type])).toEqual([
      ['started', 'command_execution'],
      ['completed', 'command_execution'],
    ]);
  });

  it.each(['require_escalated', 'with_additional_permissions'])(
    'rejects sandbox_permissions %s under approval policy never, as codex exec 0.169.0 (which always uses never)',
    async (permissions) => {
      const dir = tempDir();
      const ctx = context();
      const text = outputText(
        await tools(FULL_ACCESS_SANDBOX, dir).execCommand.handle(
          call('exec_command', {
            cmd: `touch ${dir}/ran`,
            sandbox_permissions: permissions,
            justification: 'x',
          }),
          ctx,
        ),
      );
      expect(text).toBe(
        'approval policy is Never; reject command \u2014 you cannot ask for escalated permissions if the approval policy is Never',
      );
      expect(ctx.events).toEqual([]);
      expect(existsSync(join(dir, 'ran'))).toBe(false);
    },
  );

  it('an unknown sandbox_permissions value fails the argument parsing with the original text; use_default runs', async () => {
    const dir = tempDir();
    const t = tools(FULL_ACCESS_SANDBOX, dir);
    // Captured from codex-cli 0.169.0 for the same arguments.
    const bogus = {
      ...call('exec_command', {}),
      arguments: '{"cmd":"echo hi","sandbox_permissions":"bogus"}',
    };
    expect(outputText(await t.execCommand.handle(bogus as ToolCallItem, context()))).toBe(
      'failed to parse function arguments: unknown variant `bogus`, expected one of `use_default`, `require_escalated`, `with_additional_permissions` at line 1 column 46',
    );
    const multiline = {
      ...call('exec_command', {}),
      arguments: '{\n  "cmd": "echo hi",\n  "sandbox_permissions": "nope"\n}',
    };
    expect(outputText(await t.execCommand.handle(multiline as ToolCallItem, context()))).toMatch(
      /unknown variant `nope`, .* at line 3 column 31$/,
    );
    const ctx = context();
    const text = outputText(
      await t.execCommand.handle(
        call('exec_command', { cmd: `touch ${dir}/ran`, sandbox_permissions: 'use_default' }),
        ctx,
      ),
    );
    expect(text).toContain('Process exited with code 0\n');
    expect(existsSync(join(dir, 'ran'))).toBe(true);
  });

  it('a workdir that does not exist fails the item with exit code -1 and the original texts', async () => {
    const ctx = context();
    const text = outputText(
      await tools().execCommand.handle(
        call('exec_command', { cmd: 'echo x', workdir: '/nonexistent/dir' }),
        ctx,
      ),
    );
    // Captured from codex-cli 0.169.0 for the same call.
    expect(text).toBe(
      'exec_command failed: CreateProcess { message: "Rejected(\\"Failed to create unified exec process: No such file or directory (os error 2)\\")" }',
    );
    expect(ctx.events.map((e) => [e.phase, e.item])).toEqual([
      ['started', expect.objectContaining({ status: 'in_progress' })],
      [
        'completed',
        {
          type: 'command_execution',
          command: "/bin/bash -lc 'echo x'",
          aggregated_output: 'Failed to create unified exec process: No such file or directory (os error 2)',
          exit_code: -1,
          status: 'failed',
        },
      ],
    ]);
  });

  it('answers bad arguments without running anything', async () => {
    const bad = { ...call('exec_command', {}), arguments: '{"cmd":' } as ToolCallItem;
    expect(outputText(await tools().execCommand.handle(bad, context()))).toMatch(
      /^failed to parse function arguments: /,
    );
  });
});

const skipReason = await sandboxSkipReason();
if (skipReason !== undefined) console.warn(`exec-tools.test.ts: bubblewrap tests SKIPPED: ${skipReason}`);

describe('exec_command under the real sandbox', () => {
  it('without bubblewrap: refused with the sandbox message and exit code 101, nothing run, no item', async () => {
    const dir = tempDir();
    const sandbox = createCommandSandbox(
      { mode: 'read-only', writableRoots: [], networkAccess: false },
      { cwd: dir, detectionEnv: { PATH: tempDir() }, platform: 'linux' },
    );
    const ctx = context();
    const text = outputText(
      await tools(sandbox, dir).execCommand.handle(call('exec_command', { cmd: `touch ${dir}/ran` }), ctx),
    );
    expect(text.replace(HEADER, '')).toBe(
      'Process exited with code 101\nOriginal token count: 16\nOutput:\nbubblewrap is unavailable: no system bwrap was found on PATH\n',
    );
    expect(ctx.events).toEqual([]);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it.skipIf(skipReason !== undefined)(
    'workspace-write: the command writes in the session cwd; the mount points bubblewrap made there are gone when it answers',
    async () => {
      const dir = tempDir();
      const sandbox = createCommandSandbox(
        { mode: 'workspace-write', writableRoots: [], networkAccess: false },
        { cwd: dir },
      );
      const t = tools(sandbox, dir);
      const ctx = context();
      const text = outputText(
        await t.execCommand.handle(
          call('exec_command', { cmd: 'echo x > f; ls -a .git >/dev/null && echo seen' }),
          ctx,
        ),
      );
      expect(text).toContain('Process exited with code 0\n');
      expect(text).toContain('seen\n');
      expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('x\n');
      for (const name of ['.git', '.agents', '.codex', '.aws'])
        expect(existsSync(join(dir, name))).toBe(false);

      // The same for a command that outlives its first answer and is finished through write_stdin.
      const long = outputText(
        await t.execCommand.handle(
          call('exec_command', { cmd: 'sleep 0.5; echo y > g', yield_time_ms: 250 }),
          context(),
        ),
      );
      const id = Number(/session ID (\d+)/.exec(long)?.[1]);
      expect(id).toBeGreaterThan(0);
      const end = outputText(
        await t.writeStdin.handle(call('write_stdin', { session_id: id, yield_time_ms: 10_000 }), context()),
      );
      expect(end).toContain('Process exited with code 0\n');
      expect(readFileSync(join(dir, 'g'), 'utf8')).toBe('y\n');
      for (const name of ['.git', '.agents', '.codex', '.aws'])
        expect(existsSync(join(dir, name))).toBe(false);
    },
  );
});
