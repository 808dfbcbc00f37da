// session_meta.git as 0.169.0 writes it ({commit_hash, branch, repository_url}), from a real
// repository made with the `git` binary; outside a repository there is no `git` key.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectGitInfo } from './git-info.js';
import { startThread } from './thread-recording.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-ts-git-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const hasGit = (() => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasGit) console.warn('git-info tests skipped: no `git` binary on PATH');

function repo(path: string): string {
  mkdirSync(path, { recursive: true });
  const run = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: path,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
    }).trim();
  run('init', '-q', '-b', 'main');
  run('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'init');
  run('remote', 'add', 'origin', 'https://example.com/org/repo.git');
  return run('rev-parse', 'HEAD');
}

describe.skipIf(!hasGit)('git info of the working tree', () => {
  it('reads the commit, branch and origin URL; no branch on a detached HEAD; nothing outside a repository', async () => {
    const work = join(dir, 'work');
    const head = repo(work);
    expect(await collectGitInfo(work)).toEqual({
      commit_hash: head,
      branch: 'main',
      repository_url: 'https://example.com/org/repo.git',
    });
    execFileSync('git', ['checkout', '-q', '--detach'], { cwd: work });
    expect(await collectGitInfo(work)).toEqual({
      commit_hash: head,
      repository_url: 'https://example.com/org/repo.git',
    });
    const plain = join(dir, 'plain');
    mkdirSync(plain);
    expect(await collectGitInfo(plain)).toBeUndefined();
  });

  it("is the last key of a new thread's session_meta", async () => {
    const work = join(dir, 'work');
    const head = repo(work);
    const thread = await startThread({
      codexHome: join(dir, 'home'),
      cwd: work,
      resume: undefined,
      ephemeral: false,
      baseInstructions: 'Base.',
      originator: 'codex_exec',
      cliVersion: '0.1.0',
      modelProvider: 'local',
      isProviderConfigured: () => true,
      settings: () => ({ cwd: work, model: 'gpt-5.5', approvalPolicy: 'never', sandboxMode: 'read-only' }),
    });
    thread.recorder?.turnStarted({ turnId: 't1', history: [], contextItems: [], userItems: [] });
    // The records wait for git (started by startThread, not awaited by it).
    await thread.recorder?.writer.settled();
    const meta = JSON.parse(readFileSync(thread.rolloutPath as string, 'utf8').split('\n')[0] as string) as {
      payload: Record<string, unknown>;
    };
    expect(Object.keys(meta.payload).at(-1)).toBe('git');
    expect(meta.payload.git).toEqual({
      commit_hash: head,
      branch: 'main',
      repository_url: 'https://example.com/org/repo.git',
    });
  });
});
