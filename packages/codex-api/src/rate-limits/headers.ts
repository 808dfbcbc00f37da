import type { CreditsSnapshot, RateLimitSnapshot, RateLimitWindow } from '@codex-ts/protocol';

/** Response headers with lower-cased names (what `@codex-ts/client` hands out). */
export type HeaderBag = Readonly<Record<string, string | undefined>>;

const DEFAULT_LIMIT_ID = 'codex';
const FAMILY_SUFFIX = '-primary-used-percent';

/** `codex_other` / `Codex-Other` → `codex_other` (trimmed, lower case, `-` → `_`). */
export function normalizeLimitId(name: string): string {
  return name.trim().toLowerCase().replace(/-/g, '_');
}

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

function parseFiniteFloat(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function parseInteger(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

function parseBool(raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return undefined;
}

function parseWindow(headers: HeaderBag, prefix: string): RateLimitWindow | undefined {
  const usedPercent = parseFiniteFloat(header(headers, `${prefix}-used-percent`));
  if (usedPercent === undefined) return undefined;
  const windowMinutes = parseInteger(header(headers, `${prefix}-window-minutes`));
  const resetsAt = parseInteger(header(headers, `${prefix}-reset-at`));
  const hasData =
    usedPercent !== 0 || (windowMinutes !== undefined && windowMinutes !== 0) || resetsAt !== undefined;
  if (!hasData) return undefined;
  const window: RateLimitWindow = { usedPercent };
  if (windowMinutes !== undefined) window.windowMinutes = windowMinutes;
  if (resetsAt !== undefined) window.resetsAt = resetsAt;
  return window;
}

/**
 * The `x-codex-credits-*` headers: `has-credits` and `unlimited` are both required
 * (`true`/`false`/`1`/`0`, any case); `balance` is optional (trimmed, ignored when empty).
 * The same headers apply to every limit family.
 */
export function parseCreditsHeaders(headers: HeaderBag): CreditsSnapshot | undefined {
  const hasCredits = parseBool(header(headers, 'x-codex-credits-has-credits'));
  const unlimited = parseBool(header(headers, 'x-codex-credits-unlimited'));
  if (hasCredits === undefined || unlimited === undefined) return undefined;
  const credits: CreditsSnapshot = { hasCredits, unlimited };
  const balance = header(headers, 'x-codex-credits-balance')?.trim();
  if (balance) credits.balance = balance;
  return credits;
}

/**
 * One rate-limit family from response headers. `limitId` defaults to `codex`; it is
 * lower-cased with `_` → `-` to give the header prefix `x-<id>` (`codex_other` reads
 * `x-codex-other-primary-used-percent`, …). Always returns a snapshot (windows and credits
 * may be absent); `limitId` of the result uses `_`.
 */
export function parseRateLimitForLimit(headers: HeaderBag, limitId?: string): RateLimitSnapshot {
  const trimmed = limitId?.trim();
  const family = (trimmed ? trimmed : DEFAULT_LIMIT_ID).toLowerCase().replace(/_/g, '-');
  const prefix = `x-${family}`;
  const snapshot: RateLimitSnapshot = { limitId: normalizeLimitId(family) };
  const limitName = header(headers, `${prefix}-limit-name`)?.trim();
  if (limitName) snapshot.limitName = limitName;
  const primary = parseWindow(headers, `${prefix}-primary`);
  if (primary) snapshot.primary = primary;
  const secondary = parseWindow(headers, `${prefix}-secondary`);
  if (secondary) snapshot.secondary = secondary;
  const credits = parseCreditsHeaders(headers);
  if (credits) snapshot.credits = credits;
  return snapshot;
}

/**
 * Every rate-limit family in a response's headers, in emission order:
 * the default `codex` family first, **always** (even when it has no data), then every other
 * family named by an `x-<id>-primary-used-percent` header, sorted by id, kept only when it has
 * a primary window, a secondary window or credits. Header names must be lower case.
 */
export function parseRateLimitHeaders(headers: HeaderBag): RateLimitSnapshot[] {
  const snapshots: RateLimitSnapshot[] = [parseRateLimitForLimit(headers)];
  const ids = new Set<string>();
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('x-') || !lower.endsWith(FAMILY_SUFFIX)) continue;
    const family = lower.slice(2, lower.length - FAMILY_SUFFIX.length);
    if (family === '') continue;
    const id = normalizeLimitId(family);
    if (id !== DEFAULT_LIMIT_ID) ids.add(id);
  }
  for (const id of [...ids].sort()) {
    const snapshot = parseRateLimitForLimit(headers, id);
    if (snapshot.primary || snapshot.secondary || snapshot.credits) snapshots.push(snapshot);
  }
  return snapshots;
}

/** `x-codex-promo-message`, trimmed; undefined when absent or blank. */
export function parsePromoMessage(headers: HeaderBag): string | undefined {
  const value = header(headers, 'x-codex-promo-message')?.trim();
  return value ? value : undefined;
}
