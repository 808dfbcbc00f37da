/**
 * Metric tag helpers: value sanitising and the bounded `originator` tag (telemetry.md §2).
 */

const MAX_TAG_VALUE_LENGTH = 256;
const DISALLOWED_TAG_CHARS = /[^A-Za-z0-9._\-/:+@]/g;

/**
 * Makes `value` safe as a metric tag value: characters outside `[A-Za-z0-9._-/:+@]` become `_`,
 * the result is cut to 256 characters, and an empty value becomes `unspecified`.
 */
export function sanitizeMetricTagValue(value: string): string {
  const cleaned = value.trim().replace(DISALLOWED_TAG_CHARS, '_').slice(0, MAX_TAG_VALUE_LENGTH);
  return cleaned.length === 0 ? 'unspecified' : cleaned;
}

/** Originator values kept as-is in the metric `originator` tag; anything else becomes `other`. */
export const KNOWN_ORIGINATOR_TAG_VALUES: readonly string[] = Object.freeze([
  'codex_desktop',
  'codex-app-server',
  'codex_mcp_server',
  'codex_cli_rs',
  'codex-tui',
  'codex_vscode',
  'none',
  'codex_exec',
  'codex-cli',
  'codex_sdk_ts',
  'codex-app-server-sdk',
  'codex_ts',
]);

/**
 * The low-cardinality metric tag for an originator: the sanitised value when it is in
 * {@link KNOWN_ORIGINATOR_TAG_VALUES}, otherwise `other`.
 */
export function boundedOriginatorTagValue(originator: string): string {
  const sanitized = sanitizeMetricTagValue(originator);
  return KNOWN_ORIGINATOR_TAG_VALUES.includes(sanitized) ? sanitized : 'other';
}
