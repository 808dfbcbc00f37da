// Runs one compaction of a conversation with the chosen implementation (upstream
// `codex-rs/core/src/compact.rs` `run_compact_task_inner` / `compact_remote_v2.rs`): the one
// place the three implementations are told apart.

import type { ResponseItem } from '@codex-ts/protocol';
import type { ModelClient } from '../client/model-client.js';
import type { ModelClientSession } from '../client/model-client-session.js';
import type { SamplingRequest } from '../client/request-builder.js';
import type { CompactionMetadata, TurnMetadataInput } from '../metadata/turn-metadata.js';
import { runRemoteCompactionV2, runResponsesCompact } from './remote-compaction.js';
import { type CompactionOutcome, runCompaction } from './run-compaction.js';
import {
  type CompactionImplementation,
  type CompactionPhase,
  type CompactionTrigger,
  compactionMetadata,
} from './strategy.js';

/** @internal Inputs of {@link compactWith}. */
export interface CompactWithOptions {
  client: ModelClient;
  implementation: CompactionImplementation;
  phase: CompactionPhase;
  trigger: CompactionTrigger;
  /** The history to compact (not modified). */
  history: readonly ResponseItem[];
  /** The scope of the turn the compaction belongs to (v2 sends on it). */
  session: ModelClientSession;
  /** The turn's latched `x-codex-turn-state`. */
  turnState: string | undefined;
  /** The turn's metadata values (`turnId`, start time, trigger, model, effort). */
  turnMetadata: Omit<TurnMetadataInput, 'requestKind' | 'compaction'>;
  /** The conversation's ordinary request for an input and metadata. */
  samplingRequest(items: ResponseItem[], metadata: TurnMetadataInput): SamplingRequest;
  signal?: AbortSignal | undefined;
}

/**
 * @internal Compacts `history` with `implementation` (see `CompactionImplementation`); every
 * request carries turn metadata `request_kind: "compaction"` and the {@link compactionMetadata}
 * object of `implementation`, `phase` and `trigger`. `responses`: a request of its own (new turn
 * scope carrying `turnState`) with `tools: []` and `parallel_tool_calls: false`; the other two keep
 * the conversation's request fields. Resolves with the new history (the client is in its next
 * context window); rejects as the implementation does.
 */
export function compactWith(options: CompactWithOptions): Promise<CompactionOutcome> {
  const { client, implementation, history, signal } = options;
  const compaction: CompactionMetadata = compactionMetadata(implementation, options.phase, options.trigger);
  const request = (items: ResponseItem[]) =>
    options.samplingRequest(items, { ...options.turnMetadata, requestKind: 'compaction', compaction });
  switch (implementation) {
    case 'responses_compaction_v2':
      return runRemoteCompactionV2({
        client,
        session: options.session,
        history,
        makeRequest: request,
        signal,
      });
    case 'responses_compact':
      return runResponsesCompact({
        client,
        compact: client.compactClient,
        history,
        request: request([]),
        turnState: options.turnState,
        session: options.session,
        signal,
      });
    default:
      return runCompaction({
        client,
        history,
        makeRequest: (items) => ({ ...request(items), tools: [], parallelToolCalls: false }),
        turnState: options.turnState,
        signal,
      });
  }
}
