import type { ToolCallItem } from '@codex-ts/protocol';
import { describe, expect, it } from 'vitest';
import type { CommandSandbox } from '../../sandbox/sandbox.js';
import { FULL_ACCESS_SANDBOX, useExecToolKit } from '../../test/exec-kit.js';
import type { ToolCallTelemetry, ToolContext } from '../tool-handler.js';
import { createExecTools, type ExecTools } from './exec-tools.js';

const { tempDir, track } = useExecToolKit('codex-exec-telemetry-');

function tools(sandbox: CommandSandbox): ExecTools {
  const env = { ...process.env, HOME: tempDir() };
  const set = createExecTools({ sandbox, cwd: tempDir(), env, defaultShell: '/bin/bash', threadId: 't-1' });
  return track(set);
}

function call(args: Record<string, unknown> | string): ToolCallItem {
  return {
    type: 'function_call',
    id: 'fc_1',
    name: 'exec_command',
    arguments: typeof args === 'string' ? args : JSON.stringify(args),
    call_id: 'call_1',
  } as ToolCallItem;
}

/** A context whose telemetry records every report as a string. */
function context(): ToolContext & { reports: string[] } {
  const reports: string[] = [];
  const telemetry: ToolCallTelemetry = {
    decision: (decision, source) => reports.push(`decision ${decision} ${source}`),
    metricTags: (tags) => reports.push(`tags ${JSON.stringify(tags)}`),
    failed: () => reports.push('failed'),
    sandboxOutcome: (outcome, ms) => reports.push(`sandbox ${outcome} ${ms >= 0 ? 'ms' : 'negative'}`),
  };
  return { signal: new AbortController().signal, turnId: 'turn-1', emit: () => {}, telemetry, reports };
}

const TAGS = 'tags {"command_category":"unknown","shell_snapshot_mode":"v1"}';

describe('exec_command telemetry', () => {
  it('a command that starts: its tags, then approved / Config; nothing else, even for a non-zero exit', async () => {
    const ctx = context();
    await tools(FULL_ACCESS_SANDBOX).execCommand.handle(call({ cmd: 'exit 3', login: false }), ctx);
    expect(ctx.reports).toEqual([TAGS, 'decision approved Config']);
  });

  it('a refused escalation or unparsable arguments: failed, no decision', async () => {
    const t = tools(FULL_ACCESS_SANDBOX);
    const refused = context();
    await t.execCommand.handle(call({ cmd: 'echo hi', sandbox_permissions: 'require_escalated' }), refused);
    expect(refused.reports).toEqual([TAGS, 'failed']);
    const bad = context();
    await t.execCommand.handle(call('{"cmd": 1}'), bad);
    expect(bad.reports).toEqual([TAGS, 'failed']);
  });

  it('a command the sandbox denies: approved, then the sandbox outcome denied', async () => {
    // A stand-in sandbox: "sandboxed", and the command fails at once as a read-only filesystem would.
    const denying: CommandSandbox = {
      tag: 'seccomp',
      policy: { mode: 'read-only', writableRoots: [], networkAccess: false },
      prepare: async (_argv, o) => ({
        kind: 'run',
        argv: ['/bin/sh', '-c', 'echo "touch: cannot touch \'f\': Read-only file system" >&2; exit 1'],
        cwd: o.cwd,
        env: o.env,
        sandboxed: true,
      }),
    };
    const ctx = context();
    await tools(denying).execCommand.handle(call({ cmd: 'touch f' }), ctx);
    expect(ctx.reports).toEqual([TAGS, 'decision approved Config', 'sandbox denied ms']);
  });
});
