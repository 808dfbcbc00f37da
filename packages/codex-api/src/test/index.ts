/**
 * `@codex-ts/api/test`: fixtures shared by the workspace's tests of the Responses endpoints
 * (workspace-only: not published, see tsup.shared.ts). A provider and request bodies for a local
 * server, one responses server (or HTTPS ChatGPT-backend server) per test file, the 0.169.0 wire
 * orders, the fast-check arbitraries and oracle of the event state machine's property tests, and
 * the `ApiError` a promise rejects with.
 */
export { type TestProviderOverrides, testProvider } from './provider.js';
export {
  arbitraryEventArb,
  expectedOutcome,
  isTypedApiError,
  type Outcome,
  outcomeOf,
  recordedStreamArb,
  splitAt,
} from './recorded-streams.js';
export { apiRejection } from './rejection.js';
export { testRequest, testTurnRequest } from './request.js';
export { type ResponsesServerFixture, useChatgptServer, useResponsesServer } from './server.js';
export {
  CHATGPT_HTTP_HEADER_ORDER,
  CHATGPT_WS_HANDSHAKE_HEADER_ORDER,
  HTTP_BODY_KEY_ORDER,
  keysWithout,
  WS_FRAME_KEY_ORDER,
  WS_HANDSHAKE_HEADER_ORDER,
} from './wire-order.js';
