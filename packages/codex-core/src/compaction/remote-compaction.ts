// Remote compaction: v2 inline in the Responses stream (what codex-cli 0.169.0 did for the
// built-in `openai` provider and Azure ones; upstream `codex-rs/core/src/compact_remote_v2.rs`)
// and the `POST /responses/compact` endpoint (upstream `compact_remote.rs`, `codex-api`
// `endpoint/compact.rs`; not used by 0.169.0, offered to hosts).

import { ApiError, type CompactClient, ErrorTexts } from '@codex-ts/api';
import type { ResponseItem } from '@codex-ts/protocol';
import type { ModelClient } from '../client/model-client.js';
import type { ModelClientSession } from '../client/model-client-session.js';
import type { SamplingRequest } from '../client/request-builder.js';
import { httpRequestBody, httpRequestHeaders } from '../client/request-builder.js';
import { keptHistory } from './history.js';
import type { CompactionOutcome } from './run-compaction.js';

/** The request control item that asks the server to compact inline: `{"type":"compaction_trigger"}`. */
export const COMPACTION_TRIGGER_ITEM: ResponseItem = { type: 'compaction_trigger' } as ResponseItem;

/**
 * The text of the turn failure when a v2 compaction answer does not hold exactly one `compaction`
 * item (0.169.0, word for word: "Error running remote compact task: Fatal error: remote compaction
 * v2 expected exactly one compaction output item, got 0 from 1 output items").
 */
export function remoteCompactionV2OutputError(compactionItems: number, outputItems: number): string {
  return `Error running remote compact task: Fatal error: remote compaction v2 expected exactly one compaction output item, got ${compactionItems} from ${outputItems} output items`;
}

/** Inputs of {@link runRemoteCompactionV2}. */
export interface RemoteCompactionV2Options {
  client: ModelClient;
  /** The turn's scope: the request goes where the turn's requests go (its socket, its turn state). */
  session: ModelClientSession;
  /** The history to compact (not modified). */
  history: readonly ResponseItem[];
  /**
   * Builds the request: the turn's own request (same tools, `parallel_tool_calls`, reasoning) with
   * turn metadata `request_kind: "compaction"` and the `compaction` object.
   */
  makeRequest(input: ResponseItem[]): SamplingRequest;
  signal?: AbortSignal | undefined;
}

/**
 * Remote compaction v2 as 0.169.0 ran it: sends the history followed by
 * {@link COMPACTION_TRIGGER_ITEM} through the turn's own scope (over WebSocket on the turn's
 * socket, continuing with `previous_response_id` and only the new items; over HTTP in full, with
 * the latched `x-codex-turn-state`). The answer must contain exactly one `compaction` item; the
 * history becomes {@link keptHistory} followed by that item (with its `id`), and the client moves
 * to a new context window. Nothing of the answer is shown and its usage is not reported (0.169.0
 * left it out of `turn.completed.usage`).
 *
 * @throws ApiError as a sampling request does (the turn loop retries it like one); a stream that
 *   ends without `response.completed` is `stream_disconnected`; an answer without exactly one
 *   `compaction` item is the non-retryable `invalid_request` {@link remoteCompactionV2OutputError}.
 */
export async function runRemoteCompactionV2(options: RemoteCompactionV2Options): Promise<CompactionOutcome> {
  const { client, session, history, signal } = options;
  const request = options.makeRequest([...history, COMPACTION_TRIGGER_ITEM]);
  const events = await session.stream(request, signal ? { signal } : {});
  const items: ResponseItem[] = [];
  let completed = false;
  for await (const event of events) {
    if (event.type === 'output_item.done') items.push(event.item);
    else if (event.type === 'completed') completed = true;
  }
  if (!completed) throw ApiError.streamDisconnected(ErrorTexts.streamClosedEarly);
  const compactions = items.filter((item) => item.type === 'compaction');
  if (compactions.length !== 1)
    throw new ApiError('invalid_request', remoteCompactionV2OutputError(compactions.length, items.length));
  client.startNewContextWindow();
  return {
    history: [...keptHistory(history), compactions[0] as ResponseItem],
    summary: '',
    usage: undefined,
  };
}

/** Inputs of {@link runResponsesCompact}. */
export interface ResponsesCompactOptions {
  client: ModelClient;
  /** The `/responses/compact` client (same provider, auth and transport as `client`). */
  compact: CompactClient;
  /** The history to compact (not modified). */
  history: readonly ResponseItem[];
  /**
   * The request whose fields the body takes (`model`, `tools`, `parallel_tool_calls`,
   * `reasoning`, `service_tier`, `prompt_cache_key`, `text`) and whose turn metadata the headers
   * carry (`request_kind: "compaction"` with the `compaction` object).
   */
  request: SamplingRequest;
  /** The latched `x-codex-turn-state` of the turn, sent as a header. */
  turnState?: string | undefined;
  /** The turn's scope: latches the answer's `x-codex-turn-state` (when it had none) for the turn's later requests. */
  session?: ModelClientSession | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Compacts through `POST {base}/responses/compact` (`CompactClient.compact`): the body is the
 * turn's request fields with `input` = the whole history (base instructions stay the first
 * developer message, no `instructions`); the headers are the turn request's (`x-codex-beta-features`,
 * `x-codex-turn-state`, `x-codex-window-id`, `x-codex-turn-metadata`, `x-client-request-id`,
 * `session-id`, `thread-id`). The history becomes the developer messages of the old history
 * followed by the answer's `output` without its developer or system messages; the client moves to a
 * new context window, and the answer's `x-codex-turn-state` is latched into `options.session`. An empty history resolves unchanged without a request.
 *
 * @throws ApiError as `CompactClient.compact` rejects (not retried here).
 */
export async function runResponsesCompact(options: ResponsesCompactOptions): Promise<CompactionOutcome> {
  const { client, history, request } = options;
  if (history.length === 0) return { history: [], summary: '', usage: undefined };
  const body = httpRequestBody(client.options, { ...request, input: [...history] });
  const headers = httpRequestHeaders(
    client.options,
    request.metadata,
    options.turnState,
    request.serviceTier,
    request.responsesLite,
  );
  const result = await options.compact.compact(
    {
      model: body.model,
      input: [...history],
      tools: body.tools,
      parallel_tool_calls: body.parallel_tool_calls,
      reasoning: body.reasoning,
      service_tier: body.service_tier,
      prompt_cache_key: body.prompt_cache_key,
      text: body.text as Record<string, unknown> | undefined,
    },
    { extraHeaders: headers, ...(options.signal ? { signal: options.signal } : {}) },
  );
  options.session?.latchTurnState(result.turnState);
  const isDeveloper = (item: ResponseItem) =>
    item.type === 'message' && ['developer', 'system'].includes((item as { role?: string }).role ?? '');
  client.startNewContextWindow();
  return {
    history: [...history.filter(isDeveloper), ...result.output.filter((item) => !isDeveloper(item))],
    summary: '',
    usage: undefined,
  };
}
