import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useConfigHome } from '../test/index.js';
import { serviceTierForRequest } from './load-config.js';

const { home, file, load, loadError } = await useConfigHome();

describe('loadConfig: defaults', () => {
  it('treats a missing config.toml as empty', async () => {
    const config = await load(undefined, { cwd: '/work' });
    expect(config).toMatchObject({
      codexHome: home,
      configFile: file,
      cwd: '/work',
      profile: undefined,
      model: undefined,
      modelProvider: 'openai',
      modelReasoningEffort: undefined,
      openaiBaseUrl: undefined,
      forcedLoginMethod: undefined,
      modelProviders: {},
    });
  });

  it('applies provider defaults', async () => {
    const config = await load('[model_providers.p]\nbase_url = "http://x/v1"\n');
    expect(config.modelProviders.p).toEqual({
      name: '',
      baseUrl: 'http://x/v1',
      envKey: undefined,
      envKeyInstructions: undefined,
      experimentalBearerToken: undefined,
      wireApi: 'responses',
      queryParams: undefined,
      httpHeaders: undefined,
      envHttpHeaders: undefined,
      requestMaxRetries: 4,
      streamMaxRetries: 5,
      streamIdleTimeoutMs: 300_000,
      websocketConnectTimeoutMs: 15_000,
      requiresOpenaiAuth: false,
      supportsWebsockets: false,
      commandAuth: undefined,
      aws: undefined,
    });
  });

  it('caps request_max_retries and stream_max_retries at 100', async () => {
    const config = await load('[model_providers.p]\nrequest_max_retries = 1000\nstream_max_retries = 101\n');
    expect(config.modelProviders.p?.requestMaxRetries).toBe(100);
    expect(config.modelProviders.p?.streamMaxRetries).toBe(100);
    const zero = await load('[model_providers.p]\nrequest_max_retries = 0\nstream_max_retries = 0\n');
    expect(zero.modelProviders.p?.requestMaxRetries).toBe(0);
  });
});

describe('loadConfig: the configs of observed-cli-0.169.md §2', () => {
  it('parses the custom-provider config', async () => {
    const config = await load(`
model = "gpt-5.5"                         # a slug from the bundled catalog
model_provider = "myprovider"

[model_providers.myprovider]
name = "myprovider"
base_url = "http://127.0.0.1:4321/v1"     # requests go to {base_url}/responses
env_key = "MY_PROVIDER_API_KEY"
wire_api = "responses"
supports_websockets = false
request_max_retries = 4
stream_max_retries = 5
stream_idle_timeout_ms = 300000
websocket_connect_timeout_ms = 15000
http_headers = { "X-Static" = "1" }
env_http_headers = { "X-Env" = "MY_HEADER_ENV" }
query_params = { api-version = "2025-04-01-preview" }
`);
    expect(config.model).toBe('gpt-5.5');
    expect(config.modelProvider).toBe('myprovider');
    expect(config.modelProviders.myprovider).toMatchObject({
      name: 'myprovider',
      baseUrl: 'http://127.0.0.1:4321/v1',
      envKey: 'MY_PROVIDER_API_KEY',
      supportsWebsockets: false,
      httpHeaders: { 'X-Static': '1' },
      envHttpHeaders: { 'X-Env': 'MY_HEADER_ENV' },
      queryParams: { 'api-version': '2025-04-01-preview' },
    });
  });

  it('parses the built-in openai config', async () => {
    const config = await load(
      'model_provider = "openai"\nopenai_base_url = "http://127.0.0.1:4321/v1"\nforced_login_method = "api"\n',
    );
    expect(config.modelProvider).toBe('openai');
    expect(config.openaiBaseUrl).toBe('http://127.0.0.1:4321/v1');
    expect(config.forcedLoginMethod).toBe('api');
    expect(config.chatgptBaseUrl).toBe('https://chatgpt.com/backend-api/');
    expect(config.forcedChatgptWorkspaceIds).toBeUndefined();
    expect(config.cliAuthCredentialsStore).toBe('file');
  });

  it('parses the ChatGPT login keys (chatgpt_base_url, workspace ids, store)', async () => {
    let config = await load(
      'chatgpt_base_url = "https://127.0.0.1:9/backend-api/"\nforced_chatgpt_workspace_id = " acct-1 "\ncli_auth_credentials_store = "keyring"\n[profiles.p]\nchatgpt_base_url = "https://10.0.0.1/backend-api/"\n',
    );
    expect(config.chatgptBaseUrl).toBe('https://127.0.0.1:9/backend-api/');
    expect(config.forcedChatgptWorkspaceIds).toEqual(['acct-1']);
    expect(config.cliAuthCredentialsStore).toBe('keyring');
    config = await load('forced_chatgpt_workspace_id = ["acct-1", "acct-2"]\n');
    expect(config.forcedChatgptWorkspaceIds).toEqual(['acct-1', 'acct-2']);
    expect(config.chatgptBaseUrl).toBe('https://chatgpt.com/backend-api/');
  });

  it('reads service_tier and maps it to the wire value', async () => {
    let config = await load('service_tier = "fast"\n');
    expect(config.serviceTier).toBe('fast');
    expect(serviceTierForRequest(config.serviceTier)).toBe('priority');
    config = await load('service_tier = "flex"\n[profiles.p]\nservice_tier = "fast"\n');
    expect(serviceTierForRequest(config.serviceTier)).toBe('flex');
    expect(serviceTierForRequest((await load('service_tier = "default"\n')).serviceTier)).toBeUndefined();
    expect(serviceTierForRequest((await load('')).serviceTier)).toBeUndefined();
    const error = await loadError('service_tier = "turbo"\n');
    expect(error.message).toContain('service_tier');
  });

  it('accepts the other settings and known-but-unused Codex keys of a real config', async () => {
    const config = await load(`
model_reasoning_effort = "high"
model_reasoning_summary = "detailed"
model_verbosity = "low"
approval_policy = "never"
sandbox_mode = "workspace-write"
notify = ["notify-send", "codex"]
model_context_window = 400000
hide_agent_reasoning = true

[history]
persistence = "none"

[tui]
notifications = true

[otel]
exporter = "none"

[features]
web_search_request = true

[mcp_servers.docs]
command = "npx"
args = ["-y", "docs-mcp"]

[projects."/home/me/src/app"]
trust_level = "trusted"
`);
    expect(config).toMatchObject({
      modelReasoningEffort: 'high',
      modelReasoningSummary: 'detailed',
      modelVerbosity: 'low',
      approvalPolicy: 'never',
      sandboxMode: 'workspace-write',
    });
    expect(config.toml.mcp_servers).toEqual({ docs: { command: 'npx', args: ['-y', 'docs-mcp'] } });
  });

  it('accepts a granular approval policy table', async () => {
    const config = await load('[approval_policy.granular]\nrules = true\nsandbox_approval = false\n');
    expect(config.approvalPolicy).toEqual({ granular: { rules: true, sandbox_approval: false } });
  });
});

describe('loadConfig: errors name the key and the file', () => {
  const strict = { strictConfig: true };
  it('rejects an unknown key inside a provider table under --strict-config', async () => {
    const error = await loadError('[model_providers.my]\nbase_urll = "http://x"\n', strict);
    expect(error.code).toBe('unknown_key');
    expect(error.message).toBe(
      `Error loading config.toml:\n${file}:2:1: unknown configuration field \`model_providers.my.base_urll\`\n  |\n2 | base_urll = ***\n  | ^^^^^^^^^`,
    );
    expect(error.keyPath).toBe('model_providers.my.base_urll');
    expect(error.file).toBe(file);
  });

  it('rejects an unknown top-level key under --strict-config', async () => {
    const error = await loadError('modle = "gpt-5"\n', strict);
    expect(error.message).toContain(`${file}:1:1: unknown configuration field \`modle\``);
  });

  it('quotes odd key segments of unknown keys in profile tables', async () => {
    const error = await loadError('[profiles."fast.one"]\nmodell = "x"\n', strict);
    expect(error.message).toContain(`unknown configuration field \`profiles."fast.one".modell\``);
  });

  it('reports bad values with what was expected', async () => {
    let error = await loadError('[model_providers.my]\nstream_max_retries = -1\n');
    expect(error.code).toBe('invalid_value');
    expect(error.message).toBe(
      `invalid value for \`model_providers.my.stream_max_retries\` in ${file}: expected a non-negative integer`,
    );
    error = await loadError('[model_providers.my]\nstream_max_retries = 2.5\n');
    expect(error.message).toContain('expected a non-negative integer');
    error = await loadError('[model_providers.my]\nrequest_max_retries = "4"\n');
    expect(error.message).toContain('`model_providers.my.request_max_retries`');
    error = await loadError('[model_providers.my]\nsupports_websockets = "yes"\n');
    expect(error.message).toContain('expected a boolean');
    error = await loadError('[model_providers.my]\nhttp_headers = { a = 1 }\n');
    expect(error.message).toBe(
      `invalid value for \`model_providers.my.http_headers.a\` in ${file}: expected a string`,
    );
    error = await loadError('model_reasoning_effort = "extreme"\n');
    expect(error.message).toBe(
      `invalid value for \`model_reasoning_effort\` in ${file}: expected one of "none", "minimal", "low", "medium", "high", "xhigh", "max", "ultra"`,
    );
    error = await loadError('forced_login_method = "sso"\n');
    expect(error.message).toContain('expected one of "chatgpt", "api"');
    error = await loadError('cli_auth_credentials_store = "vault"\n');
    expect(error.message).toBe(
      `invalid value for \`cli_auth_credentials_store\` in ${file}: expected one of "file", "keyring", "auto", "ephemeral"`,
    );
    for (const [bad, key] of [
      ['""', ''],
      ['[]', ''],
      ['[" "]', '.0'],
      ['3', ''],
    ]) {
      error = await loadError(`forced_chatgpt_workspace_id = ${bad}\n`);
      expect(error.message).toBe(
        `invalid value for \`forced_chatgpt_workspace_id${key}\` in ${file}: expected a non-empty workspace id or a non-empty array of them`,
      );
    }
    error = await loadError('model_providers = 3\n');
    expect(error.message).toBe(`invalid value for \`model_providers\` in ${file}: expected a table`);
    error = await loadError('[[model_providers]]\nname = "x"\n');
    expect(error.message).toBe(`invalid value for \`model_providers\` in ${file}: expected a table`);
  });

  it('never echoes configured values (they may be secrets)', async () => {
    const error = await loadError('[model_providers.my]\nexperimental_bearer_token = 12345678\n');
    expect(error.message).toContain('`model_providers.my.experimental_bearer_token`');
    expect(error.message).not.toContain('12345678');
  });

  it('counts further problems', async () => {
    const error = await loadError('model = 1\n[model_providers.my]\nstream_max_retries = -1\n');
    expect(error.message).toMatch(/\(and 1 more problem\)$/);
  });

  it('rejects wire_api = "chat" telling the user to use "responses"', async () => {
    const error = await loadError('[model_providers.my]\nwire_api = "chat"\n');
    expect(error.code).toBe('invalid_value');
    expect(error.keyPath).toBe('model_providers.my.wire_api');
    expect(error.message).toContain(file);
    expect(error.message).toContain('set `wire_api = "responses"`');
    const other = await loadError('[model_providers.my]\nwire_api = "grpc"\n');
    expect(other.message).toContain('expected one of "responses"');
  });

  it('validates provider auth combinations', async () => {
    let error = await loadError(
      '[model_providers.my]\nenv_key = "K"\n[model_providers.my.auth]\ncommand = "tok"\n',
    );
    expect(error.message).toBe(
      `invalid value for \`model_providers.my.auth\` in ${file}: provider auth cannot be combined with env_key`,
    );
    error = await loadError(
      '[model_providers.my]\nenv_key = "K"\nexperimental_bearer_token = "t"\nrequires_openai_auth = true\n' +
        '[model_providers.my.auth]\ncommand = "tok"\n',
    );
    expect(error.message).toBe(
      `invalid value for \`model_providers.my.auth\` in ${file}: provider auth cannot be combined with env_key, experimental_bearer_token, requires_openai_auth`,
    );
    // requires_openai_auth = false is no conflict.
    expect(
      (
        await load(
          '[model_providers.my]\nrequires_openai_auth = false\n[model_providers.my.auth]\ncommand = "tok"\n',
        )
      ).modelProviders.my?.commandAuth?.command,
    ).toBe('tok');
    error = await loadError('[model_providers.my.auth]\ncommand = "  "\n');
    expect(error.keyPath).toBe('model_providers.my.auth.command');
    expect(error.message).toContain('must not be empty');
    error = await loadError('[model_providers.my]\nsupports_websockets = true\n[model_providers.my.aws]\n');
    expect(error.message).toContain('provider aws cannot be combined with supports_websockets');
    error = await loadError(
      '[model_providers.my]\nsupports_websockets = true\nenv_key = "K"\n[model_providers.my.aws]\n',
    );
    expect(error.message).toBe(
      `invalid value for \`model_providers.my.aws\` in ${file}: provider aws cannot be combined with supports_websockets, env_key`,
    );
    // A boolean key set to false is no conflict.
    const config = await load(
      '[model_providers.my]\nsupports_websockets = false\nrequires_openai_auth = false\n[model_providers.my.aws]\n',
    );
    expect(config.modelProviders.my?.aws).toEqual({});
    error = await loadError('[model_providers.my.auth]\ncommand = "tok"\ntimeout_ms = 0\n');
    expect(error.message).toContain('expected an integer from 1 to 2147483647');
  });

  it('reports TOML syntax errors with line and column, without file contents', async () => {
    const error = await loadError('model = "gpt-5"\nmodel_provider = \n[x]\n');
    expect(error.code).toBe('syntax');
    expect(error.line).toBe(2);
    expect(error.column).toBeGreaterThan(0);
    expect(error.message).toMatch(new RegExp(`^invalid TOML in ${file} at line 2, column \\d+: .+`));
    expect(error.message).not.toContain('gpt-5');
    const dup = await loadError('model = "a"\nmodel = "b"\n');
    expect(dup.line).toBe(2);
  });

  it('reports an unreadable config file', async () => {
    await mkdir(file);
    const error = await loadError(undefined);
    expect(error.code).toBe('unreadable');
    expect(error.message).toContain(file);
  });

  it('rejects redefining a built-in provider id', async () => {
    const error = await loadError('[model_providers.openai]\nbase_url = "http://x"\n');
    expect(error.keyPath).toBe('model_providers.openai');
    expect(error.message).toContain('built-in provider and cannot be redefined');
    expect(error.message).toContain('openai_base_url');
    await expect(load('[model_providers.amazon-bedrock.aws]\nprofile = "dev"\n')).resolves.toBeDefined();
  });

  it('rejects an unknown or removed model_provider', async () => {
    let error = await loadError('model_provider = "nope"\n[model_providers.mine]\n');
    expect(error.code).toBe('unknown_provider');
    expect(error.message).toBe(
      `unknown model provider \`nope\` for \`model_provider\` in ${file}; known providers: openai, ollama, lmstudio, mine`,
    );
    error = await loadError('model_provider = "ollama-chat"\n');
    expect(error.code).toBe('unsupported');
    expect(error.message).toContain('replace `ollama-chat` with `ollama`');
    error = await loadError('model_provider = "amazon-bedrock"\n');
    expect(error.code).toBe('unsupported');
  });
});

describe('loadConfig: -c overrides', () => {
  it('parses values as TOML, falling back to plain strings', async () => {
    const config = await load(undefined, {
      overrides: [
        'model=gpt-5.5',
        'model_reasoning_effort="medium"',
        "model_verbosity='low'",
        'model_providers.p.stream_max_retries=7',
        'model_providers.p.supports_websockets=true',
        'model_providers.p.http_headers={ "X-A" = "1" }',
        'model_providers.p.base_url=http://127.0.0.1:9/v1',
        'model_provider = p',
      ],
    });
    expect(config.model).toBe('gpt-5.5');
    expect(config.modelReasoningEffort).toBe('medium');
    expect(config.modelVerbosity).toBe('low');
    expect(config.modelProvider).toBe('p');
    expect(config.modelProviders.p).toMatchObject({
      streamMaxRetries: 7,
      supportsWebsockets: true,
      httpHeaders: { 'X-A': '1' },
      baseUrl: 'http://127.0.0.1:9/v1',
    });
  });

  it('overrides file values, including nested keys and quoted key segments', async () => {
    const config = await load('model = "a"\n[model_providers."my.p"]\nname = "file"\nenv_key = "K"\n', {
      overrides: ['model=b', 'model_providers."my.p".name=cli'],
    });
    expect(config.model).toBe('b');
    expect(config.modelProviders['my.p']).toMatchObject({ name: 'cli', envKey: 'K' });
  });

  it('names the override when it sets an unknown key (strict) or a bad value', async () => {
    let error = await loadError('[model_providers.my]\nname = "x"\n', {
      overrides: ['model_providers.my.base_urll=http://x'],
      strictConfig: true,
    });
    expect(error.code).toBe('unknown_key');
    expect(error.override).toBe('model_providers.my.base_urll');
    expect(error.message).toBe(
      'Error loading config.toml: unknown configuration field `model_providers.my.base_urll` in -c/--config override',
    );
    error = await loadError(undefined, { overrides: ['model_providers.my.request_max_retries=lots'] });
    expect(error.message).toBe(
      'invalid value for `model_providers.my.request_max_retries` in -c override `model_providers.my.request_max_retries`: expected a non-negative integer',
    );
    error = await loadError(undefined, {
      overrides: ['model_providers.my={ name = "x", bogus = 1 }'],
      strictConfig: true,
    });
    expect(error.message).toBe(
      'Error loading config.toml: unknown configuration field `model_providers.my.bogus` in -c/--config override',
    );
  });

  it('keeps blaming the file for problems an override did not touch', async () => {
    const error = await loadError('[model_providers.my]\nbase_urll = "x"\n', {
      overrides: ['model_providers.my.name=n'],
      strictConfig: true,
    });
    expect(error.file).toBe(file);
    expect(error.override).toBeUndefined();
  });

  it('rejects malformed overrides without echoing the value', async () => {
    let error = await loadError(undefined, { overrides: ['model'] });
    expect(error.code).toBe('invalid_override');
    expect(error.message).toContain('expected key=value');
    error = await loadError(undefined, { overrides: ['experimental_bearer_token:sk-typed-with-a-colon'] });
    expect(error.code).toBe('invalid_override');
    expect(error.message).not.toContain('sk-typed-with-a-colon');
    expect(JSON.stringify(error)).not.toContain('sk-typed-with-a-colon');
    error = await loadError(undefined, { overrides: ['=secret-value'] });
    expect(error.code).toBe('invalid_override');
    expect(error.message).not.toContain('secret-value');
    error = await loadError(undefined, { overrides: ['a..b=1'] });
    expect(error.code).toBe('invalid_override');
  });
});
