import type { CreditsSnapshot, RateLimitSnapshot, RateLimitWindow } from '@codex-ts/protocol';
import { isObject } from '../internal/json.js';
import { normalizeLimitId } from './headers.js';

function optionalInteger(value: unknown): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

function eventWindow(value: unknown): RateLimitWindow | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || typeof value.used_percent !== 'number') return null;
  const windowMinutes = optionalInteger(value.window_minutes);
  const resetsAt = optionalInteger(value.reset_at);
  if (windowMinutes === null || resetsAt === null) return null;
  const window: RateLimitWindow = { usedPercent: value.used_percent };
  if (windowMinutes !== undefined) window.windowMinutes = windowMinutes;
  if (resetsAt !== undefined) window.resetsAt = resetsAt;
  return window;
}

/**
 * Reads a WebSocket `codex.rate_limits` event:
 * `{type:"codex.rate_limits", plan_type?, rate_limits?:{primary?:{used_percent, window_minutes?, reset_at?}, secondary?},
 * credits?:{has_credits, unlimited, balance?}, metered_limit_name?, limit_name?}`.
 * `limitId` is the normalised `metered_limit_name ?? limit_name ?? "codex"`, `limitName` is left
 * unset, `reset_at` (unix seconds) becomes `resetsAt`, `plan_type` is carried over.
 * Returns undefined when the value is not such an event or a field has the wrong type
 * (the original drops the whole event then). Never throws.
 */
export function parseRateLimitEvent(event: unknown): RateLimitSnapshot | undefined {
  if (!isObject(event) || event.type !== 'codex.rate_limits') return undefined;
  let primary: RateLimitWindow | undefined;
  let secondary: RateLimitWindow | undefined;
  const details = event.rate_limits;
  if (details !== undefined && details !== null) {
    if (!isObject(details)) return undefined;
    const p = eventWindow(details.primary);
    const s = eventWindow(details.secondary);
    if (p === null || s === null) return undefined;
    primary = p;
    secondary = s;
  }
  let credits: CreditsSnapshot | undefined;
  const rawCredits = event.credits;
  if (rawCredits !== undefined && rawCredits !== null) {
    if (
      !isObject(rawCredits) ||
      typeof rawCredits.has_credits !== 'boolean' ||
      typeof rawCredits.unlimited !== 'boolean'
    ) {
      return undefined;
    }
    credits = { hasCredits: rawCredits.has_credits, unlimited: rawCredits.unlimited };
    if (typeof rawCredits.balance === 'string') credits.balance = rawCredits.balance;
  }
  const name =
    typeof event.metered_limit_name === 'string'
      ? event.metered_limit_name
      : typeof event.limit_name === 'string'
        ? event.limit_name
        : undefined;
  const snapshot: RateLimitSnapshot = { limitId: name === undefined ? 'codex' : normalizeLimitId(name) };
  if (primary) snapshot.primary = primary;
  if (secondary) snapshot.secondary = secondary;
  if (credits) snapshot.credits = credits;
  if (typeof event.plan_type === 'string') snapshot.planType = event.plan_type;
  return snapshot;
}
