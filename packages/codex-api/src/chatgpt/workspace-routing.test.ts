// Workspace routing discovery over real HTTPS to the local ChatGPT backend (observed-cli-auth §1, §4).
import { accountsCheck } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import type { AuthProvider } from '../auth/auth-provider.js';
import { ApiError } from '../errors/api-error.js';
import { useChatgptServer } from '../test/index.js';
import {
  resolveWorkspaceRouting,
  routingOverrideHeaders,
  WorkspaceRoutingClient,
  WorkspaceRoutingError,
  type WorkspaceRoutingErrorCode,
} from './workspace-routing.js';

const server = await useChatgptServer();

const ACCOUNT = 'acct-fake-0000';
const CANARY = 'at-canary-discovery-1';
const UA = 'codex_exec/0.169.0 (Debian 12.0.0; x86_64) xterm';

/** Managed-token auth: a reload step (same token), then a refresh step (new token). */
function managedAuth(log: string[] = []): AuthProvider {
  let token = CANARY;
  return {
    authHeaders: async () => ({ authorization: `Bearer ${token}`, 'chatgpt-account-id': ACCOUNT }),
    unauthorizedRecovery: () => {
      const steps = ['reload', 'refresh_token'];
      return {
        mode: 'managed',
        hasNext: () => steps.length > 0,
        next: async () => {
          const step = steps.shift() as string;
          log.push(step);
          if (step === 'refresh_token') token = 'at-canary-discovery-2';
          return { step, authChanged: step !== 'reload', refreshed: step === 'refresh_token' };
        },
      };
    },
  };
}

function client(overrides: Partial<ConstructorParameters<typeof WorkspaceRoutingClient>[0]> = {}) {
  return new WorkspaceRoutingClient({
    chatgptBaseUrl: server.chatgptBaseUrl,
    auth: managedAuth(),
    userAgent: UA,
    ca: server.caCert as string,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<WorkspaceRoutingError> {
  try {
    await promise;
  } catch (error) {
    if (WorkspaceRoutingError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const origin = () => `https://127.0.0.1:${server.port}`;

describe('WorkspaceRoutingClient.discover', () => {
  it('sends the observed request and picks the account entry (NO_CONSTRAINT → the configured origin)', async () => {
    server.setChatgptScenario({
      accountsCheck: {
        replies: [
          accountsCheck(
            { id: 'acct-other', planType: 'team', structure: 'workspace' },
            { id: ACCOUNT, planType: 'pro', role: 'account-owner' },
          ),
        ],
      },
    });
    const c = client();
    const routing = await c.discover(ACCOUNT);
    await c.close();
    expect(routing).toMatchObject({
      accountId: ACCOUNT,
      backendOrigin: origin(),
      routingOverride: 'NO_CONSTRAINT',
      account: { id: ACCOUNT, plan_type: 'pro', structure: 'personal', role: 'account-owner' },
    });
    expect(routingOverrideHeaders(routing)).toEqual({});
    const [recorded] = server.requests;
    expect(recorded).toMatchObject({ method: 'GET', route: 'accountsCheck' });
    expect(new URL(recorded!.url, origin()).pathname).toBe('/backend-api/wham/accounts/check');
    // ours in the observed order, then `host` (a GET has no content-length), no `connection`.
    expect(recorded!.headers.at(-1)?.[0]).toBe('host');
    expect(recorded!.headers.slice(0, -1)).toEqual([
      ['user-agent', UA],
      ['authorization', `Bearer ${CANARY}`],
      ['chatgpt-account-id', ACCOUNT],
      ['accept', '*/*'],
    ]);
    expect(recorded!.bodyBytes.length).toBe(0);
  });

  it('uses an explicit matching origin and a us routing override', async () => {
    server.setChatgptScenario({
      accountsCheck: {
        replies: [
          accountsCheck({ id: ACCOUNT, workspaceBackendOrigin: origin(), accountRoutingOverride: 'us' }),
        ],
      },
    });
    const c = client();
    const routing = await c.discover(ACCOUNT);
    await c.close();
    expect([routing.backendOrigin, routing.routingOverride]).toEqual([origin(), 'us']);
    expect(routingOverrideHeaders(routing)).toEqual({ 'x-openai-account-routing-override': 'us' });
  });

  it('401 → reload → discovery → 401 → refresh → discovery with the new token', async () => {
    const log: string[] = [];
    server.setChatgptScenario({
      accountsCheck: {
        replies: [
          { status: 401, body: { error: { message: 'nope' } } },
          { status: 401, body: { error: { message: 'nope' } } },
          accountsCheck({ id: ACCOUNT }),
        ],
      },
    });
    const c = client({ auth: managedAuth(log) });
    const routing = await c.discover(ACCOUNT);
    await c.close();
    expect(routing.accountId).toBe(ACCOUNT);
    expect(log).toEqual(['reload', 'refresh_token']);
    expect(server.requests.map((r) => r.headerMap.authorization)).toEqual([
      `Bearer ${CANARY}`,
      `Bearer ${CANARY}`,
      'Bearer at-canary-discovery-2',
    ]);
  });

  it('a 401 with no recovery step left is discovery_unauthorized with status 401, without secrets', async () => {
    server.setChatgptScenario({
      accountsCheck: { replies: [{ status: 401, body: `token ${CANARY} rejected` }], repeatLast: true },
    });
    const c = client();
    const error = await failure(c.discover(ACCOUNT));
    await c.close();
    expect([error.code, error.message, error.status, error.retryable]).toEqual([
      'discovery_unauthorized',
      'workspace routing discovery unauthorized (401)',
      401,
      false,
    ]);
    expect(server.requests).toHaveLength(3);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('canary');
    expect(String((error.cause as Error & { body?: string }).body)).not.toContain(CANARY);
  });

  it('hands every recovery call the 401 as a redacted ApiError, as the other clients do', async () => {
    const seen: unknown[] = [];
    const base = managedAuth();
    const auth: AuthProvider = {
      authHeaders: base.authHeaders,
      unauthorizedRecovery: () => {
        const inner = base.unauthorizedRecovery?.() as NonNullable<
          ReturnType<NonNullable<AuthProvider['unauthorizedRecovery']>>
        >;
        return {
          mode: inner.mode,
          hasNext: (unauthorized) => {
            seen.push(unauthorized);
            return inner.hasNext(unauthorized);
          },
          next: (signal, unauthorized) => {
            seen.push(unauthorized);
            return inner.next(signal, unauthorized);
          },
        };
      },
    };
    server.setChatgptScenario({
      accountsCheck: {
        replies: [{ status: 401, body: `token ${CANARY} rejected` }, accountsCheck({ id: ACCOUNT })],
      },
    });
    const c = client({ auth });
    await c.discover(ACCOUNT);
    await c.close();
    expect(seen).toHaveLength(2);
    for (const unauthorized of seen) {
      expect(ApiError.isInstance(unauthorized)).toBe(true);
      expect((unauthorized as ApiError).status).toBe(401);
      expect(JSON.stringify(unauthorized, Object.getOwnPropertyNames(unauthorized))).not.toContain(CANARY);
    }
  });

  it('a failed refresh step is discovery_unauthorized with the step error as cause', async () => {
    const refreshFailed = new ApiError('refresh_token_failed', 'Your access token could not be refreshed.');
    const auth: AuthProvider = {
      authHeaders: async () => ({ authorization: `Bearer ${CANARY}` }),
      unauthorizedRecovery: () => ({
        mode: 'managed',
        hasNext: () => true,
        next: async () => {
          throw refreshFailed;
        },
      }),
    };
    server.setChatgptScenario({ accountsCheck: { replies: [{ status: 401 }], repeatLast: true } });
    const c = client({ auth });
    const error = await failure(c.discover(ACCOUNT));
    await c.close();
    expect(error.code).toBe('discovery_unauthorized');
    expect((error.cause as ApiError).code).toBe('refresh_token_failed');
    // The account id comes from discover() when the auth headers carry none.
    expect(server.requests[0]!.headerMap['chatgpt-account-id']).toBe(ACCOUNT);
  });

  it.each<[string, object, WorkspaceRoutingErrorCode]>([
    ['a 500', { status: 500, body: 'Internal Server Error' }, 'discovery_failed'],
    ['a 403', { status: 403, body: {} }, 'discovery_failed'],
    ['a non-JSON body', { body: 'not json' }, 'discovery_failed'],
    ['a JSON body of the wrong shape', { body: { accounts: 'x' } }, 'discovery_failed'],
    ['no entry for the account', accountsCheck({ id: 'acct-other' }), 'missing_workspace'],
    ['two entries for the account', accountsCheck({ id: ACCOUNT }, { id: ACCOUNT }), 'duplicate_workspace'],
    [
      'a null backend origin',
      {
        body: { accounts: [{ id: ACCOUNT, workspace_backend_origin: null, account_routing_override: 'us' }] },
      },
      'missing_backend_origin',
    ],
    [
      'an unknown override',
      accountsCheck({ id: ACCOUNT, accountRoutingOverride: 'eu' }),
      'invalid_routing_override',
    ],
    [
      'a backend URL with a path',
      accountsCheck({ id: ACCOUNT, workspaceBackendOrigin: 'https://example.com/backend-api' }),
      'backend_not_origin',
    ],
    [
      'an http backend',
      accountsCheck({ id: ACCOUNT, workspaceBackendOrigin: 'http://example.com' }),
      'invalid_backend_origin',
    ],
    [
      'a backend with credentials',
      accountsCheck({ id: ACCOUNT, workspaceBackendOrigin: 'https://u:p@example.com' }),
      'invalid_backend_origin',
    ],
    [
      'a backend that is no URL',
      accountsCheck({ id: ACCOUNT, workspaceBackendOrigin: 'not a url' }),
      'invalid_backend_url',
    ],
  ])('%s → its code', async (_what, reply, code) => {
    server.setChatgptScenario({ accountsCheck: { replies: [reply as never] } });
    const c = client();
    const error = await failure(c.discover(ACCOUNT));
    await c.close();
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(code === 'discovery_failed');
    expect(error.message).not.toContain(CANARY);
  });

  it('passes an ApiError of authHeaders() (refresh_token_failed) through unchanged', async () => {
    const refresh = new ApiError('refresh_token_failed', 'Your access token could not be refreshed.');
    const c = client({ auth: { authHeaders: () => Promise.reject(refresh) } });
    await expect(c.discover(ACCOUNT)).rejects.toBe(refresh);
    await c.close();
    expect(server.requests).toHaveLength(0);
  });

  it('an empty account id is missing_account_id and sends nothing', async () => {
    const error = await failure(client().discover(''));
    expect([error.code, error.message]).toEqual([
      'missing_account_id',
      'workspace routing requires a ChatGPT account id',
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it('times out after timeoutMs (discovery_timeout, retryable) and honours abort (discovery_cancelled)', async () => {
    server.setChatgptScenario({
      accountsCheck: { replies: [{ ...accountsCheck({ id: ACCOUNT }), delayMs: 2_000 }] },
    });
    const c = client({ timeoutMs: 50 });
    const timeout = await failure(c.discover(ACCOUNT));
    expect([timeout.code, timeout.retryable]).toEqual(['discovery_timeout', true]);
    server.setChatgptScenario({
      accountsCheck: { replies: [{ ...accountsCheck({ id: ACCOUNT }), delayMs: 2_000 }] },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const cancelled = await failure(
      client({ timeoutMs: 5_000 }).discover(ACCOUNT, { signal: controller.signal }),
    );
    expect(cancelled.code).toBe('discovery_cancelled');
    await c.close();
  });

  it('with http:// (no TLS) base URL and NO_CONSTRAINT the configured origin is refused', () => {
    const entry = {
      id: ACCOUNT,
      workspace_backend_origin: 'NO_CONSTRAINT',
      account_routing_override: 'NO_CONSTRAINT',
    };
    expect(() => resolveWorkspaceRouting(entry, 'http://127.0.0.1:1/backend-api/')).toThrow(
      'workspace backend must use an HTTPS origin without credentials',
    );
    expect(() =>
      resolveWorkspaceRouting(
        { ...entry, workspace_backend_origin: 'https://other.example' },
        'https://chatgpt.com/backend-api/',
        'https://chatgpt.com/backend-api/',
      ),
    ).toThrow('required ChatGPT backend conflicts with workspace routing');
    expect(
      resolveWorkspaceRouting(entry, 'https://chatgpt.com/backend-api/', 'https://corp.example/backend-api/')
        .backendOrigin,
    ).toBe('https://corp.example');
  });
});
