import {
  failed,
  openAiError,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { helloTurn } from '../test-support/hello-turn.js';
import { providerConfig, runCli, tempHome } from '../test-support/run-cli.js';

let server: ResponsesServer;
let home: { home: string; cleanup(): void };

beforeEach(async () => {
  server = await startResponsesServer();
  home = tempHome(providerConfig(server.url));
});
afterEach(async () => {
  await server.close();
  home.cleanup();
});

const textStep = (text = 'Hello there!') =>
  ({
    kind: 'sse',
    events: helloTurn(text),
  }) as const;

describe('codex-ts exec --json', () => {
  it('prints the thread events of a text turn exactly as codex exec --json 0.169.0', async () => {
    server.pushSteps(textStep());
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: home.home });
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(5);
    expect(JSON.parse(r.lines[0]!)).toEqual({
      type: 'thread.started',
      thread_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/),
    });
    expect(r.lines.slice(1)).toEqual([
      '{"type":"turn.started"}',
      '{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Planning a reply**\\n\\nThe user wants a short greeting."}}',
      '{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"Hello there!"}}',
      '{"type":"turn.completed","usage":{"input_tokens":1200,"cached_input_tokens":1024,"cache_write_input_tokens":0,"output_tokens":42,"reasoning_output_tokens":16}}',
    ]);
    const thread = (JSON.parse(r.lines[0]!) as { thread_id: string }).thread_id;
    const [req] = server.requests;
    expect(req?.headerMap['thread-id']).toBe(thread);
    expect(req?.headerMap.authorization).toBe('Bearer sk-local-test');
    expect(req?.headerMap.originator).toBe('codex_exec');
    expect(req?.headerMap['user-agent']).toMatch(
      /^codex_exec\/\d+\.\d+\.\d+ \(.+; .+\) xterm \(codex_exec; \d+\.\d+\.\d+\)$/,
    );
    expect(req?.json).toMatchObject({
      model: 'gpt-5.5',
      reasoning: { effort: 'medium' },
      text: { verbosity: 'low' },
      prompt_cache_key: thread,
    });
  });

  it('retries an HTTP 500 silently inside the transport (request_max_retries)', async () => {
    server.pushSteps({ kind: 'error', status: 500 }, textStep('ok'));
    const r = await runCli(['exec', '--json', 'hi'], { home: home.home });
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => (JSON.parse(l) as { type: string }).type)).toEqual([
      'thread.started',
      'turn.started',
      'item.completed',
      'item.completed',
      'turn.completed',
    ]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body).toBe(server.requests[0]?.body);
  });

  it('prints turn-level retry notices as error lines and finishes the turn', async () => {
    const noInner = tempHome(providerConfig(server.url, 'request_max_retries = 0'));
    server.pushSteps({ kind: 'error', status: 500 }, textStep('ok'));
    const r = await runCli(['exec', '--json', 'hi'], { home: noInner.home }).finally(() => noInner.cleanup());
    expect(r.code).toBe(0);
    expect(r.lines[2]).toBe(
      '{"type":"error","message":"Reconnecting... 1/5 (We\u2019re currently experiencing high demand, which may cause temporary errors.)"}',
    );
    expect(JSON.parse(r.lines.at(-1)!)).toMatchObject({ type: 'turn.completed' });
    expect(server.requests).toHaveLength(2);
  });

  it('fails with exit code 1, an error line and turn.failed on a quota error', async () => {
    server.pushSteps({
      kind: 'error',
      status: 429,
      body: openAiError('insufficient_quota', 'insufficient_quota', 'You exceeded your current quota'),
    });
    const r = await runCli(['exec', '--json', 'hi'], { home: home.home });
    expect(r.code).toBe(1);
    expect(r.lines.slice(1)).toEqual([
      '{"type":"turn.started"}',
      '{"type":"error","message":"Quota exceeded. Check your plan and billing details."}',
      '{"type":"turn.failed","error":{"message":"Quota exceeded. Check your plan and billing details."}}',
    ]);
    expect(server.requests).toHaveLength(1);
  });

  it('fails at once on a 429 without Retry-After', async () => {
    server.pushSteps({
      kind: 'error',
      status: 429,
      body: openAiError('requests', 'rate_limit_exceeded', 'Rate limit reached'),
    });
    const r = await runCli(['exec', '--json', 'hi'], { home: home.home });
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toBe(
      '{"type":"turn.failed","error":{"message":"exceeded retry limit, last status: 429 Too Many Requests"}}',
    );
  });

  it('reports a context-window failure from response.failed', async () => {
    server.pushSteps({
      kind: 'sse',
      events: [responseCreated('r'), failed('r', 'context_length_exceeded', 'too long')],
    });
    const r = await runCli(['exec', '--json', 'hi'], { home: home.home });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.lines.at(-1)!)).toEqual({
      type: 'turn.failed',
      error: {
        message:
          "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.",
      },
    });
  });

  it('applies -m and -c overrides to the request', async () => {
    server.pushSteps(textStep());
    const r = await runCli(
      [
        'exec',
        '--json',
        '-m',
        'gpt-5.4',
        '-c',
        'model_reasoning_effort=high',
        '-c',
        'model_reasoning_summary="auto"',
        'hi',
      ],
      {
        home: home.home,
      },
    );
    expect(r.code).toBe(0);
    expect(server.requests[0]?.json).toMatchObject({
      model: 'gpt-5.4',
      reasoning: { effort: 'high', summary: 'auto' },
    });
  });

  it("accepts the catalog's `max` and `ultra` efforts (0.169.0 accepted both; `max` is sent as is)", async () => {
    server.pushSteps(textStep(), textStep());
    const max = await runCli(['exec', '--json', '-c', 'model_reasoning_effort="max"', 'hi'], {
      home: home.home,
    });
    expect(max.code).toBe(0);
    expect(server.requests[0]?.json).toMatchObject({ reasoning: { effort: 'max' } });
    // (0.169.0 sent `ultra` as gpt-5.5's highest level, `xhigh`; codex-ts sends it as `max`.)
    const ultra = await runCli(['exec', '--json', '-c', 'model_reasoning_effort="ultra"', 'hi'], {
      home: home.home,
    });
    expect(ultra.code).toBe(0);
    expect(server.requests).toHaveLength(2);
  });
});

describe('codex-ts exec (human output)', () => {
  it('streams the answer to stdout and the reasoning summary to stderr', async () => {
    server.pushSteps(textStep('Hello there! How can I help?'));
    const r = await runCli(['exec', 'Say hello.'], { home: home.home });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Hello there! How can I help?\n');
    expect(r.stderr).toContain('**Planning a reply**');
    expect(r.stderr).not.toContain('sk-local-test');
  });

  it('reads the prompt from stdin with -', async () => {
    server.pushSteps(textStep());
    const r = await runCli(['exec', '-'], { home: home.home, stdin: 'prompt from stdin\n' });
    expect(r.code).toBe(0);
    const input = (server.requests[0]!.json as { input: { content: { text: string }[] }[] }).input;
    expect(input.at(-1)?.content[0]?.text).toBe('prompt from stdin\n');
  });

  it('prints ERROR and exits 1 when the turn fails', async () => {
    server.pushSteps({
      kind: 'error',
      status: 400,
      body: openAiError('invalid_request_error', null, 'Unsupported parameter'),
    });
    const r = await runCli(['exec', 'hi'], { home: home.home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ERROR: .*Unsupported parameter/);
  });
});

describe('codex-ts exec unknown model', () => {
  it('fails at once with the API message on a 404 model_not_found (one request, as 0.169.0)', async () => {
    server.setScenario({
      steps: [
        {
          kind: 'error',
          status: 404,
          body: openAiError('invalid_request_error', 'model_not_found', 'The model does not exist.'),
        },
      ],
      repeatLast: true,
    });
    const r = await runCli(['exec', '--json', 'hi'], { home: home.home, timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.lines.slice(1)).toEqual([
      '{"type":"turn.started"}',
      '{"type":"error","message":"The model does not exist."}',
      '{"type":"turn.failed","error":{"message":"The model does not exist."}}',
    ]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('codex-ts exec start-up errors', () => {
  it('names the bad key and the file for an unknown config key under --strict-config', async () => {
    const bad = tempHome(providerConfig(server.url, 'base_urll = "x"'));
    try {
      const r = await runCli(['exec', '--strict-config', 'hi'], { home: bad.home });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `Error loading config.toml:\n${bad.home}/config.toml:9:1: unknown configuration field \`model_providers.local.base_urll\`\n  |\n9 | base_urll = ***\n  | ^^^^^^^^^\n`,
      );
      expect(server.requests).toHaveLength(0);
    } finally {
      bad.cleanup();
    }
  });

  it('says which environment variable is missing, without sending anything', async () => {
    const r = await runCli(['exec', 'hi'], { home: home.home, env: { LOCAL_API_KEY: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Missing environment variable: `LOCAL_API_KEY`.');
    expect(server.requests).toHaveLength(0);
  });

  it('fails the turn of a started thread on a missing env_key variable, as 0.169.0 (--json)', async () => {
    const r = await runCli(['exec', '--json', 'hi'], { home: home.home, env: { LOCAL_API_KEY: '' } });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.lines[0]!).type).toBe('thread.started');
    const text = 'Missing environment variable: `LOCAL_API_KEY`.';
    expect(r.lines.slice(1)).toEqual([
      '{"type":"turn.started"}',
      JSON.stringify({ type: 'error', message: text }),
      JSON.stringify({ type: 'turn.failed', error: { message: text } }),
    ]);
    expect(r.stderr).toBe('Reading additional input from stdin...\n');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses an API key that cannot be sent in a header at once, naming the variable, not the key', async () => {
    const r = await runCli(['exec', '--json', 'hi'], {
      home: home.home,
      env: { LOCAL_API_KEY: 'sk-local-test\u20ac' },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'Reading additional input from stdin...\n' +
        'Error: The API key in environment variable `LOCAL_API_KEY` contains a non-ASCII character at position 14, which cannot be sent in an HTTP header; correct the key (a stray character is often picked up when copying it).\n',
    );
    expect(server.requests).toHaveLength(0);
    expect(server.handshakes).toHaveLength(0);
  });

  it("exits 2 on an unknown option with clap's text and tip, as 0.169.0", async () => {
    const usage =
      "\n\nUsage: codex exec [OPTIONS] [PROMPT]\n       codex exec [OPTIONS] <COMMAND> [ARGS]\n\nFor more information, try '--help'.\n";
    const r = await runCli(['exec', '--no-such-flag', 'hi'], { home: home.home });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: unexpected argument '--no-such-flag' found\n\n  tip: to pass '--no-such-flag' as a value, use '-- --no-such-flag'${usage}`,
    );
    for (const [flag, similar] of [
      ['--jsn', '--json'],
      ['--colr', '--color'],
    ]) {
      const typo = await runCli(['exec', flag!, 'hi'], { home: home.home });
      expect(typo.code).toBe(2);
      expect(typo.stderr).toBe(
        `error: unexpected argument '${flag}' found\n\n  tip: a similar argument exists: '${similar}'${usage}`,
      );
    }
    const short = await runCli(['exec', '-x', 'hi'], { home: home.home });
    expect(short.stderr).toBe(
      `error: unexpected argument '-x' found\n\n  tip: to pass '-x' as a value, use '-- -x'${usage}`,
    );
  });
});
