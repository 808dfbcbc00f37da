/**
 * The transport hooks of SessionTelemetry (telemetry.md §5): adapters from what `@codex-ts/client`
 * (HTTP attempts, SSE polls) and `@codex-ts/api` (WebSocket sends and reads) report to the session's
 * recorders. Internal to the package.
 */

import type { WebsocketTelemetry, WsEventTelemetryInfo, WsRequestTelemetryInfo } from '@codex-ts/api';
import type {
  RequestTelemetry,
  RequestTelemetryInfo,
  SseTelemetry,
  SseTelemetryInfo,
} from '@codex-ts/client';
import type { ApiRequestInfo, AuthAttemptInfo, WebsocketEventInfo, WebsocketRequestInfo } from './types.js';

/** The recorders the hooks feed (`SessionTelemetry`'s public methods of the same names). */
export interface TransportRecorder {
  recordApiRequest(info: ApiRequestInfo): void;
  recordSsePoll(info: SseTelemetryInfo): void;
  recordWebsocketRequest(info: WebsocketRequestInfo): void;
  recordWebsocketEvent(info: WebsocketEventInfo): void;
}

/**
 * Maps a WebSocket client's per-frame report onto {@link WebsocketEventInfo}: a JSON `type` is a text
 * frame of that kind; `unparsed` a text frame without a kind (not JSON); `binary` / `close` those
 * frames; `end` / `timeout` a read with no frame (`none`). A `stale` report keeps only the kind
 * (none for `unparsed`), the duration and `stale: true`. The error is passed on as is.
 */
export function websocketEventInfo(info: WsEventTelemetryInfo): WebsocketEventInfo {
  const kind = info.kind;
  const error = info.error;
  if (info.stale === true) {
    return {
      frame: 'text',
      kind: kind === 'unparsed' ? undefined : kind,
      durationMs: info.durationMs,
      stale: true,
    };
  }
  switch (kind) {
    case 'unparsed':
      return { frame: 'text', error, durationMs: info.durationMs };
    case 'binary':
    case 'close':
      return { frame: kind, kind, error, durationMs: info.durationMs };
    case 'end':
    case 'timeout':
      return { frame: 'none', kind, error, durationMs: info.durationMs };
    default:
      return { frame: 'text', kind, error, durationMs: info.durationMs };
  }
}

/** `record`, with any error it throws dropped: telemetry must never break a request or a stream. */
function guarded<T>(record: (info: T) => void): (info: T) => void {
  return (info) => {
    try {
      record(info);
    } catch {
      // dropped
    }
  };
}

/**
 * A `RequestTelemetry` whose `onRequest` hands each attempt to `recorder.recordApiRequest`, with
 * `endpoint` as its `endpoint` label and `auth()` as its `auth.*` details when given. Never throws:
 * a failure while recording is dropped.
 */
export function requestHook(
  recorder: TransportRecorder,
  endpoint: string | undefined,
  auth?: () => AuthAttemptInfo | undefined,
): RequestTelemetry {
  return {
    onRequest: guarded((info: RequestTelemetryInfo) => {
      if (endpoint === undefined && auth === undefined) {
        recorder.recordApiRequest(info);
        return;
      }
      const record: ApiRequestInfo = {
        attempt: info.attempt,
        status: info.status,
        error: info.error,
        durationMs: info.durationMs,
      };
      if (endpoint !== undefined) record.endpoint = endpoint;
      const attempt = auth?.();
      if (attempt !== undefined) record.auth = attempt;
      recorder.recordApiRequest(record);
    }),
  };
}

/** An `SseTelemetry` whose `onSseEvent` hands each poll to `recorder.recordSsePoll`. Never throws. */
export function sseHook(recorder: TransportRecorder): SseTelemetry {
  return { onSseEvent: guarded((info: SseTelemetryInfo) => recorder.recordSsePoll(info)) };
}

/**
 * A `WebsocketTelemetry`: `onWsRequest` → `recorder.recordWebsocketRequest`, `onWsEvent` →
 * {@link websocketEventInfo} → `recorder.recordWebsocketEvent`. Never throws.
 */
export function websocketHooks(recorder: TransportRecorder): WebsocketTelemetry {
  return {
    onWsRequest: guarded((info: WsRequestTelemetryInfo) => recorder.recordWebsocketRequest(info)),
    onWsEvent: guarded((info: WsEventTelemetryInfo) =>
      recorder.recordWebsocketEvent(websocketEventInfo(info)),
    ),
  };
}
