import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { tokenRefreshed } from '@codex-ts/responses-server';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import {
  accessToken,
  type Backend,
  chatgptAuthJson,
  httpsBackend,
  type TempHome,
  tempHome,
} from '../test-support/chatgpt.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../../..');

/** Bundles the child script with the workspace packages resolved to their sources. */
async function bundleChild(outfile: string): Promise<void> {
  await build({
    entryPoints: [join(here, '../test-support/refresh-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    // this package's own dependencies stay imports (resolved from its node_modules: the bundle is
    // written under the package); the workspace packages come from their sources
    external: [
      'bufferutil',
      'utf-8-validate',
      'jose',
      'proper-lockfile',
      'undici',
      'write-file-atomic',
      'zod',
    ],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    alias: {
      '@codex-ts/protocol': join(root, 'packages/codex-protocol/src/index.ts'),
      '@codex-ts/client': join(root, 'packages/codex-client/src/index.ts'),
      '@codex-ts/api': join(root, 'packages/codex-api/src/index.ts'),
    },
  });
}

interface Child {
  proc: ChildProcessWithoutNullStreams;
  lines: AsyncIterator<string>;
  stderr: string[];
}

function startChild(script: string, args: string[]): Child {
  const proc = spawn(process.execPath, [script, ...args], { stdio: 'pipe' });
  const stderr: string[] = [];
  proc.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  return { proc, lines, stderr };
}

async function nextLine(child: Child): Promise<string> {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`child gave no line; stderr: ${child.stderr.join('')}`)), 15_000),
  );
  const result = await Promise.race([child.lines.next(), timeout]);
  if (result.done) throw new Error(`child exited; stderr: ${child.stderr.join('')}`);
  return result.value;
}

const childScript = join(here, `../../.tmp/refresh-child-${process.pid}.mjs`);
let home: TempHome;
let backend: Backend | undefined;
const children: Child[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.proc.kill();
  await rm(childScript, { force: true });
  await backend?.close();
  backend = undefined;
  await home?.remove();
});

describe('refresh across processes (auth.json lock + guarded reload)', () => {
  it('two processes refreshing at once: one request reaches the server, both end with the newest tokens', async () => {
    home = await tempHome();
    const newAccess = accessToken(3_600_000, 'v2');
    backend = await httpsBackend({
      chatgpt: {
        token: {
          // slow enough that the second process arrives while the first holds the lock
          replies: [
            { ...tokenRefreshed({ accessToken: newAccess, refreshToken: 'rt-fake-v2' }), delayMs: 300 },
          ],
        },
      },
    });
    await home.write(chatgptAuthJson({ access: accessToken(3_600_000) }));
    const caFile = join(home.dir, 'ca.pem');
    await writeFile(caFile, backend.server.caCert ?? '');
    const script = childScript;
    await bundleChild(script);
    const args = [home.dir, caFile, backend.server.refreshTokenUrl];
    const a = startChild(script, args);
    const b = startChild(script, args);
    children.push(a, b);
    expect(await nextLine(a)).toBe('ready');
    expect(await nextLine(b)).toBe('ready');
    a.proc.stdin.write('go\n');
    b.proc.stdin.write('go\n');
    const [outA, outB] = await Promise.all([nextLine(a), nextLine(b)]);
    expect(JSON.parse(outA)).toEqual({ authorization: `Bearer ${newAccess}` });
    expect(JSON.parse(outB)).toEqual({ authorization: `Bearer ${newAccess}` });
    expect(backend.server.requests.filter((r) => r.route === 'token')).toHaveLength(1);
    const stored = JSON.parse(await home.read());
    expect(stored.tokens).toMatchObject({
      access_token: newAccess,
      refresh_token: 'rt-fake-v2',
      account_id: 'acct-fake-0000',
    });
    expect(a.stderr.join('') + b.stderr.join('')).toBe('');
  });
});
