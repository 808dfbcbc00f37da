import type { AuthProvider, UnauthorizedRecovery } from '@codex-ts/api';
import { ApiError } from '@codex-ts/api';
import { HttpTransport, SecretRedactor } from '@codex-ts/client';
import {
  type AuthDotJson,
  authFilePath,
  formatLastRefresh,
  readAuthFile,
  writeAuthFile,
} from '../auth-file/auth-file.js';
import { LoginError } from '../errors/login-error.js';
import { AuthRecovery } from '../recovery/unauthorized-recovery.js';
import {
  DEFAULT_REFRESH_TOKEN_URL,
  permanentRefreshError,
  REFRESH_TOKEN_URL_OVERRIDE_ENV,
  type RefreshReason,
  requestTokenRefresh,
} from '../refresh/refresh-token.js';
import { removeAuthFile, untilAborted, withAuthLock } from './auth-lock.js';
import { type CodexAuth, makeAuth, secretsOf, type WorkspaceAccountEntry } from './codex-auth.js';
import {
  type ExternalChatgptRefresher,
  type ExternalChatgptTokens,
  externalAuthSnapshot,
  isStaleForProactiveRefresh,
} from './external-auth.js';
import { authFromFile, enforceLoginRestrictions, type ForcedLoginMethod, loadFileAuth } from './load-auth.js';

/** Options of {@link AuthManager.load}. */
export interface AuthManagerOptions {
  /** `$CODEX_HOME` (holds auth.json). */
  codexHome: string;
  /** Environment read for `CODEX_API_KEY` and `CODEX_REFRESH_TOKEN_URL_OVERRIDE` (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Let a non-blank `CODEX_API_KEY` win over every stored credential (as `codex exec`). Default false. */
  enableCodexApiKeyEnv?: boolean;
  /** `forced_login_method`: the other kind of stored login is logged out at load. */
  forcedLoginMethod?: ForcedLoginMethod | undefined;
  /** `forced_chatgpt_workspace_id`: ChatGPT logins of other workspaces are logged out at load. */
  forcedChatgptWorkspaceIds?: readonly string[] | undefined;
  /** Token endpoint; default `env.CODEX_REFRESH_TOKEN_URL_OVERRIDE`, else `https://auth.openai.com/oauth/token`. */
  refreshTokenUrl?: string | undefined;
  /** Transport of refresh requests (pass one that trusts `CODEX_CA_CERTIFICATE`); default a new `HttpTransport`. */
  transport?: HttpTransport | undefined;
  /** `originator` header of refresh requests, e.g. `codex_exec`. */
  originator: string;
  /**
   * `user-agent` header of refresh requests, sent as given. 0.169.0 sent its user agent
   * **without** the `(codex_exec; 0.169.0)` suffix here: pass it without.
   */
  userAgent: string;
  /**
   * Every key and token the manager loads or receives is registered here (default: a private
   * one); refresh errors and log lines are redacted with it (`***`).
   */
  redactor?: SecretRedactor | undefined;
  /** Log sink; gets `error` "Failed to refresh token: <text>" per failed refresh. Never a secret. */
  log?: ((level: 'error' | 'warn' | 'info', message: string) => void) | undefined;
  /** Clock (tests). */
  now?: (() => Date) | undefined;
  /** Longest wait for another process's refresh lock, ms (default 30 000). */
  lockTimeoutMs?: number | undefined;
}

/**
 * The credential layer (upstream `AuthManager`, codex-rs `login/src/auth/manager.rs`), an
 * `AuthProvider` of `@codex-ts/api`. Precedence (login.md §3): `CODEX_API_KEY` (when enabled) →
 * external tokens ({@link setExternalChatgptTokens}) → `$CODEX_HOME/auth.json`.
 *
 * Managed ChatGPT tokens are refreshed before use when stale (access token `exp` passed; without
 * `exp`, `last_refresh` older than 8 days) and after 401s ({@link unauthorizedRecovery}). One
 * refresh runs at a time in the process, and across processes under the `auth.json.codex-ts-lock` lock:
 * under it auth.json is re-read; tokens another process stored are adopted without a network
 * call, another account (or a logged-out file) is the permanent account-mismatch error. Success
 * rewrites auth.json (atomic, 0600, `last_refresh` with nanoseconds); any failure leaves it as it
 * is. Permanent failures are remembered for the refresh token they happened with.
 */
export class AuthManager implements AuthProvider {
  readonly #options: AuthManagerOptions;
  readonly #transport: HttpTransport;
  readonly #redactor: SecretRedactor;
  #envAuth: CodexAuth | undefined;
  #externalAuth: CodexAuth | undefined;
  #externalRefresher: ExternalChatgptRefresher | undefined;
  #fileAuth: CodexAuth | undefined;
  #workspace: WorkspaceAccountEntry | undefined;
  #inflight: Promise<void> | undefined;
  #permanent: { refreshToken: string; error: ApiError } | undefined;

  private constructor(options: AuthManagerOptions) {
    this.#options = options;
    this.#transport = options.transport ?? new HttpTransport();
    this.#redactor = options.redactor ?? new SecretRedactor();
  }

  /**
   * Loads the credentials and applies the login restrictions.
   *
   * @throws {AuthFileError} auth.json exists but is corrupt or unreadable (names the file).
   * @throws {LoginError} `login_restricted` (auth.json was deleted; message "… Logging out.")
   *   or `unsupported_auth_mode`.
   */
  static async load(options: AuthManagerOptions): Promise<AuthManager> {
    const manager = new AuthManager(options);
    const env = options.env ?? process.env;
    const key = options.enableCodexApiKeyEnv ? env.CODEX_API_KEY?.trim() : undefined;
    if (key) manager.#envAuth = manager.#register(makeAuth('apikey', { apiKey: key }));
    else manager.#fileAuth = manager.#register(await loadFileAuth(options.codexHome, undefined));
    const current = manager.authCached();
    if (current !== undefined) {
      await enforceLoginRestrictions(options.codexHome, current, {
        forcedLoginMethod: options.forcedLoginMethod,
        forcedChatgptWorkspaceIds: options.forcedChatgptWorkspaceIds,
      });
    }
    return manager;
  }

  /** The current credentials without any refresh or I/O; undefined when logged out. */
  authCached(): CodexAuth | undefined {
    return this.#envAuth ?? this.#externalAuth ?? this.#fileAuth;
  }

  /**
   * The current credentials, refreshed first when managed ChatGPT tokens are stale. A failed
   * proactive refresh is logged and the stale auth returned (0.169.0 still sent the stale token).
   *
   * @throws {ApiError} `aborted` when `signal` fired during the refresh.
   */
  async auth(signal?: AbortSignal): Promise<CodexAuth | undefined> {
    const auth = this.authCached();
    if (auth !== undefined && auth === this.#fileAuth && auth.mode === 'chatgpt' && this.#isStale(auth)) {
      try {
        await this.refreshToken('proactive_expiry', signal);
      } catch (error) {
        if (signal?.aborted) throw error;
      }
    }
    return this.authCached();
  }

  /**
   * Re-reads auth.json (not when `CODEX_API_KEY` or external tokens are in use).
   *
   * @returns true when the stored credentials differ from the cached ones.
   * @throws {AuthFileError} corrupt or unreadable file (the cached auth is kept).
   */
  async reload(): Promise<boolean> {
    if (this.#envAuth !== undefined || this.#externalAuth !== undefined) return false;
    const next = this.#register(await loadFileAuth(this.#options.codexHome, this.#workspace));
    const changed = fileKey(next) !== fileKey(this.#fileAuth);
    this.#fileAuth = next;
    return changed;
  }

  /**
   * Refreshes the tokens (managed: the guarded, locked refresh described on the class; external:
   * asks the host's refresher; API key: nothing). Concurrent calls share one refresh.
   * Every failure is logged as `error` "Failed to refresh token: <text>". `signal` only stops
   * this caller's wait (`aborted`): a started refresh always completes and is stored.
   *
   * @throws {ApiError} `refresh_token_failed` (permanent; texts of `RefreshFailureTexts`),
   *   `auth_transient` ("Failed to refresh token: 500 Internal Server Error", network, lock
   *   timeout), `aborted`.
   */
  async refreshToken(reason: RefreshReason, signal?: AbortSignal): Promise<void> {
    const auth = this.authCached();
    if (auth === undefined || auth.mode === 'apikey') return;
    try {
      if (auth === this.#externalAuth) {
        await this.#externalRefresh(signal);
        return;
      }
      // The shared refresh runs to its end even when a caller gives up: aborting a request the
      // server may already have answered would lose the rotated refresh token.
      this.#inflight ??= this.#refreshManaged(reason).finally(() => {
        this.#inflight = undefined;
      });
      await untilAborted(this.#inflight, signal);
    } catch (error) {
      // a server may echo a token in `error.message`: errors and log lines are redacted
      const safe = this.#redactor.redactError(error);
      if (!signal?.aborted) this.#logFailure(safe);
      throw safe;
    }
  }

  /**
   * `{ authorization: 'Bearer <access token>', 'chatgpt-account-id': <account id> }` for ChatGPT
   * auth (the account header only when known), `{ authorization: 'Bearer <key>' }` for an API
   * key. May refresh first (see {@link auth}).
   *
   * @throws {LoginError} `no_credentials` when logged out or the ChatGPT tokens are missing.
   */
  async authHeaders(signal?: AbortSignal): Promise<Record<string, string>> {
    const auth = await this.auth(signal);
    if (auth === undefined) {
      throw new LoginError(
        'no_credentials',
        `not signed in: set CODEX_API_KEY or sign in (no ${authFilePath(this.#options.codexHome)})`,
      );
    }
    const secret = secretsOf(auth);
    if (auth.mode === 'apikey') return { authorization: `Bearer ${secret.apiKey}` };
    if (!secret.tokens?.access_token) {
      throw new LoginError(
        'no_credentials',
        `Token data is not available in ${authFilePath(this.#options.codexHome)}`,
      );
    }
    const headers: Record<string, string> = { authorization: `Bearer ${secret.tokens.access_token}` };
    if (auth.accountId) headers['chatgpt-account-id'] = auth.accountId;
    return headers;
  }

  /**
   * The 401 recovery of one request: managed tokens `reload` (fails with the account-mismatch
   * error when the cached account id is missing or auth.json holds another account) →
   * `refresh_token` (`unauthorized_recovery`); external tokens with a refresher `external_refresh`;
   * an API key (or external tokens without a refresher) no steps.
   */
  unauthorizedRecovery(): UnauthorizedRecovery {
    const auth = this.authCached();
    const mode =
      auth === undefined || auth.mode === 'apikey'
        ? 'none'
        : auth === this.#externalAuth
          ? this.#externalRefresher
            ? 'external'
            : 'none'
          : 'managed';
    return new AuthRecovery(mode, {
      reload: () => this.#recoveryReload(),
      refresh: (signal) => this.refreshToken('unauthorized_recovery', signal),
      externalRefresh: (signal) => this.refreshToken('unauthorized_recovery', signal),
    });
  }

  /**
   * Uses host-supplied ChatGPT tokens (mode `chatgptAuthTokens`, memory only, never written)
   * ahead of auth.json; `undefined` removes them. `refresher` answers 401 recoveries.
   *
   * @throws {LoginError} `login_restricted` when the account is outside `forcedChatgptWorkspaceIds`.
   */
  setExternalChatgptTokens(
    tokens: ExternalChatgptTokens | undefined,
    refresher?: ExternalChatgptRefresher,
  ): void {
    if (tokens === undefined) {
      this.#externalAuth = undefined;
      this.#externalRefresher = undefined;
      return;
    }
    this.#externalAuth = this.#externalSnapshot(tokens);
    this.#externalRefresher = refresher;
  }

  /**
   * Records the `accounts/check` entry of the current account (or clears it with undefined), so
   * the auth snapshots carry its `planType` and `workspaceRole` / `isWorkspaceOwner`.
   */
  setWorkspaceAccount(entry: WorkspaceAccountEntry | undefined): void {
    this.#workspace = entry === undefined ? undefined : { ...entry };
    const rebuild = (auth: CodexAuth | undefined) =>
      auth === undefined ? undefined : makeAuth(auth.mode, secretsOf(auth), this.#workspace);
    this.#fileAuth = rebuild(this.#fileAuth);
    this.#externalAuth = rebuild(this.#externalAuth);
    this.#envAuth = rebuild(this.#envAuth);
  }

  /**
   * Logs out: deletes auth.json (under the auth.json lock, so a refresh in flight cannot write it
   * back) and forgets external tokens (a `CODEX_API_KEY` stays in force).
   *
   * @returns true when something was removed.
   */
  async logout(): Promise<boolean> {
    const hadExternal = this.#externalAuth !== undefined;
    this.#externalAuth = undefined;
    this.#externalRefresher = undefined;
    const existed = (await readAuthFile(this.#options.codexHome).catch(() => true)) !== undefined;
    // under the auth.json lock: a refresh in flight finishes first and cannot write the file back
    await removeAuthFile(this.#options.codexHome);
    this.#fileAuth = undefined;
    return existed || hadExternal;
  }

  #isStale(auth: CodexAuth): boolean {
    return isStaleForProactiveRefresh(auth, (this.#options.now ?? (() => new Date()))());
  }

  async #refreshManaged(reason: RefreshReason): Promise<void> {
    const cached = this.#fileAuth;
    const tokens = cached === undefined ? undefined : secretsOf(cached).tokens;
    if (cached === undefined || tokens === undefined) throw permanentRefreshError('other');
    if (this.#permanent?.refreshToken === tokens.refresh_token) throw this.#permanent.error;
    const home = this.#options.codexHome;
    await withAuthLock(home, this.#options.lockTimeoutMs ?? 30_000, async () => {
      const stored = await readAuthFile(home);
      const storedAuth =
        stored === undefined ? undefined : this.#register(authFromFile(home, stored, this.#workspace));
      const storedTokens = storedAuth === undefined ? undefined : secretsOf(storedAuth).tokens;
      if (
        stored === undefined ||
        storedAuth === undefined ||
        !storedTokens ||
        storedAuth.accountId !== cached.accountId
      ) {
        throw permanentRefreshError('account_mismatch'); // not remembered (as upstream): a reload may fix it
      }
      if (
        storedTokens.access_token !== tokens.access_token ||
        storedTokens.refresh_token !== tokens.refresh_token ||
        storedTokens.id_token !== tokens.id_token
      ) {
        this.#fileAuth = storedAuth; // another process refreshed: adopt, no network call
        return;
      }
      const refreshed = await requestTokenRefresh({
        transport: this.#transport,
        url: this.#refreshUrl(),
        refreshToken: tokens.refresh_token,
        reason,
        originator: this.#options.originator,
        userAgent: this.#options.userAgent,
      }).catch((error: unknown) => {
        if (ApiError.isInstance(error) && error.code === 'refresh_token_failed') {
          throw this.#rememberPermanent(tokens.refresh_token, error);
        }
        throw error;
      });
      for (const value of [refreshed.idToken, refreshed.accessToken, refreshed.refreshToken]) {
        this.#redactor.add(value);
      }
      const next: AuthDotJson = {
        ...stored,
        tokens: {
          ...storedTokens,
          id_token: refreshed.idToken ?? storedTokens.id_token,
          access_token: refreshed.accessToken ?? storedTokens.access_token,
          refresh_token: refreshed.refreshToken ?? storedTokens.refresh_token,
        },
        last_refresh: this.#lastRefreshNow(),
      };
      await writeAuthFile(home, next);
      this.#fileAuth = this.#register(authFromFile(home, next, this.#workspace));
    });
  }

  #rememberPermanent(refreshToken: string, error: ApiError): ApiError {
    this.#permanent = { refreshToken, error };
    return error;
  }

  async #recoveryReload(): Promise<boolean> {
    const cached = this.#fileAuth;
    const home = this.#options.codexHome;
    const stored = await readAuthFile(home);
    const storedAuth = stored === undefined ? undefined : authFromFile(home, stored, this.#workspace);
    if (cached?.accountId === undefined || storedAuth?.accountId !== cached.accountId) {
      throw permanentRefreshError('account_mismatch');
    }
    return this.reload();
  }

  async #externalRefresh(signal?: AbortSignal): Promise<void> {
    const refresher = this.#externalRefresher;
    const previous = this.#externalAuth;
    if (refresher === undefined || previous === undefined) return;
    let tokens: ExternalChatgptTokens;
    try {
      tokens = await refresher({ reason: 'unauthorized', previousAccountId: previous.accountId }, signal);
    } catch (error) {
      if (ApiError.isInstance(error)) throw error;
      const detail = this.#redactor.redact(error instanceof Error ? error.message : String(error));
      throw new ApiError('auth_transient', `Failed to refresh external ChatGPT tokens: ${detail}`, {
        cause: error,
      });
    }
    const allowed = this.#options.forcedChatgptWorkspaceIds;
    if (allowed !== undefined && allowed.length > 0 && !allowed.includes(tokens.chatgptAccountId)) {
      // upstream's transient text for a refresh that returned a workspace outside the list
      throw new ApiError(
        'auth_transient',
        `external auth refresh returned workspace ${JSON.stringify(tokens.chatgptAccountId)}, expected one of ${JSON.stringify(allowed)}`,
      );
    }
    this.#externalAuth = this.#externalSnapshot(tokens);
  }

  #externalSnapshot(tokens: ExternalChatgptTokens): CodexAuth {
    return this.#register(
      externalAuthSnapshot(tokens, this.#workspace, this.#options.forcedChatgptWorkspaceIds),
    );
  }

  #register<T extends CodexAuth | undefined>(auth: T): T {
    const redactor = this.#redactor;
    if (auth !== undefined) {
      const secret = secretsOf(auth);
      redactor.add(secret.apiKey);
      redactor.add(secret.tokens?.access_token);
      redactor.add(secret.tokens?.refresh_token);
      redactor.add(secret.tokens?.id_token);
    }
    return auth;
  }

  #refreshUrl(): string {
    const env = this.#options.env ?? process.env;
    return this.#options.refreshTokenUrl ?? env[REFRESH_TOKEN_URL_OVERRIDE_ENV] ?? DEFAULT_REFRESH_TOKEN_URL;
  }

  #lastRefreshNow(): string {
    if (this.#options.now) return formatLastRefresh(this.#options.now());
    const now = new Date();
    return formatLastRefresh(now, Number(process.hrtime.bigint() % 1_000_000n));
  }

  #logFailure(error: unknown): void {
    const raw = error instanceof Error ? error.message : String(error);
    const text = raw.startsWith('Failed to refresh token:') ? raw : `Failed to refresh token: ${raw}`;
    this.#options.log?.('error', this.#redactor.redact(text));
  }
}

/** Identity of the stored credentials (compared by {@link AuthManager.reload}). */
function fileKey(auth: CodexAuth | undefined): string {
  if (auth === undefined) return '';
  const secret = secretsOf(auth);
  return JSON.stringify([auth.mode, secret.apiKey, secret.tokens, secret.file?.last_refresh]);
}
