import { parse as parseToml } from 'smol-toml';
import { ConfigError, formatKeyPath } from './config-error.js';

/** One parsed `-c key=value` argument. */
export interface ConfigOverride {
  /** Key path segments, e.g. `['model_providers', 'my', 'base_url']`. */
  path: string[];
  /** The key as formatted for messages, e.g. `model_providers.my.base_url`. */
  key: string;
  /** The value: a TOML value when the text parses as one, else the text as a string. */
  value: unknown;
}

const VALUE_SENTINEL = '__codex_ts_override_value__';

/**
 * @internal How config.toml and `-c` values are parsed: `__proto__`-style keys throw, and
 * integers beyond 2^53 become bigints (validation then names the key) instead of a parse error.
 */
export const TOML_PARSE_OPTIONS = { unsafeKeyBehaviour: 'throw', integersAsBigInt: 'asNeeded' } as const;

/**
 * Parses one `-c key=value` argument the way the original CLI does: split at the first `=`;
 * the key is a dotted TOML key path (quoted segments allowed: `model_providers."a.b".name`);
 * the value is parsed as a TOML value (`3`, `true`, `"x"`, `["a"]`, `{ k = "v" }`) and,
 * when that fails, taken as a plain string with surrounding whitespace and quotes removed
 * (so `-c model=gpt-5.5` works without TOML quoting).
 *
 * @throws {ConfigError} `invalid_override` when there is no `=` or the key is empty or
 *   malformed. The message shows the key only, never the value.
 */
export function parseConfigOverride(raw: string): ConfigOverride {
  const eq = raw.indexOf('=');
  if (eq < 0) {
    // Without '=' we cannot tell key from value, so nothing of the argument is echoed: it may be a
    // token typed with the wrong separator (`-c experimental_bearer_token:sk-…`).
    throw new ConfigError(
      'invalid_override',
      'invalid -c override: expected key=value (the argument has no `=`)',
    );
  }
  const keyText = raw.slice(0, eq).trim();
  const path = parseKeyPath(keyText);
  const key = formatKeyPath(path);
  return { path, key, value: parseOverrideValue(raw.slice(eq + 1)) };
}

function parseKeyPath(keyText: string): string[] {
  const fail = (): never => {
    throw new ConfigError(
      'invalid_override',
      `invalid -c override key \`${keyText}\`: expected a dotted key path`,
      {
        override: keyText,
      },
    );
  };
  if (keyText === '') fail();
  try {
    // Let the TOML parser split (and unquote) the key: `<key> = 0` must yield one chain.
    let node: unknown = parseToml(`${keyText} = 0`, { unsafeKeyBehaviour: 'throw' });
    const path: string[] = [];
    while (typeof node === 'object' && node !== null) {
      const entries = Object.entries(node);
      const first = entries[0];
      if (entries.length !== 1 || first === undefined) return fail();
      path.push(first[0]);
      node = first[1];
    }
    if (node === 0 && path.length > 0) return path;
  } catch (error) {
    if (ConfigError.isInstance(error)) throw error;
  }
  return fail();
}

function parseOverrideValue(text: string): unknown {
  try {
    const table = parseToml(`${VALUE_SENTINEL} = ${text}`, TOML_PARSE_OPTIONS);
    const keys = Object.keys(table);
    if (keys.length === 1 && keys[0] === VALUE_SENTINEL) return table[VALUE_SENTINEL];
  } catch {
    // not a TOML value: fall through to the string form
  }
  return text.trim().replace(/^["']+|["']+$/g, '');
}

/**
 * Sets each override in a (parsed) TOML table, in order, creating intermediate tables and
 * replacing non-table intermediates. Mutates and returns `table`.
 */
export function applyConfigOverrides(
  table: Record<string, unknown>,
  overrides: readonly ConfigOverride[],
): Record<string, unknown> {
  for (const { path, value } of overrides) {
    let node = table;
    for (const segment of path.slice(0, -1)) {
      const next = node[segment];
      if (typeof next === 'object' && next !== null && !Array.isArray(next) && !(next instanceof Date)) {
        node = next as Record<string, unknown>;
      } else {
        const created: Record<string, unknown> = {};
        node[segment] = created;
        node = created;
      }
    }
    node[path[path.length - 1] as string] = value;
  }
  return table;
}
