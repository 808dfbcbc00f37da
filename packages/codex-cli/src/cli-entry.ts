/**
 * The entry of the bundled binary (`dist/cli.cjs`, built by tsup as one minified CommonJS file
 * with every dependency inside). `dist/bin.cjs` (see `launch/launcher.ts`) compiles it through
 * `vm.Script` with a V8 code cache and calls {@link run}; the build calls {@link helpFacts} to
 * write `dist/help.json`, which lets the launcher answer `--help` without loading the bundle.
 */
// First: zod is configured before any schema of the bundle is built (the package has no side
// effects, so this import is kept through its export).
export { ZOD_JITLESS } from './zod-jitless.js';

import { CREDENTIAL_ENV_VARS } from '@codex-ts/core';
import { main } from './main.js';

async function readStdinBytes(): Promise<Uint8Array> {
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
    stderr: { write: (s) => process.stderr.write(s) },
    readStdin,
    readStdinBytes,
    stdinIsTty: Boolean(process.stdin.isTTY),
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
