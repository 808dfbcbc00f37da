import { hasErrorMarker, markErrorClass } from '@codex-ts/protocol';

const MARKER = Symbol.for('@codex-ts/core.ConfigError');

/**
 * Which part of the configuration a {@link ConfigError} is about; stable strings, safe to switch
 * on and to log.
 *
 * | code | when |
 * |---|---|
 * | `syntax` | `config.toml` (or a `-c` override key) is not valid TOML, or not UTF-8; `line`/`column` are set for the file |
 * | `unknown_key` | a key the config format does not have (typo, wrong table) |
 * | `invalid_value` | a known key with a value of the wrong type or range (also `wire_api = "chat"`) |
 * | `invalid_override` | a `-c` argument that is not `key=value` |
 * | `unknown_provider` | `model_provider` names no built-in or configured provider |
 * | `unsupported` | a valid Codex setting codex-ts cannot honour yet (command/AWS provider auth, Bedrock) |
 * | `unreadable` | `config.toml` exists but cannot be read |
 */
export type ConfigErrorCode =
  | 'syntax'
  | 'unknown_key'
  | 'invalid_value'
  | 'invalid_override'
  | 'unknown_provider'
  | 'unsupported'
  | 'unreadable';

/** Where a {@link ConfigError} points to. */
export interface ConfigErrorDetails {
  /** Absolute path of the `config.toml` involved, when the problem is in the file. */
  file?: string | undefined;
  /** Dotted key path, TOML-quoted where needed, e.g. `model_providers.my.base_url`. */
  keyPath?: string | undefined;
  /** The key of the `-c key=value` override at fault (never its value). */
  override?: string | undefined;
  /** 1-based line of a TOML syntax error. */
  line?: number | undefined;
  /** 1-based column of a TOML syntax error. */
  column?: number | undefined;
  /**
   * Underlying error (an fs error). Never the TOML parser's error: its message quotes the file
   * (which may hold secrets), so a `syntax` error carries only `line` and `column`.
   */
  cause?: unknown;
}

/**
 * The configuration could not be loaded or used. The message names the key path and where
 * it came from (the file, or the `-c` override), e.g.
 * "unknown key `model_providers.my.base_urll` in /x/config.toml" or
 * "invalid value for `model_providers.my.stream_max_retries` in /x/config.toml: expected a
 * non-negative integer". Messages never contain configured values (they may be secrets), and
 * neither does the `cause` (no parser error quoting the file is kept).
 */
export class ConfigError extends Error {
  /** What is wrong; see {@link ConfigErrorCode}. */
  readonly code: ConfigErrorCode;
  /** See {@link ConfigErrorDetails.file}. */
  readonly file: string | undefined;
  /** See {@link ConfigErrorDetails.keyPath}. */
  readonly keyPath: string | undefined;
  /** See {@link ConfigErrorDetails.override}. */
  readonly override: string | undefined;
  /** See {@link ConfigErrorDetails.line}. */
  readonly line: number | undefined;
  /** See {@link ConfigErrorDetails.column}. */
  readonly column: number | undefined;

  constructor(code: ConfigErrorCode, message: string, details: ConfigErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ConfigError';
    this.code = code;
    this.file = details.file;
    this.keyPath = details.keyPath;
    this.override = details.override;
    this.line = details.line;
    this.column = details.column;
  }

  static {
    markErrorClass(ConfigError, MARKER);
  }

  /** True when `value` is a ConfigError from any copy of this package. */
  static isInstance(value: unknown): value is ConfigError {
    return hasErrorMarker(value, MARKER);
  }
}

/** Formats a key path the way TOML spells it: bare segments where allowed, quoted otherwise. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment) => {
      const text = String(segment);
      return /^[A-Za-z0-9_-]+$/.test(text) ? text : JSON.stringify(text);
    })
    .join('.');
}
