// Runs the built `codex-ts` binary (dist/bin.cjs, the package's `bin`) as a subprocess against a temp CODEX_HOME.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { localProviderToml } from '@codex-ts/core/test';
import { afterEach } from 'vitest';

/** The package's `bin`: the CommonJS launcher. */
export const BIN = new URL('../../dist/bin.cjs', import.meta.url).pathname;
/** The same launcher as an ES module (`dist/bin.js`), kept for whoever runs that file. */
export const ESM_BIN = new URL('../../dist/bin.js', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

export function tempHome(configToml: string): { home: string; cleanup(): void } {
  const home = mkdtempSync(join(tmpdir(), 'codex-ts-cli-'));
  writeFileSync(join(home, 'config.toml'), configToml);
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/**
 * Registers an `afterEach` hook that removes every home it made; returns `newHome(baseUrl, extra)`:
 * a new temp CODEX_HOME whose config.toml is {@link providerConfig}`(baseUrl, extra)`.
 */
export function tempHomes(): (baseUrl: string, extra?: string) => string {
  const homes: { cleanup(): void }[] = [];
  afterEach(() => {
    for (const h of homes.splice(0)) h.cleanup();
  });
  return (baseUrl, extra = '') => {
    const h = tempHome(providerConfig(baseUrl, extra));
    homes.push(h);
    return h.home;
  };
}

/**
 * The core tests' local provider config (`localProviderToml`) with a blank line before the
 * provider table and `extra` appended to it (line 9 is the first line of `extra`).
 */
export function providerConfig(baseUrl: string, extra = ''): string {
  return localProviderToml(baseUrl, [extra], { topLines: [''] });
}

export function runCli(
  args: string[],
  options: {
    home: string;
    env?: Record<string, string>;
    stdin?: string;
    /** A file given as stdin (as `< file`), instead of a pipe holding {@link stdin}. */
    stdinFile?: string;
    timeoutMs?: number;
    cwd?: string;
    /** The launcher to run (default {@link BIN}). */
    bin?: string;
  },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const stdinFd = options.stdinFile === undefined ? undefined : openSync(options.stdinFile, 'r');
    const child = spawn(process.execPath, [options.bin ?? BIN, ...args], {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? '',
        TERM: 'xterm',
        CODEX_HOME: options.home,
        LOCAL_API_KEY: 'sk-local-test',
        ...options.env,
      },
      stdio: [stdinFd ?? 'pipe', 'pipe', 'pipe'],
    });
    if (stdinFd !== undefined) closeSync(stdinFd);
    // Piped (stdio 1 and 2 are always 'pipe').
    const out = child as unknown as { stdout: Readable; stderr: Readable };
    let stdout = '';
    let stderr = '';
    out.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    out.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `codex-ts ${args.join(' ')} did not exit within ${options.timeoutMs ?? 15_000} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, lines: stdout.split('\n').filter((l) => l.length > 0) });
    });
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    else child.stdin?.end();
  });
}
