// The ChatGPT Codex backend side of an `exec` session (internal to `@codex-ts/core`): workspace
// routing discovery before the first model request and again whenever the access token changed
// (observed-cli-0.169-auth §3, §4, §8), the routing override it yields, and the models catalog
// fetched at start and on `x-models-etag` (§7). Upstream: codex-rs `core/src/client.rs`
// (routing before each model request), `codex-api` (accounts/check, models).

import {
  ApiError,
  type AuthProvider,
  ModelsCatalogClient,
  type UnauthorizedRecovery,
  type WorkspaceRouting,
  WorkspaceRoutingClient,
  WorkspaceRoutingError,
} from '@codex-ts/api';
import type { HttpTransport, SecretRedactor } from '@codex-ts/client';
import type { AuthManager } from '@codex-ts/login';
import type { ChatgptRequestOptions } from '../client/request-builder.js';
import { modelsCacheIdentity } from '../models/models-cache.js';
import { ModelsCatalog } from '../models/models-catalog.js';

/** What {@link ChatgptBackend} needs. */
export interface ChatgptBackendOptions {
  manager: AuthManager;
  codexHome: string;
  /** `chatgpt_base_url` (discovery: `{chatgptBaseUrl}wham/accounts/check`). */
  chatgptBaseUrl: string;
  /** The provider's base URL (`openai_base_url`): the catalog is `{baseUrl}/models`. */
  codexBaseUrl: string;
  /** Our version (`client_version`, `version`). */
  version: string;
  originator: string;
  /** The full user agent (with the `(originator; version)` suffix). */
  userAgent: string;
  /** The user agent without the suffix (discovery, the first catalog fetch). */
  bareUserAgent: string;
  transport: HttpTransport;
  redactor: SecretRedactor;
}

/**
 * The session's ChatGPT-backend state. {@link auth} is what the model client gets: its
 * `authHeaders()` first makes sure discovery ran for the token about to be sent (once at start,
 * again after a refresh, including a refresh done by a 401 recovery step, so the order is
 * refresh → discovery → resend), then returns the manager's headers. {@link chatgpt}'s `prepare`
 * does the same before request headers are built, so the first request (the prewarm's handshake
 * included) already carries the routing override.
 */
export class ChatgptBackend {
  readonly catalog: ModelsCatalog;
  readonly auth: AuthProvider;
  readonly chatgpt: ChatgptRequestOptions;
  readonly #options: ChatgptBackendOptions;
  readonly #routingClient: WorkspaceRoutingClient;
  #routing: WorkspaceRouting | undefined;
  /** {@link credentialsKey} of the credentials discovery last succeeded with. */
  #discoveredFor: string | undefined;
  #discovery: Promise<void> | undefined;
  #catalogStart: Promise<void> | undefined;

  constructor(options: ChatgptBackendOptions) {
    this.#options = options;
    const { manager, transport, redactor } = options;
    this.#routingClient = new WorkspaceRoutingClient({
      chatgptBaseUrl: options.chatgptBaseUrl,
      auth: manager,
      userAgent: options.bareUserAgent,
      transport,
      redactor,
    });
    const catalogClient = (userAgent: string) =>
      new ModelsCatalogClient({
        baseUrl: options.codexBaseUrl,
        clientVersion: options.version,
        auth: manager,
        originator: options.originator,
        userAgent,
        transport,
        redactor,
      });
    // 0.169.0: the first catalog fetch of a run without the user agent's suffix, later ones with it.
    const first = catalogClient(options.bareUserAgent);
    const later = catalogClient(options.userAgent);
    let fetches = 0;
    this.catalog = new ModelsCatalog({
      codexHome: options.codexHome,
      clientVersion: options.version,
      identity: () => modelsCacheIdentity(manager.authCached()?.accountId ?? ''),
      fetch: (signal) => (fetches++ === 0 ? first : later).fetch(signal ? { signal } : {}),
    });
    this.chatgpt = {
      routingOverride: () => this.routingOverride,
      prepare: async (signal) => {
        if (this.#credentialsKey() !== this.#discoveredFor) await this.#ensureDiscovery(signal);
      },
    };
    this.auth = {
      authHeaders: (signal) => this.#headersAfterDiscovery(signal),
      unauthorizedRecovery: (): UnauthorizedRecovery => manager.unauthorizedRecovery(),
    };
  }

  /** `us` / `us_cr` from the last discovery; undefined for `NO_CONSTRAINT` or before discovery. */
  get routingOverride(): string | undefined {
    const value = this.#routing?.routingOverride;
    return value === undefined || value === 'NO_CONSTRAINT' ? undefined : value;
  }

  /**
   * Session start: fetches the models catalog (the first request after a proactive refresh);
   * discovery waits for it (observed order: models, discovery, prewarm, POST). Never rejects.
   */
  start(): void {
    this.#catalogStart ??= this.catalog.refreshAtStart();
  }

  async close(): Promise<void> {
    await this.catalog.whenIdle();
  }

  /**
   * The manager's headers, after discovery ran for their credentials (at most once per token).
   * The manager is asked once per call unless its answer brought new tokens (a proactive
   * refresh): each ask with a stale token logs its refresh failure again, and 0.169.0 logged
   * only a few per run.
   */
  async #headersAfterDiscovery(signal: AbortSignal | undefined): Promise<Record<string, string>> {
    const { manager } = this.#options;
    if (this.#credentialsKey() !== this.#discoveredFor) await this.#ensureDiscovery(signal);
    const headers = await manager.authHeaders(signal);
    if (this.#credentialsKey() === this.#discoveredFor) return headers;
    await this.#ensureDiscovery(signal);
    return manager.authHeaders(signal);
  }

  /**
   * Which credentials are current, without a secret, a refresh or a log line: every stored
   * token change (refresh, another process's tokens adopted on reload) sets a new `last_refresh`.
   */
  #credentialsKey(): string {
    const auth = this.#options.manager.authCached();
    return JSON.stringify([auth?.mode, auth?.accountId, auth?.lastRefresh]);
  }

  /**
   * Joins the running discovery or starts one. The discovery itself is not tied to any caller's
   * signal (one caller giving up, e.g. a cancelled prewarm, must not fail the others; it is
   * bounded by the routing client's 15 s); `signal` only stops this caller's wait.
   */
  #ensureDiscovery(signal: AbortSignal | undefined): Promise<void> {
    this.#discovery ??= this.#discover().finally(() => {
      this.#discovery = undefined;
    });
    return untilAborted(this.#discovery, signal);
  }

  async #discover(): Promise<void> {
    await this.#catalogStart;
    const { manager } = this.#options;
    try {
      // The routing client's authHeaders() runs a due proactive refresh first.
      const auth = manager.authCached();
      // The original accepts only an https backend: with an http base URL every turn failed with
      // "workspace routing discovery failed" (retried), observed-cli-0.169-auth §1.
      if (!this.#options.chatgptBaseUrl.startsWith('https://'))
        throw new WorkspaceRoutingError('discovery_failed');
      const routing = await this.#routingClient.discover(auth?.accountId ?? '');
      const entry = routing.account;
      manager.setWorkspaceAccount({
        id: entry.id,
        planType: entry.plan_type ?? undefined,
        structure: entry.structure ?? undefined,
        role: entry.role ?? undefined,
      });
      this.#routing = routing;
      this.#discoveredFor = this.#credentialsKey();
    } catch (error) {
      throw discoveryFailure(error);
    }
  }
}

/**
 * `promise`, or the `aborted` `ApiError` as soon as `signal` fires (the promise keeps running;
 * when nobody else waits for it, its later failure must not become an unhandled rejection).
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(new ApiError('aborted', 'request aborted'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ApiError('aborted', 'request aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A discovery failure as the model client reports it: `discovery_failed` / `discovery_timeout`
 * are the retryable `auth_transient` with the original's text (the turn loop shows "Reconnecting...
 * N/5 (workspace routing discovery failed)"); a refresh failure behind a 401 is that failure; any
 * other text is the permanent `auth` error.
 */
function discoveryFailure(error: unknown): unknown {
  if (ApiError.isInstance(error)) return error;
  if (!WorkspaceRoutingError.isInstance(error)) return error;
  const cause = error.cause;
  if (error.code === 'discovery_unauthorized' && ApiError.isInstance(cause)) return cause;
  return new ApiError(error.retryable ? 'auth_transient' : 'auth', error.message, {
    ...(error.status !== undefined ? { status: error.status } : {}),
  });
}
