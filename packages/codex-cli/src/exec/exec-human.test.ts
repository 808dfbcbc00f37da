// `codex-ts exec` human output end to end, byte for byte as codex exec 0.169.0 printed the same
// scripted turns (header, `codex` block, `tokens used`, retry notices, failures, --color always).

import { spawn } from 'node:child_process';
import {
  assistantMessage,
  completed,
  incomplete,
  type ResponsesServer,
  reasoningItem,
  responseCreated,
  startResponsesServer,
  usage,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { helloTurn } from '../test-support/hello-turn.js';
import { BIN, providerConfig, runCli, tempHome } from '../test-support/run-cli.js';
import { CLI_VERSION } from '../version.js';

let server: ResponsesServer;
let home: { home: string; cleanup(): void };
let cwd: string;

beforeEach(async () => {
  server = await startResponsesServer();
  home = tempHome(providerConfig(server.url));
  cwd = home.home;
});
afterEach(async () => {
  await server.close();
  home.cleanup();
});

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function header(options: { sandbox?: string; color?: boolean } = {}): string {
  const key = (k: string) => (options.color ? `\x1b[1m${k}:\x1b[0m` : `${k}:`);
  return [
    'Reading additional input from stdin...',
    `OpenAI Codex v${CLI_VERSION}`,
    '--------',
    `${key('workdir')} ${cwd}`,
    `${key('model')} gpt-5.5`,
    `${key('provider')} local`,
    `${key('approval')} never`,
    `${key('sandbox')} ${options.sandbox ?? 'read-only'}`,
    `${key('reasoning effort')} none`,
    `${key('reasoning summaries')} none`,
    `${key('session id')} <id>`,
    '--------',
    options.color ? '\x1b[36muser\x1b[0m' : 'user',
    'Say hello.',
    '',
  ].join('\n');
}

const run = (args: string[]) =>
  runCli(['exec', '--skip-git-repo-check', ...args, 'Say hello.'], { home: home.home, cwd });

describe('codex-ts exec human output (as 0.169.0)', () => {
  it('prints the header, the prompt, the reasoning, the `codex` block and `tokens used`; stdout the answer', async () => {
    server.pushSteps({ kind: 'sse', events: helloTurn() });
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Hello there!\n');
    expect(r.stderr.replace(UUID, '<id>')).toBe(
      `${header()}**Planning a reply**\n\nThe user wants a short greeting.\ncodex\nHello there!\ntokens used\n218\n`,
    );
  });

  it('with --color always, styles the labels as 0.169.0; the sandbox line summarizes workspace-write', async () => {
    server.pushSteps({ kind: 'sse', events: helloTurn() });
    const r = await run(['--color', 'always', '--sandbox', 'workspace-write']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Hello there!\n');
    expect(r.stderr.replace(UUID, '<id>')).toBe(
      header({ color: true, sandbox: 'workspace-write [workdir, /tmp, $TMPDIR]' }) +
        '\x1b[2m**Planning a reply**\n\nThe user wants a short greeting.\x1b[0m\n' +
        '\x1b[35m\x1b[3mcodex\x1b[0m\x1b[0m\nHello there!\n\x1b[2mtokens used\x1b[0m\n218\n',
    );
  });

  it('shows a retry as `ERROR: Reconnecting... n/max` and only the last message on stdout', async () => {
    server.pushSteps(
      { kind: 'sse', events: helloTurn(), dropAfter: 3 },
      {
        kind: 'sse',
        events: [
          responseCreated('resp_2'),
          assistantMessage('msg_1', 'First.'),
          assistantMessage('msg_2', 'Second.'),
          completed('resp_2', usage({ input: 1_234_567, cached: 0, output: 1 })),
        ],
      },
    );
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Second.\n');
    expect(r.stderr.replace(UUID, '<id>')).toBe(
      `${header()}ERROR: Reconnecting... 1/5\ncodex\nFirst.\ncodex\nSecond.\ntokens used\n1,234,568\n`,
    );
  });

  it('prints a failed turn as two ERROR lines, its message only on stderr, and exits 1', async () => {
    server.pushSteps({
      kind: 'sse',
      events: [
        responseCreated('resp_1'),
        assistantMessage('msg_1', 'Hi'),
        incomplete('resp_1', 'max_output_tokens'),
      ],
    });
    const r = await run([]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.replace(UUID, '<id>')).toBe(
      `${header()}codex\nHi\n${'ERROR: Incomplete response returned, reason: max_output_tokens\n'.repeat(2)}`,
    );
  });

  it('joins summary parts with one newline and ends each text with a newline of its own, as 0.169.0', async () => {
    const events = [
      responseCreated('resp_1'),
      reasoningItem('rs_1', ['**One**\n\nfirst part', '**Two**\n\nsecond part']),
      assistantMessage('msg_1', 'Line 1\nLine 2\n'),
      completed('resp_1', usage({ input: 10, cached: 0, output: 5 })),
    ];
    server.pushSteps({ kind: 'sse', events }, { kind: 'sse', events });
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Line 1\nLine 2\n\n');
    expect(r.stderr.replace(UUID, '<id>')).toBe(
      `${header()}**One**\n\nfirst part\n**Two**\n\nsecond part\ncodex\nLine 1\nLine 2\n\ntokens used\n15\n`,
    );
    const json = await run(['--json']);
    expect(json.lines[2]).toBe(
      '{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**One**\\n\\nfirst part\\n**Two**\\n\\nsecond part"}}',
    );
  });

  it('on SIGINT prints `turn interrupted` (human) and nothing after `turn.started` (--json), exit 1, as 0.169.0', async () => {
    const interrupt = async (json: boolean) => {
      server.setScenario({ steps: [{ kind: 'sse', events: [responseCreated('resp_1')], stallAfter: 1 }] });
      const args = ['exec', '--skip-git-repo-check', ...(json ? ['--json'] : []), 'Say hello.'];
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          TERM: 'xterm',
          CODEX_HOME: home.home,
          LOCAL_API_KEY: 'sk-local-test',
        },
      });
      child.stdin.end();
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      await server.waitForRequests(server.requests.length + 1, 10_000);
      child.kill('SIGINT');
      return { code: await closed, stdout, stderr };
    };
    const human = await interrupt(false);
    expect(human.code).toBe(1);
    expect(human.stdout).toBe('');
    expect(human.stderr.replace(UUID, '<id>')).toBe(`${header()}turn interrupted\n`);
    const json = await interrupt(true);
    expect(json.code).toBe(1);
    expect(json.stdout.split('\n').slice(1)).toEqual(['{"type":"turn.started"}', '']);
  });
});
