// The ChatGPT-backend side routes the original CLI calls in ChatGPT login mode: the token refresh
// endpoint, workspace routing discovery and the models catalog. Each route answers its requests
// with the next scripted JSON reply. Shapes follow what codex-cli 0.169 sent and accepted
// (codex-rs/login auth manager refresh, workspace routing `wham/accounts/check`, models manager).

import { checkCount, checkHeaders, checkStatus, fail, isObject } from './checks.js';

/**
 * A ChatGPT-backend route of the server:
 * - `token`: `POST …/oauth/token` (the refresh endpoint, `CODEX_REFRESH_TOKEN_URL_OVERRIDE`);
 * - `accountsCheck`: `GET …/wham/accounts/check` (workspace routing discovery);
 * - `models`: `GET …/models` (the catalog, `?client_version=…`);
 * - `compact`: `POST …/responses/compact` (remote compaction, `{"output":[items]}`);
 * - `traceSummarize`: `POST …/memories/trace_summarize` (`{"output":[{trace_summary, memory_summary}]}`).
 */
export type ChatgptRoute = 'token' | 'accountsCheck' | 'models' | 'compact' | 'traceSummarize';

/** The routes, in the order they are matched. */
export const CHATGPT_ROUTES: readonly ChatgptRoute[] = [
  'token',
  'accountsCheck',
  'models',
  'compact',
  'traceSummarize',
];

/**
 * One scripted answer of a ChatGPT-backend route. `status` defaults to 200. `body`: an object,
 * array, number, boolean or null is sent as JSON (`content-type: application/json`), a string as
 * `text/plain; charset=utf-8`, `undefined` as an empty body. `headers` are added to the answer
 * (e.g. `etag`, `x-models-etag`). `delayMs` waits before answering (ms; a server close ends it).
 */
export interface JsonReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
}

/**
 * The script of one route: its requests take `replies` in order; afterwards the last reply is
 * repeated when `repeatLast`, otherwise the route answers 500 `scenario_exhausted`.
 */
export interface RouteScript {
  replies: JsonReply[];
  repeatLast?: boolean;
}

/** Scripts of the ChatGPT-backend routes; a route without one answers 404 like any unknown path. */
export type ChatgptScenario = Partial<Record<ChatgptRoute, RouteScript>>;

/** Check one reply; throws `ScenarioError` naming the field. */
export function validateJsonReply(reply: unknown, where = 'reply'): asserts reply is JsonReply {
  if (!isObject(reply)) fail(where, 'expected an object `{ status?, headers?, body?, delayMs? }`');
  if (reply.status !== undefined) checkStatus(reply.status, `${where}.status`);
  checkHeaders(reply.headers, `${where}.headers`);
  checkCount(reply.delayMs, `${where}.delayMs`);
  if (reply.body !== undefined && typeof reply.body !== 'string') {
    try {
      JSON.stringify(reply.body);
    } catch {
      fail(`${where}.body`, 'expected a string or a JSON value');
    }
  }
}

/** Check one route script; throws `ScenarioError` naming the field. */
export function validateRouteScript(script: unknown, where = 'route'): asserts script is RouteScript {
  if (!isObject(script)) fail(where, 'expected an object `{ replies, repeatLast? }`');
  if (!Array.isArray(script.replies)) fail(`${where}.replies`, 'expected an array of replies');
  script.replies.forEach((r, i) => {
    validateJsonReply(r, `${where}.replies[${i}]`);
  });
  if (script.repeatLast !== undefined && typeof script.repeatLast !== 'boolean') {
    fail(`${where}.repeatLast`, 'expected a boolean');
  }
}

/** Check a `ChatgptScenario` (only the known routes); throws `ScenarioError` naming the field. */
export function validateChatgptScenario(
  scenario: unknown,
  where = 'chatgpt',
): asserts scenario is ChatgptScenario {
  if (!isObject(scenario)) fail(where, 'expected an object of route → `{ replies }`');
  for (const [route, script] of Object.entries(scenario)) {
    if (!(CHATGPT_ROUTES as readonly string[]).includes(route)) {
      fail(`${where}.${route}`, `unknown route (expected one of ${CHATGPT_ROUTES.join(', ')})`);
    }
    if (script !== undefined) validateRouteScript(script, `${where}.${route}`);
  }
}

/**
 * A successful refresh answer (200): `{"id_token","access_token","refresh_token"}` in that order,
 * each only when given (the original keeps a stored token the answer leaves out).
 */
export function tokenRefreshed(tokens: {
  idToken?: string;
  accessToken?: string;
  refreshToken?: string;
}): JsonReply {
  const body: Record<string, string> = {};
  if (tokens.idToken !== undefined) body.id_token = tokens.idToken;
  if (tokens.accessToken !== undefined) body.access_token = tokens.accessToken;
  if (tokens.refreshToken !== undefined) body.refresh_token = tokens.refreshToken;
  return { status: 200, body };
}

/**
 * A failed refresh answer as the token endpoint sends it:
 * `{"error":{"message","type":"invalid_request_error","param":null,"code"}}` with `status`
 * (default 401). The codes the original tells apart: `refresh_token_expired`,
 * `refresh_token_reused`, `refresh_token_invalidated`; any other (e.g. `invalid_grant`) is generic.
 */
export function tokenRefreshFailed(
  code: string,
  status = 401,
  message = `responses-server: ${code}`,
): JsonReply {
  return { status, body: { error: { message, type: 'invalid_request_error', param: null, code } } };
}

/** One account entry of `wham/accounts/check` (only the fields tests vary; the rest as observed). */
export interface AccountsCheckEntry {
  /** The ChatGPT account (workspace) id, compared with `chatgpt-account-id`. */
  id: string;
  /** Default `pro`. */
  planType?: string;
  /** Default `personal` (`workspace` for a team). */
  structure?: string;
  /** Default `NO_CONSTRAINT` (use the configured origin), or an `https://…` origin. */
  workspaceBackendOrigin?: string;
  /** Default `NO_CONSTRAINT`; `us` / `us_cr` make the client send `x-openai-account-routing-override`. */
  accountRoutingOverride?: string;
  /** The caller's role in the workspace, sent only when given (e.g. `account-owner`, `standard-user`). */
  role?: string;
}

/**
 * A 200 routing discovery answer `{"accounts":[…],"account_ordering":[ids],"default_account_id"}`
 * with one entry per account in the observed field order; the first account is the default.
 */
export function accountsCheck(...accounts: AccountsCheckEntry[]): JsonReply {
  const entries = accounts.map((a) => ({
    id: a.id,
    name: null,
    profile_picture_url: null,
    structure: a.structure ?? 'personal',
    plan_type: a.planType ?? 'pro',
    is_deactivated: false,
    is_fedramp_compliant_workspace: false,
    can_access_with_session: true,
    sso_connection_name: null,
    workspace_backend_origin: a.workspaceBackendOrigin ?? 'NO_CONSTRAINT',
    account_routing_override: a.accountRoutingOverride ?? 'NO_CONSTRAINT',
    ...(a.role !== undefined ? { role: a.role } : {}),
  }));
  return {
    status: 200,
    body: {
      accounts: entries,
      account_ordering: accounts.map((a) => a.id),
      default_account_id: accounts[0]?.id ?? null,
    },
  };
}

/**
 * A 200 catalog answer `{"models":[…]}`; with `etag` the answer carries an `etag` header (quote it
 * as the wire does, e.g. `"\"models-etag-1\""`).
 */
export function modelsCatalog(models: unknown[] = [], etag?: string): JsonReply {
  return { status: 200, body: { models }, ...(etag !== undefined ? { headers: { etag } } : {}) };
}

/** A 200 `/responses/compact` answer `{"output":[…items]}` (items as given, e.g. a `compaction` item). */
export function compacted(output: unknown[], headers?: Record<string, string>): JsonReply {
  return { status: 200, body: { output }, ...(headers !== undefined ? { headers } : {}) };
}

/** A 200 `/memories/trace_summarize` answer `{"output":[{"trace_summary","memory_summary"}…]}`. */
export function traceSummaries(
  ...summaries: Array<{ traceSummary: string; memorySummary: string }>
): JsonReply {
  return {
    status: 200,
    body: {
      output: summaries.map((s) => ({ trace_summary: s.traceSummary, memory_summary: s.memorySummary })),
    },
  };
}
