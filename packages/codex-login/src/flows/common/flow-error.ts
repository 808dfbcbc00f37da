import { hasErrorMarker, markErrorClass } from '@codex-ts/protocol';

const FLOW_MARKER = Symbol.for('@codex-ts/login.LoginFlowError');

/**
 * Why a sign-in flow failed:
 *
 * | code | when |
 * | --- | --- |
 * | `login_disabled` | `forced_login_method` forbids this kind of login |
 * | `no_api_key` | `--with-api-key` got an empty key |
 * | `cancelled` | `/cancel` on the callback server, `cancel()`, or another login took the port |
 * | `port_in_use` | both callback ports stayed busy |
 * | `callback_error` | the issuer redirected with `error=` (denied, no entitlement, …) |
 * | `missing_authorization_code` | the callback had the right state but no `code` |
 * | `token_exchange_failed` | the code exchange answered an error or an invalid body |
 * | `workspace_restriction` | the account is not in `forced_chatgpt_workspace_id` |
 * | `device_not_enabled` / `device_request_failed` / `device_invalid_response` | the device user-code request failed |
 * | `device_auth_failed` / `device_timeout` | polling ended with an error status, or after 15 minutes |
 * | `device_exchange_failed` | the device flow's code exchange failed |
 * | `persist_failed` | `auth.json` could not be written |
 * | `aborted` | the caller's `AbortSignal` fired |
 */
export type LoginFlowErrorCode =
  | 'login_disabled'
  | 'no_api_key'
  | 'cancelled'
  | 'port_in_use'
  | 'callback_error'
  | 'missing_authorization_code'
  | 'token_exchange_failed'
  | 'workspace_restriction'
  | 'device_not_enabled'
  | 'device_request_failed'
  | 'device_invalid_response'
  | 'device_auth_failed'
  | 'device_timeout'
  | 'device_exchange_failed'
  | 'persist_failed'
  | 'aborted';

/**
 * A failed sign-in. `message` is the text 0.169.0 printed after `Error logging in: `
 * (e.g. `Token exchange failed: token endpoint returned status 500 Internal Server Error: upstream failure`);
 * `logLine`, when set, is the line the original printed before it (e.g.
 * `OAuth callback error: Sign-in failed: …`, `Token exchange error: …`). Never contains a token,
 * code or key.
 */
export class LoginFlowError extends Error {
  /** What went wrong; see {@link LoginFlowErrorCode}. */
  readonly code: LoginFlowErrorCode;
  /** The line printed before `Error logging in: …`, if the original printed one. */
  readonly logLine: string | undefined;

  constructor(
    code: LoginFlowErrorCode,
    message: string,
    options: { logLine?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LoginFlowError';
    this.code = code;
    this.logLine = options.logLine;
  }

  /** True for a {@link LoginFlowError}, also across duplicated package copies. */
  static isInstance(value: unknown): value is LoginFlowError {
    return hasErrorMarker(value, FLOW_MARKER);
  }
}
markErrorClass(LoginFlowError, FLOW_MARKER);
