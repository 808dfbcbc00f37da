// A small OAuth issuer for the sign-in tests of codex-ts (observed-cli-0.169-login-flows.md):
// authorize redirect, token endpoint (code and token-exchange grants), device endpoints, revoke.
// HTTPS with a fresh test CA by default; every request is recorded.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { makeTestTls } from '../server/tls.js';

/** A scripted answer: status and body (an object is sent as JSON, a string as `text/plain`). */
export interface FakeIssuerAnswer {
  status: number;
  body?: string | Record<string, unknown>;
  /** Never answer (the connection stays open until the issuer closes). */
  hang?: boolean;
}

/** One request the issuer received. */
export interface FakeIssuerRequest {
  method: string;
  /** Path with query. */
  url: string;
  /** Raw header pairs in wire order, names lower-cased. */
  headers: Array<[string, string]>;
  body: string;
}

/** What `GET /oauth/authorize` redirects with (defaults: a code and the request's own state). */
export interface FakeAuthorizeOutcome {
  code?: string | undefined;
  /** Replaces the state sent back. */
  state?: string | undefined;
  error?: string | undefined;
  errorDescription?: string | undefined;
  /** Leave `code` out. */
  omitCode?: boolean | undefined;
}

/** A running fake issuer; the arrays are queues consumed first, then the defaults answer. */
export interface FakeIssuer {
  /** Base URL, e.g. `https://127.0.0.1:43123` (no trailing `/`). */
  readonly url: string;
  /** The test CA (PEM) with `tls`, else undefined. */
  readonly caCert: string | undefined;
  readonly requests: FakeIssuerRequest[];
  authorize: FakeAuthorizeOutcome;
  /** Tokens of a successful code exchange. */
  tokens: { idToken: string; accessToken: string; refreshToken: string };
  /** `access_token` of a successful API-key exchange. */
  apiKey: string;
  codeExchangeAnswers: FakeIssuerAnswer[];
  apiKeyExchangeAnswers: FakeIssuerAnswer[];
  userCodeAnswers: FakeIssuerAnswer[];
  /** Device polls; when empty the poll is approved. */
  pollAnswers: FakeIssuerAnswer[];
  revokeAnswers: FakeIssuerAnswer[];
  /** Requests whose path starts with `path`. */
  requestsTo(path: string): FakeIssuerRequest[];
  close(): Promise<void>;
}

/** An unsigned JWT (`alg: none`) carrying `claims`: the issuer's tokens are never verified. */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.c2ln`;
}

/**
 * Starts the fake issuer on 127.0.0.1 (HTTPS with a fresh test CA unless `tls: false`). Routes:
 * `GET /oauth/authorize` → 302 to `redirect_uri` with `code`/`state` (or `error`), per `authorize`;
 * `POST /oauth/token` (form): `authorization_code` → `tokens`, token-exchange → `{access_token: apiKey}`;
 * `POST /api/accounts/deviceauth/usercode` → `{device_auth_id, user_code, interval: "0"}`;
 * `POST /api/accounts/deviceauth/token` → approved (`authorization_code`, `code_challenge`, `code_verifier`);
 * `POST /oauth/revoke` → 200 `{}`. Queued answers replace the defaults one request at a time.
 */
export async function startFakeIssuer(
  options: { tls?: boolean; accountId?: string } = {},
): Promise<FakeIssuer> {
  const tls = options.tls === false ? undefined : await makeTestTls();
  const accountId = options.accountId ?? 'acct-fake-0000';
  const state: Omit<FakeIssuer, 'url' | 'caCert' | 'close' | 'requestsTo'> = {
    requests: [],
    authorize: {},
    tokens: {
      idToken: unsignedJwt({
        email: 'user@example.com',
        'https://api.openai.com/auth': { chatgpt_account_id: accountId, chatgpt_plan_type: 'pro' },
      }),
      accessToken: unsignedJwt({
        'https://api.openai.com/auth': { chatgpt_plan_type: 'pro' },
        scp: ['openid'],
      }),
      refreshToken: 'rt-fake-login-1',
    },
    apiKey: 'sk-fake-exchanged-key-0000',
    codeExchangeAnswers: [],
    apiKeyExchangeAnswers: [],
    userCodeAnswers: [],
    pollAnswers: [],
    revokeAnswers: [],
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Array<[string, string]> = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        headers.push([(req.rawHeaders[i] ?? '').toLowerCase(), req.rawHeaders[i + 1] ?? '']);
      }
      state.requests.push({ method: req.method ?? '', url: req.url ?? '', headers, body });
      route(req, res, body);
    });
  };
  const route = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://issuer');
    if (req.method === 'GET' && url.pathname === '/oauth/authorize') {
      const redirect = new URL(url.searchParams.get('redirect_uri') ?? 'http://127.0.0.1/');
      const a = state.authorize;
      if (a.error !== undefined) {
        redirect.searchParams.set('error', a.error);
        if (a.errorDescription !== undefined)
          redirect.searchParams.set('error_description', a.errorDescription);
      } else if (a.omitCode !== true) {
        redirect.searchParams.set('code', a.code ?? 'fake-auth-code-0001');
      }
      redirect.searchParams.set('state', a.state ?? url.searchParams.get('state') ?? '');
      res.writeHead(302, { Location: redirect.toString(), 'Content-Length': '0' }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') === 'authorization_code') {
        answer(res, state.codeExchangeAnswers.shift(), {
          status: 200,
          body: {
            id_token: state.tokens.idToken,
            access_token: state.tokens.accessToken,
            refresh_token: state.tokens.refreshToken,
            token_type: 'Bearer',
            expires_in: 3600,
          },
        });
      } else {
        answer(res, state.apiKeyExchangeAnswers.shift(), {
          status: 200,
          body: { access_token: state.apiKey },
        });
      }
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/accounts/deviceauth/usercode') {
      answer(res, state.userCodeAnswers.shift(), {
        status: 200,
        body: { device_auth_id: 'deviceauth-fake-0001', user_code: 'FAKE-12345', interval: '0' },
      });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/accounts/deviceauth/token') {
      answer(res, state.pollAnswers.shift(), {
        status: 200,
        body: {
          authorization_code: 'fake-device-auth-code-0001',
          code_challenge: 'fake-challenge',
          code_verifier: 'fake-device-verifier',
        },
      });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/oauth/revoke') {
      answer(res, state.revokeAnswers.shift(), { status: 200, body: {} });
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
  };
  const server: Server = tls
    ? createTlsServer({ key: tls.key, cert: tls.cert }, onRequest)
    : createHttpServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = Object.assign(state, {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    caCert: tls?.caCert,
    requestsTo: (path: string) => state.requests.filter((r) => r.url.startsWith(path)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  return issuer;
}

function answer(res: ServerResponse, queued: FakeIssuerAnswer | undefined, fallback: FakeIssuerAnswer): void {
  const a = queued ?? fallback;
  if (a.hang) return;
  const isJson = typeof a.body === 'object';
  const text = typeof a.body === 'object' ? JSON.stringify(a.body) : (a.body ?? '');
  res
    .writeHead(a.status, {
      'Content-Type': isJson ? 'application/json' : 'text/plain',
      'Content-Length': Buffer.byteLength(text),
    })
    .end(text);
}
