// `codex-ts exec --json` running the model's exec_command inside the real Linux sandbox
// (bubblewrap), as codex-cli 0.169.0 does: the built binary against the responses server on
// 127.0.0.1, commands run for real in a temp git repository. The texts and files were checked
// against the released 0.169.0 with the same scripts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxSkipReason } from '@codex-ts/core/test';
import {
  completed,
  functionCall,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
  textTurn,
  usage,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHomes } from '../test-support/run-cli.js';

const skipReason = await sandboxSkipReason();
if (skipReason !== undefined) console.warn(`exec-sandbox.test.ts: bubblewrap tests SKIPPED: ${skipReason}`);

let server: ResponsesServer;
let work: string;
let outside: string;
let userHome: string;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
  work = mkdtempSync(join(tmpdir(), 'codex-ts-sandbox-work-'));
  outside = mkdtempSync(join(tmpdir(), 'codex-ts-sandbox-outside-'));
  userHome = mkdtempSync(join(tmpdir(), 'codex-ts-cli-user-'));
  execFileSync('git', ['init', '-q', work]);
});
afterEach(async () => {
  await server.close();
  for (const dir of [work, outside, userHome]) rmSync(dir, { recursive: true, force: true });
});

/** One exec_command call, then a final answer. */
function script(cmd: string): void {
  server.pushSteps(
    {
      kind: 'sse',
      events: [
        responseCreated('resp_1'),
        functionCall('call_1', 'exec_command', { cmd }, 'fc_1'),
        completed('resp_1', usage({ input: 100, output: 2 })),
      ],
    },
    { kind: 'sse', events: textTurn({ responseId: 'resp_2', text: 'Done.' }) },
  );
}

// HOME: a fresh folder, so that the login shell (`bash -l`) reads no user profile.
const run = (args: string[], env: Record<string, string> = {}) =>
  runCli(['exec', '--json', ...args, 'Run it.'], {
    home: newHome(server.url),
    cwd: work,
    env: { HOME: userHome, ...env },
    timeoutMs: 30_000,
  });

/** The `output` of the follow-up request's `function_call_output` for `call_1`. */
function commandOutput(): string {
  const input = (server.requests[1]?.json as { input?: Record<string, unknown>[] } | undefined)?.input ?? [];
  const fco = input.at(-1);
  expect(fco).toMatchObject({ type: 'function_call_output', call_id: 'call_1' });
  return String(fco?.output);
}

function turnMetadata(): Record<string, unknown> {
  return JSON.parse(server.requests[0]?.headerMap['x-codex-turn-metadata'] ?? '{}') as Record<
    string,
    unknown
  >;
}

const HEADER = /^Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\n/;

describe.skipIf(skipReason !== undefined)('codex-ts exec: commands in the bubblewrap sandbox', () => {
  it('read-only: a write in cwd fails with the shell error in the function_call_output; no file appears', async () => {
    script('echo x > f');
    const r = await run(['-c', 'sandbox_mode="read-only"']);
    expect(r.code).toBe(0);
    expect(existsSync(join(work, 'f'))).toBe(false);
    expect(commandOutput().replace(HEADER, '')).toMatch(
      /^Process exited with code 1\nOriginal token count: 11\nOutput:\n\/\S+: line 1: f: Read-only file system\n$/,
    );
    expect(turnMetadata()).toMatchObject({ sandbox: 'seccomp', sandbox_mode: 'read-only' });
    expect(r.lines.at(-1)).toMatch(/^\{"type":"turn\.completed"/);
  });

  it('workspace-write: cwd is writable, .git stays read-only, another directory is not writable', async () => {
    const gitConfig = readFileSync(join(work, '.git', 'config'), 'utf8');
    script(`echo x > f; cat f; echo y > .git/config; echo z > ${outside}/z`);
    // /tmp and $TMPDIR are writable roots by default: excluded so that `outside` (a temp dir) is not.
    const r = await run([
      '-c',
      'sandbox_mode="workspace-write"',
      '-c',
      'sandbox_workspace_write.exclude_slash_tmp=true',
      '-c',
      'sandbox_workspace_write.exclude_tmpdir_env_var=true',
    ]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(work, 'f'), 'utf8')).toBe('x\n');
    expect(readFileSync(join(work, '.git', 'config'), 'utf8')).toBe(gitConfig);
    expect(existsSync(join(outside, 'z'))).toBe(false);
    const output = commandOutput().replace(HEADER, '');
    expect(output).toMatch(/^Process exited with code 1\nOriginal token count: \d+\nOutput:\nx\n/);
    expect(output).toContain(': line 1: .git/config: Read-only file system\n');
    expect(output).toContain(`: line 1: ${outside}/z: Read-only file system\n`);
    expect(turnMetadata()).toMatchObject({ sandbox: 'seccomp', sandbox_mode: 'workspace-write' });
    // The mount points bubblewrap made for the protected names that did not exist are gone.
    for (const name of ['.agents', '.codex', '.aws']) expect(existsSync(join(work, name))).toBe(false);
  });

  it('workspace-write: /tmp is writable by default, as 0.169.0', async () => {
    script(`echo z > ${outside}/z && echo wrote`);
    const r = await run(['-c', 'sandbox_mode="workspace-write"']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(outside, 'z'), 'utf8')).toBe('z\n');
    expect(commandOutput().replace(HEADER, '')).toBe(
      'Process exited with code 0\nOriginal token count: 2\nOutput:\nwrote\n',
    );
  });
});

describe('codex-ts exec: sandbox refusals and approval policy', () => {
  it('without bubblewrap on PATH a command is refused (exit code 101, the sandbox message), never run unsandboxed', async () => {
    script('echo x > f');
    const emptyBin = join(userHome, 'bin');
    mkdirSync(emptyBin);
    const r = await run(['-c', 'sandbox_mode="workspace-write"'], { PATH: emptyBin });
    expect(r.code).toBe(0);
    expect(existsSync(join(work, 'f'))).toBe(false);
    expect(commandOutput().replace(HEADER, '')).toBe(
      'Process exited with code 101\nOriginal token count: 16\nOutput:\nbubblewrap is unavailable: no system bwrap was found on PATH\n',
    );
    expect(r.stdout).not.toContain('command_execution');
  });

  it('approval_policy "untrusted": the original load error, exit 1, no request', async () => {
    const r = await run(['-c', 'approval_policy="untrusted"']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    // 0.169.0 loads the config before it reads stdin: no "Reading additional input" notice.
    expect(r.stderr).toBe(
      'Error: approval_policy = "untrusted" is no longer supported; remove this setting\n',
    );
    expect(server.requests).toHaveLength(0);
  });
});
