import { inspect } from 'node:util';
import type { AuthDotJson, TokenData } from '../auth-file/auth-file.js';
import { parseIdTokenClaims } from '../token/id-token.js';

/**
 * How the current credentials authenticate (serde names of upstream `AuthMode`): `apikey` (an
 * API key), `chatgpt` (managed ChatGPT OAuth tokens from `auth.json`, refreshed and persisted by
 * codex-ts), `chatgptAuthTokens` (ChatGPT tokens supplied by a host app, memory only).
 */
export type AuthMode = 'apikey' | 'chatgpt' | 'chatgptAuthTokens';

/**
 * The workspace entry of `GET {chatgpt_base_url}wham/accounts/check` for the current account
 * (`id`, `plan_type`, `structure` such as `personal` / `workspace`, the caller's `role` such as
 * `account-owner` / `standard-user`), given to `AuthManager.setWorkspaceAccount`.
 */
export interface WorkspaceAccountEntry {
  id: string;
  planType?: string | undefined;
  structure?: string | undefined;
  role?: string | undefined;
}

/**
 * A snapshot of the current credentials (upstream `CodexAuth`). Holds no secret in any
 * enumerable field: `toString()`, `toJSON()` and `util.inspect` show only the fields below.
 */
export interface CodexAuth {
  readonly mode: AuthMode;
  /** `chatgpt` | `chatgptAuthTokens`: requests go to the ChatGPT Codex backend (zstd, routing). */
  readonly usesCodexBackend: boolean;
  /** `tokens.account_id` (the `chatgpt-account-id` header), else the ID token's `chatgpt_account_id`. */
  readonly accountId: string | undefined;
  /** ID-token `email`. */
  readonly email: string | undefined;
  /** ID-token `chatgpt_plan_type` as sent (a workspace entry's `planType` wins when set). */
  readonly planType: string | undefined;
  /** ID-token `chatgpt_user_id` (or `user_id`). */
  readonly chatgptUserId: string | undefined;
  /** ID-token `chatgpt_account_id`. */
  readonly chatgptAccountId: string | undefined;
  /** `last_refresh` of `auth.json` (RFC 3339), when stored. */
  readonly lastRefresh: string | undefined;
  /** The caller's role from the workspace entry (`setWorkspaceAccount`); undefined without one (no token claim carries it). */
  readonly workspaceRole: string | undefined;
  /** `workspaceRole` is `account-owner` (or `owner`); undefined when the role is unknown. */
  readonly isWorkspaceOwner: boolean | undefined;
}

/** Secrets behind a snapshot; never reachable through the snapshot object itself. */
export interface AuthSecrets {
  apiKey?: string;
  tokens?: TokenData;
  /** The parsed auth.json (managed mode), for writing back after a refresh. */
  file?: AuthDotJson;
}

const secrets = new WeakMap<CodexAuth, AuthSecrets>();

/** The secrets of a snapshot made by {@link makeAuth}. */
export function secretsOf(auth: CodexAuth): AuthSecrets {
  return secrets.get(auth) ?? {};
}

class AuthSnapshot implements CodexAuth {
  readonly mode: AuthMode;
  readonly usesCodexBackend: boolean;
  readonly accountId: string | undefined;
  readonly email: string | undefined;
  readonly planType: string | undefined;
  readonly chatgptUserId: string | undefined;
  readonly chatgptAccountId: string | undefined;
  readonly lastRefresh: string | undefined;
  readonly workspaceRole: string | undefined;
  readonly isWorkspaceOwner: boolean | undefined;

  constructor(fields: Omit<CodexAuth, 'usesCodexBackend' | 'isWorkspaceOwner'>) {
    this.mode = fields.mode;
    this.usesCodexBackend = fields.mode !== 'apikey';
    this.accountId = fields.accountId;
    this.email = fields.email;
    this.planType = fields.planType;
    this.chatgptUserId = fields.chatgptUserId;
    this.chatgptAccountId = fields.chatgptAccountId;
    this.lastRefresh = fields.lastRefresh;
    this.workspaceRole = fields.workspaceRole;
    this.isWorkspaceOwner =
      fields.workspaceRole === undefined
        ? undefined
        : fields.workspaceRole === 'account-owner' || fields.workspaceRole === 'owner';
    Object.freeze(this);
  }

  toJSON(): Record<string, unknown> {
    return { ...this } as unknown as Record<string, unknown>;
  }

  toString(): string {
    return `CodexAuth(${this.mode}${this.accountId ? `, account ${this.accountId}` : ''})`;
  }

  [inspect.custom](): string {
    return `CodexAuth ${inspect(this.toJSON())}`;
  }
}

/** Claims read leniently: a malformed ID token yields no claims rather than an error. */
function claimsOf(idToken: string | undefined) {
  if (!idToken) return undefined;
  try {
    return parseIdTokenClaims(idToken);
  } catch {
    return undefined;
  }
}

/** Builds a snapshot; `workspace` applies when its `id` equals the account id. */
export function makeAuth(
  mode: AuthMode,
  secret: AuthSecrets,
  workspace?: WorkspaceAccountEntry | undefined,
  extra?: { planType?: string | undefined },
): CodexAuth {
  const tokens = secret.tokens;
  const claims =
    claimsOf(tokens?.id_token) ?? (mode === 'chatgptAuthTokens' ? claimsOf(tokens?.access_token) : undefined);
  const accountId = tokens?.account_id ?? claims?.accountId ?? undefined;
  const entry = workspace !== undefined && workspace.id === accountId ? workspace : undefined;
  const auth = new AuthSnapshot({
    mode,
    accountId,
    email: claims?.email,
    planType: entry?.planType ?? extra?.planType ?? claims?.rawPlanType,
    chatgptUserId: claims?.userId,
    chatgptAccountId: claims?.accountId,
    lastRefresh: secret.file?.last_refresh ?? undefined,
    workspaceRole: entry?.role,
  });
  secrets.set(auth, secret);
  return auth;
}
