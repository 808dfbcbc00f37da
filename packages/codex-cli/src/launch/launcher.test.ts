// The launcher (dist/bin.cjs, and the same as an ES module in dist/bin.js) answers --version and
// --help itself; what it prints must be what the full command line prints.
import { readFileSync } from 'node:fs';
import { startResponsesServer } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { helloTurn } from '../test-support/hello-turn.js';
import { BIN, ESM_BIN, runCli, tempHomes } from '../test-support/run-cli.js';
import { CLI_VERSION } from '../version.js';

const newHome = tempHomes();

/** What `main` prints on stdout for `argv` (stdout not a terminal: commander's 80 columns). */
async function mainStdout(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; text: string }> {
  let text = '';
  const code = await main(argv, {
    env,
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
  return { code, text };
}

describe('codex-ts launcher', () => {
  it('prints the version for --version and -V', async () => {
    const home = newHome('http://127.0.0.1:9/v1');
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag], { home });
      expect(result).toMatchObject({ code: 0, stdout: `${CLI_VERSION}\n`, stderr: '' });
      expect(result.stdout).toBe((await mainStdout([flag])).text);
    }
  });

  it('prints the same help as the command line for --help and -h', async () => {
    const home = newHome('http://127.0.0.1:9/v1');
    const expected = await mainStdout(['--help']);
    expect(expected.text).toContain('Usage: codex-ts');
    for (const flag of ['--help', '-h']) {
      const result = await runCli([flag], { home });
      expect(result).toMatchObject({ code: 0, stdout: expected.text, stderr: '' });
    }
  });

  it('redacts a credential from --help as the command line does', async () => {
    const home = newHome('http://127.0.0.1:9/v1');
    const env = { OPENAI_API_KEY: 'display help for command' };
    const expected = await mainStdout(['--help'], env);
    expect(expected.text).toContain('***');
    expect(expected.text).not.toContain(env.OPENAI_API_KEY);
    const result = await runCli(['--help'], { home, env });
    expect(result).toMatchObject({ code: 0, stdout: expected.text });
  });

  it('is the CommonJS dist/bin.cjs, which package.json names as the bin', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(pkg.bin).toEqual({ 'codex-ts': './dist/bin.cjs' });
    const text = readFileSync(BIN, 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    // CommonJS: no static `import` / `export` statements, which Node would refuse in a .cjs file.
    expect(text).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('runs a turn and answers --version / --help the same through dist/bin.js (ES module)', async () => {
    const server = await startResponsesServer();
    try {
      const home = newHome(server.url);
      for (const argv of [['--version'], ['--help'], ['exec', '--help']]) {
        const viaCjs = await runCli(argv, { home });
        const viaEsm = await runCli(argv, { home, bin: ESM_BIN });
        expect(viaCjs.code).toBe(0);
        expect(viaEsm).toEqual(viaCjs);
      }
      for (const bin of [BIN, ESM_BIN]) {
        server.pushSteps({ kind: 'sse', events: helloTurn('Hi from the launcher.') });
        const r = await runCli(['exec', '--json', '--skip-git-repo-check', 'Say hello.'], { home, bin });
        expect(r.code).toBe(0);
        expect(r.lines.at(-2)).toBe(
          '{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"Hi from the launcher."}}',
        );
      }
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});
