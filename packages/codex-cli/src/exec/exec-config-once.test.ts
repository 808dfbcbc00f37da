// config.toml is read once per `exec` run, before stdin (as 0.169.0): the session uses that load,
// so a config changed while the prompt is being read does not apply to the run.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startResponsesServer } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { helloTurn } from '../test-support/hello-turn.js';
import { BIN, providerConfig, tempHomes } from '../test-support/run-cli.js';

const newHome = tempHomes();

describe('codex-ts exec: config.toml', () => {
  it('is read once, before the prompt from stdin; the session does not read it again', async () => {
    const server = await startResponsesServer();
    try {
      const home = newHome(server.url);
      server.pushSteps({ kind: 'sse', events: helloTurn('Hello there!') });
      const child = spawn(process.execPath, [BIN, 'exec', '--json', '--skip-git-repo-check'], {
        cwd: home,
        env: { PATH: process.env.PATH ?? '', CODEX_HOME: home, LOCAL_API_KEY: 'sk-local-test' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
      });
      const waitingForStdin = new Promise<void>((resolve) => {
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          stderr += d;
          if (stderr.includes('Reading prompt from stdin...')) resolve();
        });
      });
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      try {
        await Promise.race([waitingForStdin, exited]);
        // The run has loaded its config and waits for the prompt: change the model under it.
        writeFileSync(
          join(home, 'config.toml'),
          providerConfig(server.url).replace('gpt-5.5', 'gpt-changed'),
        );
        child.stdin.end('Say hello.');
        expect(await exited).toBe(0);
      } finally {
        clearTimeout(timer);
      }
      expect(stdout).toContain('"type":"turn.completed"');
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]?.json).toMatchObject({ model: 'gpt-5.5' });
    } finally {
      await server.close();
    }
  });
});
