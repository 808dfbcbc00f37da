import { join } from 'node:path';
import { lazySchema } from '@codex-ts/protocol';
import { z } from 'zod';
import { AuthFileError } from '../errors/login-error.js';
import { mkdir, readFile } from '../internal/fs-async.js';

/** File name of the credential file inside `$CODEX_HOME`. */
export const AUTH_FILE_NAME = 'auth.json';

/**
 * `auth_mode` values the original CLI writes (serde names of its `AuthMode`). The schema
 * accepts any string so that files written by newer CLIs still load; codex-ts itself only
 * uses `apikey` today.
 */
export const KNOWN_AUTH_MODES = [
  'apikey',
  'chatgpt',
  'chatgptAuthTokens',
  'headers',
  'agentIdentity',
  'personalAccessToken',
  'bedrockApiKey',
  'bedrockAccessKeys',
] as const;

/**
 * Managed ChatGPT OAuth tokens as stored under `tokens` in `auth.json` (login.md §2).
 * `id_token` is the raw JWT string; unknown keys are kept.
 */
export const TokenDataSchema = lazySchema(() =>
  z.looseObject({
    /** Raw ID-token JWT (claims: email, plan type, account id). */
    id_token: z.string(),
    /** Access-token JWT sent as the bearer. */
    access_token: z.string(),
    /** Opaque refresh token. */
    refresh_token: z.string(),
    /** Workspace/account id (`ChatGPT-Account-ID`), when known. */
    account_id: z.string().nullish(),
  }),
);

/** The `tokens` object of `auth.json`; see {@link TokenDataSchema}. */
export type TokenData = z.infer<typeof TokenDataSchema>;

/** RFC 3339 date-time (`T` or space separator, optional fraction, `Z` or a numeric offset). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const rfc3339 = z.string().refine((value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)), {
  error: 'expected an RFC 3339 timestamp',
});

/**
 * Schema of `$CODEX_HOME/auth.json` (login.md §2). Every field is optional;
 * unknown keys are tolerated and kept, so a read-modify-write round trip loses nothing.
 *
 * - `auth_mode`: explicit login kind (see {@link KNOWN_AUTH_MODES}); wins over inference.
 * - `OPENAI_API_KEY`: the API key, or `null`; always written by {@link writeAuthFile}.
 * - `tokens`: ChatGPT OAuth tokens ({@link TokenDataSchema}).
 * - `last_refresh`: RFC 3339 time of the last token refresh.
 * - `agent_identity`, `personal_access_token`: newer credential kinds (stored, unused).
 */
export const AuthDotJsonSchema = lazySchema(() =>
  z.looseObject({
    auth_mode: z.string().nullish(),
    OPENAI_API_KEY: z.string().nullish(),
    tokens: TokenDataSchema.nullish(),
    last_refresh: rfc3339.nullish(),
    agent_identity: z.string().nullish(),
    personal_access_token: z.string().nullish(),
  }),
);

/** The parsed contents of `auth.json`; see {@link AuthDotJsonSchema}. */
export type AuthDotJson = z.infer<typeof AuthDotJsonSchema>;

/** `join(codexHome, 'auth.json')`. */
export function authFilePath(codexHome: string): string {
  return join(codexHome, AUTH_FILE_NAME);
}

/**
 * Reads and validates `$CODEX_HOME/auth.json`.
 *
 * @returns the parsed file, or `undefined` when the file does not exist.
 * @throws {AuthFileError} `unreadable` (exists but cannot be read), `invalid_json`
 *   (with line/column when known) or `invalid_shape` (names the first offending key path
 *   and the expected type). Messages never contain file contents or secrets.
 */
export async function readAuthFile(codexHome: string): Promise<AuthDotJson | undefined> {
  const path = authFilePath(codexHome);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return undefined;
    throw new AuthFileError(path, 'unreadable', `could not read ${path}: ${code ?? 'unknown error'}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // The engine's message can quote file contents; only a position is reported.
    const where = jsonErrorLocation(error, text);
    throw new AuthFileError(path, 'invalid_json', `${path} is not valid JSON${where}`);
  }
  return parseAuthDotJson(json, path);
}

/**
 * Validates a value against {@link AuthDotJsonSchema}.
 *
 * @param path file name used in error messages.
 * @throws {AuthFileError} `invalid_shape`, naming the key path and the expected type.
 */
export function parseAuthDotJson(value: unknown, path: string): AuthDotJson {
  const result = AuthDotJsonSchema.safeParse(value);
  if (result.success) return result.data;
  throw new AuthFileError(
    path,
    'invalid_shape',
    `${path} is not a valid auth file: ${describeIssue(result.error)}`,
  );
}

/** Options of {@link writeAuthFile}. */
export interface WriteAuthFileOptions {
  /**
   * Replace an existing `auth.json` that cannot be read or parsed (default `false`: such a
   * file is reported and left as it is, so a corrupt or partial file is never silently
   * replaced by a caller that meant to update it). A fresh login may set it.
   */
  readonly overwriteInvalid?: boolean;
}

/**
 * Writes `$CODEX_HOME/auth.json` atomically in the original CLI's layout
 * (`codex-rs/login/src/auth/storage.rs`, as 0.169 wrote it): 2-space pretty JSON with **no
 * trailing newline**, keys in the order `auth_mode` (omitted when unset), `OPENAI_API_KEY`
 * (always present, `null` when unset), `tokens` { `id_token`, `access_token`,
 * `refresh_token`, `oauth_provenance` and `login_owner_id` (only when present: written by a
 * sign-in), `account_id` (`null` when unset) }, `last_refresh`, `agent_identity`,
 * `personal_access_token`. Keys the schema does not know follow the known ones (top level
 * and inside `tokens`): the original drops them, codex-ts keeps them so that a file written
 * by a newer CLI loses nothing.
 *
 * The content is validated first, then written to a temporary file in the same directory
 * (mode 0600), flushed, and renamed over the old file, so readers (in this or another
 * process) see either the old or the new file and never a partial one; of concurrent
 * writers the last rename wins. The directory is created (mode 0700) when missing.
 *
 * @returns the path of the written file.
 * @throws {AuthFileError} `invalid_shape` before anything is written; `unreadable`,
 *   `invalid_json` or `invalid_shape` for an existing file that is not a valid auth file
 *   (left untouched unless {@link WriteAuthFileOptions.overwriteInvalid}); `write_failed`
 *   (the previous file, if any, is left untouched and no temporary file remains).
 */
export async function writeAuthFile(
  codexHome: string,
  auth: AuthDotJson,
  options: WriteAuthFileOptions = {},
): Promise<string> {
  const path = authFilePath(codexHome);
  const text = serializeAuthDotJson(auth, path);
  if (options.overwriteInvalid !== true) await readAuthFile(codexHome);
  try {
    await mkdir(codexHome, { recursive: true, mode: 0o700 });
    // temp file in the same folder + fsync + rename; mode applied to the temp file before the rename
    // Loaded on first write only (start-up cost of write-file-atomic and signal-exit).
    const { default: writeFileAtomic } = await import('write-file-atomic');
    await writeFileAtomic(path, text, { mode: 0o600, fsync: true });
  } catch (error) {
    throw new AuthFileError(
      path,
      'write_failed',
      `could not write ${path}: ${errnoCode(error) ?? 'unknown error'}`,
      {
        cause: error,
      },
    );
  }
  return path;
}

/**
 * The exact text {@link writeAuthFile} writes for `auth` (see there for the layout).
 *
 * @param path file name used in error messages.
 * @throws {AuthFileError} `invalid_shape` when `auth` does not match the schema or cannot be
 *   serialized as JSON (message without contents).
 */
export function serializeAuthDotJson(auth: AuthDotJson, path: string): string {
  const parsed = parseAuthDotJson(auth, path);
  try {
    return JSON.stringify(orderForWrite(parsed), null, 2);
  } catch {
    throw new AuthFileError(path, 'invalid_shape', `${path}: the auth data cannot be serialized as JSON`);
  }
}

/**
 * Formats a time for `last_refresh` as the original writes it (chrono's RFC 3339 in UTC,
 * `Z` suffix): the fraction has 0, 3, 6 or 9 digits, the fewest that hold it, e.g.
 * `2026-12-03T11:00:21.055469348Z`.
 *
 * @param time the instant (millisecond precision).
 * @param subMillisecondNanos extra nanoseconds below `time`'s millisecond, 0…999 999 (default 0).
 * @throws {RangeError} for an invalid Date.
 */
export function formatLastRefresh(time: Date, subMillisecondNanos = 0): string {
  const iso = time.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ (throws RangeError when invalid)
  const extra = Math.min(999_999, Math.max(0, Math.trunc(subMillisecondNanos)));
  const nanos = time.getUTCMilliseconds() * 1_000_000 + extra;
  let fraction = '';
  if (nanos !== 0) {
    const digits = String(nanos).padStart(9, '0');
    if (nanos % 1_000_000 === 0) fraction = `.${digits.slice(0, 3)}`;
    else if (nanos % 1_000 === 0) fraction = `.${digits.slice(0, 6)}`;
    else fraction = `.${digits}`;
  }
  return `${iso.slice(0, 19)}${fraction}Z`;
}

const TOP_LEVEL_ORDER = [
  'auth_mode',
  'OPENAI_API_KEY',
  'tokens',
  'last_refresh',
  'agent_identity',
  'personal_access_token',
] as const;
const TOKENS_ORDER = [
  'id_token',
  'access_token',
  'refresh_token',
  'oauth_provenance',
  'login_owner_id',
  'account_id',
] as const;
/** Written only when present (a sign-in by 0.169.0 or codex-ts adds them; older files lack them). */
const OPTIONAL_TOKEN_KEYS: readonly string[] = ['oauth_provenance', 'login_owner_id'];

/** Field order of the original writer (`null` only where it writes `null`); unknown keys follow. */
function orderForWrite(auth: AuthDotJson): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of TOP_LEVEL_ORDER) {
    const value = auth[key];
    if (key === 'OPENAI_API_KEY') out[key] = value ?? null;
    else if (key === 'tokens' && auth.tokens != null) out[key] = orderTokens(auth.tokens);
    else if (value != null) out[key] = value;
  }
  for (const [key, value] of Object.entries(auth)) {
    if ((TOP_LEVEL_ORDER as readonly string[]).includes(key) || value === undefined) continue;
    out[key] = value;
  }
  return out;
}

function orderTokens(tokens: TokenData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of TOKENS_ORDER) {
    const value = tokens[key];
    if (OPTIONAL_TOKEN_KEYS.includes(key) && value == null) continue;
    out[key] = value ?? null;
  }
  for (const [key, value] of Object.entries(tokens)) {
    if ((TOKENS_ORDER as readonly string[]).includes(key) || value === undefined) continue;
    out[key] = value;
  }
  return out;
}

function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

function jsonErrorLocation(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : '';
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol) return ` (line ${lineCol[1]}, column ${lineCol[2]})`;
  const position = /at position (\d+)/.exec(message);
  if (position) {
    const before = text.slice(0, Number(position[1])).split(/\r?\n/);
    return ` (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
  }
  if (text.trim() === '') return ' (the file is empty)';
  return '';
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unknown problem';
  const key = issue.path.map(String).join('.');
  let expected: string;
  switch (issue.code) {
    case 'invalid_type':
      expected = issue.path.length === 0 ? 'a JSON object' : describeExpected(issue.expected);
      break;
    case 'custom':
      expected = issue.message.replace(/^expected /, '');
      break;
    default:
      expected = 'a valid value';
  }
  return key === '' ? `expected ${expected} at the top level` : `\`${key}\`: expected ${expected}`;
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'string':
      return 'a string';
    case 'object':
      return 'an object';
    default:
      return expected;
  }
}
