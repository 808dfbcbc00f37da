// Which compaction a conversation runs and how its requests are labelled (upstream
// `codex-rs/core/src/compact.rs` `should_use_remote_compact_task`, `compact_remote_v2.rs`,
// `model-provider-info` `supports_remote_compaction` / `is_azure_responses_provider`; what
// codex-cli 0.169.0 sent, observed-cli-0.169-auth §16 and the runs recorded in this package's tests).

import type { CompactionMetadata } from '../metadata/turn-metadata.js';

/**
 * How a conversation compacts its history (the `implementation` of the turn metadata's
 * `compaction` object):
 * - `responses`: an ordinary Responses request with `tools: []`, the whole history plus the
 *   checkpoint prompt; the answer's text becomes a summary message (0.169.0 with a custom provider).
 * - `responses_compaction_v2`: remote compaction inline in the Responses stream: the turn's own
 *   request (same tools, on the turn's socket with `previous_response_id` over WebSocket) with a
 *   `{"type":"compaction_trigger"}` item appended; the answer must hold exactly one `compaction`
 *   item, which replaces the dropped history (0.169.0 with the built-in `openai` provider or an
 *   Azure one).
 * - `responses_compact`: `POST {base}/responses/compact` (`CompactClient` of `@codex-ts/api`); its
 *   `output` replaces the history. 0.169.0 never sends it (the binary has no such endpoint);
 *   a host opts in.
 */
export type CompactionImplementation = 'responses' | 'responses_compaction_v2' | 'responses_compact';

/** When a compaction runs: after a response when the turn goes on, before a turn's first request, or on demand. */
export type CompactionPhase = 'mid_turn' | 'pre_turn' | 'standalone_turn';

/** `auto` (the token limit was reached) or `manual` (`Conversation.compact()`). */
export type CompactionTrigger = 'auto' | 'manual';

/** Substrings of a base URL that mark an Azure Responses endpoint (upstream, compared lower-cased). */
const AZURE_MARKERS = [
  'openai.azure.',
  'cognitiveservices.azure.',
  'aoai.azure.',
  'azure-api.',
  'azurefd.',
  'windows.net/openai',
] as const;

/**
 * Whether the provider compacts remotely (upstream `supports_remote_compaction`): OpenAI's own
 * provider (name `OpenAI`, as the built-in `openai`) or an Azure Responses provider (name `azure`
 * in any case, or a base URL containing an Azure marker such as `openai.azure.`).
 */
export function supportsRemoteCompaction(provider: { name: string; baseUrl?: string | undefined }): boolean {
  if (provider.name === 'OpenAI' || provider.name.toLowerCase() === 'azure') return true;
  const url = provider.baseUrl?.toLowerCase();
  return url !== undefined && AZURE_MARKERS.some((marker) => url.includes(marker));
}

/**
 * The implementation 0.169.0 used for a provider: `responses_compaction_v2` when
 * {@link supportsRemoteCompaction}, else `responses`.
 */
export function defaultCompactionImplementation(provider: {
  name: string;
  baseUrl?: string | undefined;
}): CompactionImplementation {
  return supportsRemoteCompaction(provider) ? 'responses_compaction_v2' : 'responses';
}

/**
 * The turn metadata `compaction` object: `{trigger, reason, implementation, phase, strategy}` in
 * that order; `reason` is `context_limit` for `auto` and `user_requested` for `manual`, `strategy`
 * always `memento`. 0.169.0 sent e.g. `{"trigger":"auto","reason":"context_limit",
 * "implementation":"responses_compaction_v2","phase":"pre_turn","strategy":"memento"}`.
 */
export function compactionMetadata(
  implementation: CompactionImplementation,
  phase: CompactionPhase,
  trigger: CompactionTrigger = 'auto',
): CompactionMetadata {
  return {
    trigger,
    reason: trigger === 'auto' ? 'context_limit' : 'user_requested',
    implementation,
    phase,
    strategy: 'memento',
  };
}
