import { hasErrorMarker, markErrorClass } from '@codex-ts/protocol';

const LOGIN_MARKER = Symbol.for('@codex-ts/login.LoginError');
const AUTH_FILE_MARKER = Symbol.for('@codex-ts/login.AuthFileError');

/**
 * Why no credential could be resolved; stable strings, safe to switch on and to log.
 *
 * | code | when |
 * |---|---|
 * | `missing_env_var` | the provider's `env_key` names a variable that is unset or blank |
 * | `no_credentials` | no provider key, no `CODEX_API_KEY`, no API key in `auth.json` |
 * | `unsupported_auth_mode` | `auth.json` holds a login kind codex-ts cannot use yet (ChatGPT tokens, …) |
 * | `invalid_api_key` | the key found contains a character that cannot be sent in an HTTP header (a control character such as a line break, or anything outside ASCII) |
 * | `malformed_token` | a ChatGPT ID or access token is not a decodable JWT (three non-empty segments, base64url JSON object payload); {@link LoginError.tokenKind} says which |
 * | `login_restricted` | `forced_login_method` / `forced_chatgpt_workspace_id` rejected the stored login (it was logged out: auth.json deleted), or external tokens outside the allowed workspaces; the message is the original's ("… Logging out.") |
 */
export type LoginErrorCode =
  | 'missing_env_var'
  | 'no_credentials'
  | 'unsupported_auth_mode'
  | 'invalid_api_key'
  | 'malformed_token'
  | 'login_restricted';

/**
 * A credential could not be resolved. The message tells the user what to set and where;
 * it never contains a key, a token or file contents.
 */
export class LoginError extends Error {
  /** What went wrong; see {@link LoginErrorCode}. */
  readonly code: LoginErrorCode;
  /** For `missing_env_var`, and `invalid_api_key` from a variable: the variable's name (never its value). */
  readonly envVar: string | undefined;
  /** For `malformed_token`: which token (`id_token` or `access_token`), never its value. */
  readonly tokenKind: 'id_token' | 'access_token' | undefined;

  constructor(
    code: LoginErrorCode,
    message: string,
    options?: { envVar?: string; tokenKind?: 'id_token' | 'access_token'; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LoginError';
    this.code = code;
    this.envVar = options?.envVar;
    this.tokenKind = options?.tokenKind;
  }

  static {
    markErrorClass(LoginError, LOGIN_MARKER);
  }

  /** True when `value` is a LoginError from any copy of this package (never an AuthFileError). */
  static isInstance(value: unknown): value is LoginError {
    return hasErrorMarker(value, LOGIN_MARKER);
  }
}

/**
 * What is wrong with `$CODEX_HOME/auth.json`; stable strings, safe to switch on and to log.
 * `unreadable`: the file exists but could not be read (permissions, a directory, …);
 * `invalid_json`: not JSON; `invalid_shape`: JSON, but not the auth.json schema;
 * `write_failed`: {@link writeAuthFile} could not write it (the previous file is untouched).
 */
export type AuthFileErrorCode = 'unreadable' | 'invalid_json' | 'invalid_shape' | 'write_failed';

/**
 * `auth.json` could not be read, parsed or written. The message names the file and what is
 * wrong (a key path, a JSON line/column), never its contents or any secret.
 */
export class AuthFileError extends Error {
  /** Absolute path of the file. */
  readonly path: string;
  /** What went wrong; see {@link AuthFileErrorCode}. */
  readonly code: AuthFileErrorCode;

  constructor(path: string, code: AuthFileErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuthFileError';
    this.path = path;
    this.code = code;
  }

  static {
    markErrorClass(AuthFileError, AUTH_FILE_MARKER);
  }

  /** True when `value` is an AuthFileError from any copy of this package (never a LoginError). */
  static isInstance(value: unknown): value is AuthFileError {
    return hasErrorMarker(value, AUTH_FILE_MARKER);
  }
}
