// CommandTokenAuth on its own: caching by interval, the 401 rerun, single flight, program
// resolution, cwd/env, and each failure text of observed-cli-0.169-auth §10 / upstream
// external_bearer.rs (timeout kills the child, non-zero exit, empty, non-UTF-8, failed to start).
import { access, writeFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import { apiRejection } from '@codex-ts/api/test';
import { SecretRedactor } from '@codex-ts/client';
import { afterEach, describe, expect, it } from 'vitest';
import { type TokenScriptDir, tokenNumber, tokenScript } from '../test-support/token-command.js';
import { CommandTokenAuth, type CommandTokenAuthOptions } from './command-token-auth.js';
import { resolveTokenProgram } from './run-token-command.js';

let dir: TokenScriptDir | undefined;
afterEach(async () => {
  await dir?.remove();
  dir = undefined;
});

async function withScript(tail?: string, options: Partial<CommandTokenAuthOptions> = {}) {
  dir = await tokenScript(tail);
  const logs: string[] = [];
  const auth = new CommandTokenAuth({
    command: '/bin/sh',
    args: [dir.script],
    log: (level, message) => logs.push(`${level}: ${message}`),
    ...options,
  });
  return { dir, auth, logs };
}

describe('CommandTokenAuth caching', () => {
  it('default interval: runs once and reuses the token', async () => {
    const { auth, dir } = await withScript();
    for (let i = 0; i < 3; i++) {
      expect(await auth.authHeaders()).toEqual({ authorization: `Bearer ${tokenNumber(1)}` });
    }
    expect(await dir.runs()).toBe(1);
    expect(auth.runs).toBe(1);
  });

  it('refresh_interval_ms = 1: a new run before each request', async () => {
    let clock = 0;
    const { auth, dir } = await withScript(undefined, { refreshIntervalMs: 1, now: () => clock });
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      seen.push((await auth.authHeaders()).authorization ?? '');
      clock += 1;
    }
    expect(seen).toEqual([1, 2, 3].map((n) => `Bearer ${tokenNumber(n)}`));
    expect(await dir.runs()).toBe(3);
  });

  it('refresh_interval_ms = 0: never proactively, only the 401 step reruns', async () => {
    let clock = 0;
    const { auth, dir } = await withScript(undefined, { refreshIntervalMs: 0, now: () => clock });
    await auth.authHeaders();
    clock += 10_000_000;
    expect(await auth.authHeaders()).toEqual({ authorization: `Bearer ${tokenNumber(1)}` });
    const recovery = auth.unauthorizedRecovery();
    expect(recovery.mode).toBe('command');
    expect(recovery.hasNext()).toBe(true);
    expect(await recovery.next()).toEqual({ step: 'command', authChanged: true, refreshed: false });
    expect(recovery.hasNext()).toBe(false);
    expect(await auth.authHeaders()).toEqual({ authorization: `Bearer ${tokenNumber(2)}` });
    expect(await dir.runs()).toBe(2);
  });

  it('single flight: concurrent requests share one run', async () => {
    const { auth, dir } = await withScript(`sleep 0.2; echo "cmd-token-canary-$n"`);
    const all = await Promise.all([auth.authHeaders(), auth.authHeaders(), auth.token()]);
    expect(all).toEqual([
      { authorization: `Bearer ${tokenNumber(1)}` },
      { authorization: `Bearer ${tokenNumber(1)}` },
      tokenNumber(1),
    ]);
    expect(await dir.runs()).toBe(1);
  });

  it('trims stdout and registers the token with the redactor', async () => {
    const redactor = new SecretRedactor();
    const { auth } = await withScript(`printf '  \\t cmd-token-canary-%s \\r\\n\\n' "$n"`, { redactor });
    expect(await auth.token()).toBe(tokenNumber(1));
    expect(redactor.redact(`x ${tokenNumber(1)} y`)).toBe('x *** y');
    expect(String(auth)).toBe('CommandTokenAuth(/bin/sh)');
    expect(JSON.stringify(auth)).toBe('{"type":"command","command":"/bin/sh"}');
    expect(inspect(auth, { showHidden: true, depth: 5 })).not.toContain(tokenNumber(1));
  });
});

describe('CommandTokenAuth failures', () => {
  it('non-zero exit: the exit status and trimmed stderr; no authorization header; logged', async () => {
    const { auth, logs } = await withScript('echo "  token service unavailable " >&2; exit 3');
    const text =
      'provider auth command `/bin/sh` exited with status exit status: 3: token service unavailable';
    const error = await apiRejection(auth.token());
    expect(error.code).toBe('auth_transient');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(text);
    expect(await auth.authHeaders()).toEqual({});
    expect(logs).toEqual([`error: Failed to resolve external auth: ${text}`]);
  });

  it('non-zero exit without stderr has no suffix; a failed run is not cached', async () => {
    const { auth, dir } = await withScript('exit 7');
    expect((await apiRejection(auth.token())).message).toBe(
      'provider auth command `/bin/sh` exited with status exit status: 7',
    );
    await auth.authHeaders();
    expect(await dir.runs()).toBe(2);
  });

  it('killed by a signal', async () => {
    const { auth } = await withScript('kill -TERM $$');
    expect((await apiRejection(auth.token())).message).toBe(
      'provider auth command `/bin/sh` exited with status signal: 15 (SIGTERM)',
    );
  });

  it('timeout: the text names the limit and the child is killed', async () => {
    const { auth, dir } = await withScript('echo $$ > "$(dirname "$0")/pid"; exec sleep 5', {
      timeoutMs: 300,
    });
    const error = await apiRejection(auth.token());
    expect(error.message).toBe('provider auth command `/bin/sh` timed out after 300 ms');
    expect(error.code).toBe('auth_transient');
    const { readFile } = await import('node:fs/promises');
    const pid = Number((await readFile(`${dir.dir}/pid`, 'utf8')).trim());
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 20));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  });

  it('empty output (a bare newline)', async () => {
    const { auth } = await withScript('echo');
    expect((await apiRejection(auth.token())).message).toBe(
      'provider auth command `/bin/sh` produced an empty token',
    );
  });

  it('non-UTF-8 stdout', async () => {
    const { auth } = await withScript(`printf 'tok\\377\\376en\\n'`);
    expect((await apiRejection(auth.token())).message).toBe(
      'provider auth command `/bin/sh` wrote non-UTF-8 data to stdout',
    );
  });

  it('failed to start: a missing program', async () => {
    const auth = new CommandTokenAuth({ command: '/nonexistent/codex-ts-mint' });
    expect((await apiRejection(auth.token())).message).toBe(
      'provider auth command `/nonexistent/codex-ts-mint` failed to start: No such file or directory (os error 2)',
    );
  });

  it('the 401 step rejects with the command failure (auth_transient)', async () => {
    const { auth } = await withScript('echo down >&2; exit 3');
    const recovery = auth.unauthorizedRecovery();
    const error = await apiRejection(recovery.next());
    expect(error.code).toBe('auth_transient');
    expect(error.message).toBe('provider auth command `/bin/sh` exited with status exit status: 3: down');
  });

  it('an aborted caller stops waiting with `aborted`', async () => {
    const { auth } = await withScript(`sleep 0.3; echo "cmd-token-canary-$n"`);
    const controller = new AbortController();
    const pending = auth.authHeaders(controller.signal);
    controller.abort();
    expect((await apiRejection(pending)).code).toBe('aborted');
    expect(await auth.token()).toBe(tokenNumber(1));
  });

  it('whenIdle waits for a run whose caller stopped waiting', async () => {
    const { auth, dir } = await withScript(
      `sleep 0.3; touch "$(dirname "$0")/done"; echo "cmd-token-canary-$n"`,
    );
    const done = () =>
      access(`${dir.dir}/done`).then(
        () => true,
        () => false,
      );
    const controller = new AbortController();
    const pending = auth.authHeaders(controller.signal);
    for (let i = 0; i < 100 && (await dir.runs()) === 0; i++) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await pending.catch(() => undefined);
    expect(await done()).toBe(false);
    await auth.whenIdle();
    expect(await done()).toBe(true);
    expect(await auth.token()).toBe(tokenNumber(1));
    expect(auth.runs).toBe(1);
  });

  it('rejects a blank command and bad durations', () => {
    expect(() => new CommandTokenAuth({ command: '  ' })).toThrow('provider auth.command must not be empty');
    expect(() => new CommandTokenAuth({ command: 'x', timeoutMs: 0 })).toThrow(TypeError);
    expect(() => new CommandTokenAuth({ command: 'x', refreshIntervalMs: -1 })).toThrow(TypeError);
  });
});

describe('program resolution, cwd and env', () => {
  it('absolute as is; multi-component relative joined to cwd; bare name as is', () => {
    expect(resolveTokenProgram('/usr/bin/mint', '/work')).toBe('/usr/bin/mint');
    expect(resolveTokenProgram('./mint', '/work')).toBe('/work/mint');
    expect(resolveTokenProgram('bin/mint', '/work')).toBe('/work/bin/mint');
    expect(resolveTokenProgram('mint', '/work')).toBe('mint');
  });

  it('runs a relative script from cwd, with the given env, and a bare name from PATH', async () => {
    dir = await tokenScript('echo "$MINT_PREFIX-$(basename "$PWD")-$n"');
    const relative = new CommandTokenAuth({
      command: './mint.sh',
      cwd: dir.dir,
      env: { ...process.env, MINT_PREFIX: 'cmd-token-env' },
    });
    const base = dir.dir.split('/').pop();
    expect(await relative.token()).toBe(`cmd-token-env-${base}-1`);
    await writeFile(`${dir.dir}/mint-on-path`, '#!/bin/sh\necho cmd-token-from-path\n', { mode: 0o755 });
    const bare = new CommandTokenAuth({
      command: 'mint-on-path',
      env: { ...process.env, PATH: `${dir.dir}:${process.env.PATH ?? ''}` },
    });
    expect(await bare.token()).toBe('cmd-token-from-path');
  });
});
