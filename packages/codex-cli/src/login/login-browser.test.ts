import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeIssuer, startFakeIssuer } from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { browse, startCli } from '../test-support/login-cli.js';

let issuer: FakeIssuer;
let home: string;
let env: Record<string, string>;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  return typeof address === 'object' && address ? address.port : 0;
}

beforeEach(async () => {
  issuer = await startFakeIssuer();
  home = mkdtempSync(join(tmpdir(), 'codex-ts-login-'));
  writeFileSync(join(home, 'ca.pem'), issuer.caCert ?? '');
  env = {
    CODEX_HOME: home,
    CODEX_CA_CERTIFICATE: join(home, 'ca.pem'),
    CODEX_LOGIN_ISSUER_OVERRIDE: issuer.url,
    CODEX_LOGIN_CALLBACK_PORTS: `${await freePort()},${await freePort()}`,
  };
});
afterEach(async () => {
  await issuer.close();
  rmSync(home, { recursive: true, force: true });
});

const START = /On a remote or headless machine\? Use `codex login --device-auth` instead\.\n/;

function secrets(): string[] {
  return [
    issuer.tokens.idToken,
    issuer.tokens.accessToken,
    issuer.tokens.refreshToken,
    issuer.apiKey,
    'fake-auth-code-0001',
  ];
}

describe('codex-ts login (browser)', () => {
  it('prints the start text, completes when the browser follows the redirects, and writes auth.json', async () => {
    const cli = startCli(['login'], env);
    await cli.waitForStderr(START);
    const port = Number(env.CODEX_LOGIN_CALLBACK_PORTS?.split(',')[0]);
    const urlLine = (await cli.waitForStderr(/^(https:\S+)$/m))[1] ?? '';
    expect(
      urlLine.startsWith(
        `${issuer.url}/oauth/authorize?response_type=code&client_id=app_EMoamEEZ73f0CkXaXp7hrann&redirect_uri=http%3A%2F%2F127.0.0.1%3A${port}%2Fauth%2Fcallback&code_challenge=`,
      ),
    ).toBe(true);
    const toIssuer = await browse(urlLine, issuer.caCert);
    const callback = await browse(toIssuer.location ?? '');
    expect(callback.status).toBe(302);
    const page = await browse(callback.location ?? '');
    expect(page.body).toContain('Signed in to Codex');
    const result = await cli.exit;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `Starting local login server on http://localhost:${port}.`,
        'If your browser did not open, navigate to this URL to authenticate:',
        '',
        urlLine,
        '',
        'On a remote or headless machine? Use `codex login --device-auth` instead.',
        'Successfully logged in',
        '',
      ].join('\n'),
    );
    const json = JSON.parse(readFileSync(join(home, 'auth.json'), 'utf8'));
    expect(json).toMatchObject({ auth_mode: 'chatgpt', OPENAI_API_KEY: issuer.apiKey });
    for (const secret of secrets()) expect(result.stderr + result.stdout).not.toContain(secret);
  });

  it('prints both lines and exits 1 when the user denies access; --experimental_issuer moves the browser flow too', async () => {
    issuer.authorize = { error: 'access_denied', errorDescription: 'The user denied access' };
    const { CODEX_LOGIN_ISSUER_OVERRIDE: _unused, ...rest } = env;
    const cli = startCli(['login', '--experimental_issuer', `${issuer.url}/`], rest);
    const urlLine = (await cli.waitForStderr(/^(https:\S+)$/m))[1] ?? '';
    expect(urlLine.startsWith(`${issuer.url}/oauth/authorize?`)).toBe(true);
    await browse((await browse(urlLine, issuer.caCert)).location ?? '');
    const result = await cli.exit;
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').slice(-3)).toEqual([
      'OAuth callback error: Sign-in failed: The user denied access',
      'Error logging in: Sign-in failed: The user denied access',
      '',
    ]);
  });

  it('prints the token exchange error lines for an issuer 500 and writes nothing', async () => {
    issuer.codeExchangeAnswers.push({ status: 500, body: { error: { message: 'upstream failure' } } });
    const cli = startCli(['login'], env);
    const urlLine = (await cli.waitForStderr(/^(https:\S+)$/m))[1] ?? '';
    await browse((await browse(urlLine, issuer.caCert)).location ?? '');
    const result = await cli.exit;
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').slice(-3)).toEqual([
      'Token exchange error: token endpoint returned status 500 Internal Server Error: upstream failure',
      'Error logging in: Token exchange failed: token endpoint returned status 500 Internal Server Error: upstream failure',
      '',
    ]);
    expect(() => readFileSync(join(home, 'auth.json'))).toThrow();
  });

  it('ends with "Error logging in: Login cancelled" on GET /cancel', async () => {
    const cli = startCli(['login'], env);
    await cli.waitForStderr(START);
    const port = env.CODEX_LOGIN_CALLBACK_PORTS?.split(',')[0];
    expect((await browse(`http://127.0.0.1:${port}/cancel`)).body).toBe('Login cancelled');
    const result = await cli.exit;
    expect(result.code).toBe(1);
    expect(result.stderr.endsWith('instead.\nError logging in: Login cancelled\n')).toBe(true);
  });

  it('refuses an account outside -c forced_chatgpt_workspace_id with both lines', async () => {
    const cli = startCli(['login', '-c', 'forced_chatgpt_workspace_id="ws-fake-allowed"'], env);
    const urlLine = (await cli.waitForStderr(/^(https:\S+)$/m))[1] ?? '';
    expect(urlLine.endsWith('&allowed_workspace_id=ws-fake-allowed')).toBe(true);
    await browse((await browse(urlLine, issuer.caCert)).location ?? '');
    const result = await cli.exit;
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').slice(-3)).toEqual([
      'Workspace restriction error: Login is restricted to workspace id(s) ws-fake-allowed.',
      'Error logging in: Login is restricted to workspace id(s) ws-fake-allowed.',
      '',
    ]);
    expect(issuer.requestsTo('/oauth/token')).toHaveLength(1);
  });

  it('prints only the port error when both callback ports are held', async () => {
    const sockets: import('node:net').Socket[] = [];
    const hold = () => createServer((socket) => sockets.push(socket.on('error', () => undefined)));
    const held = [hold(), hold()];
    for (const s of held) await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const ports = held.map((s) => {
      const a = s.address();
      return typeof a === 'object' && a ? a.port : 0;
    });
    try {
      const result = await startCli(['login'], { ...env, CODEX_LOGIN_CALLBACK_PORTS: ports.join(',') }).exit;
      expect(result).toMatchObject({
        code: 1,
        stdout: '',
        stderr: `Error logging in: Port 127.0.0.1:${ports[1]} is already in use\n`,
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      for (const s of held) await new Promise((r) => s.close(r));
    }
  }, 20_000);
});
