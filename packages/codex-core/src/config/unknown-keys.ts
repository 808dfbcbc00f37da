import { ConfigError, formatKeyPath } from './config-error.js';
import { isKnownFeature } from './features.js';

/** One config.toml key this version does not know, and the layer that set it. */
export interface UnknownSetting {
  /** Key path segments, e.g. `['model_providers', 'local', 'extra']`. */
  path: string[];
  /** Where it came from: a file (config.toml, a profile file, requirements.toml) or `-c`. */
  source: SettingSource;
}

/** A configuration layer, as the original names it in its warnings. */
export type SettingSource =
  | { kind: 'user'; file: string; text: string }
  | { kind: 'session-flags' }
  | { kind: 'requirements'; file: string };

/** How a source is named in the "ignoring … unrecognized" warning (`user (<file>)`, `session-flags`). */
export function sourceLabel(source: SettingSource): string {
  if (source.kind === 'session-flags') return 'session-flags';
  return `${source.kind} (${source.file})`;
}

interface ParseResult<T> {
  success: boolean;
  data?: T;
  error?: { issues: readonly { code: string; path: readonly PropertyKey[]; keys?: readonly string[] }[] };
}

/**
 * Validates `table` with `parse`, removing the keys the schema does not know (zod
 * `unrecognized_keys`) and `[features]` entries naming no known feature, until only real
 * problems remain. Returns the removed key paths in the order found, and the last parse result
 * (a failure there is a value problem for the caller to report). Mutates `table`.
 */
export function stripUnknownKeys<T>(
  table: Record<string, unknown>,
  parse: (value: unknown) => ParseResult<T>,
): { result: ParseResult<T>; unknown: string[][] } {
  const unknown: string[][] = [];
  const features = table.features;
  if (isTable(features)) {
    for (const name of Object.keys(features)) {
      if (!isKnownFeature(name)) {
        unknown.push(['features', name]);
        delete features[name];
      }
    }
  }
  // Each pass removes at least one key; nesting is shallow, so a few passes suffice.
  for (let pass = 0; pass < 16; pass++) {
    const result = parse(table);
    if (result.success) return { result, unknown };
    const issues = (result.error?.issues ?? []).filter((issue) => issue.code === 'unrecognized_keys');
    if (issues.length === 0) return { result, unknown };
    for (const issue of issues) {
      const parent = nodeAt(table, issue.path.map(String));
      for (const key of issue.keys ?? []) {
        unknown.push([...issue.path.map(String), key]);
        if (parent) delete parent[key];
      }
    }
  }
  return { result: parse(table), unknown };
}

/**
 * The warning 0.169.0 shows for unrecognized settings (as an `error` item in `exec --json`,
 * `warning: …` in human mode): "Codex is ignoring N unrecognized configuration setting[s].
 * Check for typos or deprecated settings." then one line per key, sorted by key:
 * `  <source>: \`<key>\` is ignored.`
 */
export function unknownSettingsWarning(settings: readonly UnknownSetting[]): string | undefined {
  if (settings.length === 0) return undefined;
  const lines = settings
    .map((s) => ({ key: formatKeyPath(s.path), label: sourceLabel(s.source) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((s) => `  ${s.label}: \`${s.key}\` is ignored.`);
  const n = settings.length;
  return [
    `Codex is ignoring ${n} unrecognized configuration setting${n === 1 ? '' : 's'}. Check for typos or deprecated settings.`,
    ...lines,
  ].join('\n');
}

/**
 * The `--strict-config` error for the first unknown setting in 0.169.0's order: a `-c` override
 * ("Error loading config.toml: unknown configuration field `<key>` in -c/--config override"),
 * else the earliest line of the first file in `layerFiles` order (config.toml before the `-p`
 * profile file): "Error loading config.toml:\n<file>:<line>:<col>: unknown configuration field
 * `<key>`" plus the line (its value shown as `***`, unlike the original: it may be a
 * credential) and a caret under the key.
 */
export function strictConfigError(
  settings: readonly UnknownSetting[],
  layerFiles: readonly string[] = [],
): ConfigError {
  const override = settings.find((s) => s.source.kind === 'session-flags');
  if (override) {
    const key = formatKeyPath(override.path);
    return new ConfigError(
      'unknown_key',
      `Error loading config.toml: unknown configuration field \`${key}\` in -c/--config override`,
      { keyPath: key, override: key },
    );
  }
  const rank = (file: string) => {
    const i = layerFiles.indexOf(file);
    return i < 0 ? layerFiles.length : i;
  };
  let best:
    | { setting: UnknownSetting; rank: number; line: number; column: number; length: number; text: string }
    | undefined;
  for (const setting of settings) {
    if (setting.source.kind !== 'user') continue;
    const at = locateKey(setting.source.text, setting.path);
    if (!at) continue;
    const candidate = { setting, rank: rank(setting.source.file), ...at };
    if (
      best === undefined ||
      candidate.rank < best.rank ||
      (candidate.rank === best.rank && candidate.line < best.line)
    )
      best = candidate;
  }
  if (best && best.setting.source.kind === 'user') {
    const { file } = best.setting.source;
    const key = formatKeyPath(best.setting.path);
    const gutter = ' '.repeat(String(best.line).length);
    return new ConfigError(
      'unknown_key',
      [
        'Error loading config.toml:',
        `${file}:${best.line}:${best.column}: unknown configuration field \`${key}\``,
        `${gutter} |`,
        `${best.line} | ${best.text}`,
        `${gutter} | ${' '.repeat(best.column - 1)}${'^'.repeat(best.length)}`,
      ].join('\n'),
      { file, keyPath: key, line: best.line, column: best.column },
    );
  }
  const first = settings[0];
  const key = formatKeyPath(first?.path ?? []);
  const source = first?.source;
  const file = source !== undefined && source.kind !== 'session-flags' ? source.file : 'config.toml';
  return new ConfigError(
    'unknown_key',
    `Error loading config.toml:\n${file}: unknown configuration field \`${key}\``,
    {
      file,
      keyPath: key,
    },
  );
}

/**
 * Finds where `path` is written in a TOML text: a `key = …` line (dotted keys included) under
 * the table headers seen so far, or a `[table]` header naming it. Returns the 1-based line, the
 * 1-based column and length of the key, and the line's text with any value replaced by `***`
 * (a mistyped key may hold a credential); undefined when not found (inline tables, multi-line
 * strings spanning keys).
 */
export function locateKey(
  text: string,
  path: readonly string[],
): { line: number; column: number; length: number; text: string } | undefined {
  const target = formatKeyPath(path);
  let table: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const header = /^(\s*)\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(raw);
    if (header) {
      table = splitKey(header[2] ?? '');
      if (formatKeyPath(table) === target) {
        const column = raw.indexOf(header[2] ?? '') + 1;
        return { line: i + 1, column, length: (header[2] ?? '').length, text: raw };
      }
      continue;
    }
    const assignment = /^(\s*)([A-Za-z0-9_\-."' ]+?)\s*=/.exec(raw);
    if (!assignment) continue;
    const keyText = assignment[2] ?? '';
    const full = [...table, ...splitKey(keyText)];
    for (let n = table.length + 1; n <= full.length; n++) {
      if (formatKeyPath(full.slice(0, n)) === target) {
        // The value may be a credential under a mistyped key: it is never shown.
        const masked = `${(assignment[0] ?? '').trimEnd()} ***`;
        return {
          line: i + 1,
          column: (assignment[1] ?? '').length + 1,
          length: keyText.length,
          text: masked,
        };
      }
    }
  }
  return undefined;
}

function splitKey(keyText: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|$)/gy;
  let match = re.exec(keyText);
  while (match !== null && match[0] !== '') {
    out.push(match[1] ?? match[2] ?? match[3] ?? '');
    match = re.exec(keyText);
  }
  return out;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function nodeAt(
  table: Record<string, unknown>,
  path: readonly string[],
): Record<string, unknown> | undefined {
  let node: unknown = table;
  for (const segment of path) {
    if (!isTable(node)) return undefined;
    node = node[segment];
  }
  return isTable(node) ? node : undefined;
}
