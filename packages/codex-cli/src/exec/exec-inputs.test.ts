// `codex-ts exec` inputs against 0.169.0: prompt + stdin, images, -o, --output-schema, -C and
// the git-repository check (texts and files as the original printed and wrote them).
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assistantMessage,
  completed,
  outputItemDone,
  type ResponsesServer,
  reasoningItem,
  responseCreated,
  startResponsesServer,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { helloTurn } from '../test-support/hello-turn.js';
import { providerConfig, runCli, tempHome } from '../test-support/run-cli.js';

// Several tests run the binary three to seven times; the machine is shared.
vi.setConfig({ testTimeout: 90_000 });

let server: ResponsesServer;
let home: { home: string; cleanup(): void };
let scratch: string;

beforeEach(async () => {
  server = await startResponsesServer({
    scenario: { repeatLast: true, steps: [{ kind: 'sse', events: helloTurn() }] },
  });
  home = tempHome(providerConfig(server.url));
  scratch = mkdtempSync(join(tmpdir(), 'codex-ts-inputs-'));
});
afterEach(async () => {
  await server.close();
  home.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

/** The content parts of the last user message of the first request. */
function promptParts(): Record<string, unknown>[] {
  const input = (
    server.requests[0]!.json as { input: { role?: string; content?: Record<string, unknown>[] }[] }
  ).input;
  return input[input.length - 1]?.content ?? [];
}

describe('codex-ts exec: prompt and stdin', () => {
  it('appends piped stdin to a prompt as a <stdin> block, adding the missing newline', async () => {
    const r = await runCli(['exec', '--json', 'Summarize.'], { home: home.home, stdin: 'line 1\nline 2' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('Reading additional input from stdin...\n');
    expect(promptParts()).toEqual([
      { type: 'input_text', text: 'Summarize.\n\n<stdin>\nline 1\nline 2\n</stdin>' },
    ]);
  });

  it('keeps the prompt alone when stdin is only whitespace, and reads the prompt from stdin with - or none', async () => {
    await runCli(['exec', '--json', 'hi'], { home: home.home, stdin: ' \n\n' });
    expect(promptParts()).toEqual([{ type: 'input_text', text: 'hi' }]);
    const dash = await runCli(['exec', '--json', '-'], { home: home.home, stdin: 'from stdin\n' });
    expect(dash.stderr).toBe('');
    const none = await runCli(['exec', '--json'], { home: home.home, stdin: 'piped\n' });
    expect(none.stderr).toBe('Reading prompt from stdin...\n');
    expect(server.requests.map((req) => JSON.stringify(req.json))).toEqual([
      expect.stringContaining('"text":"hi"'),
      expect.stringContaining('"text":"from stdin\\n"'),
      expect.stringContaining('"text":"piped\\n"'),
    ]);
  });

  it('reads stdin from a file or /dev/null as from a pipe', async () => {
    const file = join(scratch, 'stdin.txt');
    writeFileSync(file, 'line 1\nline 2');
    const appended = await runCli(['exec', '--json', 'Summarize.'], { home: home.home, stdinFile: file });
    expect(appended.code).toBe(0);
    expect(appended.stderr).toBe('Reading additional input from stdin...\n');
    expect(promptParts()).toEqual([
      { type: 'input_text', text: 'Summarize.\n\n<stdin>\nline 1\nline 2\n</stdin>' },
    ]);
    writeFileSync(file, 'from a file\n');
    const dash = await runCli(['exec', '--json', '-'], { home: home.home, stdinFile: file });
    expect(dash.code).toBe(0);
    expect(JSON.stringify(server.requests[1]?.json)).toContain('"text":"from a file\\n"');
    const devNull = await runCli(['exec', '--json', 'hi'], { home: home.home, stdinFile: '/dev/null' });
    expect([devNull.code, devNull.stderr]).toEqual([0, 'Reading additional input from stdin...\n']);
    expect(JSON.stringify(server.requests[2]?.json)).toContain('"text":"hi"');
    const empty = await runCli(['exec'], { home: home.home, stdinFile: '/dev/null' });
    expect(empty).toMatchObject({
      code: 1,
      stderr: 'Reading prompt from stdin...\nNo prompt provided via stdin.\n',
    });
  });

  it('fails with the original texts when stdin holds no prompt', async () => {
    const none = await runCli(['exec'], { home: home.home, stdin: '  \n' });
    expect(none).toMatchObject({
      code: 1,
      stderr: 'Reading prompt from stdin...\nNo prompt provided via stdin.\n',
    });
    const dash = await runCli(['exec', '-'], { home: home.home, stdin: '' });
    expect(dash).toMatchObject({ code: 1, stderr: 'No prompt provided via stdin.\n' });
    expect(server.requests).toHaveLength(0);
  });

  it('never sends a subcommand name as the prompt', async () => {
    for (const name of ['review', 'fork']) {
      const r = await runCli(['exec', name, ...(name === 'fork' ? ['some-id'] : [])], { home: home.home });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`Error: \`codex exec ${name}\` is not supported by codex-ts yet\n`);
    }
    // `resume` is the real subcommand: without a prompt it asks for one (0.169.0's text).
    const resume = await runCli(['exec', 'resume', '--last'], { home: home.home });
    expect(resume.code).toBe(1);
    expect(resume.stderr).toContain('No prompt provided');
    const help = await runCli(['exec', 'help'], { home: home.home });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: codex-ts exec');
    expect(server.requests).toHaveLength(0);
  });
});

describe('codex-ts exec -i', () => {
  it('sends local images as 0.169.0 does: tags, data URL, detail original, the prompt last', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==',
      'base64',
    );
    writeFileSync(join(scratch, 'red.png'), png);
    writeFileSync(join(scratch, 'fake.png'), 'not an image');
    const missing = join(scratch, 'none.png');
    const r = await runCli(
      [
        'exec',
        '--json',
        '-C',
        scratch,
        '--skip-git-repo-check',
        '-i',
        `${missing},fake.png`,
        '-i',
        'red.png',
        '--',
        'hi',
      ],
      { home: home.home },
    );
    expect(r.code).toBe(0);
    expect(promptParts()).toEqual([
      {
        type: 'input_text',
        text: `Codex could not read the local image at \`${missing}\`: No such file or directory (os error 2)`,
      },
      { type: 'input_text', text: '<image name=[Image #2] path="fake.png">' },
      { type: 'input_text', text: 'image content omitted because it could not be processed' },
      { type: 'input_text', text: '</image>' },
      { type: 'input_text', text: '<image name=[Image #3] path="red.png">' },
      {
        type: 'input_image',
        image_url: `data:image/png;base64,${png.toString('base64')}`,
        detail: 'original',
      },
      { type: 'input_text', text: '</image>' },
      { type: 'input_text', text: 'hi' },
    ]);
  });
});

describe('codex-ts exec -o', () => {
  it('writes the last agent message exactly (no newline added) after the turn', async () => {
    server.setScenario({
      steps: [
        {
          kind: 'sse',
          events: [
            responseCreated('r1'),
            assistantMessage('m1', 'first'),
            assistantMessage('m2', 'second\n'),
            completed('r1'),
          ],
        },
      ],
    });
    const out = join(scratch, 'last.txt');
    const r = await runCli(['exec', '--json', '-o', out, 'hi'], { home: home.home });
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('second\n');
  });

  it('writes an empty file with a warning when there is no agent message, and leaves it on a failure', async () => {
    server.setScenario({
      steps: [
        { kind: 'sse', events: [responseCreated('r1'), reasoningItem('rs1', ['thinking']), completed('r1')] },
        { kind: 'error', status: 400, body: { error: { type: 'invalid_request_error', message: 'bad' } } },
      ],
    });
    const out = join(scratch, 'last.txt');
    writeFileSync(out, 'OLD\n');
    const empty = await runCli(['exec', '--json', '-o', out, 'hi'], { home: home.home });
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain(`Warning: no last agent message; wrote empty content to ${out}\n`);
    expect(readFileSync(out, 'utf8')).toBe('');
    writeFileSync(out, 'OLD\n');
    const failed = await runCli(['exec', '--json', '-o', out, 'hi'], { home: home.home });
    expect(failed.code).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe('OLD\n');
  });

  it('counts a refusal-only answer as no agent message (empty file and the warning, as 0.169.0)', async () => {
    const refusal = {
      type: 'message',
      id: 'm1',
      role: 'assistant',
      content: [{ type: 'refusal', refusal: 'No.' }],
    };
    server.setScenario({
      steps: [{ kind: 'sse', events: [responseCreated('r1'), outputItemDone(refusal), completed('r1')] }],
    });
    const out = join(scratch, 'last.txt');
    const r = await runCli(['exec', '-o', out, 'hi'], { home: home.home });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`Warning: no last agent message; wrote empty content to ${out}\n`);
    expect(readFileSync(out, 'utf8')).toBe('');
  });

  it.skipIf(!existsSync('/dev/full'))(
    'reports a failed write after the turn with the original text and exit 1, no stack trace',
    async () => {
      const r = await runCli(['exec', '--json', '-o', '/dev/full', 'hi'], { home: home.home });
      expect(r.code).toBe(1);
      expect(r.lines.at(-1)).toMatch(/^\{"type":"turn\.completed"/);
      expect(r.stderr).toBe(
        'Reading additional input from stdin...\nError: Failed to write last message file "/dev/full"\n\nCaused by:\n    No space left on device (os error 28)\n',
      );
    },
  );

  it('refuses a file it cannot open before sending anything', async () => {
    const r = await runCli(['exec', '-o', join(scratch, 'no/such/dir.txt'), 'hi'], { home: home.home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `Error: Failed to open last message file "${join(scratch, 'no/such/dir.txt')}": No such file or directory (os error 2)\n`,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('codex-ts exec --output-schema', () => {
  it('sends the schema as text.format json_schema named codex_output_schema, strict', async () => {
    const schema = {
      type: 'object',
      properties: { answer: { type: 'string' } },
      required: ['answer'],
      additionalProperties: false,
    };
    writeFileSync(join(scratch, 'schema.json'), JSON.stringify(schema));
    const r = await runCli(['exec', '--json', '--output-schema', join(scratch, 'schema.json'), 'hi'], {
      home: home.home,
    });
    expect(r.code).toBe(0);
    const body = server.requests[0]?.json as Record<string, unknown>;
    expect(JSON.stringify(body.text)).toBe(
      JSON.stringify({
        verbosity: 'low',
        format: { type: 'json_schema', strict: true, schema, name: 'codex_output_schema' },
      }),
    );
  });

  it('refuses a missing file, bad JSON and an invalid schema without sending anything', async () => {
    const missing = join(scratch, 'none.json');
    let r = await runCli(['exec', '--output-schema', missing, 'hi'], { home: home.home });
    expect(r.stderr).toContain(
      `Failed to read output schema file ${missing}: No such file or directory (os error 2)\n`,
    );
    writeFileSync(join(scratch, 'bad.json'), '{bad');
    r = await runCli(['exec', '--output-schema', join(scratch, 'bad.json'), 'hi'], { home: home.home });
    expect(r.stderr).toContain(`Output schema file ${join(scratch, 'bad.json')} is not valid JSON: `);
    writeFileSync(join(scratch, 'type5.json'), '{"type": 5}');
    r = await runCli(['exec', '--output-schema', join(scratch, 'type5.json'), 'hi'], { home: home.home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `Output schema file ${join(scratch, 'type5.json')} is not a valid JSON Schema: schema/type`,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('codex-ts exec -C and the git-repository check', () => {
  it('refuses to run outside a git repository unless told to, with the original text', async () => {
    const r = await runCli(['exec', '-C', scratch, 'hi'], { home: home.home });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Reading additional input from stdin...\nNot inside a trusted directory and --skip-git-repo-check was not specified.\n',
    );
    expect(server.requests).toHaveLength(0);
    mkdirSync(join(scratch, 'repo', '.git'), { recursive: true });
    mkdirSync(join(scratch, 'repo', 'sub'));
    const inRepo = await runCli(['exec', '--json', '-C', join(scratch, 'repo', 'sub'), 'hi'], {
      home: home.home,
    });
    expect(inRepo.code).toBe(0);
    const bypass = await runCli(['exec', '--json', '--yolo', '-C', scratch, 'hi'], { home: home.home });
    expect(bypass.code).toBe(0);
    const skip = await runCli(['exec', '--json', '--skip-git-repo-check', '-C', scratch, 'hi'], {
      home: home.home,
    });
    expect(skip.code).toBe(0);
    const env = (i: number) => JSON.stringify((server.requests[i]!.json as { input: unknown[] }).input[1]);
    expect(env(0)).toContain(`<cwd>${realpathSync(join(scratch, 'repo', 'sub'))}</cwd>`);
    expect(env(2)).toContain(`<cwd>${realpathSync(scratch)}</cwd>`);
  });

  it('fails on a -C directory that does not exist', async () => {
    const r = await runCli(['exec', '-C', join(scratch, 'nope'), 'hi'], { home: home.home });
    expect(r).toMatchObject({ code: 1, stderr: 'Error: No such file or directory (os error 2)\n' });
  });
});
