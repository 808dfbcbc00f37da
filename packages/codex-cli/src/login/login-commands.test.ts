import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeIssuer, startFakeIssuer, unsignedJwt } from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../test-support/run-cli.js';

let issuer: FakeIssuer;
let home: string;
let env: Record<string, string>;
const outputs: CliResult[] = [];

beforeEach(async () => {
  issuer = await startFakeIssuer();
  home = mkdtempSync(join(tmpdir(), 'codex-ts-login-'));
  writeFileSync(join(home, 'ca.pem'), issuer.caCert ?? '');
  env = { CODEX_CA_CERTIFICATE: join(home, 'ca.pem') };
});
afterEach(async () => {
  // canary: no token or key the tests used ever appears in any output
  const canaries = [
    issuer.tokens.idToken,
    issuer.tokens.accessToken,
    issuer.tokens.refreshToken,
    issuer.apiKey,
    'sk-fake-login-key-0000000000001',
    'sk-canary-flag-key-123456',
    'rt-fake-canary-v1',
    'fake-device-auth-code-0001',
  ];
  for (const out of outputs.splice(0)) {
    for (const canary of canaries) expect(out.stdout + out.stderr).not.toContain(canary);
  }
  await issuer.close();
  rmSync(home, { recursive: true, force: true });
});

async function cli(
  args: string[],
  options: { stdin?: string; env?: Record<string, string>; config?: string } = {},
) {
  writeFileSync(join(home, 'config.toml'), options.config ?? '');
  const result = await runCli(args, {
    home,
    env: { ...env, ...options.env },
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
  });
  outputs.push(result);
  return result;
}

const authPath = () => join(home, 'auth.json');
const ESC = '\u001b';

function chatgptAuth(): string {
  return JSON.stringify(
    {
      auth_mode: 'chatgpt',
      OPENAI_API_KEY: null,
      tokens: {
        id_token: unsignedJwt({ 'https://api.openai.com/auth': { chatgpt_account_id: 'acct-fake-0000' } }),
        access_token: unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 3600 }),
        refresh_token: 'rt-fake-canary-v1',
        account_id: 'acct-fake-0000',
      },
      last_refresh: '2026-01-01T00:00:00Z',
    },
    null,
    2,
  );
}

describe('codex-ts login --device-auth', () => {
  it('prints the prompt on stdout, polls, and signs in at --experimental_issuer', async () => {
    issuer.pollAnswers.push({ status: 403, body: {} });
    const result = await cli(['login', '--device-auth', '--experimental_issuer', `${issuer.url}/`]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('Successfully logged in\n');
    expect(result.stdout).toBe(
      [
        '',
        `Welcome to Codex [v${ESC}[90m0.1.0${ESC}[0m]`,
        `${ESC}[90mOpenAI's command-line coding agent${ESC}[0m`,
        '',
        'Follow these steps to sign in with ChatGPT using device code authorization:',
        '',
        '1. Open this link in your browser and sign in to your account',
        `   ${ESC}[94m${issuer.url}/codex/device${ESC}[0m`,
        '',
        `2. Enter this one-time code ${ESC}[90m(expires in 15 minutes)${ESC}[0m`,
        `   ${ESC}[94mFAKE-12345${ESC}[0m`,
        '',
        `${ESC}[90mContinue only if you started this login in Codex. If a website or another person gave you this code, cancel.${ESC}[0m`,
        '',
        '',
      ].join('\n'),
    );
    expect(issuer.requestsTo('/api/accounts/deviceauth/token')).toHaveLength(2);
    const json = JSON.parse(readFileSync(authPath(), 'utf8'));
    expect(json.OPENAI_API_KEY).toBeNull();
    expect(json.tokens.oauth_provenance.issuer).toBe(issuer.url);
  });

  it('honours CODEX_LOGIN_ISSUER_OVERRIDE and reports a 404 user-code request without a prompt', async () => {
    issuer.userCodeAnswers.push({ status: 404, body: {} });
    const result = await cli(['login', '--device-auth'], {
      env: { CODEX_LOGIN_ISSUER_OVERRIDE: issuer.url },
    });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'Error logging in: device code login is not enabled for this Codex server. Use the browser login or verify the server URL.\n',
    });
  });

  it('prints the denied poll text after the prompt', async () => {
    issuer.pollAnswers.push({ status: 400, body: {} });
    const result = await cli(['login', '--device-auth', '--experimental_issuer', issuer.url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAKE-12345');
    expect(result.stderr).toBe('Error logging in: device auth failed with status 400 Bad Request\n');
  });

  it('refuses ChatGPT login under forced_login_method = "api" (browser and device)', async () => {
    for (const args of [['login'], ['login', '--device-auth']]) {
      const result = await cli(args, { config: 'forced_login_method = "api"\n' });
      expect(result).toMatchObject({
        code: 1,
        stdout: '',
        stderr: 'ChatGPT login is disabled. Use API key login instead.\n',
      });
    }
    expect(issuer.requests).toHaveLength(0);
  });
});

describe('codex-ts login --with-api-key', () => {
  it('stores the trimmed key from stdin', async () => {
    const result = await cli(['login', '--with-api-key'], { stdin: '  sk-fake-login-key-0000000000001\n' });
    expect(result).toMatchObject({
      code: 0,
      stdout: '',
      stderr:
        'Reading API key from stdin...\nAPI key saved. Authentication is checked when you send a request.\n',
    });
    expect(readFileSync(authPath(), 'utf8')).toBe(
      '{\n  "auth_mode": "apikey",\n  "OPENAI_API_KEY": "sk-fake-login-key-0000000000001"\n}',
    );
  });

  it('fails clearly on empty stdin and under forced_login_method = "chatgpt"; refuses --api-key', async () => {
    expect(await cli(['login', '--with-api-key'], { stdin: ' \n\n' })).toMatchObject({
      code: 1,
      stderr: 'Reading API key from stdin...\nNo API key provided via stdin.\n',
    });
    expect(
      await cli(['login', '--with-api-key'], {
        stdin: 'sk-x\n',
        config: 'forced_login_method = "chatgpt"\n',
      }),
    ).toMatchObject({
      code: 1,
      stderr: 'Reading API key from stdin...\nAPI key login is disabled. Use ChatGPT login instead.\n',
    });
    expect(await cli(['login', '--api-key', 'sk-canary-flag-key-123456'])).toMatchObject({
      code: 1,
      stderr:
        'The --api-key flag is no longer supported. Pipe the key instead, e.g. `printenv OPENAI_API_KEY | codex login --with-api-key`.\n',
    });
    expect(existsSync(authPath())).toBe(false);
  });
});

describe('codex-ts login status', () => {
  it('reports none, API key (masked), short key, ChatGPT, and a restricted login as observed', async () => {
    expect(await cli(['login', 'status'], { env: { OPENAI_API_KEY: 'sk-env' } })).toMatchObject({
      code: 1,
      stderr: 'Not logged in\n',
    });
    writeFileSync(authPath(), '{"auth_mode":"apikey","OPENAI_API_KEY":"sk-fake-login-key-0000000000001"}');
    expect(await cli(['login', 'status'])).toMatchObject({
      code: 0,
      stdout: '',
      stderr: 'API key configured - sk-fake-***00001\nAuthentication is checked when you send a request.\n',
    });
    writeFileSync(authPath(), '{"auth_mode":"apikey","OPENAI_API_KEY":"sk-short-1"}');
    expect((await cli(['login', 'status'])).stderr).toBe(
      'API key configured - ***\nAuthentication is checked when you send a request.\n',
    );
    writeFileSync(authPath(), chatgptAuth());
    expect(await cli(['login', 'status'])).toMatchObject({ code: 0, stderr: 'Logged in using ChatGPT\n' });
    for (const config of [
      'forced_login_method = "api"\n',
      'forced_chatgpt_workspace_id = "ws-fake-allowed"\n',
    ]) {
      expect(await cli(['login', 'status'], { config })).toMatchObject({
        code: 1,
        stderr: 'Not logged in\n',
      });
    }
    expect(existsSync(authPath())).toBe(true);
  });
});

describe('codex-ts logout', () => {
  it('revokes a ChatGPT login at CODEX_REVOKE_TOKEN_URL_OVERRIDE and deletes auth.json', async () => {
    writeFileSync(authPath(), chatgptAuth());
    const result = await cli(['logout'], {
      env: { CODEX_REVOKE_TOKEN_URL_OVERRIDE: `${issuer.url}/oauth/revoke` },
    });
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: 'Successfully logged out\n' });
    const [revoke] = issuer.requestsTo('/oauth/revoke');
    expect(revoke?.body).toBe(
      '{"token":"rt-fake-canary-v1","token_type_hint":"refresh_token","client_id":"app_EMoamEEZ73f0CkXaXp7hrann"}',
    );
    expect(revoke?.headers.find(([n]) => n === 'originator')?.[1]).toBe('codex_cli_rs');
    expect(revoke?.headers.find(([n]) => n === 'user-agent')?.[1]).toMatch(
      /^codex_cli_rs\/0\.1\.0 \(.+\) xterm$/,
    );
    expect(existsSync(authPath())).toBe(false);
  });

  it('logs out after a revoke 500, and says "Not logged in" with exit 0 when nothing is stored', async () => {
    writeFileSync(authPath(), chatgptAuth());
    issuer.revokeAnswers.push({ status: 500, body: 'boom' });
    const revokeEnv = { CODEX_LOGIN_ISSUER_OVERRIDE: issuer.url };
    expect(await cli(['logout'], { env: revokeEnv })).toMatchObject({
      code: 0,
      stderr: 'Successfully logged out\n',
    });
    expect(issuer.requestsTo('/oauth/revoke')).toHaveLength(1);
    expect(await cli(['logout'], { env: revokeEnv })).toMatchObject({ code: 0, stderr: 'Not logged in\n' });
  });
});
