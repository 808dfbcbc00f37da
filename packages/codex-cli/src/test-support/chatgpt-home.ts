// A CODEX_HOME signed in with ChatGPT, as the original CLI leaves it (observed-cli-0.169-auth §1, §2):
// auth.json in ChatGPT mode with unsigned JWTs, config.toml pointing the built-in `openai` provider
// and `chatgpt_base_url` at an HTTPS local responses server, and the environment that trusts its
// test CA (`CODEX_CA_CERTIFICATE`) and sends refreshes to it (`CODEX_REFRESH_TOKEN_URL_OVERRIDE`).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessToken, idToken } from '@codex-ts/login/test';
import {
  accountsCheck,
  type ChatgptScenario,
  modelsCatalog,
  type ResponsesServer,
  type ResponsesServerOptions,
  startResponsesServer,
} from '@codex-ts/responses-server';
import { afterEach } from 'vitest';

/** The observed ChatGPT auth.json text (2-space JSON, no trailing newline). */
export function chatgptAuthJson(options: { access: string; refresh?: string; accountId?: string }): string {
  return JSON.stringify(
    {
      auth_mode: 'chatgpt',
      OPENAI_API_KEY: null,
      tokens: {
        id_token: idToken(options.accountId),
        access_token: options.access,
        refresh_token: options.refresh ?? 'rt-canary-refresh-v1',
        account_id: options.accountId ?? 'acct-fake-0000',
      },
      last_refresh: '2026-01-01T00:00:00Z',
    },
    null,
    2,
  );
}

/** One ChatGPT-login test setup. */
export interface ChatgptHome {
  server: ResponsesServer;
  home: string;
  /** `CODEX_CA_CERTIFICATE` and `CODEX_REFRESH_TOKEN_URL_OVERRIDE` for `runCli`. */
  env: Record<string, string>;
  /** auth.json as written before the run. */
  authBefore: string;
  /** auth.json now (throws when deleted). */
  readAuth(): string;
  /**
   * Every request in the order the server answered it: `GET /backend-api/codex/models`, `GET
   * /backend-api/wham/accounts/check`, `POST /oauth/token`, `POST /backend-api/codex/responses`,
   * `UPGRADE 426` / `UPGRADE 101` (query strings dropped).
   */
  trace(): string[];
}

/** Options of {@link chatgptHomes}' factory. */
export interface ChatgptHomeOptions {
  /** auth.json text; default a valid token `at-canary-valid` (expires in an hour). */
  auth?: string;
  /** Lines added to config.toml. */
  config?: string;
  /** Base URLs in config.toml: `https` (default) or the plain-HTTP server's (`tls: false`). */
  tls?: boolean;
  /** The ChatGPT routes; default discovery `NO_CONSTRAINT` and an empty catalog, repeated. */
  chatgpt?: ChatgptScenario;
  /** Anything else for the server (HTTP and WebSocket scripts). */
  server?: Omit<ResponsesServerOptions, 'tls' | 'chatgpt'>;
}

/** The access token of the default auth.json. */
export const VALID_TOKEN = accessToken(3_600_000, 'at-canary-valid');

/**
 * Registers an `afterEach` that closes the servers and removes the homes; returns the factory:
 * a started HTTPS server (test CA written into the home) and the home pointing at it.
 */
export function chatgptHomes(): (options?: ChatgptHomeOptions) => Promise<ChatgptHome> {
  const open: { server: ResponsesServer; home: string }[] = [];
  afterEach(async () => {
    for (const { server, home } of open.splice(0)) {
      await server.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
  return async (options = {}) => {
    const home = mkdtempSync(join(tmpdir(), 'codex-ts-chatgpt-'));
    const caFile = join(home, 'ca.pem');
    const log: string[] = [];
    const server = await startResponsesServer({
      ...options.server,
      log: (line) => log.push(line),
      ...(options.tls === false ? {} : { tls: { caFile } }),
      chatgpt: options.chatgpt ?? {
        accountsCheck: { replies: [accountsCheck({ id: 'acct-fake-0000' })], repeatLast: true },
        models: { replies: [modelsCatalog([])], repeatLast: true },
      },
    });
    open.push({ server, home });
    writeFileSync(
      join(home, 'config.toml'),
      [
        'model = "gpt-5.5"',
        'model_provider = "openai"',
        `openai_base_url = "${server.codexBaseUrl}"`,
        `chatgpt_base_url = "${server.chatgptBaseUrl}"`,
        options.config ?? '',
        '',
      ].join('\n'),
    );
    const authPath = join(home, 'auth.json');
    const authBefore = options.auth ?? chatgptAuthJson({ access: VALID_TOKEN });
    writeFileSync(authPath, authBefore, { mode: 0o600 });
    return {
      server,
      home,
      env: {
        ...(options.tls === false ? {} : { CODEX_CA_CERTIFICATE: caFile }),
        CODEX_REFRESH_TOKEN_URL_OVERRIDE: server.refreshTokenUrl,
      },
      authBefore,
      readAuth: () => readFileSync(authPath, 'utf8'),
      trace: () => log.flatMap(traceEntry),
    };
  };
}

/** A server log line as a {@link ChatgptHome.trace} entry (WebSocket frames are left out). */
function traceEntry(line: string): string[] {
  const ws = /^WS \S+ → (accept|reject (\d+))/.exec(line);
  if (ws) return [`UPGRADE ${ws[2] ?? '101'}`];
  const http = /^(GET|POST) (\S+) → /.exec(line);
  if (!http) return [];
  return [`${http[1]} ${new URL(http[2] as string, 'https://x').pathname}`];
}
