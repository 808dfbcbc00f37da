// What `codex-ts exec --json` exports for tool calls, compared with what 0.169.0 exported for the
// same turns (tool-call OTLP/HTTP JSON captures of 2026-12-04: `exec_command` `echo hi` under the
// default sandbox and with `--dangerously-bypass-approvals-and-sandbox`, an escalation refused under
// approval `never`, `apply_patch` refused by `read-only`, a call to an unknown tool):
// `codex.tool_decision` (log only, `approved` / `Config`, only for a call that runs), the attributes,
// key order and value types of the `codex.tool_result` log record and span event, the tags of
// `codex.tool.call`, and no secret in any exported byte.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxSkipReason } from '@codex-ts/core/test';
import type { OtlpCollected } from '@codex-ts/otlp-receiver';
import {
  completed,
  functionCall,
  outputItemDone,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { helloTurn } from '../test-support/hello-turn.js';
import {
  attributeTypes,
  EXPORTER_HEADER_SECRET,
  exportedBytes,
  otelToml,
  otlpReceiver,
} from '../test-support/otel-exec.js';
import { runCli, tempHomes } from '../test-support/run-cli.js';

const skipReason = await sandboxSkipReason();
if (skipReason !== undefined)
  console.warn(`exec-otel-tools.test.ts: sandbox denial test SKIPPED: ${skipReason}`);

let server: ResponsesServer;
let cwd: string;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
  cwd = mkdtempSync(join(tmpdir(), 'codex-ts-otel-tools-'));
});
afterEach(async () => {
  await server.close();
  rmSync(cwd, { recursive: true, force: true });
});

const PATCH = '*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch\n';
/** A `custom_tool_call` of `apply_patch` adding `hello.txt`. */
const patchCall = (callId: string) =>
  outputItemDone({
    type: 'custom_tool_call',
    id: `ctc_${callId}`,
    call_id: callId,
    name: 'apply_patch',
    input: PATCH,
  });

/** The provider key `runCli` gives the CLI (`LOCAL_API_KEY`). */
const KEY = 'sk-local-test';

/** 0.169.0's `codex.tool_result` log attributes, in export order (between the event name and the common ones). */
const RESULT_LOG_KEYS = [
  'tool_result_seq',
  'tool_name',
  'tool_namespace',
  'call_id',
  'duration_ms',
  'success',
  'output_truncated',
  'agent_name',
  'arguments',
  'output',
  'mcp_server',
  'mcp_server_origin',
];
/** 0.169.0's `codex.tool_result` span event attributes, in export order. */
const RESULT_SPAN_KEYS = [
  'tool_result_seq',
  'tool_name',
  'tool_namespace',
  'call_id',
  'duration_ms',
  'success',
  'output_truncated',
  'arguments_length',
  'output_length',
  'output_line_count',
  'tool_origin',
  'mcp_tool',
];

/** Runs one `exec --json` turn whose first response makes `calls`, with `args`; returns what was exported. */
async function toolTurn(calls: object[], args: string[]): Promise<OtlpCollected> {
  server.pushSteps(
    { kind: 'sse', events: [responseCreated('r0'), ...(calls as never[]), completed('r0')] },
    { kind: 'sse', events: helloTurn() },
  );
  const got = await otlpReceiver('http/json');
  try {
    const home = newHome(server.url, otelToml('http/json', got.endpoint));
    const r = await runCli(['exec', '--json', '--skip-git-repo-check', ...args, 'Run the tools.'], {
      home,
      cwd,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines.at(-1)).toContain('"turn.completed"');
    const bytes = exportedBytes(got);
    expect(bytes).not.toContain(KEY);
    expect(bytes).not.toContain(EXPORTER_HEADER_SECRET);
    expect(r.stdout + r.stderr).not.toContain(EXPORTER_HEADER_SECRET);
    return got;
  } finally {
    await got.close();
  }
}

/** The keys of `attributes` that are in `keys`, in the attributes' order. */
function keysOf(attributes: Record<string, unknown>, keys: readonly string[]): string[] {
  return Object.keys(attributes).filter((k) => keys.includes(k));
}

describe('codex-ts exec: tool-call telemetry as 0.169.0', () => {
  it('calls that run: codex.tool_decision approved/Config before each codex.tool_result; tool.call tags', async () => {
    // The key in the command: the arguments and the output carry it, the export must not.
    const got = await toolTurn(
      [functionCall('call_1', 'exec_command', { cmd: `echo hi ${KEY}` }, 'fc_1'), patchCall('call_2')],
      ['--dangerously-bypass-approvals-and-sandbox'],
    );
    expect(readFileSync(join(cwd, 'hello.txt'), 'utf8')).toBe('hi\n');
    const toolLogs = got
      .logs()
      .filter((l) => l.eventName === 'codex.tool_decision' || l.eventName === 'codex.tool_result')
      .map((l) => `${l.eventName} ${l.attributes.call_id}`);
    expect(toolLogs).toEqual([
      'codex.tool_decision call_1',
      'codex.tool_result call_1',
      'codex.tool_decision call_2',
      'codex.tool_result call_2',
    ]);
    const [decision] = got.logs('codex.tool_decision');
    expect(decision?.attributes).toMatchObject({
      tool_name: 'exec_command',
      tool_namespace: 'functions',
      call_id: 'call_1',
      decision: 'approved',
      source: 'Config',
    });
    expect(
      keysOf(decision!.attributes, ['tool_name', 'tool_namespace', 'call_id', 'decision', 'source']),
    ).toEqual(['tool_name', 'tool_namespace', 'call_id', 'decision', 'source']);
    // Log only: no span carries the decision.
    expect(got.spans().flatMap((s) => s.events.map((e) => e.name))).not.toContain('codex.tool_decision');

    expect(got.logs('codex.tool_decision')[1]?.attributes).toMatchObject({
      tool_name: 'apply_patch',
      decision: 'approved',
      source: 'Config',
    });
    const [result, patched] = got.logs('codex.tool_result');
    expect(patched?.attributes).toMatchObject({
      tool_result_seq: 2,
      tool_name: 'apply_patch',
      success: 'true',
    });
    expect(keysOf(result!.attributes, RESULT_LOG_KEYS)).toEqual(RESULT_LOG_KEYS);
    expect(result?.attributes).toMatchObject({
      tool_result_seq: 1,
      tool_name: 'exec_command',
      tool_namespace: 'functions',
      call_id: 'call_1',
      success: 'true',
      output_truncated: false,
      agent_name: '/root',
      mcp_server: '',
      mcp_server_origin: '',
    });
    expect(
      attributeTypes(result!.attributes, ['tool_result_seq', 'duration_ms', 'output_truncated']),
    ).toEqual({
      tool_result_seq: 'number',
      duration_ms: 'string',
      output_truncated: 'bool',
    });
    expect(result?.attributes.output).toContain('Process exited with code 0');

    const event = got
      .spans()
      .flatMap((s) => s.events)
      .find((e) => e.name === 'codex.tool_result');
    expect(keysOf(event!.attributes, RESULT_SPAN_KEYS)).toEqual(RESULT_SPAN_KEYS);
    expect(event?.attributes).toMatchObject({
      tool_result_seq: '1',
      tool_namespace: 'functions',
      output_truncated: false,
      tool_origin: 'builtin',
      mcp_tool: false,
    });
    expect(event?.attributes.arguments).toBeUndefined();
    expect(event?.attributes.output).toBeUndefined();

    for (const name of ['codex.tool.call', 'codex.tool.call.duration_ms']) {
      const points = got.metrics(name).flatMap((m) => m.points.map((p) => p.attributes));
      expect(
        points.find((a) => a.tool === 'apply_patch'),
        name,
      ).toMatchObject({
        success: 'true',
        sandbox: 'none',
        sandbox_policy: 'danger-full-access',
      });
      expect(points.find((a) => a.tool === 'apply_patch')?.command_category, name).toBeUndefined();
      expect(
        points.find((a) => a.tool === 'exec_command'),
        name,
      ).toMatchObject({
        tool: 'exec_command',
        success: 'true',
        sandbox: 'none',
        sandbox_policy: 'danger-full-access',
        command_category: 'unknown',
        shell_snapshot_mode: 'v1',
      });
    }
  });

  it('refused calls (escalation under never, patch under read-only, unknown tool): no decision, success false', async () => {
    const got = await toolTurn(
      [
        functionCall(
          'call_esc',
          'exec_command',
          { cmd: 'echo hi', sandbox_permissions: 'require_escalated', justification: 'test' },
          'fc_1',
        ),
        patchCall('call_patch'),
        functionCall('call_unknown', 'no_such_tool', {}, 'fc_2'),
      ],
      ['-s', 'read-only'],
    );
    expect(got.logs('codex.tool_decision')).toEqual([]);
    const results = got.logs('codex.tool_result');
    const byCall = Object.fromEntries(results.map((l) => [l.attributes.call_id, l.attributes]));
    expect(Object.keys(byCall).sort()).toEqual(['call_esc', 'call_patch', 'call_unknown']);
    for (const attrs of Object.values(byCall)) {
      expect(attrs).toMatchObject({ success: 'false', tool_namespace: 'functions', output_truncated: false });
    }
    expect(byCall.call_patch?.output).toContain('patch rejected');
    // Numbered per session, from 1.
    expect(results.map((l) => l.attributes.tool_result_seq).sort()).toEqual([1, 2, 3]);

    const points = got.metrics('codex.tool.call').flatMap((m) => m.points.map((p) => p.attributes));
    const tagsOf = (tool: string) => points.find((a) => a.tool === tool);
    expect(tagsOf('exec_command')).toMatchObject({
      success: 'false',
      sandbox: 'seccomp',
      sandbox_policy: 'read-only',
      command_category: 'unknown',
      shell_snapshot_mode: 'v1',
    });
    expect(tagsOf('apply_patch')).toMatchObject({
      success: 'false',
      sandbox: 'seccomp',
      sandbox_policy: 'read-only',
    });
    expect(tagsOf('apply_patch')?.command_category).toBeUndefined();
    expect(tagsOf('no_such_tool')).toMatchObject({ success: 'false', sandbox_policy: 'read-only' });
  });

  it.skipIf(skipReason !== undefined)(
    'a command the sandbox denies: codex.sandbox_outcome denied between the decision and the result',
    async () => {
      const got = await toolTurn(
        [functionCall('call_1', 'exec_command', { cmd: 'touch denied.txt', login: false }, 'fc_1')],
        ['-s', 'read-only'],
      );
      const toolLogs = got
        .logs()
        .map((l) => l.eventName ?? '')
        .filter((n) => /^codex\.(tool_decision|sandbox_outcome|tool_result)$/.test(n));
      expect(toolLogs).toEqual(['codex.tool_decision', 'codex.sandbox_outcome', 'codex.tool_result']);
      const [outcome] = got.logs('codex.sandbox_outcome');
      const keys = ['tool_name', 'call_id', 'outcome', 'initial_duration_ms'];
      expect(keysOf(outcome!.attributes, keys)).toEqual(keys);
      expect(outcome?.attributes).toMatchObject({
        tool_name: 'exec_command',
        call_id: 'call_1',
        outcome: 'denied',
      });
      expect(attributeTypes(outcome!.attributes, ['initial_duration_ms'])).toEqual({
        initial_duration_ms: 'number',
      });
      // Also on the turn's span, with the same attributes.
      const event = got
        .spans()
        .flatMap((s) => s.events)
        .find((e) => e.name === 'codex.sandbox_outcome');
      expect(event?.attributes).toMatchObject({
        tool_name: 'exec_command',
        call_id: 'call_1',
        outcome: 'denied',
      });
      expect(attributeTypes(event!.attributes, ['initial_duration_ms'])).toEqual({
        initial_duration_ms: 'number',
      });
      expect(got.logs('codex.tool_result')[0]?.attributes).toMatchObject({ success: 'true' });
    },
  );
});
