// Human output of `codex-ts exec` around an automatic compaction: 0.169.0 (live, same scripts)
// printed `context compacted` on stderr, after the command output a mid-turn compaction follows
// and before the first output of a turn compacted before it; `--json` shows nothing for it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  completed,
  functionCall,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
  textTurn,
  usage,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { providerConfig, runCli, tempHome } from '../test-support/run-cli.js';

let server: ResponsesServer;
let userHome: string;
const cleanups: (() => void)[] = [];
beforeEach(async () => {
  server = await startResponsesServer();
  userHome = mkdtempSync(join(tmpdir(), 'codex-ts-cli-user-'));
});
afterEach(async () => {
  await server.close();
  rmSync(userHome, { recursive: true, force: true });
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function newHome(): string {
  const home = tempHome(`model_auto_compact_token_limit = 1000\n${providerConfig(server.url)}`);
  cleanups.push(home.cleanup);
  return home.home;
}
const over = usage({ input: 200_000, cached: 0, output: 20, reasoning: 0 });
const answer = (id: string, text: string, reasoning: string) =>
  textTurn({
    responseId: id,
    text,
    reasoning,
    usage: usage({ input: 500, cached: 0, output: 10, reasoning: 0 }),
  });
const summary = () => textTurn({ responseId: 'resp_c', text: 'Summary.', reasoning: 'Summarizing' });
const run = (args: string[], home: string) =>
  runCli(['exec', '--dangerously-bypass-approvals-and-sandbox', ...args], { home, env: { HOME: userHome } });

describe('codex-ts exec (human): automatic compaction', () => {
  it('mid-turn: `context compacted` after the command output, before the next reasoning', async () => {
    server.pushSteps(
      {
        kind: 'sse',
        events: [
          responseCreated('resp_1'),
          functionCall('call_1', 'exec_command', { cmd: 'echo hi' }),
          completed('resp_1', over),
        ],
      },
      { kind: 'sse', events: summary() },
      { kind: 'sse', events: answer('resp_2', 'Done.', 'After the summary') },
    );
    const r = await run(['Run it.'], newHome());
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Done.\n');
    expect(r.stderr).toMatch(
      / succeeded in \d+ms:\nhi\n\ncontext compacted\nAfter the summary\ncodex\nDone\.\ntokens used\n[\d,]+\n$/,
    );
    expect(r.stderr).not.toContain('Summar');
  });

  it('pre-turn on exec resume: `context compacted` before the turn prints anything', async () => {
    const home = newHome();
    server.pushSteps({
      kind: 'sse',
      events: textTurn({ responseId: 'resp_0', text: 'First.', reasoning: 'First thought', usage: over }),
    });
    const first = await run(['--json', 'First question.'], home);
    expect(first.code).toBe(0);
    expect(first.stdout).not.toContain('compact');
    server.pushSteps(
      { kind: 'sse', events: summary() },
      { kind: 'sse', events: answer('resp_2', 'Second.', 'Next thought') },
    );
    const r = await runCli(['exec', 'resume', '--last', 'Second question.'], {
      home,
      env: { HOME: userHome },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Second.\n');
    expect(r.stderr.split('\n').filter((l) => l === 'context compacted' || l === 'Next thought')).toEqual([
      'context compacted',
      'Next thought',
    ]);
  });
});
