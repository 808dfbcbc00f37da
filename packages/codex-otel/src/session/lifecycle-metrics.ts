/**
 * The session, start-up, turn and tool metrics of SessionTelemetry (names and tags as 0.169.0
 * exported them, otel-capture 2026-12-03). Internal to the package: `SessionMetrics` owns one.
 */

import { type Attributes, type Counter, type Histogram, type Meter, ValueType } from '@opentelemetry/api';
import { TelemetryMetricNames } from '../names.js';
import type { StartupPhaseRecord, TurnTokenUsageRecord } from './lifecycle-types.js';
import { sanitizeMetricTagValue } from './tags.js';
import { durationValue } from './values.js';

/** `codex.turn.token_usage` data points: `token_type` tag → field. */
const TOKEN_TYPES: ReadonlyArray<readonly [tokenType: string, field: keyof TurnTokenUsageRecord]> = [
  ['input', 'inputTokens'],
  ['cached_input', 'cachedInputTokens'],
  ['cache_write_input', 'cacheWriteInputTokens'],
  ['output', 'outputTokens'],
  ['reasoning_output', 'reasoningOutputTokens'],
  ['total', 'totalTokens'],
];

/**
 * The instruments, created once from `meter`. Every recorder returns at once when `enabled` is
 * false (the API's no-op meter). These run a few times per turn, so tag sets are built per call.
 * Throws nothing for well-formed input.
 */
export class LifecycleMetrics {
  private readonly enabled: boolean;
  private sessionTags: Readonly<Attributes>;
  private toolCallTags: Readonly<Record<string, string>> = {};
  private readonly processStartCounter: Counter;
  private readonly threadStartedCounter: Counter;
  private readonly startupPhaseHistogram: Histogram;
  private readonly prewarmDuration: Histogram;
  private readonly prewarmAge: Histogram;
  private readonly prewarmCheck: Counter;
  private readonly wsConnectCounter: Counter;
  private readonly wsConnectDuration: Histogram;
  private readonly modelWarningCounter: Counter;
  private readonly turnE2e: Histogram;
  private readonly turnTtftHistogram: Histogram;
  private readonly turnTtfmHistogram: Histogram;
  private readonly turnTokenUsageHistogram: Histogram;
  private readonly turnToolCallHistogram: Histogram;
  private readonly toolCallCounter: Counter;
  private readonly toolCallDuration: Histogram;
  private readonly turnCountCounter: Counter;

  constructor(meter: Meter, enabled: boolean, sessionTags: Readonly<Attributes>) {
    this.enabled = enabled;
    this.sessionTags = sessionTags;
    const M = TelemetryMetricNames;
    const counter = (name: string, description: string) =>
      meter.createCounter(name, { description, valueType: ValueType.INT });
    const ms = (name: string, description: string) =>
      meter.createHistogram(name, { description, unit: 'ms' });
    const plain = (name: string, description: string) =>
      meter.createHistogram(name, { description, valueType: ValueType.INT });
    this.processStartCounter = counter(M.processStart, 'Processes started');
    this.threadStartedCounter = counter(M.threadStarted, 'Threads started');
    this.startupPhaseHistogram = ms(M.startupPhaseDuration, 'Start-up phase duration');
    this.prewarmDuration = ms(M.startupPrewarmDuration, 'Startup prewarm duration');
    this.prewarmAge = ms(M.startupPrewarmAgeAtFirstTurn, 'Startup prewarm age when the first turn used it');
    this.prewarmCheck = counter(M.startupPrewarmWebsocketCheck, 'Startup prewarm WebSocket checks');
    this.wsConnectCounter = counter(M.websocketConnect, 'WebSocket connects');
    this.wsConnectDuration = ms(M.websocketConnectDuration, 'WebSocket connect duration');
    this.modelWarningCounter = counter(M.modelWarning, 'Model warnings shown');
    this.turnE2e = ms(M.turnE2eDuration, 'Turn end-to-end duration');
    this.turnTtftHistogram = ms(M.turnTtftDuration, 'Turn time to first token');
    this.turnTtfmHistogram = ms(M.turnTtfmDuration, 'Turn time to first message');
    this.turnTokenUsageHistogram = plain(M.turnTokenUsage, 'Tokens used by a turn');
    this.turnToolCallHistogram = plain(M.turnToolCall, 'Tool calls in a turn');
    this.toolCallCounter = counter(M.toolCall, 'Tool calls');
    this.toolCallDuration = ms(M.toolCallDuration, 'Tool call duration');
    this.turnCountCounter = counter(M.conversationTurnCount, 'Turns of the conversation');
  }

  /** New session tags (after a model switch). */
  setSessionTags(tags: Readonly<Attributes>): void {
    this.sessionTags = tags;
  }

  private tags(extra: Record<string, string>): Attributes {
    const out: Attributes = { ...this.sessionTags };
    for (const key in extra) out[key] = sanitizeMetricTagValue(extra[key] as string);
    return out;
  }

  /** `codex.process.start` with the bounded `originator` tag only. */
  processStart(originatorTag: string): void {
    if (this.enabled) this.processStartCounter.add(1, { originator: originatorTag });
  }

  /** `codex.thread.started`, tags `is_git`, `is_worktree` (`true` | `false` | `unknown`). */
  threadStarted(isGit: string, isWorktree: string): void {
    if (this.enabled) this.threadStartedCounter.add(1, this.tags({ is_git: isGit, is_worktree: isWorktree }));
  }

  /** `codex.startup.phase.duration_ms`, tags `phase`, `status` (when given). */
  startupPhase(record: StartupPhaseRecord): void {
    if (!this.enabled) return;
    const extra: Record<string, string> = { phase: record.phase };
    if (record.status !== undefined) extra.status = record.status;
    this.startupPhaseHistogram.record(durationValue(record.durationMs), this.tags(extra));
  }

  /** `codex.startup_prewarm.duration_ms`, tags `input = base`, `status`. */
  startupPrewarm(durationMs: number, status: string): void {
    if (this.enabled)
      this.prewarmDuration.record(durationValue(durationMs), this.tags({ input: 'base', status }));
  }

  /** `codex.startup_prewarm.age_at_first_turn_ms`, tag `status`. */
  startupPrewarmAge(ageMs: number, status: string): void {
    if (this.enabled) this.prewarmAge.record(durationValue(ageMs), this.tags({ status }));
  }

  /** `codex.startup_prewarm.websocket_check`, tags `input = base`, `outcome`. */
  startupPrewarmWebsocketCheck(outcome: string): void {
    if (this.enabled) this.prewarmCheck.add(1, this.tags({ input: 'base', outcome }));
  }

  /** `codex.websocket.connect` + `….duration_ms`, tags `reauth`, `success`. */
  websocketConnect(reauth: boolean, success: boolean, durationMs: number): void {
    if (!this.enabled) return;
    const tags = this.tags({ reauth: String(reauth), success: String(success) });
    this.wsConnectCounter.add(1, tags);
    this.wsConnectDuration.record(durationValue(durationMs), tags);
  }

  /** `codex.model_warning` (session tags). */
  modelWarning(): void {
    if (this.enabled) this.modelWarningCounter.add(1, this.sessionTags);
  }

  /** `codex.turn.e2e_duration_ms`, `codex.turn.ttft.duration_ms`, `codex.turn.ttfm.duration_ms` (session tags). */
  turnTiming(which: 'e2e' | 'ttft' | 'ttfm', durationMs: number): void {
    if (!this.enabled) return;
    const histogram =
      which === 'e2e' ? this.turnE2e : which === 'ttft' ? this.turnTtftHistogram : this.turnTtfmHistogram;
    histogram.record(durationValue(durationMs), this.sessionTags);
  }

  /** `codex.turn.token_usage`: one point per `token_type`, tag `tmp_mem_enabled = false`. */
  turnTokenUsage(usage: TurnTokenUsageRecord): void {
    if (!this.enabled) return;
    for (const [tokenType, field] of TOKEN_TYPES) {
      const value = usage[field];
      if (Number.isFinite(value) && value >= 0)
        this.turnTokenUsageHistogram.record(
          value,
          this.tags({ tmp_mem_enabled: 'false', token_type: tokenType }),
        );
    }
  }

  /** `codex.turn.tool.call`: tool calls of the turn, tag `tmp_mem_enabled = false`. */
  turnToolCalls(count: number): void {
    if (this.enabled)
      this.turnToolCallHistogram.record(Math.max(0, count), this.tags({ tmp_mem_enabled: 'false' }));
  }

  /**
   * `codex.tool.call` + `codex.tool.call.duration_ms`: the session tags, the sandbox tags
   * ({@link setToolCallTags}), `tool`, `success`, then `extra` (e.g. `command_category`).
   */
  toolCall(
    tool: string,
    success: boolean,
    durationMs: number,
    extra?: Readonly<Record<string, string>>,
  ): void {
    if (!this.enabled) return;
    const tags = this.tags({ ...this.toolCallTags, tool, success: String(success), ...extra });
    this.toolCallCounter.add(1, tags);
    this.toolCallDuration.record(durationValue(durationMs), tags);
  }

  /** Tags every later `codex.tool.call` point carries (0.169.0: `sandbox`, `sandbox_policy`). */
  setToolCallTags(tags: Readonly<Record<string, string>>): void {
    this.toolCallTags = { ...tags };
  }

  /** `codex.conversation.turn.count` (session tags). */
  conversationTurn(): void {
    if (this.enabled) this.turnCountCounter.add(1, this.sessionTags);
  }
}
