/**
 * @codex-ts/api: typed clients for the Responses endpoints Codex uses, on top of `@codex-ts/client`.
 *
 * - `provider/`: {@link Provider} and URL building.
 * - `auth/`: the {@link AuthProvider} hook and {@link staticBearerAuth}.
 * - `responses/`: the request body ({@link ResponsesApiRequest}, {@link serializeResponsesRequest}),
 *   the event state machine ({@link ResponsesEventMapper}) and {@link ResponsesClient}
 *   (HTTP + SSE).
 * - `rate-limits/`: rate-limit headers and events.
 * - `errors/`: {@link ApiError} and the mapping of transport failures to it.
 * - `chatgpt/`: the ChatGPT backend's side endpoints: workspace routing discovery and the models catalog.
 * - `compact/`: remote compaction (`POST /responses/compact`), a library call hosts can make on demand.
 * - `memories/`: memory trace summaries (`POST /memories/trace_summarize`).
 * - `realtime/`: the realtime WebSocket (voice sessions with a background-agent handoff).
 * - `tls/`: the extra CA bundle of `CODEX_CA_CERTIFICATE`.
 *
 * Units: durations in ms, unix times in seconds, token counts in tokens.
 */

/**
 * The auth hook (`authHeaders()` per attempt, optional `unauthorizedRecovery()` steps after 401
 * answers) and a static bearer helper.
 */
export {
  type AuthProvider,
  staticBearerAuth,
  type UnauthorizedRecovery,
  type UnauthorizedRecoveryStep,
} from './auth/auth-provider.js';
/**
 * The models catalog (observed-cli-auth §7): `ModelsCatalogClient` (`fetch()` → `ModelsCatalog`
 * `{ models: ModelInfo[], etag }` from `GET {baseUrl}/models?client_version=<v>` with `version`,
 * auth headers, `originator`, `user-agent`, `accept: *\/*` in that order; 5 s default deadline),
 * its options, the zod schemas `ModelInfoSchema` / `ModelsResponseSchema` (unknown fields kept),
 * `ModelsCatalogError` (`code`: `unauthorized` (401) | `unexpected_status` | `invalid_response` |
 * `connection_failed` | `request_timeout` | `network` | `aborted`; `status`, `retryable`) and
 * `parseModelsEtag(headers)` (the trimmed `x-models-etag` of a `/responses` answer, or undefined).
 */
export {
  type ModelInfo,
  ModelInfoSchema,
  type ModelsCatalog,
  ModelsCatalogClient,
  type ModelsCatalogClientOptions,
  ModelsCatalogError,
  type ModelsCatalogErrorCode,
  ModelsResponseSchema,
  parseModelsEtag,
} from './chatgpt/models-catalog.js';
/**
 * Workspace routing discovery (observed-cli-auth §1, §4): `WorkspaceRoutingClient`
 * (`discover(accountId, {signal})` → `WorkspaceRouting` `{ accountId, backendOrigin,
 * routingOverride, account }` from `GET {chatgptBaseUrl}wham/accounts/check`, headers
 * `user-agent`, `authorization`, `chatgpt-account-id`, `accept: *\/*`; 401 runs the auth's
 * `UnauthorizedRecovery` steps and asks again; 15 s bound), `resolveWorkspaceRouting(entry,
 * chatgptBaseUrl, required?)` (the origin rules), `routingOverrideHeaders(routing)` (`{
 * 'x-openai-account-routing-override': 'us' | 'us_cr' }` or `{}`), the zod schemas of the answer
 * (`AccountsCheckEntrySchema`, `AccountsCheckResponseSchema`; unknown fields kept),
 * `AccountRoutingOverride` (`NO_CONSTRAINT` | `us` | `us_cr`) and `WorkspaceRoutingError`
 * (`code`: `WorkspaceRoutingErrorCode`, message = the original's text in
 * `WorkspaceRoutingErrorTexts`, `status` (401 for `discovery_unauthorized`), `retryable` for
 * `discovery_failed` and `discovery_timeout`, `isInstance()`).
 */
export {
  type AccountRoutingOverride,
  type AccountsCheckEntry,
  AccountsCheckEntrySchema,
  type AccountsCheckResponse,
  AccountsCheckResponseSchema,
  resolveWorkspaceRouting,
  routingOverrideHeaders,
  type WorkspaceRouting,
  WorkspaceRoutingClient,
  type WorkspaceRoutingClientOptions,
  WorkspaceRoutingError,
  type WorkspaceRoutingErrorCode,
  WorkspaceRoutingErrorTexts,
} from './chatgpt/workspace-routing.js';
/**
 * Remote compaction (codex-rs `codex-api/src/endpoint/compact.rs`): `CompactClient.compact(input,
 * {extraHeaders, signal})` posts a `CompactionInput` (`model`, `input` items, `instructions?`,
 * `tools?`, `parallel_tool_calls`, `reasoning?`, `service_tier?`, `prompt_cache_key?`, `text?`, in
 * that order; `serializeCompactionInput`) to `POST {baseUrl}/responses/compact` and resolves a
 * `CompactionResult` `{ output: ResponseItem[], turnState (x-codex-turn-state), headers }`; an empty
 * input resolves `[]` without a request. Its own deadline per attempt: `timeoutMs`, default
 * `COMPACT_TIMEOUT_IDLE_MULTIPLIER` (4) × `provider.streamIdleTimeoutMs` in ms. Provider retry
 * policy, 401 `unauthorizedRecovery`, redaction; failures are `ApiError`s mapped like the Responses
 * client (`request_timeout`, `connection_failed`, HTTP statuses, `aborted`, auth codes, `stream`
 * for a malformed answer).
 */
export {
  COMPACT_TIMEOUT_IDLE_MULTIPLIER,
  type CompactCallOptions,
  CompactClient,
  type CompactClientOptions,
  type CompactionInput,
  type CompactionResult,
  serializeCompactionInput,
} from './compact/compact-client.js';
/**
 * The one error type of this package: `ApiError` with a stable `code` (`ApiErrorCode`), the
 * user-visible `message` of the original CLI, optional details (`status`, `url`, `body`, response
 * `headers`, `requestId`, `cfRay`, `retryDelayMs` in ms, usage-limit data) and `retryable`;
 * `ApiError.isInstance(value)` (any copy of this package, never a transport error) and
 * `ApiError.streamDisconnected(detail)` ("stream disconnected before completion: <detail>", `stream`).
 */
export { ApiError, type ApiErrorCode, type ApiErrorDetails } from './errors/api-error.js';
/**
 * `apiErrorFromAuthFailure(error)` maps an `AuthProvider.authHeaders()` rejection to the
 * non-retryable `auth` `ApiError` ("could not get credentials: …"), or `aborted`. The clients map
 * every other failure themselves (HTTP statuses as 0.169.0: 429 `insufficient_quota` →
 * `quota_exceeded`, other 429 → `retry_limit` with `retryDelayMs` from a `Retry-After` of 0–60 s).
 */
export { apiErrorFromAuthFailure } from './errors/map-errors.js';
/** The original's user-visible error texts (`ErrorTexts`), for callers that build or match them. */
export { ErrorTexts } from './errors/messages.js';
/**
 * Memory trace summaries (codex-rs `codex-api/src/endpoint/memories.rs`):
 * `TraceSummarizeClient.summarize(input, {extraHeaders, signal})` posts `{model, traces: [{id,
 * metadata: {source_path}, items}], reasoning?: {effort}}` (`ultra` sent as `max`;
 * `serializeTraceSummarizeInput`) to `POST {baseUrl}/memories/trace_summarize` and resolves one
 * `TraceSummary` `{ traceSummary, memorySummary }` per output entry (`raw_memory` accepted for
 * `trace_summary`); no traces resolve `[]` without a request. Same headers, retries, 401 recovery,
 * redaction and `ApiError` mapping as `CompactClient`; `timeoutMs` optional (ms).
 */
export {
  type MemoryTrace,
  serializeTraceSummarizeInput,
  type TraceSummarizeCallOptions,
  TraceSummarizeClient,
  type TraceSummarizeClientOptions,
  type TraceSummarizeInput,
  type TraceSummary,
} from './memories/trace-summarize-client.js';
/** A resolved model provider (base URL, query params, static headers, retry policy, timeouts in ms) and its WebSocket URL. */
export { type Provider, websocketUrlForPath } from './provider/provider.js';
export { parseRateLimitEvent } from './rate-limits/event.js';
/**
 * Rate limits: `parseRateLimitHeaders` (every family of a response's headers, the default `codex`
 * first and always present) and `parseRateLimitEvent` (a WebSocket `codex.rate_limits` event).
 */
export { type HeaderBag, parseRateLimitHeaders } from './rate-limits/headers.js';
/**
 * The realtime WebSocket (codex-rs `codex-api/src/endpoint/realtime_websocket/`):
 * `RealtimeWebsocketClient.connect(config, {extraHeaders, signal})` upgrades
 * `realtimeWebsocketUrl(provider, {version, model})` (`…/v1/realtime?intent=quicksilver` on v1),
 * with `x-session-id` = the conversation id and the `AuthProvider`'s headers (401 →
 * `unauthorizedRecovery` and a new upgrade; other rejections → `unexpected_status` "realtime
 * websocket handshake failed" with `status`), sends `session.update` with the backend prompt
 * (`realtimeSessionBody`: v1 `quicksilver`, v2 `realtime` / `transcription`, 24 kHz PCM) and
 * resolves a `RealtimeConnection`: an async iterable of `RealtimeEvent` (a tagged union: audio and
 * transcript deltas, `handoffRequested` for the background agent with the v1 active transcript
 * capped at 8 KiB, `error`, …; unknown events skipped; close or end of stream ends it once) with
 * `sendAudioFrame`, `sendText`, `sendHandoffOutput`, `sendResponseCreate`, `sendSessionUpdate` and
 * `close()`; sends after the end reject with "realtime websocket connection is closed".
 * `parseRealtimeEvent(text, version)` is the parser alone.
 */
export {
  REALTIME_HANDSHAKE_FAILED,
  type RealtimeConnectOptions,
  type RealtimeSessionConfig,
  RealtimeWebsocketClient,
  type RealtimeWebsocketClientOptions,
} from './realtime/client.js';
export { REALTIME_CONNECTION_CLOSED, RealtimeConnection } from './realtime/connection.js';
export {
  parseRealtimeEvent,
  type RealtimeAudioFrame,
  type RealtimeEvent,
  type RealtimeProtocolVersion,
  type RealtimeTranscriptEntry,
} from './realtime/events.js';
export {
  REALTIME_AUDIO_SAMPLE_RATE,
  type RealtimeSessionMode,
  type RealtimeSessionSettings,
  realtimeSessionBody,
  realtimeWebsocketUrl,
} from './realtime/session.js';
export { ACTIVE_TRANSCRIPT_MAX_BYTES } from './realtime/transcript.js';
/**
 * The Responses event state machine shared by HTTP SSE and WebSocket: `ResponsesEventMapper`
 * (one parsed JSON event in, `ResponseEvent`s out; `transport: 'http'` stores failures until EOF,
 * `'websocket'` throws them at once).
 */
export {
  ResponsesEventMapper,
  type ResponsesEventMapperOptions,
} from './responses/event-mapper.js';
/** The typed events of a Responses stream (HTTP SSE and WebSocket alike). */
export type { ResponseEvent } from './responses/events.js';
/**
 * The `POST /responses` body (`ResponsesApiRequest`, snake_case wire fields) and its serialiser
 * (`serializeResponsesRequest`, 0.169.0 key order, §3.1); serialise once per request so retries are
 * byte-identical.
 */
export {
  type ResponsesApiRequest,
  type ResponsesReasoning,
  serializeResponsesRequest,
} from './responses/request.js';
/**
 * `ResponsesClient`: `POST {base}/responses` over HTTP + SSE with transport retries, a
 * one-shot 401 refresh, header events and the event mapper; `ResponseStream` is the async
 * iterable of events with `headers` and `requestId`.
 */
export {
  type ResponseStream,
  ResponsesClient,
  type ResponsesClientOptions,
  type ResponsesStreamOptions,
} from './responses/responses-client.js';
/**
 * The extra CA bundle (observed-cli-auth §1; codex-rs `codex-client/src/custom_ca.rs`):
 * `readCaCertificateFromEnv(env)` reads the PEM file named by `CODEX_CA_CERTIFICATE` (else
 * `SSL_CERT_FILE`; empty = unset) → `CaCertificateBundle` (`pem` of its certificate blocks,
 * `count`, `path`, `sourceEnv`) or `undefined`; a missing/unreadable file or one without a
 * certificate block throws `CaCertificateError` (`code`: `ca_certificate_unreadable` |
 * `ca_certificate_invalid`, `path`, `sourceEnv`; the message names the file and the variable).
 * Give `pem` to `HttpTransport({ ca })` / `ResponsesClient({ ca })` and
 * `ResponsesWebsocketClient({ ca })`: trusted in addition to the system roots.
 */
export {
  type CaCertificateBundle,
  CaCertificateError,
  type CaCertificateErrorCode,
  CODEX_CA_CERTIFICATE_ENV,
  readCaCertificateFromEnv,
  SSL_CERT_FILE_ENV,
} from './tls/ca-certificate.js';
/**
 * Responses over WebSocket (wire-protocol part J): `ResponsesWebsocketClient.connect()` opens
 * `ws(s)://…/responses` (handshake headers in the observed order, `openai-beta:
 * responses_websockets=2026-02-06`, permessage-deflate, 64 MiB messages, bounded by
 * `provider.websocketConnectTimeoutMs`; failures are `ApiError`s with the HTTP status kept, e.g. 426);
 * `ResponsesWebsocketConnection.stream()` sends one `response.create` at a time and yields the same
 * `ResponseEvent`s as HTTP (handshake `server_model` / `server_reasoning_included` first),
 * keeps the socket open after `completed` and drops it on any terminal error.
 * Frames are matched to the request in flight by response id: frames of an earlier response (a late
 * duplicate `response.completed`, …) are dropped and reported to telemetry as `stale`.
 */
export {
  ResponsesWebsocketClient,
  type ResponsesWebsocketClientOptions,
  type ResponsesWebsocketConnectOptions,
} from './websocket/client.js';
export {
  ResponsesWebsocketConnection,
  type ResponsesWebsocketStreamOptions,
  WS_STREAM_REQUEST_START_MS,
} from './websocket/connection.js';
/**
 * WebSocket error texts. A wrapped error frame
 * (`{"type":"error","status"|"status_code":N,"error":{…},"headers":{…}}`) becomes an `ApiError` like
 * the same HTTP status; `websocket_connection_limit_reached` / `previous_response_not_found` are a
 * retryable `stream` error.
 */
export { WebsocketErrorTexts } from './websocket/errors.js';
/** `OpenAI-Beta` value of the WebSocket handshake. */
export { RESPONSES_WEBSOCKETS_BETA } from './websocket/headers.js';
/** The `response.create` frame body (`ResponseCreateWsRequest`, written in 0.169.0's key order). */
export type { ResponseCreateWsRequest } from './websocket/request.js';
/** WebSocket telemetry hooks (`onWsRequest` per send, `onWsEvent` per frame; telemetry.md §5). */
export type {
  WebsocketTelemetry,
  WsEventTelemetryInfo,
  WsRequestTelemetryInfo,
} from './websocket/telemetry.js';
