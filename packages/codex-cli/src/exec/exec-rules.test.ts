// `codex-ts exec` under the exec policy of `$CODEX_HOME/rules/*.rules`, as codex-cli 0.169.0 ran
// the same rules and script (live): forbidden and prompt commands are not run (no item), the
// model gets the original's rejection texts; `--ignore-rules` runs them; a bad rules file stops
// the run before any request.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  completed,
  functionCall,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HELLO_TURN_LINES, helloTurn } from '../test-support/hello-turn.js';
import { runCli, tempHomes } from '../test-support/run-cli.js';

let server: ResponsesServer;
let work: string;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
  work = mkdtempSync(join(tmpdir(), 'codex-ts-cli-rules-'));
});
afterEach(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

function homeWithRules(rules: string): string {
  const home = newHome(server.url);
  mkdirSync(join(home, 'rules'));
  writeFileSync(join(home, 'rules', 'default.rules'), rules);
  return home;
}
const RULES =
  'prefix_rule(pattern=["rm"], decision="forbidden")\nprefix_rule(pattern=["git", "status"], decision="prompt")\n';
const rejected = (reason: string) =>
  `exec_command failed: CreateProcess { message: ${JSON.stringify(`Rejected(${JSON.stringify(reason)})`)} }`;

function script(): void {
  server.pushSteps(
    {
      kind: 'sse',
      events: [
        responseCreated('resp_1'),
        functionCall('call_1', 'exec_command', { cmd: 'echo a && rm -f x' }, 'fc_1'),
        functionCall('call_2', 'exec_command', { cmd: 'git status' }, 'fc_2'),
        completed('resp_1'),
      ],
    },
    { kind: 'sse', events: helloTurn() },
  );
}
const run = (home: string, extra: string[] = []) =>
  runCli(['exec', '--json', '--skip-git-repo-check', '-C', work, ...extra, 'Go.'], {
    home,
    env: { HOME: work },
  });
const outputsOf = () =>
  (server.requests[1]!.json as { input: { type: string; output?: string }[] }).input
    .filter((i) => i.type === 'function_call_output')
    .map((i) => i.output);

describe('codex-ts exec: exec policy rules', () => {
  it('forbidden and prompt commands are refused with 0.169.0 texts, nothing run, no item', async () => {
    script();
    const r = await run(homeWithRules(RULES));
    expect(r.code).toBe(0);
    expect(r.lines.slice(1)).toEqual(HELLO_TURN_LINES);
    // The user's login shell (from /etc/passwd; /bin/bash where 0.169.0 ran) as /bin/bash.
    expect(outputsOf().map((o) => o?.replace(/`\/\S*\/(bash|zsh|sh) -lc /, '`/bin/bash -lc '))).toEqual([
      rejected("`/bin/bash -lc 'echo a && rm -f x'` rejected: policy forbids commands starting with `rm`"),
      rejected('approval required by policy, but AskForApproval is set to Never'),
    ]);
  });

  it('--ignore-rules runs them', async () => {
    script();
    const r = await run(homeWithRules(RULES), ['--ignore-rules']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"type":"command_execution"');
    expect(outputsOf().every((o) => o?.startsWith('Chunk ID: '))).toBe(true);
  });

  it('a bad rules file: the load error, exit 1, no request', async () => {
    const home = homeWithRules('prefix_rule(pattern=["rm"], decision="nope")\n');
    const r = await run(home);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `Error loading rules:\n${join(home, 'rules', 'default.rules')}:1: error: invalid decision: nope (problem is on or around line 1)\n`,
    );
    expect(server.requests).toHaveLength(0);
  });
});
