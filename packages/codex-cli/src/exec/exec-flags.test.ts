// `codex-ts exec` options and config handling against 0.169.0: profiles, lenient / strict
// config, features and requirements.toml, metadata flags, --oss, --trust, usage errors.
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ResponsesServer, startResponsesServer } from '@codex-ts/responses-server';
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
  scratch = mkdtempSync(join(tmpdir(), 'codex-ts-flags-'));
});
afterEach(async () => {
  await server.close();
  home.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

const body = (i = 0) => server.requests[i]?.json as Record<string, unknown>;
const metadata = (i = 0) => JSON.parse(server.requests[i]?.headerMap['x-codex-turn-metadata'] ?? '{}');

describe('codex-ts exec: config as 0.169.0 loads it', () => {
  it('ignores unknown keys with a warning printed twice, before turn.started', async () => {
    writeFileSync(join(home.home, 'config.toml'), `zzz = 2\n${providerConfig(server.url)}`);
    const r = await runCli(['exec', '--json', '-c', 'features.nonsense_feat=true', 'hi'], {
      home: home.home,
    });
    expect(r.code).toBe(0);
    const warning = [
      'Codex is ignoring 2 unrecognized configuration settings. Check for typos or deprecated settings.',
      '  session-flags: `features.nonsense_feat` is ignored.',
      `  user (${home.home}/config.toml): \`zzz\` is ignored.`,
    ].join('\n');
    const item = (id: string) =>
      JSON.stringify({ type: 'item.completed', item: { id, type: 'error', message: warning } });
    expect(r.lines.slice(1, 4)).toEqual([item('item_0'), item('item_1'), '{"type":"turn.started"}']);
    const human = await runCli(['exec', '-c', 'foo_bar=1', 'hi'], { home: home.home });
    const notice =
      'warning: Codex is ignoring 2 unrecognized configuration settings. Check for typos or deprecated settings.\n';
    expect(human.stderr.split(notice)).toHaveLength(3);
  });

  it('fails on them under --strict-config with the original text, sending nothing', async () => {
    const r = await runCli(['exec', '--strict-config', '-c', 'foo_bar=1', 'hi'], { home: home.home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'Error loading config.toml: unknown configuration field `foo_bar` in -c/--config override\n',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('reports config errors and --oss problems before reading stdin, as 0.169.0', async () => {
    const r = await runCli(['exec', '--strict-config', '-c', 'foo_bar=1', 'hi'], {
      home: home.home,
      stdin: 'piped',
    });
    expect(r).toMatchObject({
      code: 1,
      stderr: 'Error loading config.toml: unknown configuration field `foo_bar` in -c/--config override\n',
    });
    const oss = await runCli(['exec', '--oss', 'hi'], { home: home.home, stdin: 'piped' });
    expect(oss).toMatchObject({
      code: 1,
      stderr:
        'Error: No default OSS provider configured. Use --local-provider=provider or set oss_provider to one of: lmstudio, ollama in config.toml\n',
    });
    // The other checks come after it (here the git check).
    const git = await runCli(['exec', '-C', scratch, 'hi'], { home: home.home, stdin: 'piped' });
    expect(git.stderr).toBe(
      'Reading additional input from stdin...\nNot inside a trusted directory and --skip-git-repo-check was not specified.\n',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('layers -p <name>.config.toml and refuses the legacy profile selector', async () => {
    writeFileSync(join(home.home, 'dev.config.toml'), 'model = "gpt-from-profile-file"\n');
    const r = await runCli(['exec', '--json', '-p', 'dev', 'hi'], { home: home.home });
    expect(r.code).toBe(0);
    expect(body().model).toBe('gpt-from-profile-file');
    const legacy = await runCli(['exec', '-c', 'profile=dev', 'hi'], { home: home.home });
    expect(legacy.code).toBe(1);
    expect(legacy.stderr).toContain(
      'Error: legacy `profile = "dev"` config is no longer supported; use `--profile dev` with `dev.config.toml` instead\n',
    );
    const bad = await runCli(['exec', '-p', '../x', 'hi'], { home: home.home });
    expect(bad).toMatchObject({
      code: 2,
      stderr:
        "error: invalid value '../x' for '--profile <CONFIG_PROFILE_V2>': invalid --profile value `../x`; pass a plain name such as `work`\n\nFor more information, try '--help'.\n",
    });
    expect(server.requests).toHaveLength(1);
  });

  it('does not read config.toml with --ignore-user-config', async () => {
    writeFileSync(join(home.home, 'config.toml'), providerConfig(server.url).replace('gpt-5.5', 'from-file'));
    const local = ['-c', 'model_provider=local', '-c', `model_providers.local.base_url=${server.url}`];
    const r = await runCli(
      [
        'exec',
        '--json',
        '--ignore-user-config',
        ...local,
        '-c',
        'model_providers.local.env_key=LOCAL_API_KEY',
        'hi',
      ],
      { home: home.home },
    );
    expect(r.code).toBe(0);
    expect(body().model).not.toBe('from-file');
  });
});

describe('codex-ts exec: features and requirements.toml', () => {
  it('refuses an unknown --enable/--disable name and accepts known ones', async () => {
    const r = await runCli(['exec', '--enable', 'nonsense_feat', 'hi'], { home: home.home });
    expect(r).toMatchObject({ code: 1, stderr: 'Error: Unknown feature flag: nonsense_feat\n' });
    const ok = await runCli(['exec', '--json', '--enable', 'unified_exec', '--disable', 'shell_tool', 'hi'], {
      home: home.home,
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout).not.toContain('unrecognized');
  });

  it('warns about an unknown pin and fails on a pin that is not a boolean, naming it', async () => {
    const file = join(scratch, 'requirements.toml');
    writeFileSync(file, '[features]\nbogus_x = false\nshell_tool = false\n');
    const env = { CODEX_TS_REQUIREMENTS_FILE: file };
    const r = await runCli(['exec', '--json', '--enable', 'shell_tool', 'hi'], { home: home.home, env });
    expect(r.code).toBe(0);
    const message = `Ignoring unknown \`features\` requirement \`bogus_x\` from ${file}`;
    expect(r.lines[1]).toBe(
      JSON.stringify({ type: 'item.completed', item: { id: 'item_0', type: 'error', message } }),
    );
    writeFileSync(file, '[features]\nshell_tool = "x"\n');
    const bad = await runCli(['exec', 'hi'], { home: home.home, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      `Error loading config.toml: failed to parse requirements layer ${file}: invalid type: string "x", expected a boolean\nin \`features\`\n`,
    );
  });
});

describe('codex-ts exec: flags that shape the session', () => {
  it('sends --thread-source and --approve-for-me in the turn metadata', async () => {
    await runCli(['exec', '--json', '--thread-source', 'subagent', '--approve-for-me', 'hi'], {
      home: home.home,
    });
    expect(metadata()).toMatchObject({ thread_source: 'subagent', auto_review_enabled: true });
    await runCli(['exec', '--json', 'hi'], { home: home.home });
    expect(metadata(1)).toMatchObject({ thread_source: 'user', auto_review_enabled: false });
  });

  it('accepts the flags without an effect here as 0.169.0 does', async () => {
    for (const flag of [
      ['--ephemeral'],
      ['--ignore-rules'],
      ['--dangerously-bypass-hook-trust'],
      ['--cyber-access-program', 'standard'],
      ['--color', 'never'],
      ['--add-dir', scratch],
      ['-s', 'workspace-write'],
    ]) {
      const r = await runCli(['exec', '--json', ...flag, 'hi'], { home: home.home });
      expect({ flag, code: r.code }).toEqual({ flag, code: 0 });
    }
  });

  it('refuses values outside the choices and conflicting flags with clap texts (exit 2)', async () => {
    const cases = [
      ['--color', 'bad', '--color <COLOR>', 'always, never, auto'],
      ['-s', 'bad', '--sandbox <SANDBOX_MODE>', 'read-only, workspace-write, danger-full-access'],
      [
        '--cyber-access-program',
        'x',
        '--cyber-access-program <PROGRAM>',
        'standard, daybreak_blue, daybreak_red',
      ],
    ] as const;
    for (const [flag, value, display, values] of cases) {
      const r = await runCli(['exec', flag, value, 'hi'], { home: home.home });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `error: invalid value '${value}' for '${display}'\n  [possible values: ${values}]\n\nFor more information, try '--help'.\n`,
      );
    }
    // A similar value gets clap's tip (0.169.0 printed it for `--sandbox full`).
    const similar = await runCli(['exec', '--sandbox', 'full', 'hi'], { home: home.home });
    expect(similar.code).toBe(2);
    expect(similar.stderr).toBe(
      "error: invalid value 'full' for '--sandbox <SANDBOX_MODE>'\n  [possible values: read-only, workspace-write, danger-full-access]\n\n  tip: a similar value exists: 'danger-full-access'\n\nFor more information, try '--help'.\n",
    );
    const usage = '\n\nUsage: codex exec [OPTIONS] [PROMPT]\n       codex exec [OPTIONS] <COMMAND> [ARGS]';
    for (const [flags, other] of [
      [['--yolo'], '--dangerously-bypass-approvals-and-sandbox'],
      [['-s', 'read-only'], '--sandbox <SANDBOX_MODE>'],
    ] as const) {
      const r = await runCli(['exec', '--approve-for-me', ...flags, 'hi'], { home: home.home });
      expect(r).toMatchObject({
        code: 2,
        stderr: `error: the argument '--approve-for-me' cannot be used with '${other}'${usage}\n\nFor more information, try '--help'.\n`,
      });
    }
    expect(server.requests).toHaveLength(0);
  });

  it('--trust records the git root as trusted in config.toml; --worktree is refused', async () => {
    mkdirSync(join(scratch, 'repo', '.git'), { recursive: true });
    const repo = realpathSync(join(scratch, 'repo'));
    const r = await runCli(['exec', '--json', '--trust', '-C', repo, 'hi'], { home: home.home });
    expect(r.code).toBe(0);
    expect(readFileSync(join(home.home, 'config.toml'), 'utf8')).toContain(
      `\n[projects.${JSON.stringify(repo)}]\ntrust_level = "trusted"\n`,
    );
    const worktree = await runCli(['exec', '--worktree', '-C', scratch, 'hi'], { home: home.home });
    expect(worktree.code).toBe(1);
    expect(worktree.stderr).toContain(
      'Error: git command failed: fatal: not a git repository (or any of the parent directories): .git\n',
    );
  });
});

describe('codex-ts exec --oss', () => {
  let local: Server | undefined;
  afterEach(() => new Promise<void>((done) => (local ? local.close(() => done()) : done())));

  /** A purpose-built local model server answering the readiness probes. */
  async function startLocal(
    routes: Record<string, [number, unknown]>,
  ): Promise<{ url: string; seen: string[] }> {
    const seen: string[] = [];
    local = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => {
        text += chunk;
      });
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${text}`.trim());
        const [status, payload] = routes[`${req.method} ${req.url}`] ?? [404, {}];
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      });
    });
    const listening = local;
    await new Promise<void>((done) => listening.listen(0, '127.0.0.1', done));
    return { url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}/v1`, seen };
  }

  it('needs a provider and reports unreachable or outdated local servers with the original texts', async () => {
    const none = await runCli(['exec', '--oss', 'hi'], { home: home.home });
    expect(none.stderr).toContain(
      'Error: No default OSS provider configured. Use --local-provider=provider or set oss_provider to one of: lmstudio, ollama in config.toml\n',
    );
    const { url, seen } = await startLocal({
      'GET /v1/models': [200, { data: [] }],
      'GET /api/version': [200, { version: '0.12.0' }],
    });
    const old = await runCli(['exec', '--oss', '--local-provider', 'ollama', 'hi'], {
      home: home.home,
      env: { CODEX_OSS_BASE_URL: url },
    });
    expect(old.code).toBe(1);
    expect(old.stderr).toContain(
      'Error: OSS setup failed: Ollama 0.12.0 is too old. Codex requires Ollama 0.13.4 or newer.\n',
    );
    expect(seen).toEqual(['GET /v1/models', 'GET /api/version']);
    const lmstudio = await runCli(['exec', '--oss', '-c', 'oss_provider=lmstudio', 'hi'], {
      home: home.home,
      env: { CODEX_OSS_BASE_URL: url.replace('/v1', '/nothing') },
    });
    expect(lmstudio.stderr).toContain(
      "Error: OSS setup failed: OSS setup failed: Server returned error: 404 Not Found LM Studio is not responding. Install from https://lmstudio.ai/download and run 'lms server start'.\n",
    );
    expect(server.requests).toHaveLength(0);
  });

  it('loads the default LM Studio model, then sends the turn to the local provider', async () => {
    const { url, seen } = await startLocal({
      'GET /v1/models': [200, { data: [] }],
      'POST /v1/responses': [200, {}],
    });
    await runCli(['exec', '--json', '--oss', '--local-provider', 'lmstudio', 'hi'], {
      home: home.home,
      env: { CODEX_OSS_BASE_URL: url },
    });
    expect(seen[0]).toBe('GET /v1/models');
    expect(seen[1]).toBe(
      'POST /v1/responses {"model":"openai/gpt-oss-20b","input":"","max_output_tokens":1}',
    );
    expect(seen[2]).toMatch(/^POST \/v1\/responses \{"model":"openai\/gpt-oss-20b","stream":true,/);
  });
});
