/**
 * The entry of the bundled binary (`dist/cli.cjs`, built by tsup as one minified CommonJS file
 * with every dependency inside). `dist/bin.cjs` (see `launch/launcher.ts`) compiles it through
 * `vm.Script` with a V8 code cache and calls {@link run}; the build calls {@link helpFacts} to
 * write `dist/help.json`, which lets the launcher answer `--help` without loading the bundle.
 */
// First: zod is configured before any schema of the bundle is built (the package has no side
// effects, so this import is kept through its export).
export { ZOD_JITLESS } from './zod-jitless.js';

import { fstatSync, readFileSync, statSync } from 'node:fs';
import { isatty } from 'node:tty';
import { CREDENTIAL_ENV_VARS } from '@codex-ts/core';
import { main } from './main.js';

/**
 * Stdin read at once when it is a regular file or `/dev/null` (`< file`, a script's `</dev/null`):
 * the same bytes `process.stdin` would give, without creating that stream (~1–2 ms of start-up).
 * Undefined for anything else (a pipe, a socket, a terminal, another device): those are read
 * through `process.stdin`, whose reads wait on the event loop (signals still arrive).
 */
function readStdinAtOnce(): Buffer | undefined {
  try {
    const stat = fstatSync(0);
    if (stat.isFile() || (stat.isCharacterDevice() && stat.rdev === statSync('/dev/null').rdev)) {
      return readFileSync(0);
    }
  } catch {
    // Not a file descriptor we can stat or read at once: read through process.stdin.
  }
  return undefined;
}

async function readStdinBytes(): Promise<Uint8Array> {
  const atOnce = readStdinAtOnce();
  if (atOnce !== undefined) return atOnce;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readStdin(): Promise<string> {
  return Buffer.from(await readStdinBytes()).toString('utf8');
}

/** Runs `codex-ts` with this process's argv, streams and environment; sets `process.exitCode`. */
export async function run(argv: string[]): Promise<void> {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted')));
  const code = await main(argv, {
    env: process.env,
    cwd: process.cwd(),
    stdout: { write: (s) => process.stdout.write(s) },
    stderr: { write: (s) => process.stderr.write(s), isTTY: isatty(2) },
    readStdin,
    readStdinBytes,
    // isatty, not process.stdin.isTTY: creating the stdin stream is left to whoever reads it.
    stdinIsTty: isatty(0),
    signal: controller.signal,
  });
  process.exitCode = code;
  // Whatever still holds the event loop once main returned (an OpenTelemetry exporter's request to a
  // stalled collector, past the bounded flush) gets one more second, then the process exits with its code.
  setTimeout(() => process.exit(code), 1000).unref();
}

/**
 * What `codex-ts --help` prints at commander's default width (80 columns: stdout not a terminal),
 * and the environment variables whose values `main` redacts from it.
 */
export async function helpFacts(): Promise<{ width: number; text: string; redactedEnv: string[] }> {
  let text = '';
  await main(['--help'], {
    env: {},
    cwd: process.cwd(),
    stdout: {
      write: (s) => {
        text += s;
      },
    },
    stderr: { write: () => undefined },
    readStdin: async () => '',
    stdinIsTty: false,
  });
  return { width: 80, text, redactedEnv: [...CREDENTIAL_ENV_VARS] };
}
