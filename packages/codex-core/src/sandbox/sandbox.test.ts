import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxSkipReason } from '../test/sandbox-skip.js';
import { BWRAP_UNAVAILABLE_MESSAGE, detectSandbox } from './bwrap.js';
import { createCommandSandbox, type PreparedCommand, type SandboxPolicy } from './sandbox.js';

const detection = detectSandbox();
// Skip (loudly) only when bubblewrap is missing or the host forbids its namespaces; any other
// failure of our sandboxed commands fails the tests.
const skipReason = await sandboxSkipReason();
const bwrapSuite = skipReason === undefined ? describe : describe.skip;
if (skipReason !== undefined) console.warn(`sandbox.test.ts: bubblewrap tests SKIPPED: ${skipReason}`);

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns a prepared command as a tool would, bounded to 20 s, then runs its cleanup. */
async function run(prepared: PreparedCommand): Promise<RunResult> {
  if (prepared.kind !== 'run') throw new Error(`refused: ${prepared.message}`);
  const [file, ...args] = prepared.argv;
  const child = spawn(file!, args, {
    cwd: prepared.cwd,
    env: prepared.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`timed out; stderr so far: ${stderr}`));
      }, 20_000);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    return { code, stdout, stderr };
  } finally {
    await prepared.cleanup?.();
  }
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('timed out'));
    }, 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

const bash = (script: string) => ['/bin/bash', '-c', script];

function policy(mode: SandboxPolicy['mode'], extra: Partial<SandboxPolicy> = {}): SandboxPolicy {
  return { mode, writableRoots: [], networkAccess: false, ...extra };
}

let base: string;
let ws: string;
let extra: string;
let outside: string;
let tmpDir: string;
const env = (over: NodeJS.ProcessEnv = {}) => ({ PATH: process.env.PATH, TMPDIR: tmpDir, ...over });

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'codex-ts-sandbox-'));
  ws = join(base, 'ws');
  extra = join(base, 'extra');
  outside = join(base, 'outside');
  tmpDir = join(base, 'tmpdir');
  for (const dir of [ws, extra, outside, tmpDir, join(ws, '.git')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(ws, 'readme.txt'), 'hello from the workspace\n');
  writeFileSync(join(ws, '.git', 'HEAD'), 'ref: refs/heads/main\n');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('createCommandSandbox without bubblewrap', () => {
  it('refuses read-only and workspace-write commands when no bwrap is on PATH, and never runs them', async () => {
    const emptyDir = join(base, 'empty-path');
    mkdirSync(emptyDir, { recursive: true });
    const marker = join(outside, 'ran-without-sandbox');
    for (const mode of ['read-only', 'workspace-write'] as const) {
      const sandbox = createCommandSandbox(policy(mode), { detectionEnv: { PATH: emptyDir } });
      expect(sandbox.tag).toBe('seccomp');
      const prepared = await sandbox.prepare(bash(`touch ${marker}`), { cwd: ws, env: env() });
      expect(prepared).toEqual({ kind: 'refused', message: BWRAP_UNAVAILABLE_MESSAGE });
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses when CODEX_TS_BWRAP names no executable, without falling back to PATH', async () => {
    const missing = join(base, 'no-such-bwrap');
    const sandbox = createCommandSandbox(policy('read-only'), {
      detectionEnv: { PATH: process.env.PATH, CODEX_TS_BWRAP: missing },
    });
    expect(await sandbox.prepare(bash('true'), { cwd: ws, env: env() })).toEqual({
      kind: 'refused',
      message: `bubblewrap is unavailable: CODEX_TS_BWRAP=${missing} is not an executable file`,
    });
  });

  it('refuses on a platform without a sandbox', async () => {
    const sandbox = createCommandSandbox(policy('workspace-write'), { platform: 'darwin' });
    const prepared = await sandbox.prepare(bash('true'), { cwd: ws, env: env() });
    expect(prepared.kind).toBe('refused');
  });

  it('runs danger-full-access commands directly (tag none), exit code and stderr passing through', async () => {
    const sandbox = createCommandSandbox(policy('danger-full-access'), { detectionEnv: { PATH: '' } });
    expect(sandbox.tag).toBe('none');
    const prepared = await sandbox.prepare(bash(`echo out; echo err >&2; touch ${outside}/direct; exit 4`), {
      cwd: ws,
      env: env(),
    });
    expect(prepared).toMatchObject({ kind: 'run', sandboxed: false, argv: bash(expect.any(String)) });
    expect(await run(prepared)).toEqual({ code: 4, stdout: 'out\n', stderr: 'err\n' });
    expect(existsSync(join(outside, 'direct'))).toBe(true);
  });
});

bwrapSuite('createCommandSandbox with bubblewrap', () => {
  it('read-only: reads files, cannot write in cwd, /tmp or $TMPDIR; exit code and stderr pass through', async () => {
    const sandbox = createCommandSandbox(policy('read-only'), { cwd: ws });
    expect(sandbox.tag).toBe('seccomp');
    const prepared = await sandbox.prepare(
      bash(
        `cat readme.txt; echo x > /dev/null && echo devnull-ok; echo x > new.txt; echo x > ${base}/in-tmp.txt; echo x > $TMPDIR/t.txt; ` +
          'echo failing >&2; exit 3',
      ),
      { cwd: ws, env: env() },
    );
    expect(prepared).toMatchObject({ kind: 'run', sandboxed: true });
    const result = await run(prepared);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('hello from the workspace\ndevnull-ok\n');
    expect(result.stderr.match(/Read-only file system/g)).toHaveLength(3);
    expect(result.stderr.endsWith('failing\n')).toBe(true);
    expect(existsSync(join(ws, 'new.txt'))).toBe(false);
    expect(existsSync(join(base, 'in-tmp.txt'))).toBe(false);
    expect(existsSync(join(tmpDir, 't.txt'))).toBe(false);
  });

  it('workspace-write: writes cwd, writable roots and $TMPDIR; not outside, not .git, not an excluded /tmp', async () => {
    const sandbox = createCommandSandbox(
      policy('workspace-write', { writableRoots: [extra], excludeSlashTmp: true }),
      { cwd: ws },
    );
    const script = [
      'echo a > a.txt && echo cwd-ok',
      `echo b > ${extra}/b.txt && echo extra-ok`,
      'echo c > $TMPDIR/c.txt && echo tmpdir-ok',
      `echo d > ${outside}/d.txt && echo outside-ok`,
      'echo e > .git/config && echo git-ok',
      'rm .git/HEAD && echo git-rm-ok',
      'mkdir -p .codex/x && echo codex-ok',
      `echo f > ${base}/f.txt && echo slash-tmp-ok`,
      'exit 0',
    ].join('; ');
    const result = await run(await sandbox.prepare(bash(script), { cwd: ws, env: env() }));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('cwd-ok\nextra-ok\ntmpdir-ok\n');
    expect(result.stderr.match(/Read-only file system/g)).toHaveLength(5);
    expect(readFileSync(join(ws, 'a.txt'), 'utf8')).toBe('a\n');
    expect(readFileSync(join(extra, 'b.txt'), 'utf8')).toBe('b\n');
    expect(readFileSync(join(tmpDir, 'c.txt'), 'utf8')).toBe('c\n');
    expect(existsSync(join(outside, 'd.txt'))).toBe(false);
    expect(existsSync(join(ws, '.git', 'config'))).toBe(false);
    expect(existsSync(join(ws, '.git', 'HEAD'))).toBe(true);
    expect(existsSync(join(base, 'f.txt'))).toBe(false);
    // The read-only mount point bubblewrap made for the missing .codex is gone after cleanup.
    expect(existsSync(join(ws, '.codex'))).toBe(false);
    expect(existsSync(join(extra, '.git'))).toBe(false);
  });

  it("workspace-write: a command's workdir outside the session cwd is not writable", async () => {
    const sandbox = createCommandSandbox(policy('workspace-write', { excludeSlashTmp: true }), { cwd: ws });
    const result = await run(
      await sandbox.prepare(bash('pwd; echo x > workdir.txt; echo y > ' + join(ws, 'session.txt')), {
        cwd: outside,
        env: env(),
      }),
    );
    expect(result.stdout).toBe(`${outside}\n`);
    expect(result.stderr).toContain('workdir.txt: Read-only file system');
    expect(existsSync(join(outside, 'workdir.txt'))).toBe(false);
    expect(readFileSync(join(ws, 'session.txt'), 'utf8')).toBe('y\n');
  });

  it('workspace-write: /tmp is writable unless excluded', async () => {
    const sandbox = createCommandSandbox(policy('workspace-write'), { cwd: ws });
    const target = join(base, 'slash-tmp.txt');
    const result = await run(await sandbox.prepare(bash(`echo t > ${target}`), { cwd: ws, env: env() }));
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(target, 'utf8')).toBe('t\n');
  });

  it('keeps the git dir of a worktree (.git file) and its hooks read-only when they lie in a writable root', async () => {
    const worktree = join(base, 'worktree');
    const gitDir = join(extra, 'repo.git', 'worktrees', 'w');
    mkdirSync(worktree, { recursive: true });
    mkdirSync(gitDir, { recursive: true });
    mkdirSync(join(extra, 'repo.git', 'hooks'));
    writeFileSync(join(gitDir, 'commondir'), '../..\n');
    writeFileSync(join(worktree, '.git'), `gitdir: ${gitDir}\n`);
    const sandbox = createCommandSandbox(policy('workspace-write', { writableRoots: [extra] }), {
      cwd: worktree,
    });
    const result = await run(
      await sandbox.prepare(
        bash(
          `echo x > ${gitDir}/index; echo y > ${extra}/other.txt; echo z > .git; ` +
            `echo h > ${extra}/repo.git/hooks/pre-commit`,
        ),
        {
          cwd: worktree,
          env: env(),
        },
      ),
    );
    expect(result.stderr.match(/Read-only file system/g)).toHaveLength(3);
    expect(existsSync(join(gitDir, 'index'))).toBe(false);
    expect(existsSync(join(extra, 'repo.git', 'hooks', 'pre-commit'))).toBe(false);
    expect(readFileSync(join(extra, 'other.txt'), 'utf8')).toBe('y\n');
    expect(readFileSync(join(worktree, '.git'), 'utf8')).toBe(`gitdir: ${gitDir}\n`);
  });

  it('passes stdin through, and killing the bubblewrap process ends the sandboxed command', async () => {
    const sandbox = createCommandSandbox(policy('workspace-write'), { cwd: ws });
    const echo = await sandbox.prepare(bash('read -r line; echo "got: $line"'), { cwd: ws, env: env() });
    if (echo.kind !== 'run') throw new Error(echo.message);
    const reader = spawn(echo.argv[0]!, echo.argv.slice(1), { cwd: echo.cwd, env: echo.env });
    let stdout = '';
    reader.stdout.on('data', (chunk) => (stdout += chunk));
    reader.stdin.end('from the host\n');
    expect(await exitOf(reader)).toBe(0);
    await echo.cleanup?.();
    expect(stdout).toBe('got: from the host\n');

    const marker = join(ws, 'survived-kill');
    const slow = await sandbox.prepare(bash(`sleep 1; touch ${marker}`), { cwd: ws, env: env() });
    if (slow.kind !== 'run') throw new Error(slow.message);
    const child = spawn(slow.argv[0]!, slow.argv.slice(1), { cwd: slow.cwd, env: slow.env, stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBeNull();
    await slow.cleanup?.();
    // Well past the point where the command would have written the marker had it survived.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(existsSync(marker)).toBe(false);
  });

  it("runs with the host's /proc where bubblewrap cannot mount a fresh one (masked /proc in containers)", async () => {
    if (!detection.available) throw new Error('unreachable');
    const probe = bash(`test -d /proc/${process.pid} && echo host-proc || echo own-proc`);
    const own = await run(
      await createCommandSandbox(policy('read-only'), { cwd: ws }).prepare(probe, { cwd: ws, env: env() }),
    );
    expect(own.stdout).toBe('own-proc\n');
    const wrapper = join(base, 'bwrap-without-proc');
    writeFileSync(
      wrapper,
      '#!/bin/sh\nfor a in "$@"; do if [ "$a" = --proc ]; then ' +
        `echo "bwrap: Can't mount proc on /newroot/proc: Operation not permitted" >&2; exit 1; fi; done\n` +
        `exec ${detection.bwrapPath} "$@"\n`,
      { mode: 0o755 },
    );
    const sandbox = createCommandSandbox(policy('read-only'), {
      cwd: ws,
      detectionEnv: { PATH: process.env.PATH, CODEX_TS_BWRAP: wrapper },
    });
    const prepared = await sandbox.prepare(bash(`test -d /proc/${process.pid} && echo host-proc; touch x`), {
      cwd: ws,
      env: env(),
    });
    expect(prepared.kind === 'run' && prepared.argv[0]).toBe(wrapper);
    const result = await run(prepared);
    expect(result.stdout).toBe('host-proc\n');
    expect(result.stderr).toContain('Read-only file system');
    expect(existsSync(join(ws, 'x'))).toBe(false);
  });

  it('refuses a writable root that does not exist', async () => {
    const missing = join(base, 'missing-root');
    const sandbox = createCommandSandbox(policy('workspace-write', { writableRoots: [missing] }), {
      cwd: ws,
    });
    expect(await sandbox.prepare(bash('true'), { cwd: ws, env: env() })).toEqual({
      kind: 'refused',
      message: `Sandbox expected writable root ${missing}, but it does not exist.`,
    });
  });

  describe('network', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((socket) => socket.end('hello from the host\n'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const connect = () =>
      bash(`echo "flag=$CODEX_SANDBOX_NETWORK_DISABLED"; exec 3<>/dev/tcp/127.0.0.1/${port} && head -n1 <&3`);

    it('a loopback listener of the host is unreachable when network access is off', async () => {
      for (const mode of ['read-only', 'workspace-write'] as const) {
        const result = await run(
          await createCommandSandbox(policy(mode), { cwd: ws }).prepare(connect(), { cwd: ws, env: env() }),
        );
        expect(result.code).not.toBe(0);
        expect(result.stdout).toBe('flag=1\n');
        expect(result.stderr).toContain('Connection refused');
      }
    });

    it('is reachable with network access on', async () => {
      const sandbox = createCommandSandbox(policy('workspace-write', { networkAccess: true }), { cwd: ws });
      const result = await run(await sandbox.prepare(connect(), { cwd: ws, env: env() }));
      expect(result).toEqual({ code: 0, stdout: 'flag=\nhello from the host\n', stderr: '' });
    });
  });
});
