import { z } from 'zod';
import { lazySchema } from '../internal/lazy-schema.js';

/**
 * One rate-limit window. From headers `x-{limit}-{primary|secondary}-used-percent`,
 * `-window-minutes`, `-reset-at`, or from a WebSocket `codex.rate_limits` event (`reset_at` →
 * `resetsAt`).
 */
export const RateLimitWindowSchema = lazySchema(() =>
  z.object({
    /** Share of the window used, in percent (finite float, usually 0…100). */
    usedPercent: z.number(),
    /** Window length in minutes. */
    windowMinutes: z.number().int().optional(),
    /** When the window resets, in unix seconds. */
    resetsAt: z.number().int().optional(),
  }),
);
/** See {@link RateLimitWindowSchema}. */
export type RateLimitWindow = z.infer<typeof RateLimitWindowSchema>;

/**
 * Credits state: from `x-codex-credits-has-credits`, `x-codex-credits-unlimited` (both
 * required) and the optional `x-codex-credits-balance`, or the `credits` object of `codex.rate_limits`.
 */
export const CreditsSnapshotSchema = lazySchema(() =>
  z.object({
    hasCredits: z.boolean(),
    unlimited: z.boolean(),
    /** Balance as sent (a decimal string, e.g. `"123"`), trimmed, non-empty. */
    balance: z.string().optional(),
  }),
);
/** See {@link CreditsSnapshotSchema}. */
export type CreditsSnapshot = z.infer<typeof CreditsSnapshotSchema>;

/** Individual spend-control limit (`individual_limit`); field shapes **unverified**. */
export const IndividualLimitSnapshotSchema = lazySchema(() =>
  z.object({
    limit: z.number().optional(),
    used: z.number().optional(),
    /** Percent remaining. */
    remainingPercent: z.number().optional(),
    /** Reset time, unix seconds. */
    resetsAt: z.number().optional(),
  }),
);
/** See {@link IndividualLimitSnapshotSchema}. */
export type IndividualLimitSnapshot = z.infer<typeof IndividualLimitSnapshotSchema>;

/**
 * One rate-limit record, camelCase domain type. `limitId` is the family id lowercased with
 * `-` → `_` (default `codex`, e.g. `codex_other` for `x-codex-other-*` headers).
 */
export const RateLimitSnapshotSchema = lazySchema(() =>
  z.object({
    limitId: z.string(),
    /** `x-{limit}-limit-name` (trimmed, non-empty). Always unset for `codex.rate_limits` events. */
    limitName: z.string().optional(),
    primary: RateLimitWindowSchema.optional(),
    secondary: RateLimitWindowSchema.optional(),
    credits: CreditsSnapshotSchema.optional(),
    individualLimit: IndividualLimitSnapshotSchema.optional(),
    spendControlReached: z.boolean().optional(),
    /** Plan of the account (e.g. `plus`, `pro`), from `codex.rate_limits.plan_type`. */
    planType: z.string().optional(),
    /** Which limit was reached, when the server says so. */
    rateLimitReachedType: z.string().optional(),
  }),
);
/** See {@link RateLimitSnapshotSchema}. */
export type RateLimitSnapshot = z.infer<typeof RateLimitSnapshotSchema>;
