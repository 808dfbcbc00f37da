import { z } from 'zod';
import { lazySchema } from '../internal/lazy-schema.js';
import type { ResponseItem } from '../items/item-schemas.js';
import { safeParseResponseItem } from '../items/parse.js';
import type { TokenUsage } from '../usage/token-usage.js';

/**
 * The envelope of one rollout line (`codex-rs/protocol/src/protocol.rs` `RolloutLine`):
 * `{"timestamp":"2026-12-03T17:53:07.728Z","ordinal":0,"type":…,"payload":…}`. `timestamp` is
 * RFC 3339 UTC with milliseconds; `ordinal` (0, 1, 2, … per file, written by 0.169.0, absent in
 * older files) and any other key are optional.
 */
export const RolloutLineSchema = lazySchema(() =>
  z.looseObject({
    timestamp: z.string(),
    ordinal: z.number().int().optional(),
    type: z.string(),
    payload: z.unknown(),
  }),
);
/** See {@link RolloutLineSchema}. */
export type RolloutLine = z.infer<typeof RolloutLineSchema>;

/**
 * `session_meta` payload (`SessionMeta`; 0.169.0 also writes `session_id`, `runtime_workspace_roots`,
 * `thread_source`, `history_mode`, `context_window`, `git`…, kept as unknown keys): the thread `id`
 * (UUID), its start `timestamp`, the `cwd`, `originator` (`codex_exec`), `cli_version`, `source`
 * (`"exec"`), `model_provider` (the provider id) and `base_instructions.text` (the first
 * developer message of every request).
 */
export const SessionMetaSchema = lazySchema(() =>
  z.looseObject({
    id: z.string(),
    timestamp: z.string(),
    cwd: z.string(),
    originator: z.string(),
    cli_version: z.string(),
    source: z.unknown().optional(),
    model_provider: z.string().nullish(),
    base_instructions: z.looseObject({ text: z.string() }).nullish(),
  }),
);
/** See {@link SessionMetaSchema}. */
export type SessionMeta = z.infer<typeof SessionMetaSchema>;

/**
 * `turn_context` payload (`TurnContextItem`): the settings a turn ran with. `cwd` and `model` are
 * required; `turn_id`, `approval_policy`, `sandbox_policy` (`{"type":"read-only"}`…), `effort`,
 * `summary` and the rest are optional / unknown keys.
 */
export const TurnContextSchema = lazySchema(() =>
  z.looseObject({
    turn_id: z.string().optional(),
    cwd: z.string(),
    model: z.string(),
    approval_policy: z.unknown().optional(),
    sandbox_policy: z.unknown().optional(),
    effort: z.string().nullish(),
    summary: z.unknown().optional(),
  }),
);
/** See {@link TurnContextSchema}. */
export type TurnContext = z.infer<typeof TurnContextSchema>;

/** `event_msg` payload: an event with a string `type` (`task_started`, `token_count`, …) and any fields. */
export const EventMsgSchema = lazySchema(() => z.looseObject({ type: z.string() }));
/** See {@link EventMsgSchema}. */
export type EventMsg = z.infer<typeof EventMsgSchema>;

/**
 * Token usage as a rollout's `token_count` event writes it (`TokenUsage` of protocol.rs), in
 * tokens: `input_tokens, cached_input_tokens, cache_write_input_tokens, output_tokens,
 * reasoning_output_tokens, total_tokens` (missing counts read as 0).
 */
export const RolloutTokenUsageSchema = lazySchema(() =>
  z.looseObject({
    input_tokens: z.number().default(0),
    cached_input_tokens: z.number().default(0),
    cache_write_input_tokens: z.number().default(0),
    output_tokens: z.number().default(0),
    reasoning_output_tokens: z.number().default(0),
    total_tokens: z.number().default(0),
  }),
);
/** See {@link RolloutTokenUsageSchema}. */
export type RolloutTokenUsage = z.infer<typeof RolloutTokenUsageSchema>;

/**
 * `event_msg` `token_count` payload: `info` is null before any usage, else the thread's running
 * `total_token_usage` (across processes of a resumed thread), the `last_token_usage` of the last
 * response and `model_context_window` (tokens, nullable); `rate_limits` is kept as is.
 */
export const TokenCountEventSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('token_count'),
    info: z
      .looseObject({
        total_token_usage: RolloutTokenUsageSchema,
        last_token_usage: RolloutTokenUsageSchema,
        model_context_window: z.number().nullish(),
      })
      .nullish(),
    rate_limits: z.unknown().optional(),
  }),
);
/** See {@link TokenCountEventSchema}. */
export type TokenCountEvent = z.infer<typeof TokenCountEventSchema>;

/** `compacted` payload (`CompactedItem`): the summary `message` and the history that replaced the old one. */
export const CompactedSchema = lazySchema(() =>
  z.looseObject({
    message: z.string(),
    replacement_history: z.array(z.unknown()).nullish(),
  }),
);
/** See {@link CompactedSchema}. */
export type Compacted = z.infer<typeof CompactedSchema>;

/**
 * One typed rollout record (`RolloutItem` of protocol.rs), with the line's `timestamp` and
 * `ordinal`. Record types this package does not model (0.169.0's `world_state`,
 * `token_usage_record`, …) and known types whose payload does not match their schema are `other`
 * (`recordType` names the line's `type`, `payload` is kept verbatim), so a reader never fails on them.
 */
export type RolloutRecord = { timestamp: string; ordinal?: number | undefined } & (
  | { type: 'session_meta'; meta: SessionMeta }
  | { type: 'response_item'; item: ResponseItem }
  | { type: 'turn_context'; context: TurnContext }
  | { type: 'event_msg'; event: EventMsg }
  | { type: 'compacted'; compacted: Compacted }
  | { type: 'other'; recordType: string; payload: unknown }
);

/** A line {@link parseRolloutText} could not read: its 1-based `line` number and why. */
export interface RolloutProblem {
  line: number;
  message: string;
}

/** Result of {@link parseRolloutLine}. */
export type RolloutLineResult = { ok: true; record: RolloutRecord } | { ok: false; message: string };

function typedPayload(type: string, payload: unknown): RolloutRecord | undefined {
  switch (type) {
    case 'session_meta': {
      const meta = SessionMetaSchema.safeParse(payload);
      return meta.success ? ({ type, meta: meta.data } as RolloutRecord) : undefined;
    }
    case 'response_item': {
      const item = safeParseResponseItem(payload);
      return item.success ? ({ type, item: item.item } as RolloutRecord) : undefined;
    }
    case 'turn_context': {
      const context = TurnContextSchema.safeParse(payload);
      return context.success ? ({ type, context: context.data } as RolloutRecord) : undefined;
    }
    case 'event_msg': {
      const event = EventMsgSchema.safeParse(payload);
      return event.success ? ({ type, event: event.data } as RolloutRecord) : undefined;
    }
    case 'compacted': {
      const compacted = CompactedSchema.safeParse(payload);
      return compacted.success ? ({ type, compacted: compacted.data } as RolloutRecord) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Reads one rollout line (without its newline). Never throws: invalid JSON or a value without
 * the `{timestamp, type, payload}` envelope is `{ok: false, message}`; a record type not modelled
 * here, or a known type with a payload that does not match, is an `other` record.
 */
export function parseRolloutLine(line: string): RolloutLineResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, message: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const envelope = RolloutLineSchema.safeParse(value);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    const path = issue?.path.map(String).join('.') || '(line)';
    return { ok: false, message: `not a rollout line: ${path}: ${issue?.message ?? 'invalid'}` };
  }
  const { timestamp, ordinal, type, payload } = envelope.data;
  const typed = typedPayload(type, payload) ?? { type: 'other', recordType: type, payload };
  return { ok: true, record: { timestamp, ...(ordinal === undefined ? {} : { ordinal }), ...typed } };
}

/**
 * Reads a whole rollout file's text (JSON Lines, `\n` or `\r\n`): every readable line in order
 * as a {@link RolloutRecord}, and a {@link RolloutProblem} for each line that is not (malformed
 * JSON, a missing envelope field, or a last line cut short by a crash). Blank lines are skipped.
 * Never throws.
 */
export function parseRolloutText(text: string): { records: RolloutRecord[]; problems: RolloutProblem[] } {
  const records: RolloutRecord[] = [];
  const problems: RolloutProblem[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] as string).replace(/\r$/, '');
    if (line.trim() === '') continue;
    const result = parseRolloutLine(line);
    if (result.ok) records.push(result.record);
    else problems.push({ line: i + 1, message: result.message });
  }
  return { records, problems };
}

/** The camelCase {@link TokenUsage} of a rollout {@link RolloutTokenUsage}. */
export function tokenUsageFromRollout(usage: RolloutTokenUsage): TokenUsage {
  return {
    inputTokens: usage.input_tokens,
    cachedInputTokens: usage.cached_input_tokens,
    cacheWriteInputTokens: usage.cache_write_input_tokens,
    outputTokens: usage.output_tokens,
    reasoningOutputTokens: usage.reasoning_output_tokens,
    totalTokens: usage.total_tokens,
  };
}

/** The rollout form of a {@link TokenUsage}, keys in 0.169.0's order (`codexRolloutBudgetUnits` dropped). */
export function tokenUsageToRollout(usage: TokenUsage): RolloutTokenUsage {
  return {
    input_tokens: usage.inputTokens,
    cached_input_tokens: usage.cachedInputTokens,
    cache_write_input_tokens: usage.cacheWriteInputTokens,
    output_tokens: usage.outputTokens,
    reasoning_output_tokens: usage.reasoningOutputTokens,
    total_tokens: usage.totalTokens,
  };
}
