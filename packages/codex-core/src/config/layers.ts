import { join } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { readFile } from '../internal/fs-async.js';
import { ConfigError } from './config-error.js';
import { TOML_PARSE_OPTIONS } from './overrides.js';
import { decodeUtf8Strict } from './utf8.js';

/** One config file as read: its parsed table and its text (for error locations). */
export interface ConfigLayer {
  file: string;
  table: Record<string, unknown>;
  text: string;
  /** False when the file does not exist (an empty layer). */
  exists: boolean;
}

/**
 * Reads one config.toml-format file; a missing file is an empty layer.
 *
 * @throws ConfigError `syntax` (not TOML or not UTF-8: file, line, column, never the file's
 *   contents) or `unreadable`.
 */
export async function readConfigLayer(file: string): Promise<ConfigLayer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') return { file, table: {}, text: '', exists: false };
    throw new ConfigError('unreadable', `could not read ${file}: ${code ?? 'unknown error'}`, {
      file,
      cause: error,
    });
  }
  // TOML is UTF-8 only: decoding leniently would turn stray bytes into U+FFFD and send them.
  const decoded = decodeUtf8Strict(bytes);
  if ('invalid' in decoded) {
    const { line, column, offset } = decoded.invalid;
    throw new ConfigError(
      'syntax',
      `invalid TOML in ${file} at line ${line}, column ${column}: the file is not valid UTF-8 (byte offset ${offset}); save it as UTF-8`,
      { file, line, column },
    );
  }
  const text = decoded.text;
  try {
    // Integers beyond 2^53 arrive as bigints, so the schema can name the key (a count is capped, a
    // duration is out of range) instead of the parser failing on the whole file.
    return {
      file,
      table: parseToml(text, TOML_PARSE_OPTIONS) as Record<string, unknown>,
      text,
      exists: true,
    };
  } catch (error) {
    if (error instanceof TomlError) {
      // The parser's message ends with a code excerpt of the file, which may hold a key (a bearer
      // token, an `http_headers` value): keep only the reason, and not the parser error as `cause`.
      const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '');
      throw new ConfigError(
        'syntax',
        `invalid TOML in ${file} at line ${error.line}, column ${error.column}: ${reason}`,
        { file, line: error.line, column: error.column },
      );
    }
    throw error;
  }
}

/** A `-p/--profile` name: ASCII letters, digits, `_` and `-` only (codex-rs `ProfileV2Name`). */
export function isValidProfileName(name: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(name);
}

/** `$CODEX_HOME/<name>.config.toml`: the file `-p <name>` layers over config.toml. */
export function profileFilePath(codexHome: string, name: string): string {
  return join(codexHome, `${name}.config.toml`);
}

/**
 * The legacy-profile checks of 0.169.0, which replaced `[profiles.<name>]` + `profile = …` by
 * profile files:
 * - `-p <name>` while config.toml has `profile = "<name>"` or `[profiles.<name>]`: "Error loading
 *   config.toml: --profile `<name>` cannot be used while <config.toml> contains legacy …";
 * - a `profile` key (config.toml, profile file or `-c`): "legacy `profile = \"<name>\"` config is
 *   no longer supported; use `--profile <name>` with `<name>.config.toml` instead".
 * Other `[profiles.*]` tables are accepted and not applied.
 *
 * @throws ConfigError `invalid_value` with keyPath `profile` (or `profiles.<name>`).
 */
export function checkLegacyProfile(
  user: ConfigLayer,
  merged: Record<string, unknown>,
  codexHome: string,
  profile: string | undefined,
): void {
  if (profile !== undefined) {
    const profiles = user.table.profiles;
    const hasTable =
      typeof profiles === 'object' && profiles !== null && Object.hasOwn(profiles as object, profile);
    if (user.table.profile === profile || hasTable) {
      throw new ConfigError(
        'invalid_value',
        `Error loading config.toml: --profile \`${profile}\` cannot be used while ${user.file} contains legacy \`profile = "${profile}"\` or \`[profiles.${profile}]\` config; move those settings into ${profileFilePath(codexHome, profile)} and remove the legacy profile selector/table. See https://developers.openai.com/codex/config-advanced#profiles for more information.`,
        { file: user.file, keyPath: hasTable ? `profiles.${profile}` : 'profile' },
      );
    }
  }
  const legacy = merged.profile;
  if (typeof legacy === 'string') {
    throw new ConfigError(
      'invalid_value',
      `legacy \`profile = "${legacy}"\` config is no longer supported; use \`--profile ${legacy}\` with \`${legacy}.config.toml\` instead`,
      { keyPath: 'profile' },
    );
  }
}

/**
 * Deep-merges `overlay` into a copy of `base` (tables merge key by key; anything else replaces).
 * Every table of the result is new: the caller may mutate it (`-c` overrides, dropping unknown
 * keys) without touching the layers, which still tell where each key came from.
 */
export function mergeTables(
  base: Record<string, unknown>,
  overlay: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) out[key] = isTable(value) ? mergeTables(value, {}) : value;
  for (const [key, value] of Object.entries(overlay)) {
    const current = out[key];
    out[key] = isTable(value) ? mergeTables(isTable(current) ? current : {}, value) : value;
  }
  return out;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
