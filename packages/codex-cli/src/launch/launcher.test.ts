// The launcher (dist/bin.js) answers --version and --help itself; what it prints must be what
// the full command line prints.
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { runCli, tempHomes } from '../test-support/run-cli.js';
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
});
