// The in-process thread API against a local responses server: run() / runStreamed() results,
// two threads at once in one process, the output schema on the wire, image input.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ResponseItem, serializeThreadEvent, type ThreadEvent } from '@codex-ts/protocol';
import {
  completed,
  functionCall,
  type RecordedRequest,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
  textTurn,
  usage,
} from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { type ThreadHome, threadHome } from '../test/index.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function helloTurn(text = 'Hello there!') {
  return textTurn({
    responseId: 'resp_1',
    text,
    reasoning: '**Planning a reply**\n\nThe user wants a short greeting.',
    usage: usage({ input: 1200, cached: 1024, output: 42, reasoning: 16 }),
  });
}

let server: ResponsesServer | undefined;
let env: ThreadHome | undefined;
afterEach(async () => {
  await env?.close();
  await server?.close();
  env = undefined;
  server = undefined;
});

async function setup(steps: Parameters<typeof startResponsesServer>[0] = {}): Promise<ThreadHome> {
  server = await startResponsesServer(steps);
  env = threadHome(server);
  return env;
}

/** The `input` of a recorded request body. */
function inputOf(request: RecordedRequest | undefined): ResponseItem[] {
  return (request?.json as { input?: ResponseItem[] } | undefined)?.input ?? [];
}

/** The texts of the user messages of a request body after the environment context. */
function userTexts(request: RecordedRequest): string[] {
  return inputOf(request)
    .filter((item) => item.type === 'message' && item.role === 'user')
    .map((item) => ((item as { content: { text?: string }[] }).content[0]?.text ?? '') as string)
    .filter((text) => !text.startsWith('<environment_context>'));
}

const responsesPosts = (s: ResponsesServer) => s.requests.filter((r) => r.route === 'responses');

describe('Thread.run', () => {
  it('returns the items, the final answer and the usage; id is null until the first run', async () => {
    const { codex, home } = await setup({ scenario: { steps: [{ kind: 'sse', events: helloTurn() }] } });
    const thread = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
    expect(thread.id).toBeNull();
    const result = await thread.run('Say hello.');
    expect(result).toEqual({
      items: [
        { id: 'item_0', type: 'reasoning', text: '**Planning a reply**\n\nThe user wants a short greeting.' },
        { id: 'item_1', type: 'agent_message', text: 'Hello there!' },
      ],
      finalResponse: 'Hello there!',
      usage: {
        input_tokens: 1200,
        cached_input_tokens: 1024,
        cache_write_input_tokens: 0,
        output_tokens: 42,
        reasoning_output_tokens: 16,
      },
    });
    expect(thread.id).toMatch(UUID_V7);
    const [request] = server?.requests ?? [];
    expect(request?.headerMap['thread-id']).toBe(thread.id);
    expect(request?.headerMap.originator).toBe('codex_sdk_ts');
    expect(request?.headerMap['user-agent']).toMatch(/^codex_sdk_ts\/0\.0\.0 /);
    expect(userTexts(request as RecordedRequest)).toEqual(['Say hello.']);
  });

  it('runs two threads at once in one process with their own ids and histories', async () => {
    const { codex, home } = await setup({
      scenario: {
        steps: [{ kind: 'sse', events: textTurn({ responseId: 'resp_x', text: 'ok' }) }],
        repeatLast: true,
      },
    });
    const options = { workingDirectory: home, skipGitRepoCheck: true };
    const [a, b] = [codex.startThread(options), codex.startThread(options)];
    const first = await Promise.all([a.run('A1'), b.run('B1')]);
    const second = await Promise.all([a.run('A2'), b.run('B2')]);
    expect([...first, ...second].map((r) => r.finalResponse)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(a.id).toMatch(UUID_V7);
    expect(b.id).toMatch(UUID_V7);
    expect(a.id).not.toBe(b.id);

    const requests = responsesPosts(server as ResponsesServer);
    expect(requests).toHaveLength(4);
    for (const [thread, prompts] of [
      [a, ['A1', 'A2']],
      [b, ['B1', 'B2']],
    ] as const) {
      const own = requests.filter((r) => r.headerMap['thread-id'] === thread.id);
      expect(own).toHaveLength(2);
      expect(own.map((r) => (r.json as { prompt_cache_key: string }).prompt_cache_key)).toEqual([
        thread.id,
        thread.id,
      ]);
      expect(own.map(userTexts)).toEqual([[prompts[0]], [prompts[0], prompts[1]]]);
      // The second turn carries this thread's first answer, not the other thread's.
      const input = inputOf(own[1]);
      expect(input.filter((item) => item.type === 'message' && item.role === 'assistant')).toHaveLength(1);
    }
  });

  it('keeps the shared HTTP transport open when one thread closes', async () => {
    const { codex, home } = await setup({
      scenario: {
        steps: [{ kind: 'sse', events: textTurn({ responseId: 'resp_x', text: 'ok' }) }],
        repeatLast: true,
      },
    });
    const options = { workingDirectory: home, skipGitRepoCheck: true };
    const [a, b] = [codex.startThread(options), codex.startThread(options)];
    await Promise.all([a.run('A1'), b.run('B1')]);
    await a.close();
    expect((await b.run('B2')).finalResponse).toBe('ok');
    await expect(a.run('A2')).rejects.toMatchObject({ code: 'closed' });
  });

  it('sends outputSchema as text.format of that turn only', async () => {
    const { codex, home } = await setup({
      scenario: {
        steps: [{ kind: 'sse', events: textTurn({ responseId: 'r', text: '{"answer":"hi"}' }) }],
        repeatLast: true,
      },
    });
    const thread = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
    const schema = {
      type: 'object',
      properties: { answer: { type: 'string' } },
      required: ['answer'],
      additionalProperties: false,
    };
    const result = await thread.run('Answer in JSON.', { outputSchema: schema });
    expect(JSON.parse(result.finalResponse)).toEqual({ answer: 'hi' });
    await thread.run('Again, free text.');
    const [withSchema, without] = responsesPosts(server as ResponsesServer);
    // As codex-cli 0.169.0 sent `exec --output-schema` (gpt-5.5: verbosity low).
    expect(withSchema?.body).toContain(
      `"text":{"verbosity":"low","format":{"type":"json_schema","strict":true,"schema":${JSON.stringify(schema)},"name":"codex_output_schema"}}`,
    );
    expect((without?.json as { text?: unknown } | undefined)?.text).toEqual({ verbosity: 'low' });
  });

  it('sends local images as 0.169.0 sent `exec -i`', async () => {
    const { codex, home } = await setup({ scenario: { steps: [{ kind: 'sse', events: helloTurn() }] } });
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==',
      'base64',
    );
    writeFileSync(join(home, 'red.png'), png);
    const thread = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
    await thread.run([
      { type: 'text', text: 'Describe it.' },
      { type: 'local_image', path: 'red.png' },
      { type: 'text', text: 'Briefly.' },
    ]);
    const input = inputOf(server?.requests[0]);
    const last = input.at(-1) as { id: string; role: string; content: unknown[] };
    expect(last.id).toMatch(/^msg_/);
    expect(last.role).toBe('user');
    expect(last.content).toEqual([
      { type: 'input_text', text: '<image name=[Image #1] path="red.png">' },
      {
        type: 'input_image',
        image_url: `data:image/png;base64,${png.toString('base64')}`,
        detail: 'original',
      },
      { type: 'input_text', text: '</image>' },
      { type: 'input_text', text: 'Describe it.\n\nBriefly.' },
    ]);
  });
});

describe('threads over WebSocket', () => {
  it('give each thread its own socket and prewarm, sending only its own items', async () => {
    server = await startResponsesServer({
      wsScenario: {
        responses: [{ events: textTurn({ responseId: 'resp_ws', text: 'ok' }) }],
        repeatLast: true,
      },
    });
    env = threadHome(server, 'supports_websockets = true');
    const options = { workingDirectory: env.home, skipGitRepoCheck: true };
    const [a, b] = [env.codex.startThread(options), env.codex.startThread(options)];
    await Promise.all([a.run('A1'), b.run('B1')]);
    await Promise.all([a.run('A2'), b.run('B2')]);
    const ws = server;
    expect(ws.requests.filter((r) => r.route === 'responses')).toHaveLength(0);
    expect(ws.handshakes.map((h) => h.headerMap['thread-id']).sort()).toEqual([a.id, b.id].sort());
    for (const [thread, prompts] of [
      [a, ['A1', 'A2']],
      [b, ['B1', 'B2']],
    ] as const) {
      const connection = ws.handshakes.find((h) => h.headerMap['thread-id'] === thread.id)?.connection;
      const frames = ws.wsFrames
        .filter((f) => f.connection === connection)
        .map((f) => f.json as Record<string, unknown>);
      // prewarm (generate: false), then one incremental request per turn with only the new user text.
      expect(frames.map((f) => f.generate)).toEqual([false, undefined, undefined]);
      expect(frames.map((f) => f.prompt_cache_key)).toEqual([thread.id, thread.id, thread.id]);
      const sent = frames.slice(1).map((f) => userTexts({ json: f } as unknown as RecordedRequest));
      expect(sent).toEqual([[prompts[0]], [prompts[1]]]);
    }
  });
});

describe('Thread.runStreamed', () => {
  it('leaving the loop early ends the turn: the thread can run again', async () => {
    const { codex, home } = await setup({
      scenario: { steps: [{ kind: 'sse', events: helloTurn('Again.') }] },
    });
    const thread = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
    const { events } = await thread.runStreamed('first');
    for await (const event of events) if (event.type === 'turn.started') break;
    expect((await thread.run('second')).finalResponse).toBe('Again.');
    // The first turn ended before its request: only the second was sent, after the first prompt.
    const posts = responsesPosts(server as ResponsesServer);
    expect(posts).toHaveLength(1);
    expect(userTexts(posts[0] as RecordedRequest)).toEqual(['first', 'second']);
  });

  it('leaving the loop while a command runs kills the command (its process group)', async () => {
    const { codex, home } = await setup({
      scenario: {
        steps: [
          {
            kind: 'sse',
            events: [
              responseCreated('resp_1'),
              functionCall('call_1', 'exec_command', { cmd: 'echo $$ > pid; exec sleep 60' }),
              completed('resp_1'),
            ],
          },
        ],
      },
    });
    const thread = codex.startThread({
      workingDirectory: home,
      skipGitRepoCheck: true,
      sandboxMode: 'danger-full-access',
      approvalPolicy: 'never',
    });
    const { events } = await thread.runStreamed('Run a long command.');
    const pidFile = join(home, 'pid');
    const pidOf = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    let pid = 0;
    try {
      for await (const event of events) {
        if (event.type !== 'item.started') continue;
        for (let i = 0; i < 200 && pidOf() === 0; i += 1) await new Promise((r) => setTimeout(r, 25));
        pid = pidOf();
        break;
      }
      expect(pid).toBeGreaterThan(0);
      for (let i = 0; i < 100 && alive(pid); i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(alive(pid)).toBe(false);
    } finally {
      if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('yields the exec --json events of the turn, thread.started first', async () => {
    const { codex, home } = await setup({
      scenario: {
        steps: [
          { kind: 'error', status: 500 },
          { kind: 'sse', events: helloTurn() },
        ],
      },
    });
    const thread = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
    const { events } = await thread.runStreamed('Say hello.');
    const lines: string[] = [];
    for await (const event of events) lines.push(serializeThreadEvent(event as ThreadEvent));
    expect(lines).toEqual([
      `{"type":"thread.started","thread_id":"${thread.id}"}`,
      '{"type":"turn.started"}',
      '{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Planning a reply**\\n\\nThe user wants a short greeting."}}',
      '{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"Hello there!"}}',
      '{"type":"turn.completed","usage":{"input_tokens":1200,"cached_input_tokens":1024,"cache_write_input_tokens":0,"output_tokens":42,"reasoning_output_tokens":16}}',
    ]);
  });

  it('numbers items per run and starts every run with thread.started, as each exec process does', async () => {
    const { codex, home } = await setup({
      scenario: { steps: [{ kind: 'sse', events: helloTurn() }], repeatLast: true },
    });
    const thread = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
    await thread.run('one');
    const { events } = await thread.runStreamed('two');
    const seen: ThreadEvent[] = [];
    for await (const event of events) seen.push(event);
    expect(seen[0]).toEqual({ type: 'thread.started', thread_id: thread.id });
    expect(
      seen.filter((e) => e.type === 'item.completed').map((e) => (e as { item: { id: string } }).item.id),
    ).toEqual(['item_0', 'item_1']);
  });
});
