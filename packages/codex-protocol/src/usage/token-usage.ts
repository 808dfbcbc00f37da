import { z } from 'zod';
import { lazySchema } from '../internal/lazy-schema.js';

/**
 * `response.completed.response.usage` as the server sends it. Counts are tokens.
 * `input_tokens`, `output_tokens`, `total_tokens` are required; a details object may be `null` or
 * absent, but when present must carry `cached_tokens` / `reasoning_tokens`. Extra fields are allowed.
 */
export const ResponseUsageWireSchema = lazySchema(() =>
  z.looseObject({
    input_tokens: z.number(),
    input_tokens_details: z
      .looseObject({
        cached_tokens: z.number(),
        cache_write_tokens: z.number().nullish(),
      })
      .nullish(),
    output_tokens: z.number(),
    output_tokens_details: z.looseObject({ reasoning_tokens: z.number() }).nullish(),
    total_tokens: z.number(),
    codex_rollout_budget_units: z.number().nullish(),
  }),
);
/** See {@link ResponseUsageWireSchema}. */
export type ResponseUsageWire = z.infer<typeof ResponseUsageWireSchema>;

/**
 * Token counts of one response (or a sum of responses), in tokens. Domain type, camelCase.
 */
export interface TokenUsage {
  /** `input_tokens`: all input tokens, cached ones included. */
  inputTokens: number;
  /** `input_tokens_details.cached_tokens` (0 when the details are absent). */
  cachedInputTokens: number;
  /** `input_tokens_details.cache_write_tokens` (0 when absent). */
  cacheWriteInputTokens: number;
  /** `output_tokens`: all output tokens, reasoning ones included. */
  outputTokens: number;
  /** `output_tokens_details.reasoning_tokens` (0 when the details are absent). */
  reasoningOutputTokens: number;
  /** `total_tokens` as reported by the server. */
  totalTokens: number;
  /** `codex_rollout_budget_units`, when the server sent it (never serialised back out). */
  codexRolloutBudgetUnits?: number;
}

/** Zod schema for the camelCase {@link TokenUsage} domain type. */
export const TokenUsageSchema = lazySchema(
  () =>
    z.object({
      inputTokens: z.number(),
      cachedInputTokens: z.number(),
      cacheWriteInputTokens: z.number(),
      outputTokens: z.number(),
      reasoningOutputTokens: z.number(),
      totalTokens: z.number(),
      codexRolloutBudgetUnits: z.number().optional(),
    }) satisfies z.ZodType<TokenUsage>,
);

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeUsageIssue(usage: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'invalid_type' && valueAt(usage, issue.path) === undefined) {
    const field = String(issue.path[issue.path.length - 1]);
    const parent = issue.path.slice(0, -1).map(String).join('.');
    return parent === ''
      ? `missing required field "${field}"`
      : `"${parent}" is present but lacks required field "${field}"`;
  }
  return `"${path}": ${issue.message}`;
}

/**
 * Maps `response.completed.response.usage` to {@link TokenUsage}: missing details →
 * 0, missing `cache_write_tokens` → 0.
 *
 * Callers treat `usage: null` / absent as "no usage" before calling; this function rejects it.
 *
 * @throws {Error} naming the field, e.g. `invalid response usage: missing required field "total_tokens"`
 *   or `invalid response usage: "input_tokens_details" is present but lacks required field
 *   "cached_tokens"`; a wrong type gives `"output_tokens": Invalid input: expected number, received string`. The original fails the whole `response.completed` then.
 */
export function tokenUsageFromWire(usage: unknown): TokenUsage {
  if (typeof usage !== 'object' || usage === null || Array.isArray(usage)) {
    throw new Error(
      `invalid response usage: expected an object, got ${usage === null ? 'null' : typeof usage}`,
    );
  }
  const result = ResponseUsageWireSchema.safeParse(usage);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new Error(
      `invalid response usage: ${first === undefined ? 'unknown error' : describeUsageIssue(usage, first)}`,
      {
        cause: result.error,
      },
    );
  }
  const wire = result.data;
  const out: TokenUsage = {
    inputTokens: wire.input_tokens,
    cachedInputTokens: wire.input_tokens_details?.cached_tokens ?? 0,
    cacheWriteInputTokens: wire.input_tokens_details?.cache_write_tokens ?? 0,
    outputTokens: wire.output_tokens,
    reasoningOutputTokens: wire.output_tokens_details?.reasoning_tokens ?? 0,
    totalTokens: wire.total_tokens,
  };
  if (wire.codex_rollout_budget_units !== undefined && wire.codex_rollout_budget_units !== null) {
    out.codexRolloutBudgetUnits = wire.codex_rollout_budget_units;
  }
  return out;
}

/** A {@link TokenUsage} with every count 0 (start value for sums). */
export function emptyTokenUsage(): TokenUsage {
  return {
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    outputTokens: 0,
    reasoningOutputTokens: 0,
    totalTokens: 0,
  };
}

/**
 * Field-wise sum `a + b` (how `total_token_usage` accumulates, and how 0.169.0 sums a
 * turn's responses for `turn.completed.usage`). `codexRolloutBudgetUnits` is summed when either has it.
 */
export function addTokenUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  const out: TokenUsage = {
    inputTokens: a.inputTokens + b.inputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    cacheWriteInputTokens: a.cacheWriteInputTokens + b.cacheWriteInputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    reasoningOutputTokens: a.reasoningOutputTokens + b.reasoningOutputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
  if (a.codexRolloutBudgetUnits !== undefined || b.codexRolloutBudgetUnits !== undefined) {
    out.codexRolloutBudgetUnits = (a.codexRolloutBudgetUnits ?? 0) + (b.codexRolloutBudgetUnits ?? 0);
  }
  return out;
}

/** Tokens reserved for the system prompt etc. when computing the context left: 12 000. */
export const CONTEXT_WINDOW_BASELINE_TOKENS = 12_000;

/** `max(cachedInputTokens, 0)`. */
export function cachedInput(usage: TokenUsage): number {
  return Math.max(usage.cachedInputTokens, 0);
}

/** `max(inputTokens - cachedInputTokens, 0)`. */
export function nonCachedInput(usage: TokenUsage): number {
  return Math.max(usage.inputTokens - usage.cachedInputTokens, 0);
}

/** `max(nonCachedInput + max(outputTokens, 0), 0)`: the tokens a user is billed at full rate. */
export function blendedTotal(usage: TokenUsage): number {
  return Math.max(nonCachedInput(usage) + Math.max(usage.outputTokens, 0), 0);
}

/**
 * Percentage (integer 0…100) of the context window still free after `usage.totalTokens`.
 * With B = {@link CONTEXT_WINDOW_BASELINE_TOKENS}: 0 when `contextWindow <= B`, otherwise
 * `round(clamp((cw - B - max(total - B, 0)) / (cw - B) * 100, 0, 100))`. `contextWindow` is in tokens.
 */
export function percentOfContextWindowRemaining(usage: TokenUsage, contextWindow: number): number {
  const base = CONTEXT_WINDOW_BASELINE_TOKENS;
  if (contextWindow <= base) return 0;
  const effectiveWindow = contextWindow - base;
  const used = Math.max(usage.totalTokens - base, 0);
  const remaining = effectiveWindow - used;
  const percent = Math.min(Math.max((remaining / effectiveWindow) * 100, 0), 100);
  return Math.round(percent);
}
