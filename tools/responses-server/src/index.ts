// @codex-ts/responses-server: a local, scriptable Responses API server (HTTP SSE and WebSocket)
// for tests, the demo and the benchmarks. Everything the package offers is exported here.

export {
  assistantMessage,
  assistantMessageItem,
  completed,
  failed,
  functionCall,
  incomplete,
  openAiError,
  outputItemAdded,
  outputItemDone,
  outputTextDelta,
  reasoningItem,
  reasoningItemBody,
  reasoningSummaryDelta,
  reasoningSummaryDone,
  reasoningSummaryPartAdded,
  responseCreated,
  splitText,
  type TextTurnOptions,
  textTurn,
  type Usage,
  type UsageCounts,
  usage,
} from './events/builders.js';
export { renderSseEvent, sseBody } from './events/sse.js';
export {
  type FakeAuthorizeOutcome,
  type FakeIssuer,
  type FakeIssuerAnswer,
  type FakeIssuerRequest,
  startFakeIssuer,
  unsignedJwt,
} from './issuer/fake-issuer.js';
export {
  type AccountsCheckEntry,
  accountsCheck,
  type ChatgptRoute,
  type ChatgptScenario,
  compacted,
  type JsonReply,
  modelsCatalog,
  type RouteScript,
  tokenRefreshed,
  tokenRefreshFailed,
  traceSummaries,
  validateChatgptScenario,
} from './scenario/chatgpt.js';
export type {
  ErrorStep,
  HandshakeStep,
  HangStep,
  ResponsesEvent,
  Scenario,
  ScenarioFile,
  SseChunking,
  SseDataEvent,
  SseRawEvent,
  SseStep,
  SseStepEvent,
  Step,
  WsCloseAfter,
  WsErrorFrame,
  WsErrorStep,
  WsEventsStep,
  WsFrameEvent,
  WsResponseStep,
  WsScenario,
} from './scenario/types.js';
export {
  loadScenarioFile,
  ScenarioError,
  validateScenario,
  validateScenarioFile,
  validateStep,
  validateWsScenario,
} from './scenario/validate.js';
export type { HeaderPairs, RecordedHandshake, RecordedRequest, RecordedWsFrame } from './server/recording.js';
export {
  type ResponsesServer,
  type ResponsesServerOptions,
  startResponsesServer,
} from './server/server.js';
export { makeTestTls, type TestTlsMaterial } from './server/tls.js';
export {
  type RealtimeScenario,
  type RealtimeStep,
  validateRealtimeScenario,
} from './ws/realtime-endpoint.js';
