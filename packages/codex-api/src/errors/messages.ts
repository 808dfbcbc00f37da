import type { RateLimitSnapshot } from '@codex-ts/protocol';

/**
 * The user-visible texts of the original client (codex-rs `CodexErr` Display, 0.169.0 where it
 * differs). Exported so callers and tests can compare without retyping them.
 */
export const ErrorTexts = {
  /** `ContextWindowExceeded`. */
  contextWindowExceeded:
    "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.",
  /** `QuotaExceeded`. */
  quotaExceeded: 'Quota exceeded. Check your plan and billing details.',
  /** `UsageNotIncluded`. */
  usageNotIncluded: 'To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus.',
  /** `ServerOverloaded`. */
  serverOverloaded: 'Selected model is at capacity. Please try a different model.',
  /** `InternalServerError`, with the curly apostrophe (U+2019) 0.169.0 prints. */
  internalServerError: 'We\u2019re currently experiencing high demand, which may cause temporary errors.',
  /** `RequestTimeout`. */
  requestTimeout: 'request timed out',
  /** Start of a `response.incomplete` error; the reason follows (`max_output_tokens`, `content_filter`, …). */
  incompleteResponsePrefix: 'Incomplete response returned, reason: ',
  /** `InvalidImageRequest`. */
  invalidImageRequest: 'Image poisoning',
  /** Default `CyberPolicy` message when the server's is blank. */
  cyberPolicyFallback: 'This request has been flagged for possible cybersecurity risk.',
  /** Default `MisalignmentPolicyViolation` message when the server's is blank. */
  misalignmentFallback: 'This request was blocked due to a misalignment policy violation.',
  /** Default `InvalidRequest` message of `response.failed` `invalid_prompt` / `bio_policy`. */
  invalidRequestFallback: 'Invalid request.',
  /** Prefix of an `auth` error: `AuthProvider.authHeaders()` rejected (followed by its message). */
  authFailedPrefix: 'could not get credentials: ',
  /** Caller's AbortSignal fired. */
  aborted: 'request aborted',
  /** Prefix of every `Stream` error. */
  streamPrefix: 'stream disconnected before completion: ',
  /** The stream ended before `response.completed`. */
  streamClosedEarly: 'stream closed before response.completed',
  /** No SSE event within `provider.streamIdleTimeoutMs`. */
  idleTimeout: 'idle timeout waiting for SSE',
  /**
   * No response headers within the stream idle timeout (HTTP; beyond the original, which waits
   * forever). Same family as the SSE idle-timeout text.
   */
  headersTimeout: 'idle timeout waiting for response headers',
  /** missing/unparseable error object. */
  responseFailed: 'response.failed event received',
  /** 403 Cloudflare block. */
  cloudflareBlocked:
    'Access blocked by Cloudflare. This usually happens when connecting from a restricted region',
} as const;

/** `stream disconnected before completion: <detail>` (`CodexErr::Stream`). */
export function streamMessage(detail: string): string {
  return ErrorTexts.streamPrefix + detail;
}

/** Inputs of {@link usageLimitMessage}. `resetsAt` is unix seconds. */
export interface UsageLimitInfo {
  planType?: string | undefined;
  resetsAt?: number | undefined;
  rateLimits?: RateLimitSnapshot | undefined;
  promoMessage?: string | undefined;
  rateLimitReachedType?: string | undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function daySuffix(day: number): string {
  if (day >= 11 && day <= 13) return 'th';
  switch (day % 10) {
    case 1:
      return 'st';
    case 2:
      return 'nd';
    case 3:
      return 'rd';
    default:
      return 'th';
  }
}

/** `3:07 PM` today, else `Mar 5th, 2026 3:07 PM`, in the local time zone. */
function formatResetTime(resetsAtSec: number, now: Date): string {
  const at = new Date(resetsAtSec * 1000);
  const hour12 = at.getHours() % 12 === 0 ? 12 : at.getHours() % 12;
  const time = `${hour12}:${String(at.getMinutes()).padStart(2, '0')} ${at.getHours() < 12 ? 'AM' : 'PM'}`;
  const sameDay =
    at.getFullYear() === now.getFullYear() &&
    at.getMonth() === now.getMonth() &&
    at.getDate() === now.getDate();
  if (sameDay) return time;
  return `${MONTHS[at.getMonth()]} ${at.getDate()}${daySuffix(at.getDate())}, ${at.getFullYear()} ${time}`;
}

function retrySuffix(resetsAt: number | undefined, now: Date): string {
  return resetsAt === undefined ? ' Try again later.' : ` Try again at ${formatResetTime(resetsAt, now)}.`;
}

function retrySuffixAfterOr(resetsAt: number | undefined, now: Date): string {
  return resetsAt === undefined
    ? ' or try again later.'
    : ` or try again at ${formatResetTime(resetsAt, now)}.`;
}

/** The apostrophe 0.169.0 prints in "You’ve hit your usage limit" (U+2019). */
const YOUVE = 'You\u2019ve';

/** Where 0.169.0 sends Plus and Pro users to buy credits (observed for `pro`). */
const USAGE_SETTINGS_URL = 'https://chatgpt.com/settings/usage';

const ADMIN_PLANS: ReadonlySet<string> = new Set([
  'team',
  'self_serve_business_pro_lite',
  'self_serve_business_usage_based',
  'business',
  'ent26',
  'enterprise_cbp_automation',
  'enterprise_cbp_usage_based',
]);

/**
 * The text of a usage-limit error (HTTP 429 `usage_limit_reached`, the same error in a WebSocket
 * error frame or a `response.failed`), chosen like the original's `UsageLimitReachedError`
 * (codex-rs `protocol/src/error.rs`), with 0.169.0's curly apostrophe (U+2019) and usage URL:
 *
 * 1. a named limit other than `codex` / `gpt-reserve` (`rateLimits.limitName`):
 *    "You’ve hit your usage limit for <name>. Switch to another model now, or try again at <T>."
 * 2. `rateLimitReachedType` (`x-codex-rate-limit-reached-type`):
 *    `workspace_owner_credits_depleted` "Your workspace is out of credits. Add credits to continue.",
 *    `workspace_member_credits_depleted` "… Ask your workspace owner to refill in order to continue.",
 *    `workspace_owner_usage_limit_reached` (spend cap) "You hit your spend cap set in your workspace. …",
 *    `workspace_member_usage_limit_reached` "You hit your spend cap set by the owner of your workspace. …";
 *    `rate_limit_reached` falls through;
 * 3. the promo message: "You’ve hit your usage limit. <promo>, or try again at <T>.";
 * 4. per plan: plus → upgrade to Pro or buy credits; pro / prolite / promax → "You’ve hit your usage
 *    limit. Visit https://chatgpt.com/settings/usage to purchase more credits or try again at <T>.";
 *    team / business-like plans → ask the admin; free / go → upgrade to Plus; enterprise, edu,
 *    unknown → "You’ve hit your usage limit. Try again at <T>.".
 *
 * `<T>` is `resetsAt` (unix seconds) in the local time zone: `3:07 PM` on the same local day as
 * `now`, else `Jan 1st, 2100 12:00 AM`; without `resetsAt` the suffix is "… try again later.".
 */
export function usageLimitMessage(info: UsageLimitInfo, now: Date = new Date()): string {
  const after = retrySuffixAfterOr(info.resetsAt, now);
  const limitName = info.rateLimits?.limitName?.trim();
  const lowerName = limitName?.toLowerCase();
  if (limitName && lowerName !== 'codex' && lowerName !== 'gpt-reserve') {
    return `${YOUVE} hit your usage limit for ${limitName}. Switch to another model now,${after}`;
  }
  switch (info.rateLimitReachedType) {
    case 'workspace_owner_credits_depleted':
      return 'Your workspace is out of credits. Add credits to continue.';
    case 'workspace_member_credits_depleted':
      return 'Your workspace is out of credits. Ask your workspace owner to refill in order to continue.';
    case 'workspace_owner_usage_limit_reached':
      return 'You hit your spend cap set in your workspace. Increase your spend cap to continue.';
    case 'workspace_member_usage_limit_reached':
      return 'You hit your spend cap set by the owner of your workspace. Ask an owner to increase your spend cap to continue.';
    default:
      break;
  }
  if (info.promoMessage) {
    return `${YOUVE} hit your usage limit. ${info.promoMessage},${after}`;
  }
  const plan = info.planType?.toLowerCase() ?? '';
  if (plan === 'plus') {
    return `${YOUVE} hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit ${USAGE_SETTINGS_URL} to purchase more credits${after}`;
  }
  if (ADMIN_PLANS.has(plan)) {
    return `${YOUVE} hit your usage limit. To get more access now, send a request to your admin${after}`;
  }
  if (plan === 'free' || plan === 'go') {
    return `${YOUVE} hit your usage limit. Upgrade to Plus to continue using Codex (https://chatgpt.com/explore/plus),${after}`;
  }
  if (plan === 'pro' || plan === 'prolite' || plan === 'promax') {
    return `${YOUVE} hit your usage limit. Visit ${USAGE_SETTINGS_URL} to purchase more credits${after}`;
  }
  return `${YOUVE} hit your usage limit.${retrySuffix(info.resetsAt, now)}`;
}
