// The thread API's failures: aborts, failed turns, the git check, concurrent runs of one thread,
// bad input, resume, closing; and how thread options become session options.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '@codex-ts/api';
import { HttpTransport, SecretRedactor } from '@codex-ts/client';
import type { ThreadEvent } from '@codex-ts/protocol';
import {
  completed,
  openAiError,
  type RecordedRequest,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
  textTurn,
} from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { THREAD_HOME_API_KEY, type ThreadHome, threadHome } from '../test/index.js';
import { Codex } from './codex.js';
import { NOT_GIT_REPO_MESSAGE, ThreadError } from './thread-error.js';
import { openOptionsFor } from './thread-options.js';

let server: ResponsesServer | undefined;
let env: ThreadHome | undefined;
afterEach(async () => {
  await env?.close();
  await server?.close();
  env = undefined;
  server = undefined;
});

async function setup(options: Parameters<typeof startResponsesServer>[0]): Promise<ThreadHome> {
  server = await startResponsesServer(options);
  env = threadHome(server);
  return env;
}

const STALLING = {
  scenario: {
    steps: [
      { kind: 'sse' as const, events: [responseCreated('resp_1'), completed('resp_1')], stallAfter: 1 },
    ],
  },
};

async function rejection(promise: Promise<unknown>): Promise<ThreadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ThreadError.isInstance(error), String(error)).toBe(true);
  return error as ThreadError;
}

describe('aborts', () => {
  it('a signal fired mid-turn rejects run() with `aborted` and ends runStreamed with turn.failed', async () => {
    const { codex, home } = await setup(STALLING);
    const thread = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
    const controller = new AbortController();
    const running = thread.run('wait', { signal: controller.signal });
    await server?.waitForRequests(1, 5_000);
    controller.abort(new Error('user pressed stop'));
    const error = await rejection(running);
    expect([error.code, error.message, (error.cause as Error).message]).toEqual([
      'aborted',
      'turn aborted',
      'user pressed stop',
    ]);

    server?.setScenario(STALLING.scenario);
    const again = new AbortController();
    const { events } = await thread.runStreamed('wait again', { signal: again.signal });
    const seen: ThreadEvent[] = [];
    for await (const event of events) {
      seen.push(event);
      if (event.type === 'turn.started') void server?.waitForRequests(2, 5_000).then(() => again.abort());
    }
    expect(seen.map((e) => e.type)).toEqual(['thread.started', 'turn.started', 'turn.failed']);
    expect(seen.at(-1)).toEqual({ type: 'turn.failed', error: { message: 'turn aborted' } });
  });

  it('an already aborted signal sends nothing', async () => {
    const { codex, home } = await setup(STALLING);
    const thread = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
    const error = await rejection(thread.run('never', { signal: AbortSignal.abort() }));
    expect(error.code).toBe('aborted');
    expect(server?.requests).toHaveLength(0);
    expect(thread.id).toBeNull();
  });

  it('closing the Codex ends a running turn and refuses new threads', async () => {
    const { codex, home } = await setup(STALLING);
    const thread = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
    const running = rejection(thread.run('wait'));
    await server?.waitForRequests(1, 5_000);
    await codex.close();
    expect((await running).code).toBe('aborted');
    expect(() => codex.startThread()).toThrow(expect.objectContaining({ code: 'closed' }));
  });
});

describe('failures', () => {
  it('a failed turn rejects run() with `turn_failed`, the printed text and the ApiError', async () => {
    const quota = openAiError('insufficient_quota', 'insufficient_quota', 'You exceeded your current quota.');
    const { codex, home } = await setup({
      scenario: { steps: [{ kind: 'error', status: 429, body: quota }] },
    });
    const thread = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
    const error = await rejection(thread.run('hi'));
    expect([error.code, error.message]).toEqual([
      'turn_failed',
      'Quota exceeded. Check your plan and billing details.',
    ]);
    expect(ApiError.isInstance(error.cause) && error.cause.code).toBe('quota_exceeded');
  });

  it('refuses to run outside a git repository unless skipGitRepoCheck', async () => {
    const { codex, home } = await setup({
      scenario: {
        steps: [{ kind: 'sse', events: textTurn({ responseId: 'r', text: 'ok' }) }],
        repeatLast: true,
      },
    });
    const outside = codex.startThread({ workingDirectory: home });
    const error = await rejection(outside.run('hi'));
    expect([error.code, error.message]).toEqual(['not_git_repo', NOT_GIT_REPO_MESSAGE]);
    expect(server?.requests).toHaveLength(0);

    mkdirSync(join(home, 'repo', '.git', 'objects'), { recursive: true });
    mkdirSync(join(home, 'repo', 'src'));
    const inside = codex.startThread({ workingDirectory: join(home, 'repo', 'src') });
    expect((await inside.run('hi')).finalResponse).toBe('ok');
  });

  it('refuses a second run of a thread while its turn runs', async () => {
    const { codex, home } = await setup(STALLING);
    const thread = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
    const controller = new AbortController();
    const first = thread.run('one', { signal: controller.signal });
    await server?.waitForRequests(1, 5_000);
    expect((await rejection(thread.run('two'))).code).toBe('turn_in_progress');
    controller.abort();
    expect((await rejection(first)).code).toBe('aborted');
  });

  it('rejects empty input and unreadable images before sending anything', async () => {
    const { codex, home } = await setup(STALLING);
    const thread = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
    expect((await rejection(thread.run(''))).code).toBe('invalid_input');
    expect((await rejection(thread.run([{ type: 'local_image', path: 'missing.png' }]))).code).toBe(
      'invalid_input',
    );
    expect((await rejection(thread.run([{ type: 'local_image', path: 'notes.txt' }]))).message).toMatch(
      /unsupported image type/,
    );
    expect(server?.requests).toHaveLength(0);
  });
});

describe('resumeThread', () => {
  it('has the id at once and never silently starts a new thread for an unknown id', async () => {
    const { codex, home } = await setup(STALLING);
    const id = '01a2004f-b89d-7fb1-9159-4117ec46c750';
    const thread = codex.resumeThread(id, { workingDirectory: home, skipGitRepoCheck: true });
    expect(thread.id).toBe(id);
    await expect(thread.run('continue')).rejects.toThrow();
    expect(server?.requests.filter((r) => r.route === 'responses')).toHaveLength(0);
  });

  it('continues a recorded thread: same thread id, cold_resume, the earlier history first', async () => {
    const turn = (id: string, text: string) =>
      textTurn({ responseId: id, text, reasoning: `Thinking ${id}`, encryptedContent: `enc-${id}` });
    const { codex, home } = await setup({
      scenario: {
        steps: [
          { kind: 'sse', events: turn('resp_1', 'First answer.') },
          { kind: 'sse', events: turn('resp_2', 'Second answer.') },
        ],
      },
    });
    const first = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
    expect((await first.run('First question.')).finalResponse).toBe('First answer.');
    const id = first.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    // A second Codex on the same CODEX_HOME (as a new process would be).
    const second = new Codex({
      env: { CODEX_HOME: home, LOCAL_API_KEY: THREAD_HOME_API_KEY, TERM: 'xterm', SHELL: '/bin/bash' },
    });
    try {
      const resumed = second.resumeThread(id, { workingDirectory: home, skipGitRepoCheck: true });
      const result = await resumed.run('Second question.');
      expect(result.finalResponse).toBe('Second answer.');
      expect(resumed.id).toBe(id);
    } finally {
      await second.close();
    }
    const posts = server?.requests.filter((r) => r.route === 'responses') ?? [];
    expect(posts).toHaveLength(2);
    const [r1, r2] = posts as [RecordedRequest, RecordedRequest];
    const metadata = (r: RecordedRequest) => JSON.parse(r.headerMap['x-codex-turn-metadata'] ?? '{}');
    expect(metadata(r1).history_initialization).toBe('new');
    expect(metadata(r2)).toMatchObject({ history_initialization: 'cold_resume', thread_id: id });
    for (const name of ['session-id', 'thread-id']) expect(r2.headerMap[name]).toBe(id);
    const body = r2.json as { input: { type: string; role?: string; content?: { text?: string }[] }[] };
    expect((r2.json as { prompt_cache_key?: string }).prompt_cache_key).toBe(id);
    expect(body).not.toHaveProperty('previous_response_id');
    // The whole recorded history (developer, environment, first exchange), then the new prompt.
    const firstInput = (r1.json as { input: unknown[] }).input;
    expect(body.input.slice(0, firstInput.length)).toEqual(firstInput);
    expect(
      body.input
        .slice(firstInput.length)
        .map((i) => (i.type === 'message' ? `${i.role}:${i.content?.[0]?.text}` : i.type)),
    ).toEqual(['reasoning', 'assistant:First answer.', 'user:Second question.']);
  });
});

describe('openOptionsFor', () => {
  it('maps Codex and thread options to exec options and -c overrides', () => {
    const transport = new HttpTransport();
    const redactor = new SecretRedactor();
    const options = openOptionsFor(
      {
        baseUrl: 'http://127.0.0.1:1/v1',
        apiKey: 'sk-abc',
        env: { CODEX_HOME: '/h' },
        config: {
          model_verbosity: 'high',
          model_providers: { 'my.local': { name: 'x', request_max_retries: 2, http_headers: { a: 'b' } } },
          tools: {},
          skipped: undefined,
          list: ['a', 1, true],
        },
      },
      {
        model: 'gpt-5.5',
        workingDirectory: '/w',
        modelReasoningEffort: 'high',
        networkAccessEnabled: false,
        webSearchEnabled: true,
        sandboxMode: 'workspace-write',
        additionalDirectories: ['/extra'],
        approvalPolicy: 'never',
      },
      { transport, redactor },
    );
    expect(options.configOverrides).toEqual([
      'openai_base_url="http://127.0.0.1:1/v1"',
      'model_verbosity="high"',
      'model_providers."my.local".name="x"',
      'model_providers."my.local".request_max_retries=2',
      'model_providers."my.local".http_headers.a="b"',
      'tools={}',
      'list=["a", 1, true]',
      'model_reasoning_effort="high"',
      'sandbox_workspace_write.network_access=false',
      'web_search="live"',
    ]);
    expect(options).toMatchObject({
      version: '0.0.0',
      env: { CODEX_HOME: '/h', CODEX_API_KEY: 'sk-abc' },
      cwd: '/w',
      model: 'gpt-5.5',
      originator: 'codex_sdk_ts',
      sandboxMode: 'workspace-write',
      additionalWritableRoots: ['/extra'],
      approvalPolicy: 'never',
      transport,
      redactor,
    });
    expect(() => openOptionsFor({ config: { n: Number.NaN } }, {}, { transport, redactor })).toThrow(
      /finite/,
    );
  });
});
