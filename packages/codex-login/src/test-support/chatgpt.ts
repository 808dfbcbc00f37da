// Shared by the AuthManager tests: unsigned JWTs, a ChatGPT auth.json in a temp CODEX_HOME, and an
// HTTPS local backend with a transport that trusts its test CA.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpTransport, SecretRedactor } from '@codex-ts/client';
import {
  type ResponsesServer,
  type ResponsesServerOptions,
  startResponsesServer,
} from '@codex-ts/responses-server';
import { afterEach } from 'vitest';
import { AuthManager, type AuthManagerOptions } from '../manager/auth-manager.js';
import { idToken } from '../test/index.js';

export { accessToken, epochIn, fakeJwt, idToken } from '../test/index.js';

/** The observed ChatGPT auth.json text (2-space JSON, no trailing newline). */
export function chatgptAuthJson(options: {
  access: string;
  refresh?: string;
  accountId?: string | null;
  id?: string;
  lastRefresh?: string;
}): string {
  return JSON.stringify(
    {
      auth_mode: 'chatgpt',
      OPENAI_API_KEY: null,
      tokens: {
        id_token: options.id ?? idToken(),
        access_token: options.access,
        refresh_token: options.refresh ?? 'rt-fake-v1-canary-refresh',
        account_id: options.accountId === undefined ? 'acct-fake-0000' : options.accountId,
      },
      last_refresh: options.lastRefresh ?? '2026-01-01T00:00:00Z',
    },
    null,
    2,
  );
}

/** A temp CODEX_HOME; `write` puts auth.json text there. */
export interface TempHome {
  dir: string;
  write(text: string): Promise<void>;
  read(): Promise<string>;
  remove(): Promise<void>;
}

// What tempHome() and httpsBackend() made, for cleanUpAfterEach() (newest first when cleaning).
const made: Array<() => Promise<void>> = [];

/**
 * Registers an `afterEach` that closes every backend and removes every temp home this file's
 * tests made (newest first), as each test file would otherwise do by hand.
 */
export function cleanUpAfterEach(): void {
  afterEach(async () => {
    for (const cleanUp of made.splice(0).reverse()) await cleanUp();
  });
}

export async function tempHome(): Promise<TempHome> {
  const dir = await mkdtemp(join(tmpdir(), 'codex-login-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  made.push(remove);
  return {
    dir,
    write: (text) => writeFile(join(dir, 'auth.json'), text, { mode: 0o600 }),
    read: () => readFile(join(dir, 'auth.json'), 'utf8'),
    remove,
  };
}

/** An HTTPS local backend and a transport that trusts its CA. */
export interface Backend {
  server: ResponsesServer;
  transport: HttpTransport;
  close(): Promise<void>;
}

export async function httpsBackend(options: Omit<ResponsesServerOptions, 'tls'> = {}): Promise<Backend> {
  const server = await startResponsesServer({ ...options, tls: true });
  // The default sender, trusting the server's CA, as the CLI's own transports trust CODEX_CA_CERTIFICATE.
  const transport = new HttpTransport({ ca: server.caCert });
  const close = async () => {
    await transport.close();
    await server.close();
  };
  made.push(close);
  return { server, transport, close };
}

/** What {@link loadManager} returns: the manager, its log lines and redactor. */
export interface LoadedManager {
  manager: AuthManager;
  logs: Array<[string, string]>;
  redactor: SecretRedactor;
}

/** `AuthManager.load` against `backend` (refresh URL, transport), with observed originator/UA. */
export async function loadManager(
  home: TempHome,
  backend: Backend | undefined,
  extra: Partial<AuthManagerOptions> = {},
): Promise<LoadedManager> {
  const logs: Array<[string, string]> = [];
  const redactor = new SecretRedactor();
  const manager = await AuthManager.load({
    codexHome: home.dir,
    env: {},
    originator: 'codex_exec',
    userAgent: 'codex_exec/0.169.0 (Debian 12.0.0; x86_64) xterm',
    redactor,
    log: (level, message) => logs.push([level, message]),
    ...(backend ? { refreshTokenUrl: backend.server.refreshTokenUrl, transport: backend.transport } : {}),
    lockTimeoutMs: 10_000,
    ...extra,
  });
  return { manager, logs, redactor };
}
