// `codex-ts exec resume` takes `exec`'s options as 0.169.0 does (checked against the released CLI):
// global options after `resume`, every `exec` option before it, `-c` and `-i` adding up, a global
// option after `resume` replacing `exec`'s value. The built binary against the local server.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ResponsesServer, startResponsesServer, textTurn } from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHomes } from '../test-support/run-cli.js';

let server: ResponsesServer;
let scratch: string;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
  scratch = mkdtempSync(join(tmpdir(), 'codex-ts-resume-options-'));
});
afterEach(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==',
  'base64',
);
const turn = (id: string, text: string) => textTurn({ responseId: id, text });
type Body = {
  reasoning?: { effort?: string };
  text?: { format?: unknown };
  input: { type: string; role?: string; content?: { type: string; text?: string }[] }[];
};
const metadata = (value: string | undefined) => JSON.parse(value ?? '{}') as Record<string, unknown>;

/** A first `exec` run in `scratch` (the thread `--last` finds); returns its thread id. */
async function firstRun(home: string): Promise<string> {
  server.pushSteps({ kind: 'sse', events: turn('resp_1', 'First answer.') });
  const first = await runCli(['exec', '--json', '--skip-git-repo-check', 'First question.'], {
    home,
    cwd: scratch,
  });
  expect(first.code).toBe(0);
  return (JSON.parse(first.lines[0] ?? '{}') as { thread_id: string }).thread_id;
}

describe('codex-ts exec resume options', () => {
  it('applies exec options given before resume and global ones after it (-p, -s, -c, -i, -o)', async () => {
    const home = newHome(server.url);
    writeFileSync(join(home, 'work.config.toml'), 'model_reasoning_effort = "high"\n');
    writeFileSync(join(scratch, 'a.png'), PNG);
    writeFileSync(join(scratch, 'b.png'), PNG);
    const thread = await firstRun(home);
    server.pushSteps({ kind: 'sse', events: turn('resp_2', 'Second answer.') });
    const out = join(scratch, 'last.txt');
    const second = await runCli(
      [
        'exec',
        ...['-p', 'work', '-s', 'workspace-write', '-i', 'a.png', '-c', 'model_verbosity="low"'],
        '--json',
        'resume',
        ...['--last', '-i', 'b.png', '-o', out, '-c', 'model_verbosity="high"', '--skip-git-repo-check'],
        'Second question.',
      ],
      { home, cwd: scratch },
    );
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.lines[0]).toBe(`{"type":"thread.started","thread_id":"${thread}"}`);
    expect(readFileSync(out, 'utf8')).toBe('Second answer.');

    const request = server.requests[1]!;
    expect(metadata(request.headerMap['x-codex-turn-metadata'])).toMatchObject({
      history_initialization: 'cold_resume',
      sandbox_mode: 'workspace-write',
    });
    const body = request.json as Body & { text?: { verbosity?: string } };
    expect(body.reasoning?.effort).toBe('high'); // -p work, given before `resume`
    expect(body.text?.verbosity).toBe('high'); // -c values add up, resume's last
    const last = body.input.at(-1)!;
    expect(last.content?.filter((c) => c.type === 'input_text').map((c) => c.text)).toEqual([
      '<image name=[Image #1] path="a.png">',
      '</image>',
      '<image name=[Image #2] path="b.png">',
      '</image>',
      'Second question.',
    ]);
    expect(last.content?.filter((c) => c.type === 'input_image')).toHaveLength(2);
  });

  it('--output-schema, --enable (replacing exec’s) and --strict-config after resume', async () => {
    const home = newHome(server.url);
    await firstRun(home);
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    writeFileSync(join(scratch, 'schema.json'), JSON.stringify(schema));
    server.pushSteps({ kind: 'sse', events: turn('resp_2', '{"answer":"ok"}') });
    // A global option after `resume` replaces exec's value: the unknown feature before it is dropped.
    const r = await runCli(
      [
        ...['exec', '--enable', 'no_such_feature', 'resume', '--last', '--enable', 'apps'],
        ...['--output-schema', 'schema.json', '--json', '--skip-git-repo-check', 'Answer.'],
      ],
      { home, cwd: scratch },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((server.requests[1]!.json as Body).text?.format).toEqual({
      type: 'json_schema',
      strict: true,
      schema,
      name: 'codex_output_schema',
    });

    const unknown = await runCli(
      ['exec', 'resume', '--last', '--disable', 'no_such_feature', '--skip-git-repo-check', 'x'],
      { home, cwd: scratch },
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('Error: Unknown feature flag: no_such_feature\n');
    const strict = await runCli(
      ['exec', 'resume', '--last', '--strict-config', '-c', 'foo_bar=1', '--skip-git-repo-check', 'x'],
      { home, cwd: scratch },
    );
    expect(strict.code).toBe(1);
    expect(strict.stderr).toBe(
      'Error loading config.toml: unknown configuration field `foo_bar` in -c/--config override\n',
    );
    expect(server.requests).toHaveLength(2);
  });

  it('--thread-source names a new thread (rollout and metadata); a resumed thread keeps its own', async () => {
    const home = newHome(server.url);
    server.pushSteps({ kind: 'sse', events: turn('resp_1', 'First answer.') });
    server.pushSteps({ kind: 'sse', events: turn('resp_2', 'Second answer.') });
    const args = ['--json', '--skip-git-repo-check', '--thread-source', 'subagent', 'First question.'];
    expect((await runCli(['exec', ...args], { home, cwd: scratch })).code).toBe(0);
    const resumed = await runCli(
      ['exec', 'resume', '--last', '--thread-source', 'other', '--skip-git-repo-check', 'Again.'],
      { home, cwd: scratch },
    );
    expect(resumed.code).toBe(0);
    const sources = server.requests.map((r) => metadata(r.headerMap['x-codex-turn-metadata']).thread_source);
    expect(sources).toEqual(['subagent', 'subagent']);
    const [rollout] = readdirSync(join(home, 'sessions'), { recursive: true }).filter((f) =>
      String(f).endsWith('.jsonl'),
    );
    const meta = JSON.parse(readFileSync(join(home, 'sessions', String(rollout)), 'utf8').split('\n')[0]!);
    expect(meta.payload.thread_source).toBe('subagent');
  });

  it("refuses exec-only options after resume and --worktree with 0.169.0's text", async () => {
    const home = newHome(server.url);
    const profile = await runCli(['exec', 'resume', '-p', 'work', '--last', 'x'], { home, cwd: scratch });
    expect(profile.code).toBe(2);
    expect(profile.stderr).toContain("unknown option '-p'");
    const dup = await runCli(
      ['exec', 'resume', '--cyber-access-program', 'standard', '--cyber-access-program', 'standard'],
      {
        home,
        cwd: scratch,
      },
    );
    expect(dup.code).toBe(2);
    expect(dup.stderr).toBe(
      "error: the argument '--cyber-access-program <PROGRAM>' cannot be used multiple times\n\nUsage: codex exec resume [OPTIONS] [SESSION_ID] [PROMPT]\n\nFor more information, try '--help'.\n",
    );
    for (const args of [
      ['exec', 'resume', '--worktree', '--last', 'x'],
      ['exec', '--worktree', 'resume', '--last', '-o', join(scratch, 'no', 'such', 'file')],
    ]) {
      const r = await runCli(args, { home, cwd: scratch, stdin: '' });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        'Error: `--worktree` cannot resume an existing session; use `codex exec fork --worktree`\n',
      );
    }
    expect(server.requests).toHaveLength(0);
  });
});
