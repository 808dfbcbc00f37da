import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { AuthFileError } from '../errors/login-error.js';

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
export const TokenDataSchema = z.looseObject({
  /** Raw ID-token JWT (claims: email, plan type, account id). */
  id_token: z.string(),
  /** Access-token JWT sent as the bearer. */
  access_token: z.string(),
  /** Opaque refresh token. */
  refresh_token: z.string(),
  /** Workspace/account id (`ChatGPT-Account-ID`), when known. */
  account_id: z.string().nullish(),
});

/** The `tokens` object of `auth.json`; see {@link TokenDataSchema}. */
export type TokenData = z.infer<typeof TokenDataSchema>;

const rfc3339 = z.string().refine((value) => !Number.isNaN(Date.parse(value)), {
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
export const AuthDotJsonSchema = z.looseObject({
  auth_mode: z.string().nullish(),
  OPENAI_API_KEY: z.string().nullish(),
  tokens: TokenDataSchema.nullish(),
  last_refresh: rfc3339.nullish(),
  agent_identity: z.string().nullish(),
  personal_access_token: z.string().nullish(),
});

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

/**
 * Writes `$CODEX_HOME/auth.json` atomically: the content is validated, written to a
 * temporary file in the same directory (mode 0600), flushed, then renamed over the old
 * file, so readers see either the old or the new file and never a partial one. The
 * directory is created (mode 0700) when missing. Output is pretty-printed JSON (2 spaces)
 * with `OPENAI_API_KEY` always present (`null` when unset).
 *
 * @returns the path of the written file.
 * @throws {AuthFileError} `invalid_shape` before anything is written, or `write_failed`
 *   (the previous file, if any, is left untouched and no temporary file remains).
 */
export async function writeAuthFile(codexHome: string, auth: AuthDotJson): Promise<string> {
  const path = authFilePath(codexHome);
  const parsed = parseAuthDotJson(auth, path);
  let text: string;
  try {
    text = `${JSON.stringify(orderForWrite(parsed), null, 2)}\n`;
  } catch {
    throw new AuthFileError(path, 'invalid_shape', `${path}: the auth data cannot be serialized as JSON`);
  }
  try {
    await mkdir(codexHome, { recursive: true, mode: 0o700 });
    // temp file in the same folder + fsync + rename; mode applied to the temp file before the rename
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

/** Field order of the original writer; unknown keys follow. */
function orderForWrite(auth: AuthDotJson): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (auth.auth_mode != null) out.auth_mode = auth.auth_mode;
  out.OPENAI_API_KEY = auth.OPENAI_API_KEY ?? null;
  for (const [key, value] of Object.entries(auth)) {
    if (key === 'auth_mode' || key === 'OPENAI_API_KEY' || value === undefined) continue;
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
