const HINT = /try again in\s*(\d+(?:\.\d+)?)\s*(s|ms|seconds?)/i;

/**
 * The retry hint inside a rate-limit message, in ms: matches
 * `try again in <number> <s|ms|second|seconds>` case-insensitively, e.g.
 * "Please try again in 11.054s." → 11054, "try again in 28ms" → 28,
 * "Try again in 35 seconds." → 35000. Returns undefined when there is no hint.
 * (Callers apply it only to `rate_limit_exceeded` errors.)
 */
export function parseRetryAfterHint(message: string | undefined | null): number | undefined {
  if (!message) return undefined;
  const match = HINT.exec(message);
  if (!match) return undefined;
  const value = Number(match[1]);
  if (!Number.isFinite(value)) return undefined;
  const unit = (match[2] ?? '').toLowerCase();
  return unit === 'ms' ? Math.trunc(value) : Math.round(value * 1000);
}

/**
 * A `Retry-After` header value (RFC 9110 §10.2.3) in ms from `now`: delay-seconds (a decimal such as
 * `2` or `1.5` is accepted too) or an HTTP-date (a date in the past gives 0). Returns undefined for
 * an absent, negative or unparseable value.
 */
export function parseRetryAfterHeader(
  value: string | undefined | null,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) {
    const seconds = Number(text);
    return Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined;
  }
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
