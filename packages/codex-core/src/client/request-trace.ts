// The request spans of the model client (0.169.0's names and attributes, otel-capture 2026-12-03):
// over HTTP `model_client.stream_responses_api` > `responses.stream_request` >
// `endpoint_session.stream_encoded_json_with` (the `codex.api_request` event lands there); over
// WebSocket `model_client.stream_responses_websocket` (`websocket.warmup`) >
// {`model_client.websocket_connection` > `responses_websocket.connect`,
// `responses_websocket.stream_request`}. Each is a child of the active context; without telemetry
// the function runs as is.

import { type SessionTelemetry, TelemetrySpanNames } from '@codex-ts/otel';
import type { Attributes } from '@opentelemetry/api';

/** `api.path` of every Responses request span. */
const API_PATH = '/responses';

/** Runs `fn` in a new active span `name` with `attributes` (ended, status ERROR on failure). */
export function inSpan<T>(
  telemetry: SessionTelemetry | undefined,
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  if (telemetry === undefined) return fn();
  return telemetry.withSpan(name, { attributes }, () => fn());
}

/** Runs `send` (the HTTP request until its stream is open) in the three HTTP request spans. */
export function inHttpRequestSpans<T>(
  telemetry: SessionTelemetry | undefined,
  info: { model: string; hasMetadataHeader: boolean },
  send: () => Promise<T>,
): Promise<T> {
  const S = TelemetrySpanNames;
  const http = { 'http.method': 'POST', 'api.path': API_PATH };
  return inSpan(
    telemetry,
    S.modelClientStreamResponsesApi,
    {
      model: info.model,
      wire_api: 'responses',
      transport: 'responses_http',
      'http.method': 'POST',
      'turn.has_metadata_header': info.hasMetadataHeader,
      'api.path': API_PATH,
    },
    () =>
      inSpan(telemetry, S.responsesStreamRequest, { transport: 'responses_http', ...http }, () =>
        inSpan(telemetry, S.endpointSessionStreamEncodedJsonWith, http, send),
      ),
  );
}

/** Attributes of `model_client.stream_responses_websocket`. */
export function websocketRequestAttributes(info: {
  model: string;
  hasMetadataHeader: boolean;
  warmup: boolean;
}): Attributes {
  return {
    model: info.model,
    wire_api: 'responses',
    transport: 'responses_websocket',
    'turn.has_metadata_header': info.hasMetadataHeader,
    'websocket.warmup': info.warmup,
    'api.path': API_PATH,
  };
}

/** Attributes of `model_client.websocket_connection`. */
export function websocketConnectionAttributes(provider: string, hasMetadataHeader: boolean): Attributes {
  return {
    provider,
    wire_api: 'responses',
    transport: 'responses_websocket',
    'api.path': API_PATH,
    'turn.has_metadata_header': hasMetadataHeader,
  };
}

/** Attributes of `responses_websocket.connect` and `responses_websocket.stream_request`. */
export const WEBSOCKET_SPAN_ATTRIBUTES: Attributes = Object.freeze({
  transport: 'responses_websocket',
  'api.path': API_PATH,
});
