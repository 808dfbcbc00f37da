/**
 * Workspace routing discovery: `GET {chatgptBaseUrl}wham/accounts/check` before the first model
 * request of a ChatGPT session and after every token refresh (observed-cli-auth §1, §4). Mirrors
 * codex-rs `app-server/src/…/workspace_routing.rs` (`read_account`, `resolve_routing`,
 * `parse_backend_url`): which condition gives which text, the 15 s bound, the 401 recovery loop.
 */
import { HttpStatusError, type HttpTransport, SecretRedactor, TimeoutError } from '@codex-ts/client';
import { lazySchema } from '@codex-ts/protocol';
import { z } from 'zod';
import type { AuthProvider, UnauthorizedRecovery } from '../auth/auth-provider.js';
import { checkAuthHeaders } from '../auth/check-auth-headers.js';
import { ApiError } from '../errors/api-error.js';
import { apiErrorFromTransport } from '../errors/map-errors.js';
import { ownedTransport } from '../internal/owned-transport.js';
import { registerAuthHeaders } from '../internal/secrets.js';

/** Stable codes of {@link WorkspaceRoutingError}, one per text of the original. */
export type WorkspaceRoutingErrorCode =
  | 'missing_account_id'
  | 'discovery_cancelled'
  | 'discovery_unauthorized'
  | 'discovery_failed'
  | 'missing_workspace'
  | 'duplicate_workspace'
  | 'discovery_timeout'
  | 'missing_backend_origin'
  | 'invalid_routing_override'
  | 'backend_not_origin'
  | 'backend_conflict'
  | 'invalid_backend_url'
  | 'invalid_backend_origin';

/** The user-visible text of each {@link WorkspaceRoutingErrorCode} (the original's, verbatim). */
export const WorkspaceRoutingErrorTexts: Readonly<Record<WorkspaceRoutingErrorCode, string>> = {
  missing_account_id: 'workspace routing requires a ChatGPT account id',
  discovery_cancelled: 'workspace routing discovery cancelled',
  discovery_unauthorized: 'workspace routing discovery unauthorized (401)',
  discovery_failed: 'workspace routing discovery failed',
  missing_workspace: 'selected workspace missing from routing discovery',
  duplicate_workspace: 'duplicate workspace in routing discovery',
  discovery_timeout: 'workspace routing discovery timed out',
  missing_backend_origin: 'workspace routing discovery missing backend origin',
  invalid_routing_override: 'workspace routing discovery has invalid account routing override',
  backend_not_origin: 'workspace routing discovery must return an origin',
  backend_conflict: 'required ChatGPT backend conflicts with workspace routing',
  invalid_backend_url: 'invalid workspace backend URL',
  invalid_backend_origin: 'workspace backend must use an HTTPS origin without credentials',
};

const RETRYABLE: ReadonlySet<WorkspaceRoutingErrorCode> = new Set(['discovery_failed', 'discovery_timeout']);
const MARKER = Symbol.for('@codex-ts/api.WorkspaceRoutingError');

/**
 * Workspace routing discovery failed. `code` (stable), `message` = the original's text (no
 * account, URL, token or backend data, as upstream), `status` = the HTTP status when the server
 * answered non-2xx (401 for `discovery_unauthorized`), `retryable`: true for `discovery_failed`
 * (network, 5xx, bad JSON: the original's turn loop showed "Reconnecting... N/5 (workspace
 * routing discovery failed)") and `discovery_timeout`; false otherwise. `cause` holds the
 * underlying error, redacted.
 */
export class WorkspaceRoutingError extends Error {
  override readonly name = 'WorkspaceRoutingError';
  readonly status: number | undefined;
  constructor(
    readonly code: WorkspaceRoutingErrorCode,
    options: { status?: number | undefined; cause?: unknown } = {},
  ) {
    super(
      WorkspaceRoutingErrorTexts[code],
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.status = options.status;
    Object.defineProperty(this, MARKER, { value: true });
  }
  /** Whether the turn loop should try again (see the class doc). */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
  /** True for a `WorkspaceRoutingError` of any copy of this package. */
  static isInstance(value: unknown): value is WorkspaceRoutingError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

const nullableString = z.string().nullable().optional();

/**
 * One entry of `accounts` in the `accounts/check` answer. Known fields typed (all but `id`
 * optional); unknown fields kept.
 */
export const AccountsCheckEntrySchema = lazySchema(() =>
  z.looseObject({
    id: z.string(),
    name: nullableString,
    profile_picture_url: nullableString,
    structure: nullableString,
    plan_type: nullableString,
    role: nullableString,
    is_deactivated: z.boolean().nullable().optional(),
    is_fedramp_compliant_workspace: z.boolean().nullable().optional(),
    can_access_with_session: z.boolean().nullable().optional(),
    sso_connection_name: nullableString,
    workspace_backend_origin: nullableString,
    account_routing_override: nullableString,
  }),
);
/** An `accounts/check` entry (`structure` e.g. `personal` / `workspace`, `plan_type` e.g. `pro`). */
export type AccountsCheckEntry = z.infer<typeof AccountsCheckEntrySchema>;

/** The `accounts/check` answer: `accounts`, `account_ordering` (ids), `default_account_id`. */
export const AccountsCheckResponseSchema = lazySchema(() =>
  z.looseObject({
    accounts: z.array(AccountsCheckEntrySchema),
    account_ordering: z.array(z.string()).nullable().optional(),
    default_account_id: nullableString,
  }),
);
/** The parsed `accounts/check` answer. */
export type AccountsCheckResponse = z.infer<typeof AccountsCheckResponseSchema>;

/** `account_routing_override` values the original accepts. */
export type AccountRoutingOverride = 'NO_CONSTRAINT' | 'us' | 'us_cr';
const OVERRIDES: ReadonlySet<string> = new Set(['NO_CONSTRAINT', 'us', 'us_cr']);

/** What discovery decided for one account. */
export interface WorkspaceRouting {
  /** The account id asked for (`chatgpt-account-id`). */
  readonly accountId: string;
  /**
   * The backend origin to use, ASCII serialization without a trailing slash
   * (`https://chatgpt.com`): the required backend, else the entry's explicit origin, else the
   * origin of the configured `chatgptBaseUrl` (for `NO_CONSTRAINT`).
   */
  readonly backendOrigin: string;
  /** `us` / `us_cr` → send `x-openai-account-routing-override` (see {@link routingOverrideHeaders}). */
  readonly routingOverride: AccountRoutingOverride;
  /** The account's entry as received (plan type, structure, role, unknown fields). */
  readonly account: AccountsCheckEntry;
}

/**
 * The model-request headers of a routing answer: `{ 'x-openai-account-routing-override': 'us' }`
 * for `us` / `us_cr`, `{}` for `NO_CONSTRAINT` (observed-cli-auth §4).
 */
export function routingOverrideHeaders(
  routing: Pick<WorkspaceRouting, 'routingOverride'>,
): Record<string, string> {
  return routing.routingOverride === 'NO_CONSTRAINT'
    ? {}
    : { 'x-openai-account-routing-override': routing.routingOverride };
}

/**
 * Parses a backend URL as upstream's `parse_backend_url`: not a URL → `invalid_backend_url`;
 * not `https`, no host, with user or password, or surrounded by whitespace →
 * `invalid_backend_origin`.
 */
function parseBackendUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new WorkspaceRoutingError('invalid_backend_url');
  }
  if (url.protocol !== 'https:' || url.hostname === '' || url.username !== '' || url.password !== '')
    throw new WorkspaceRoutingError('invalid_backend_origin');
  if (value.trim() !== value) throw new WorkspaceRoutingError('invalid_backend_origin');
  return url;
}

/**
 * Decides the routing of one `accounts/check` entry (upstream `resolve_routing`):
 * `workspace_backend_origin` absent → `missing_backend_origin`; `account_routing_override` not
 * `NO_CONSTRAINT` / `us` / `us_cr` → `invalid_routing_override`; an explicit origin must be an
 * HTTPS origin without credentials (see above) and without path, query or fragment
 * (`backend_not_origin`); with `requiredChatgptBaseUrl` (a managed requirement) an explicit
 * origin must match it (`backend_conflict`). `NO_CONSTRAINT` uses the required URL's origin, else
 * `chatgptBaseUrl`'s (which must itself be HTTPS: "workspace backend must use an HTTPS origin
 * without credentials").
 */
export function resolveWorkspaceRouting(
  entry: AccountsCheckEntry,
  chatgptBaseUrl: string,
  requiredChatgptBaseUrl?: string,
): WorkspaceRouting {
  const backend = entry.workspace_backend_origin;
  if (backend === undefined || backend === null) throw new WorkspaceRoutingError('missing_backend_origin');
  const override = entry.account_routing_override;
  if (typeof override !== 'string' || !OVERRIDES.has(override))
    throw new WorkspaceRoutingError('invalid_routing_override');
  const required = requiredChatgptBaseUrl === undefined ? undefined : parseBackendUrl(requiredChatgptBaseUrl);
  let discovered: URL | undefined;
  if (backend !== 'NO_CONSTRAINT') {
    discovered = parseBackendUrl(backend);
    if (discovered.pathname !== '/' || backend.includes('?') || backend.includes('#'))
      throw new WorkspaceRoutingError('backend_not_origin');
  }
  if (required !== undefined && discovered !== undefined && required.origin !== discovered.origin)
    throw new WorkspaceRoutingError('backend_conflict');
  const origin = (required ?? discovered ?? parseBackendUrl(chatgptBaseUrl)).origin;
  return {
    accountId: entry.id,
    backendOrigin: origin,
    routingOverride: override as AccountRoutingOverride,
    account: entry,
  };
}

/** Options of {@link WorkspaceRoutingClient}. */
export interface WorkspaceRoutingClientOptions {
  /** `chatgpt_base_url` with its trailing slash, e.g. `https://chatgpt.com/backend-api/`. */
  chatgptBaseUrl: string;
  /** Credentials (`authorization`, `chatgpt-account-id`) per attempt, and the 401 recovery. */
  auth: AuthProvider;
  /** The `user-agent` value, sent as given (the original sends it without the originator suffix). */
  userAgent: string;
  /** A managed `chatgpt_base_url` requirement, if any (see {@link resolveWorkspaceRouting}). */
  requiredChatgptBaseUrl?: string;
  /** Shared transport; by default the client creates one (closed by `close()`). */
  transport?: HttpTransport;
  /** Extra CA PEMs for the transport the client creates (ignored with `transport`). */
  ca?: string | readonly string[];
  /** Bound of one whole discovery, recovery steps included, ms. Default 15 000 (upstream). */
  timeoutMs?: number;
  /** Where the credentials sent are registered; every error's `cause` is redacted with it. */
  redactor?: SecretRedactor;
}

/**
 * Client of `GET {chatgptBaseUrl}wham/accounts/check`. Headers in the observed wire order:
 * `user-agent`, the auth headers (`authorization`, then `chatgpt-account-id`; the account id
 * given to {@link discover} when the auth headers carry none), `accept: *\/*`; no body, never
 * compressed.
 *
 * 401: while the request's `auth.unauthorizedRecovery()` has steps, each 401 runs the next step
 * (reload, then refresh; `hasNext` and `next` get the 401 as a redacted `ApiError`, as on the
 * Responses clients) and discovery is sent again with fresh auth headers; a 401 with no step
 * left, or a failed step, is `discovery_unauthorized` (status 401; the step's error as `cause`).
 * An `ApiError` rejection of `authHeaders()` (e.g. `refresh_token_failed`) passes through.
 */
export class WorkspaceRoutingClient {
  private readonly options: WorkspaceRoutingClientOptions;
  private readonly transport: HttpTransport;
  private readonly closeTransport: () => Promise<void>;
  /** The redactor of the options (or the client's own). */
  readonly redactor: SecretRedactor;

  constructor(options: WorkspaceRoutingClientOptions) {
    this.options = options;
    const owned = ownedTransport(options);
    this.transport = owned.transport;
    this.closeTransport = owned.close;
    this.redactor = options.redactor ?? new SecretRedactor();
  }

  /** The discovery URL: `{chatgptBaseUrl}wham/accounts/check`. */
  get url(): string {
    return `${this.options.chatgptBaseUrl}wham/accounts/check`;
  }

  /**
   * Runs discovery for `accountId` (`tokens.account_id`) and picks its entry: empty id →
   * `missing_account_id` (no request); no entry with that id → `missing_workspace`; two →
   * `duplicate_workspace`; then {@link resolveWorkspaceRouting}. Transport failure, non-2xx other
   * than 401, or an answer that is not the expected JSON → `discovery_failed`; past `timeoutMs`
   * → `discovery_timeout`; `signal` aborted → `discovery_cancelled`. Rejects with a
   * {@link WorkspaceRoutingError} (or an `ApiError` from `authHeaders()`).
   */
  async discover(accountId: string, options: { signal?: AbortSignal } = {}): Promise<WorkspaceRouting> {
    if (accountId === '') throw new WorkspaceRoutingError('missing_account_id');
    const timeoutMs = this.options.timeoutMs ?? 15_000;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    try {
      const response = await this.fetchAccounts(accountId, signal);
      const matches = response.accounts.filter((entry) => entry.id === accountId);
      if (matches.length === 0) throw new WorkspaceRoutingError('missing_workspace');
      if (matches.length > 1) throw new WorkspaceRoutingError('duplicate_workspace');
      return resolveWorkspaceRouting(
        matches[0] as AccountsCheckEntry,
        this.options.chatgptBaseUrl,
        this.options.requiredChatgptBaseUrl,
      );
    } catch (error) {
      if (WorkspaceRoutingError.isInstance(error) || ApiError.isInstance(error)) {
        if (!(ApiError.isInstance(error) && error.code === 'aborted')) throw this.redact(error);
      }
      if (options.signal?.aborted)
        throw new WorkspaceRoutingError('discovery_cancelled', { cause: this.redact(error) });
      if (deadline.aborted)
        throw new WorkspaceRoutingError('discovery_timeout', { cause: this.redact(error) });
      throw new WorkspaceRoutingError('discovery_failed', { cause: this.redact(error) });
    }
  }

  /** Closes the transport when this client created it. */
  async close(): Promise<void> {
    await this.closeTransport();
  }

  private redact<T>(error: T): T {
    return this.redactor.redactError(error) as T;
  }

  private async fetchAccounts(accountId: string, signal: AbortSignal): Promise<AccountsCheckResponse> {
    let recovery: UnauthorizedRecovery | undefined;
    for (;;) {
      const auth = checkAuthHeaders(await this.options.auth.authHeaders(signal));
      registerAuthHeaders(this.redactor, auth);
      const headers: Record<string, string> = { 'user-agent': this.options.userAgent };
      for (const [name, value] of Object.entries(auth)) headers[name.toLowerCase()] = value;
      headers['chatgpt-account-id'] ??= accountId;
      headers.accept = '*/*';
      try {
        const response = await this.transport.request({ method: 'GET', url: this.url, headers, signal });
        const parsed = AccountsCheckResponseSchema.safeParse(safeJson(response.text()));
        if (!parsed.success) throw new WorkspaceRoutingError('discovery_failed', { status: response.status });
        return parsed.data;
      } catch (error) {
        if (!HttpStatusError.isInstance(error)) {
          if (TimeoutError.isInstance(error))
            throw new WorkspaceRoutingError('discovery_timeout', { cause: error });
          throw error;
        }
        if (error.status !== 401)
          throw new WorkspaceRoutingError('discovery_failed', { status: error.status, cause: error });
        recovery ??= this.options.auth.unauthorizedRecovery?.();
        // As the other clients: the recovery sees the 401 as a redacted ApiError (for telemetry).
        const unauthorized = this.redact(apiErrorFromTransport(error, { phase: 'request' }));
        if (recovery === undefined || !recovery.hasNext(unauthorized))
          throw new WorkspaceRoutingError('discovery_unauthorized', { status: 401, cause: error });
        try {
          await recovery.next(signal, unauthorized);
        } catch (stepError) {
          throw new WorkspaceRoutingError('discovery_unauthorized', { status: 401, cause: stepError });
        }
      }
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
