/**
 * Request metadata the original sends with every Responses request: the
 * `x-codex-turn-metadata` JSON (header and `client_metadata`), the `client_metadata` map,
 * and the window id. Key names and order follow what codex-cli 0.169.0 sent
 * (observed-cli-0.169.md §4).
 */

import { WS_STREAM_REQUEST_START_MS } from '@codex-ts/api';

/** What a request is for (`request_kind` in the turn metadata). */
export type RequestKind = 'turn' | 'prewarm' | 'compaction';

/** Session-wide identifiers shared by every request of a conversation. */
export interface SessionIdentity {
  /** UUID v4 persisted in `$CODEX_HOME/installation_id`. */
  installationId: string;
  /** Session id (equal to the thread id in `exec`). */
  sessionId: string;
  /** Thread id (UUID v7). */
  threadId: string;
  /** A UUID v7 naming the current context window (new after compaction). */
  contextWindowId: string;
  /** Context-window generation: 0 until the first compaction. */
  windowNumber: number;
  /** `new` for a fresh thread, `cold_resume` for a resumed one. */
  historyInitialization: 'new' | 'cold_resume';
  /** The sandbox the session runs tools under (`none` when tools run unsandboxed). */
  sandbox: string;
  /** The configured sandbox mode (`read-only`, `workspace-write`, `danger-full-access`). */
  sandboxMode: string;
  /** `thread_source` (`exec --thread-source <SOURCE>`, any string); default `user`. */
  threadSource?: string | undefined;
  /** `auto_review_enabled` (true under `exec --approve-for-me`); default false. */
  autoReviewEnabled?: boolean | undefined;
}

/**
 * The `compaction` object of a compaction request's turn metadata (0.169.0, automatic
 * mid-turn compaction: `{trigger:"auto", reason:"context_limit", implementation:"responses",
 * phase:"mid_turn", strategy:"memento"}`, keys in this order).
 */
export interface CompactionMetadata {
  trigger: string;
  reason: string;
  implementation: string;
  phase: string;
  strategy: string;
}

/** Per-request values of the turn metadata. */
export interface TurnMetadataInput {
  requestKind: RequestKind;
  /** Turn id (UUID v7); `""` on the prewarm. */
  turnId: string;
  /** Unix ms when the turn started; absent on the prewarm. */
  turnStartedAtUnixMs?: number | undefined;
  /** `exec` for turns started by `codex exec`; absent on the prewarm. */
  turnTrigger?: string | undefined;
  model: string;
  reasoningEffort?: string | undefined;
  /**
   * `node_repl_auto_review_required` (default false): the model's catalog entry flag (0.169.0
   * sent `true` with `gpt-6.1-sol`, on the prewarm too).
   */
  nodeReplAutoReviewRequired?: boolean | undefined;
  /**
   * Set on `requestKind: "compaction"`: written as the `compaction` key where a turn has
   * `model` / `reasoning_effort` (a compaction request carries neither).
   */
  compaction?: CompactionMetadata | undefined;
  /** Caller-supplied keys (string values) merged after the canonical ones; reserved keys are ignored. */
  extra?: Readonly<Record<string, string>> | undefined;
}

/** `<thread_id>:<window number>`, the `x-codex-window-id` value. */
export function windowId(identity: Pick<SessionIdentity, 'threadId' | 'windowNumber'>): string {
  return `${identity.threadId}:${identity.windowNumber}`;
}

/** Largest number of caller-supplied keys kept, and their size limits in bytes. */
const EXTRA_LIMITS = { count: 16, keyBytes: 64, valueBytes: 128 } as const;

/**
 * Turn-metadata keys Codex owns (every key {@link turnMetadata} may write, plus the original's
 * lineage and compaction keys). A caller's `extra` entry with one of these names is dropped even when
 * the request leaves the key out (e.g. `root_turn_id` and `turn_started_at_unix_ms` on a prewarm).
 */
export const RESERVED_TURN_METADATA_KEYS: ReadonlySet<string> = new Set([
  'installation_id',
  'session_id',
  'thread_id',
  'agent_name',
  'turn_id',
  'window_id',
  'window_number',
  'context_window_id',
  'request_kind',
  'history_initialization',
  'root_turn_id',
  'parent_turn_id',
  'parent_thread_id',
  'forked_from_thread_id',
  'thread_source',
  'turn_trigger',
  'sandbox',
  'sandbox_mode',
  'auto_review_enabled',
  'node_repl_auto_review_required',
  'node_repl_disabled',
  'turn_started_at_unix_ms',
  'analytics_enabled',
  'model',
  'reasoning_effort',
  'compaction',
  'subagent',
]);

/**
 * The turn metadata object, keys in 0.169.0's order. Caller-supplied `extra` keys never set a
 * key of {@link RESERVED_TURN_METADATA_KEYS}, present in this request or not.
 */
export function turnMetadata(identity: SessionIdentity, input: TurnMetadataInput): Record<string, unknown> {
  // A mid-turn compaction request carries the turn's keys (0.169.0 §16), not the model's.
  const isTurn = input.requestKind !== 'prewarm';
  const isCompaction = input.requestKind === 'compaction';
  const meta: Record<string, unknown> = {
    installation_id: identity.installationId,
    session_id: identity.sessionId,
    thread_id: identity.threadId,
    agent_name: '/root',
    turn_id: input.turnId,
    window_id: windowId(identity),
    window_number: identity.windowNumber,
    context_window_id: identity.contextWindowId,
    request_kind: input.requestKind,
    history_initialization: identity.historyInitialization,
  };
  if (isTurn) meta.root_turn_id = input.turnId;
  meta.thread_source = identity.threadSource ?? 'user';
  if (isTurn && input.turnTrigger) meta.turn_trigger = input.turnTrigger;
  meta.sandbox = identity.sandbox;
  meta.sandbox_mode = identity.sandboxMode;
  meta.auto_review_enabled = identity.autoReviewEnabled ?? false;
  meta.node_repl_auto_review_required = input.nodeReplAutoReviewRequired === true;
  meta.node_repl_disabled = false;
  if (isTurn && input.turnStartedAtUnixMs !== undefined)
    meta.turn_started_at_unix_ms = input.turnStartedAtUnixMs;
  meta.analytics_enabled = true;
  if (isCompaction) {
    if (input.compaction) meta.compaction = { ...input.compaction };
  } else {
    meta.model = input.model;
    if (input.reasoningEffort) meta.reasoning_effort = input.reasoningEffort;
  }
  if (input.extra) {
    let added = 0;
    for (const [key, value] of Object.entries(input.extra)) {
      if (added >= EXTRA_LIMITS.count) break;
      if (key in meta || RESERVED_TURN_METADATA_KEYS.has(key)) continue;
      if (
        Buffer.byteLength(key) > EXTRA_LIMITS.keyBytes ||
        Buffer.byteLength(value) > EXTRA_LIMITS.valueBytes
      )
        continue;
      meta[key] = value;
      added++;
    }
  }
  return meta;
}

/** JSON with every non-ASCII character written as `\uXXXX`, safe for an HTTP header value. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The `client_metadata` map of a request body: installation id, session and thread
 * ids, turn ids, window id and the turn metadata JSON string. `mcpAttribution` adds the
 * `mcp_attribution` key the built-in OpenAI provider sends; `guardianCreditsRequested` adds
 * `guardian_credits_requested: "true"` (ChatGPT Codex backend, observed-cli-0.169-auth §5; the
 * original's key order there varies from run to run, ours is fixed).
 */
export function clientMetadata(
  identity: SessionIdentity,
  input: TurnMetadataInput,
  options: { mcpAttribution?: boolean; guardianCreditsRequested?: boolean } = {},
): Record<string, string> {
  const out: Record<string, string> = {
    'x-codex-installation-id': identity.installationId,
    session_id: identity.sessionId,
    thread_id: identity.threadId,
    turn_id: input.turnId,
  };
  if (input.requestKind !== 'prewarm') out.root_turn_id = input.turnId;
  out['x-codex-window-id'] = windowId(identity);
  out['x-codex-turn-metadata'] = asciiJson(turnMetadata(identity, input));
  if (options.mcpAttribution) out.mcp_attribution = JSON.stringify({ status: 'none' });
  if (options.guardianCreditsRequested) out.guardian_credits_requested = 'true';
  return out;
}

/**
 * `client_metadata` keys Codex owns: callers cannot set them through
 * `SamplingRequest.clientMetadata`, even when Codex leaves them out of a request.
 */
export const RESERVED_CLIENT_METADATA_KEYS: ReadonlySet<string> = new Set([
  'x-codex-installation-id',
  'session_id',
  'thread_id',
  'turn_id',
  'root_turn_id',
  'parent_turn_id',
  'x-codex-window-id',
  'x-codex-turn-metadata',
  'x-codex-parent-thread-id',
  'x-openai-subagent',
  'mcp_attribution',
  'guardian_credits_requested',
  'x-codex-turn-state',
  WS_STREAM_REQUEST_START_MS,
  'ws_request_header_traceparent',
  'ws_request_header_tracestate',
  'ws_request_header_x_openai_internal_codex_responses_lite',
]);

/**
 * `base` plus the caller's entries, insert-if-absent: keys already in `base` and
 * {@link RESERVED_CLIENT_METADATA_KEYS} are skipped. Returns `base` (mutated).
 */
export function mergeCallerClientMetadata(
  base: Record<string, string>,
  extra: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  if (!extra) return base;
  for (const [key, value] of Object.entries(extra)) {
    if (typeof value !== 'string' || key in base || RESERVED_CLIENT_METADATA_KEYS.has(key)) continue;
    base[key] = value;
  }
  return base;
}
