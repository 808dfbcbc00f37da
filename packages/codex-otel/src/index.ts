/**
 * @codex-ts/otel: session-scoped OpenTelemetry instrumentation for the Codex model client
 * (codex-rs `otel` crate, SessionTelemetry). Of OpenTelemetry it depends only on `@opentelemetry/api` and `@opentelemetry/api-logs`; the
 * application registers an SDK (or passes providers) to export anything.
 */

export {
  INSTRUMENTATION_SCOPE,
  LOG_SCOPE,
  METER_SCOPE,
  TelemetryEventNames,
  TelemetryMetricNames,
  TelemetrySpanNames,
} from './names.js';
export {
  AGGREGATED_HISTOGRAMS,
  type AggregatedHistogram,
  type AggregatedHistogramOptions,
  type AggregatedHistogramProvider,
} from './session/aggregated-histograms.js';
export type {
  ConversationStartsInfo,
  SandboxOutcomeRecord,
  StartupPhaseRecord,
  StartupPrewarmAgeStatus,
  ToolDecisionRecord,
  ToolResultRecord,
  TurnProfileRecord,
  TurnTokenUsageRecord,
} from './session/lifecycle-types.js';
export {
  EMIT_OWNED_ATTRIBUTES,
  type OwnedAttributesLogger,
} from './session/owned-emit.js';
export { SessionTelemetry } from './session/session-telemetry.js';
export {
  boundedOriginatorTagValue,
  KNOWN_ORIGINATOR_TAG_VALUES,
  sanitizeMetricTagValue,
} from './session/tags.js';
export type {
  ApiRequestInfo,
  AuthAttemptInfo,
  AuthEnvInfo,
  AuthRecoveryRecord,
  ContinuationRecord,
  ResponseCompletedRecord,
  RetryRecord,
  SessionTelemetryOptions,
  UserPromptCounts,
  WebsocketConnectInfo,
  WebsocketEventInfo,
  WebsocketRequestInfo,
} from './session/types.js';
export {
  contextFromW3cTraceContext,
  injectTraceHeaders,
  parentContextFromEnv,
  type W3cTraceContext,
  w3cTraceContext,
} from './trace-context/w3c.js';
