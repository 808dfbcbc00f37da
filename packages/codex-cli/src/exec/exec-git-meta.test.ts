// The git state of session_meta does not hold back the first request: `git` runs while the request
// is on its way, and the rollout still starts with a session_meta holding what git answered.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startResponsesServer } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { helloTurn } from '../test-support/hello-turn.js';
import { runCli, tempHomes } from '../test-support/run-cli.js';

const newHome = tempHomes();

// A `git` that answers only once the file $FAKE_GIT_RELEASE exists (the test creates it when the
// server has received the request), or after ~4 s without it (below GIT_COMMAND_TIMEOUT_MS), with
// a commit hash saying which happened.
const FAKE_GIT = `#!/bin/sh
echo "$*" >> "$FAKE_GIT_RELEASE.calls"
i=0
while [ ! -e "$FAKE_GIT_RELEASE" ] && [ $i -lt 40 ]; do sleep 0.1; i=$((i + 1)); done
if [ -e "$FAKE_GIT_RELEASE" ]; then commit=released-after-request; else commit=request-not-seen; fi
case "$*" in
  "rev-parse --is-inside-work-tree") echo true ;;
  "rev-parse HEAD") echo "$commit" ;;
  "rev-parse --abbrev-ref HEAD") echo main ;;
  "remote get-url origin") echo https://example.com/org/repo.git ;;
  *) exit 1 ;;
esac
`;

/** A CODEX_HOME for `baseUrl` with FAKE_GIT first on the PATH of `env`, released by creating `release`. */
function fakeGitHome(baseUrl: string): { home: string; release: string; env: Record<string, string> } {
  const home = newHome(baseUrl);
  const bin = join(home, 'fake-bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'git'), FAKE_GIT);
  chmodSync(join(bin, 'git'), 0o755);
  const release = join(home, 'release-git');
  return { home, release, env: { PATH: `${bin}:${process.env.PATH ?? ''}`, FAKE_GIT_RELEASE: release } };
}

/** The one rollout file under `<home>/sessions`. */
function rolloutFile(home: string): string {
  const files = readdirSync(join(home, 'sessions'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.jsonl'));
  expect(files).toHaveLength(1);
  return join(home, 'sessions', files[0] as string);
}

describe('codex-ts exec: session_meta git state', () => {
  it('sends the first request while git is still running; session_meta stays first with its git state', async () => {
    const server = await startResponsesServer();
    try {
      const { home, release, env } = fakeGitHome(server.url);
      const work = join(home, 'work');
      mkdirSync(join(work, '.git'), { recursive: true }); // what the fake git is asked about
      server.pushSteps({ kind: 'sse', events: helloTurn('Hello there!') });
      let finished = false;
      const run = runCli(['exec', '--json', '--skip-git-repo-check', 'Say hello.'], {
        home,
        cwd: work,
        env,
      }).finally(() => {
        finished = true;
      });
      // Bounded: the fake git gives up waiting after ~4 s anyway.
      for (let i = 0; i < 500 && server.requests.length === 0 && !finished; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      writeFileSync(release, '');
      const r = await run;
      expect(r.code).toBe(0);
      expect(r.lines.at(-1)).toContain('"type":"turn.completed"');
      const records = readFileSync(rolloutFile(home), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { ordinal: number; type: string; payload: Record<string, unknown> });
      expect(records[0]?.type).toBe('session_meta');
      expect(records[0]?.payload.git).toEqual({
        commit_hash: 'released-after-request',
        branch: 'main',
        repository_url: 'https://example.com/org/repo.git',
      });
      expect(records.map((l) => l.ordinal)).toEqual(records.map((_, i) => i));
      expect(records.at(-1)?.payload.type).toBe('task_complete');
    } finally {
      await server.close();
    }
  });

  it('runs no git outside a git work tree (no .git in the working folder or above it)', async () => {
    const server = await startResponsesServer();
    try {
      const { home, release, env } = fakeGitHome(server.url);
      writeFileSync(release, '');
      const work = join(home, 'plain');
      mkdirSync(work);
      server.pushSteps({ kind: 'sse', events: helloTurn('Hello there!') });
      const r = await runCli(['exec', '--json', '--skip-git-repo-check', 'Say hello.'], {
        home,
        cwd: work,
        env,
      });
      expect(r.code).toBe(0);
      expect(existsSync(`${release}.calls`)).toBe(false);
      const first = JSON.parse(readFileSync(rolloutFile(home), 'utf8').split('\n')[0] as string) as {
        type: string;
        payload: Record<string, unknown>;
      };
      expect(first.type).toBe('session_meta');
      expect(first.payload).not.toHaveProperty('git');
    } finally {
      await server.close();
    }
  });
});
