// The default exec tool set of openExecConversation: what a turn sends and runs with it, over a
// local responses server and real processes (observed-cli-0.169-auth §14).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  completed,
  functionCall,
  type ResponsesServer,
  reasoningItem,
  responseCreated,
  startResponsesServer,
  textTurn,
  usage,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { escalationRejectedMessage, UNTRUSTED_APPROVAL_POLICY_ERROR } from '../sandbox/approval.js';
import { localProviderToml, useConfigHome } from '../test/config-home.js';
import { processGone } from '../test/processes.js';
import { sandboxSkipReason } from '../test/sandbox-skip.js';
import { applyPatchToolSpec } from '../tools/apply-patch/spec.js';
import { EXEC_COMMAND_SPEC, WRITE_STDIN_SPEC } from '../tools/exec/specs.js';
import { ToolRegistry } from '../tools/registry.js';
import type { TurnEvent } from '../turn/events.js';
import { execSandboxPolicy } from './exec-tools.js';
import { openExecConversation } from './open-exec.js';

const skipReason = await sandboxSkipReason();
if (skipReason !== undefined)
  console.warn(`open-exec-tools.test.ts: bubblewrap tests SKIPPED: ${skipReason}`);

let server: ResponsesServer;
let home: string;
let work: string;

beforeEach(async () => {
  server = await startResponsesServer();
  home = mkdtempSync(join(tmpdir(), 'codex-ts-core-tools-'));
  work = mkdtempSync(join(tmpdir(), 'codex-ts-core-work-'));
  writeFileSync(join(home, 'config.toml'), localProviderToml(server.url));
});
afterEach(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

function toolCallTurn(cmd: string, headers: Record<string, string> = {}) {
  return {
    kind: 'sse' as const,
    headers,
    events: [
      responseCreated('resp_1'),
      reasoningItem('rs_1', ['Running a command'], 'gAAAA-enc'),
      functionCall('call_1', 'exec_command', { cmd }, 'fc_1'),
      completed('resp_1', usage({ input: 1200, cached: 1024, output: 42, reasoning: 16 })),
    ],
  };
}

async function open(
  options: Parameters<typeof openExecConversation>[0] extends infer O ? Partial<O> : never = {},
) {
  return openExecConversation({
    version: '0.1.0',
    // HOME: a fresh folder, so the login shell reads no user profile.
    env: { CODEX_HOME: home, LOCAL_API_KEY: 'sk-local', PATH: process.env.PATH ?? '', HOME: work },
    cwd: work,
    prewarm: false,
    ...options,
  });
}

describe('openExecConversation default tools', () => {
  it('sends exec_command and write_stdin, streams the command item while it runs, and follows up with its output', async () => {
    const cmd =
      'for i in $(seq 1 100); do [ -f go ] && break; sleep 0.05; done; [ -f go ] && echo released || echo timeout';
    server.pushSteps(toolCallTurn(cmd, { 'x-codex-turn-state': 'ts-1' }), {
      kind: 'sse',
      events: textTurn({
        responseId: 'resp_2',
        text: 'Done.',
        usage: usage({ input: 1300, cached: 1024, output: 5 }),
      }),
    });
    const opened = await open({ configOverrides: ['sandbox_mode="danger-full-access"'] });
    const events: TurnEvent[] = [];
    try {
      for await (const event of opened.conversation.runTurn('Run it.')) {
        events.push(event);
        // Released only once the started item arrived: a started event held back until the
        // command ended would leave it printing "timeout".
        if (event.type === 'tool.item' && event.phase === 'started') writeFileSync(join(work, 'go'), '');
      }
    } finally {
      await opened.close();
    }
    expect(existsSync(join(work, 'go'))).toBe(true);
    const toolItems = events.filter((e) => e.type === 'tool.item');
    expect(toolItems).toEqual([
      {
        type: 'tool.item',
        phase: 'started',
        key: 'call_1',
        item: {
          type: 'command_execution',
          // The user's login shell (e.g. /bin/bash).
          command: expect.stringMatching(/^\/\S*\/(bash|zsh|sh) -lc 'for i in/),
          aggregated_output: '',
          exit_code: null,
          status: 'in_progress',
        },
        cwd: work,
      },
      {
        type: 'tool.item',
        phase: 'completed',
        key: 'call_1',
        item: expect.objectContaining({ aggregated_output: 'released\n', exit_code: 0, status: 'completed' }),
      },
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'turn.completed',
      usage: { inputTokens: 2500, cachedInputTokens: 2048, outputTokens: 47 },
    });

    const [first, second] = server.requests;
    const body = (first?.json ?? {}) as { tools?: unknown[] };
    expect(body.tools).toEqual([EXEC_COMMAND_SPEC, WRITE_STDIN_SPEC, applyPatchToolSpec()]);
    expect(JSON.parse(first?.headerMap['x-codex-turn-metadata'] ?? '{}')).toMatchObject({
      sandbox: 'none',
      sandbox_mode: 'danger-full-access',
    });
    expect(second?.headerMap['x-codex-turn-state']).toBe('ts-1');
    const input = (second?.json as { input?: Record<string, unknown>[] } | undefined)?.input ?? [];
    expect(input.slice(-3, -1)).toEqual([
      {
        type: 'reasoning',
        id: 'rs_1',
        summary: [{ type: 'summary_text', text: 'Running a command' }],
        content: null,
        encrypted_content: 'gAAAA-enc',
      },
      {
        type: 'function_call',
        id: 'fc_1',
        name: 'exec_command',
        arguments: JSON.stringify({ cmd }),
        call_id: 'call_1',
      },
    ]);
    expect(input.at(-1)).toEqual({
      type: 'function_call_output',
      id: expect.stringMatching(/^fco_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      call_id: 'call_1',
      output: expect.stringMatching(
        /^Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\nProcess exited with code 0\nOriginal token count: 3\nOutput:\nreleased\n$/,
      ),
    });
  });

  it('aborting the turn while a command runs kills its process group and ends the turn aborted', async () => {
    server.pushSteps(toolCallTurn('sleep 30 & echo $! > pid; wait'));
    const opened = await open({ configOverrides: ['sandbox_mode="danger-full-access"'] });
    const controller = new AbortController();
    const events: TurnEvent[] = [];
    const pidFile = join(work, 'pid');
    try {
      for await (const event of opened.conversation.runTurn('Run it.', { signal: controller.signal })) {
        events.push(event);
        if (event.type === 'tool.item' && event.phase === 'started') {
          for (let i = 0; i < 200 && !(existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim()); i++)
            await new Promise((r) => setTimeout(r, 25));
          controller.abort(new Error('user interrupt'));
        }
      }
    } finally {
      await opened.close();
    }
    expect(events.at(-1)?.type).toBe('turn.aborted');
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(await processGone(pid)).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('a call cut off by an abort gets an `aborted` output, so the next turn is a valid request', async () => {
    server.pushSteps(toolCallTurn('sleep 30'), {
      kind: 'sse',
      events: textTurn({ responseId: 'resp_2', text: 'Fine.' }),
    });
    const controller = new AbortController();
    const hanging = new ToolRegistry([
      {
        name: 'exec_command',
        spec: EXEC_COMMAND_SPEC,
        handle: (_call, ctx) =>
          new Promise((_resolve, reject) => {
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
            setTimeout(() => controller.abort(new Error('user interrupt')), 10);
          }),
      },
    ]);
    const opened = await open({ tools: hanging });
    try {
      const first: TurnEvent[] = [];
      for await (const event of opened.conversation.runTurn('Run it.', { signal: controller.signal }))
        first.push(event);
      expect(first.at(-1)?.type).toBe('turn.aborted');
      for await (const _ of opened.conversation.runTurn('Go on.'));
    } finally {
      await opened.close();
    }
    const input =
      (server.requests[1]?.json as { input?: Record<string, unknown>[] } | undefined)?.input ?? [];
    const callAt = input.findIndex((item) => item.type === 'function_call');
    expect(input.slice(callAt, callAt + 3)).toEqual([
      expect.objectContaining({ type: 'function_call', call_id: 'call_1' }),
      { type: 'function_call_output', call_id: 'call_1', output: 'aborted' },
      expect.objectContaining({ type: 'message', role: 'user' }),
    ]);
  });

  it('a tool whose handle throws synchronously still answers the call (`tool call failed: …`), no resend', async () => {
    server.pushSteps(toolCallTurn('true'), {
      kind: 'sse',
      events: textTurn({ responseId: 'resp_2', text: 'OK.' }),
    });
    const throwing = new ToolRegistry([
      {
        name: 'exec_command',
        spec: EXEC_COMMAND_SPEC,
        handle: () => {
          throw new Error('boom');
        },
      },
    ]);
    const opened = await open({ tools: throwing });
    const events: TurnEvent[] = [];
    try {
      for await (const event of opened.conversation.runTurn('Run it.')) events.push(event);
    } finally {
      await opened.close();
    }
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(server.requests).toHaveLength(2);
    const input =
      (server.requests[1]?.json as { input?: Record<string, unknown>[] } | undefined)?.input ?? [];
    expect(input.at(-1)).toEqual({
      type: 'function_call_output',
      call_id: 'call_1',
      output: 'tool call failed: boom',
    });
  });

  it('--dangerously-bypass-approvals-and-sandbox wins over sandbox_mode; caller tools replace the default set', async () => {
    server.pushSteps({ kind: 'sse', events: textTurn({ responseId: 'resp_1', text: 'hi' }) });
    server.pushSteps({ kind: 'sse', events: textTurn({ responseId: 'resp_2', text: 'hi' }) });
    const bypass = await open({
      configOverrides: ['sandbox_mode="read-only"'],
      dangerouslyBypassApprovalsAndSandbox: true,
    });
    expect(bypass.sandboxPolicy.mode).toBe('danger-full-access');
    for await (const _ of bypass.conversation.runTurn('hi'));
    await bypass.close();
    const own = await open({ tools: new ToolRegistry() });
    for await (const _ of own.conversation.runTurn('hi'));
    await own.close();
    expect(own.sandboxPolicy.mode).toBe('read-only');
    const [first, second] = server.requests;
    expect(JSON.parse(first?.headerMap['x-codex-turn-metadata'] ?? '{}')).toMatchObject({
      sandbox: 'none',
      sandbox_mode: 'danger-full-access',
    });
    expect((second?.json as { tools?: unknown[] } | undefined)?.tools).toEqual([]);
    expect(JSON.parse(second?.headerMap['x-codex-turn-metadata'] ?? '{}')).toMatchObject({
      sandbox_mode: 'read-only',
    });
  });
});

describe('openExecConversation: sandbox and approvals', () => {
  function lastOutput(): string {
    const input =
      (server.requests.at(-1)?.json as { input?: { type?: string; output?: string }[] } | undefined)?.input ??
      [];
    const fco = input.at(-1);
    expect(fco?.type).toBe('function_call_output');
    return fco?.output ?? '';
  }

  async function runOneCommand(cmd: string, options: Parameters<typeof open>[0]): Promise<TurnEvent[]> {
    server.pushSteps(toolCallTurn(cmd), {
      kind: 'sse',
      events: textTurn({ responseId: 'resp_2', text: 'Done.' }),
    });
    const opened = await open(options);
    const events: TurnEvent[] = [];
    try {
      for await (const event of opened.conversation.runTurn('Run it.')) events.push(event);
    } finally {
      await opened.close();
    }
    return events;
  }

  it('approval_policy "untrusted" is the original load error, before any request; other values run as never', async () => {
    await expect(open({ configOverrides: ['approval_policy="untrusted"'] })).rejects.toThrow(
      /^approval_policy = "untrusted" is no longer supported; remove this setting$/,
    );
    await expect(open({ approvalPolicy: 'untrusted' })).rejects.toThrow(UNTRUSTED_APPROVAL_POLICY_ERROR);
    expect(server.requests).toHaveLength(0);
    // on-request still rejects an escalation (exec pins never): the rejection text, nothing run.
    server.pushSteps(
      {
        kind: 'sse',
        events: [
          responseCreated('resp_1'),
          functionCall(
            'call_1',
            'exec_command',
            { cmd: 'touch escalated', sandbox_permissions: 'require_escalated' },
            'fc_1',
          ),
          completed('resp_1'),
        ],
      },
      { kind: 'sse', events: textTurn({ responseId: 'resp_2', text: 'Done.' }) },
    );
    const opened = await open({
      configOverrides: ['approval_policy="on-request"', 'sandbox_mode="danger-full-access"'],
    });
    try {
      for await (const _ of opened.conversation.runTurn('Run it.'));
    } finally {
      await opened.close();
    }
    expect(lastOutput()).toBe(escalationRejectedMessage('never'));
    expect(existsSync(join(work, 'escalated'))).toBe(false);
  });

  it('bubblewrap is looked up on the session env PATH: none there → refused with exit code 101, nothing run, no item', async () => {
    const events = await runOneCommand('touch ran', {
      configOverrides: ['sandbox_mode="workspace-write"'],
      env: { CODEX_HOME: home, LOCAL_API_KEY: 'sk-local', PATH: join(work, 'no-bin'), HOME: work },
    });
    expect(lastOutput()).toMatch(
      /^Chunk ID: [0-9a-f]{6}\nWall time: 0\.0000 seconds\nProcess exited with code 101\nOriginal token count: 16\nOutput:\nbubblewrap is unavailable: no system bwrap was found on PATH\n$/,
    );
    expect(events.filter((e) => e.type === 'tool.item')).toEqual([]);
    expect(existsSync(join(work, 'ran'))).toBe(false);
  });

  it.skipIf(skipReason !== undefined)(
    'workspace-write: the session cwd is writable, the host process cwd is not (a thread in another directory)',
    async () => {
      const probe = join(process.cwd(), `.sandbox-probe-${process.pid}`);
      try {
        expect(process.cwd()).not.toBe(work);
        await runOneCommand(`echo x > inside; echo y > ${probe}`, {
          // The checkout (and so the host cwd) may live under /tmp, writable by default.
          configOverrides: [
            'sandbox_mode="workspace-write"',
            'sandbox_workspace_write.exclude_slash_tmp=true',
            'sandbox_workspace_write.exclude_tmpdir_env_var=true',
          ],
        });
        expect(readFileSync(join(work, 'inside'), 'utf8')).toBe('x\n');
        expect(existsSync(probe)).toBe(false);
        expect(lastOutput()).toContain(`${probe}: Read-only file system\n`);
        const meta = JSON.parse(server.requests[0]?.headerMap['x-codex-turn-metadata'] ?? '{}');
        expect(meta).toMatchObject({ sandbox: 'seccomp', sandbox_mode: 'workspace-write' });
      } finally {
        rmSync(probe, { force: true });
      }
    },
  );
});

const config = await useConfigHome();

describe('execSandboxPolicy', () => {
  it('read-only by default; -s and the bypass flag win over sandbox_mode', async () => {
    const none = await config.load('');
    expect(execSandboxPolicy(none, '/w')).toEqual({
      mode: 'read-only',
      writableRoots: [],
      networkAccess: false,
    });
    const ww = await config.load('sandbox_mode = "workspace-write"\n');
    expect(execSandboxPolicy(ww, '/w', { sandboxMode: 'read-only' }).mode).toBe('read-only');
    expect(
      execSandboxPolicy(ww, '/w', { dangerouslyBypassApprovalsAndSandbox: true, sandboxMode: 'read-only' })
        .mode,
    ).toBe('danger-full-access');
  });

  it('workspace-write: [sandbox_workspace_write] roots and --add-dir roots besides cwd, network and tmp exclusions', async () => {
    const loaded = await config.load(
      [
        'sandbox_mode = "workspace-write"',
        '[sandbox_workspace_write]',
        'writable_roots = ["/data", "rel"]',
        'network_access = true',
        'exclude_slash_tmp = true',
        '',
      ].join('\n'),
    );
    expect(
      execSandboxPolicy(loaded, '/w', { additionalWritableRoots: ['extra', '/data', '.', '/w'] }),
    ).toEqual({
      mode: 'workspace-write',
      // The session cwd is not listed: the sandbox makes it writable itself.
      writableRoots: ['/data', '/w/rel', '/w/extra'],
      networkAccess: true,
      excludeTmpdirEnvVar: undefined,
      excludeSlashTmp: true,
    });
  });
});
