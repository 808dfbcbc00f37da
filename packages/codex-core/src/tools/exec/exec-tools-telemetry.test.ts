// What exec_command reports to `ToolContext.telemetry` (the turn loop turns it into
// `codex.tool_decision`, `codex.sandbox_outcome` and the `codex.tool.call` tags / success), as the
// 0.169.0 tool-call captures of 2026-12-04 showed: a decision only for a command that starts, no
// decision and a failure for a refused escalation or unparsable arguments, a sandbox outcome only
// for a denied command.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ToolCallItem } from '@codex-ts/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type CommandSandbox, createCommandSandbox } from '../../sandbox/sandbox.js';
import type { ToolCallTelemetry, ToolContext } from '../tool-handler.js';
import { createExecTools, type ExecTools } from './exec-tools.js';

const FULL_ACCESS = createCommandSandbox({
  mode: 'danger-full-access',
  writableRoots: [],
  networkAccess: false,
});
const dirs: string[] = [];
const toolSets: ExecTools[] = [];
afterEach(() => {
  for (const t of toolSets.splice(0)) t.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'codex-exec-telemetry-'));
  dirs.push(dir);
  return dir;
}

function tools(sandbox: CommandSandbox): ExecTools {
  const env = { ...process.env, HOME: tempDir() };
  const set = createExecTools({ sandbox, cwd: tempDir(), env, defaultShell: '/bin/bash', threadId: 't-1' });
  toolSets.push(set);
  return set;
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
    await tools(FULL_ACCESS).execCommand.handle(call({ cmd: 'exit 3', login: false }), ctx);
    expect(ctx.reports).toEqual([TAGS, 'decision approved Config']);
  });

  it('a refused escalation or unparsable arguments: failed, no decision', async () => {
    const t = tools(FULL_ACCESS);
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
