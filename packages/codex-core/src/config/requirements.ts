import { parse as parseToml, TomlError } from 'smol-toml';
import { readFile } from '../internal/fs-async.js';
import { ConfigError } from './config-error.js';
import { isKnownFeature } from './features.js';
import { TOML_PARSE_OPTIONS } from './overrides.js';
import type { UnknownSetting } from './unknown-keys.js';

/** Where the original reads administrator requirements on Unix (`codex-rs/core/src/config_loader`). */
export const DEFAULT_REQUIREMENTS_FILE = '/etc/codex/requirements.toml';

/**
 * Top-level tables and keys of 0.169.0's requirements.toml. codex-ts enforces only `features`;
 * the others are accepted without effect. Any other key is an unrecognized setting.
 */
export const KNOWN_REQUIREMENT_KEYS = [
  'allowed_approval_policies',
  'allowed_sandbox_modes',
  'allowed_web_search_modes',
  'apps',
  'enforce_residency',
  'features',
  'hooks',
  'mcp_servers',
  'network',
  'permissions',
  'plugins',
  'rules',
] as const;

/** What requirements.toml pins. */
export interface Requirements {
  /** The file read (it may not exist). */
  file: string;
  /** `[features]` pins: these values win over config.toml, `-c` and `--enable/--disable`. */
  featurePins: Readonly<Record<string, boolean>>;
  /** Unrecognized top-level keys (reported with the config.toml ones). */
  unknown: UnknownSetting[];
  /** Warnings of their own: "Ignoring unknown `features` requirement `<name>` from <file>". */
  warnings: string[];
}

/**
 * Reads the administrator's requirements.toml (a missing file pins nothing). A `[features]`
 * entry naming a known feature pins it to its boolean; an unknown name is ignored with a
 * warning. As in 0.169.0 a pin that disagrees with the user's configuration is not an error:
 * the pin wins.
 *
 * @throws ConfigError `invalid_value` (keyPath `features`) for a pin that is not a boolean, with
 *   the original's text, e.g. "Error loading config.toml: failed to parse requirements layer
 *   /etc/codex/requirements.toml: invalid type: string \"x\", expected a boolean\nin `features`";
 *   `syntax` for a file that is not TOML; `unreadable` when it exists but cannot be read.
 */
export async function loadRequirements(file: string): Promise<Requirements> {
  const empty: Requirements = { file, featurePins: {}, unknown: [], warnings: [] };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return empty;
    throw new ConfigError(
      'unreadable',
      `Failed to read requirements file ${file}: ${code ?? 'unknown error'}`,
      {
        file,
        cause: error,
      },
    );
  }
  let table: Record<string, unknown>;
  try {
    table = parseToml(text, TOML_PARSE_OPTIONS) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '');
    throw new ConfigError(
      'syntax',
      `Error loading config.toml: failed to parse requirements layer ${file}: ${reason} at line ${error.line}, column ${error.column}`,
      { file, line: error.line, column: error.column },
    );
  }
  const unknown: UnknownSetting[] = Object.keys(table)
    .filter((key) => !(KNOWN_REQUIREMENT_KEYS as readonly string[]).includes(key))
    .map((key) => ({ path: [key], source: { kind: 'requirements', file } }));
  const featurePins: Record<string, boolean> = {};
  const warnings: string[] = [];
  const features = table.features;
  if (features !== undefined) {
    if (typeof features !== 'object' || features === null || Array.isArray(features)) {
      throw requirementTypeError(file, features, 'a map', 'features');
    }
    for (const [name, value] of Object.entries(features)) {
      if (typeof value !== 'boolean') throw requirementTypeError(file, value, 'a boolean', 'features');
      if (isKnownFeature(name)) featurePins[name] = value;
      else warnings.push(`Ignoring unknown \`features\` requirement \`${name}\` from ${file}`);
    }
  }
  return { file, featurePins, unknown, warnings };
}

function requirementTypeError(file: string, value: unknown, expected: string, key: string): ConfigError {
  return new ConfigError(
    'invalid_value',
    `Error loading config.toml: failed to parse requirements layer ${file}: invalid type: ${serdeDescription(value)}, expected ${expected}\nin \`${key}\``,
    { file, keyPath: key },
  );
}

/** How serde names an unexpected TOML value (`string "x"`, `integer \`1\``, `sequence`, `map`). */
function serdeDescription(value: unknown): string {
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'bigint') return `integer \`${value}\``;
  if (typeof value === 'number')
    return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
  if (typeof value === 'boolean') return `boolean \`${value}\``;
  if (Array.isArray(value)) return 'sequence';
  if (value instanceof Date) return 'datetime';
  return 'map';
}
