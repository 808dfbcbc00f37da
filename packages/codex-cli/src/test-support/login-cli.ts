// Helpers of the `codex-ts login` / `logout` subprocess tests: a started CLI whose stderr can be
// awaited line by line, and a "browser" GET that does not follow redirects.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { BIN, type CliResult } from './run-cli.js';

/** A running CLI: `waitForStderr(re)` resolves when stderr matches; `exit` settles on exit (killed after `timeoutMs`). */
export interface StartedCli {
  child: ChildProcessWithoutNullStreams;
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exit: Promise<CliResult>;
}

export function startCli(args: string[], env: Record<string, string>, timeoutMs = 20_000): StartedCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', TERM: 'xterm', BROWSER: 'true', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    for (const w of waiters.splice(0)) w();
  });
  child.stdin.end();
  const exit = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`codex-ts ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`),
      );
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      for (const w of waiters.splice(0)) w();
      resolve({ code, stdout, stderr, lines: stdout.split('\n').filter((l) => l.length > 0) });
    });
  });
  exit.catch(() => undefined);
  const waitForStderr = (pattern: RegExp, ms = 10_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`stderr never matched ${pattern}: ${stderr}`)), ms);
      const check = () => {
        const match = stderr.match(pattern);
        if (match) {
          clearTimeout(deadline);
          resolve(match);
        } else if (child.exitCode !== null) {
          clearTimeout(deadline);
          reject(new Error(`exited before ${pattern}: ${stderr}`));
        } else waiters.push(check);
      };
      check();
    });
  return { child, waitForStderr, exit };
}

/** GET without following redirects (`ca` trusted for https). */
export function browse(
  url: string,
  ca?: string,
): Promise<{ status: number; location: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
    };
    const req = url.startsWith('https:') ? httpsGet(url, { ca }, onResponse) : httpGet(url, onResponse);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}
