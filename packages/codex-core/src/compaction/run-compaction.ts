// The compaction request of automatic mid-turn compaction (observed-cli-0.169-auth §16;
// upstream `codex-rs/core/src/compact.rs` `run_compact_task_inner`): an ordinary Responses
// request on its own turn scope whose answer is the summary.

import { ApiError, ErrorTexts } from '@codex-ts/api';
import type { ResponseItem, TokenUsage } from '@codex-ts/protocol';
import type { ModelClient } from '../client/model-client.js';
import type { SamplingRequest } from '../client/request-builder.js';
import type { CompactionMetadata } from '../metadata/turn-metadata.js';
import { compactedHistory, compactionRequestInput, summaryText } from './history.js';

/** The turn-metadata `compaction` object of an automatic mid-turn compaction, as 0.169.0 sent it. */
export const AUTO_MID_TURN_COMPACTION: CompactionMetadata = {
  trigger: 'auto',
  reason: 'context_limit',
  implementation: 'responses',
  phase: 'mid_turn',
  strategy: 'memento',
};

/** What a finished compaction hands back to the turn loop. */
export interface CompactionOutcome {
  /** The history to continue with (see `compactedHistory`). */
  history: ResponseItem[];
  /** The summary text the model wrote (not shown to the user). */
  summary: string;
  /** The compaction response's usage, when it reported one (added to the turn's total). */
  usage: TokenUsage | undefined;
}

/** Inputs of {@link runCompaction}. */
export interface RunCompactionOptions {
  client: ModelClient;
  /** The history so far (not modified). */
  history: readonly ResponseItem[];
  /**
   * Builds the request for an input: the turn's request with `tools: []`,
   * `parallelToolCalls: false` and metadata `requestKind: "compaction"` with
   * {@link AUTO_MID_TURN_COMPACTION} (the conversation does this).
   */
  makeRequest(input: ResponseItem[]): SamplingRequest;
  /** The turn's latched `x-codex-turn-state`, carried by the compaction request (C-58). */
  turnState?: string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Sends the compaction request (the whole history plus the checkpoint prompt) on a new turn
 * scope of `client` — over WebSocket that is a new connection while the turn holds its own
 * socket, with the full input — and reads the summary from its answer. Nothing of the answer is
 * shown. On success the client moves to a new context window
 * (`ModelClient.startNewContextWindow`) and the compacted history is returned; the scope is ended
 * (its socket goes back to the client cache).
 *
 * @throws ApiError as a sampling request does (the turn loop retries it like one); a stream that
 *   ends without `response.completed` is `stream_disconnected`.
 */
export async function runCompaction(options: RunCompactionOptions): Promise<CompactionOutcome> {
  const { client, history, signal } = options;
  const session = client.newSession({ turnState: options.turnState });
  try {
    const request = options.makeRequest(compactionRequestInput(history));
    const events = await session.stream(request, signal ? { signal } : {});
    const items: ResponseItem[] = [];
    let usage: TokenUsage | undefined;
    let completed = false;
    for await (const event of events) {
      if (event.type === 'output_item.done') items.push(event.item);
      else if (event.type === 'completed') {
        completed = true;
        usage = event.tokenUsage;
      }
    }
    if (!completed) throw ApiError.streamDisconnected(ErrorTexts.streamClosedEarly);
    const summary = summaryText(items);
    client.startNewContextWindow();
    return { history: compactedHistory(history, summary), summary, usage };
  } finally {
    session.end();
  }
}
