import { z } from 'zod';

/** The reasoning efforts the original client knows by name. */
export const KNOWN_REASONING_EFFORTS = [
  'none',
  'minimal',
  'low',
  'medium',
  'high',
  'xhigh',
  'max',
  'ultra',
] as const;

/**
 * `reasoning.effort` on the wire: one of {@link KNOWN_REASONING_EFFORTS} or any other
 * non-empty string (custom efforts are passed through). The empty string is invalid.
 */
export type ReasoningEffort = (typeof KNOWN_REASONING_EFFORTS)[number] | (string & {});

/** Zod schema for {@link ReasoningEffort}: any non-empty string. */
export const ReasoningEffortSchema: z.ZodType<ReasoningEffort, string> = z
  .string()
  .min(1, 'reasoning effort must be a non-empty string');

/**
 * The effort value to put in a request body. `[core]` sends `ultra` as `max`; every other
 * value goes out unchanged.
 */
export function reasoningEffortForWire(effort: ReasoningEffort): ReasoningEffort {
  return effort === 'ultra' ? 'max' : effort;
}

/** `reasoning.summary` on the wire: `auto | concise | detailed | none`. */
export const ReasoningSummarySchema = z.enum(['auto', 'concise', 'detailed', 'none']);
/** See {@link ReasoningSummarySchema}. */
export type ReasoningSummary = z.infer<typeof ReasoningSummarySchema>;

/** `text.verbosity` on the wire: `low | medium | high`. */
export const VerbositySchema = z.enum(['low', 'medium', 'high']);
/** See {@link VerbositySchema}. */
export type Verbosity = z.infer<typeof VerbositySchema>;

/**
 * `service_tier` on the wire: the original's `Fast` is sent as `"priority"`, `Flex` as
 * `"flex"`; other non-empty strings are passed through. The sentinel `"default"` is a config value
 * meaning "send nothing" and must never be put on the wire.
 */
export type ServiceTier = 'priority' | 'flex' | (string & {});

/** Zod schema for {@link ServiceTier}: any non-empty string. */
export const ServiceTierSchema: z.ZodType<ServiceTier, string> = z
  .string()
  .min(1, 'service tier must be a non-empty string');
