// The session's WebSocket plumbing (core-behaviour §1, §6): the lazily
// created Responses WebSocket client, the one cached `WebsocketSession` carried from turn to turn,
// the connection key, and the handshake with credentials registered for redaction and every
// connect recorded in telemetry.

import { createHash } from 'node:crypto';
import {
  ApiError,
  type AuthProvider,
  apiErrorFromAuthFailure,
  type Provider,
  ResponsesWebsocketClient,
  type ResponsesWebsocketConnection,
  type WebsocketTelemetry,
  websocketUrlForPath,
} from '@codex-ts/api';
import type { SecretRedactor } from '@codex-ts/client';
import { monotonicMs } from '@codex-ts/client';
import { type SessionTelemetry, TelemetrySpanNames } from '@codex-ts/otel';
import { inSpan, WEBSOCKET_SPAN_ATTRIBUTES } from './request-trace.js';
import { WebsocketSession } from './websocket-session.js';

/** `endpoint` label of the Responses endpoint in `codex.api_request` / `codex.websocket_connect`. */
export const RESPONSES_ENDPOINT = '/responses';

/** What a {@link WebsocketConnector} needs from the client's options. */
export interface WebsocketConnectorOptions {
  provider: Provider;
  auth: AuthProvider;
  originator: string;
  userAgent: string;
  telemetry: SessionTelemetry | undefined;
  redactor: SecretRedactor;
  /** Extra trusted CA PEMs for `wss` handshakes (`ModelClientOptions.websocketCa`). */
  ca?: string | readonly string[] | undefined;
}

/**
 * Owns the session's WebSocket client and its socket cache. A {@link WebsocketSession} is held by
 * one scope at a time: this cache ({@link take} / {@link giveBack}), a turn, or the startup prewarm.
 */
export class WebsocketConnector {
  readonly #options: WebsocketConnectorOptions;
  readonly #hooks: WebsocketTelemetry | undefined;
  #client: ResponsesWebsocketClient | undefined;
  #cached: WebsocketSession | undefined;

  constructor(options: WebsocketConnectorOptions) {
    this.#options = options;
    this.#hooks = options.telemetry?.websocketTelemetry();
  }

  /** The cached session (socket + incremental baseline), or a new empty one; the cache is left empty. */
  take(): WebsocketSession {
    const ws = this.#cached ?? new WebsocketSession();
    this.#cached = undefined;
    return ws;
  }

  /** Puts `ws` back in the cache when `keep` and the cache is empty; otherwise drops its socket. */
  giveBack(ws: WebsocketSession, keep: boolean): void {
    if (!keep || this.#cached !== undefined) {
      ws.reset();
      return;
    }
    this.#cached = ws;
  }

  /** Drops the cached socket and baseline, if any (fallback to HTTP, client closed). */
  dropCached(): void {
    this.#cached?.reset();
    this.#cached = undefined;
  }

  /**
   * Makes sure `ws` holds an open socket whose connection key matches `headers` (the handshake
   * headers of {@link websocketHandshakeHeaders}); returns true when the held socket was reused,
   * false when a new one was opened (the old one and the baseline dropped). Each handshake is
   * recorded as `codex.websocket_connect` with the auth header's name, never its value.
   *
   * @throws ApiError when the credentials cannot be read or the handshake fails (426 included).
   */
  async connect(
    ws: WebsocketSession,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
    reauth = false,
  ): Promise<boolean> {
    const { key, authHeaderName } = await this.#connectionKey(headers, signal);
    if (ws.isOpen && ws.connectionKey === key) return true;
    // An open socket for other headers or credentials is replaced ('other'); a closed or failed
    // one is 'connection_closed'.
    ws.reset(ws.connection !== undefined && !ws.connection.isClosed ? 'other' : 'connection_closed');
    const telemetry = this.#options.telemetry;
    const started = monotonicMs();
    let connection: ResponsesWebsocketConnection;
    try {
      // The handshake in `responses_websocket.connect`; the connect event lands on the caller's span.
      connection = await inSpan(
        telemetry,
        TelemetrySpanNames.responsesWebsocketConnect,
        WEBSOCKET_SPAN_ATTRIBUTES,
        () => this.#websocketClient().connect({ extraHeaders: headers, ...(signal ? { signal } : {}) }),
      );
    } catch (error) {
      telemetry?.recordWebsocketConnect({
        durationMs: monotonicMs() - started,
        status: ApiError.isInstance(error) ? error.status : undefined,
        error,
        endpoint: RESPONSES_ENDPOINT,
        connectionReused: false,
        reauth,
        auth: authAttempt(authHeaderName),
      });
      throw error;
    }
    telemetry?.recordWebsocketConnect({
      durationMs: monotonicMs() - started,
      status: 101,
      endpoint: RESPONSES_ENDPOINT,
      connectionReused: false,
      reauth,
      auth: authAttempt(authHeaderName),
    });
    ws.connection = connection;
    ws.connectionKey = key;
    return false;
  }

  #websocketClient(): ResponsesWebsocketClient {
    const { provider, auth, userAgent, originator, redactor, ca } = this.#options;
    this.#client ??= new ResponsesWebsocketClient({
      provider,
      auth,
      ...(ca !== undefined ? { ca } : {}),
      // 0.169.0 handshake order (observed-cli §6): user-agent before originator.
      defaultHeaders: { 'user-agent': userAgent, originator },
      ...(this.#hooks ? { telemetry: this.#hooks } : {}),
      redactor,
    });
    return this.#client;
  }

  /**
   * The connection key: WebSocket URL, the handshake headers that do not vary per turn
   * (everything but `x-codex-turn-metadata` and the ChatGPT `x-codex-routing-hint`, which
   * describe the request that opens the socket, so a prewarmed or preconnected socket serves
   * later turns, and `x-codex-window-id`: 0.169.0 went on with the turn's socket after a
   * compaction moved the window, observed-cli-0.169-auth §16) and the credentials, all hashed with SHA-256: provider headers may hold API keys
   * too, so the key never keeps a header value in clear.
   */
  async #connectionKey(
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<{ key: string; authHeaderName: string | undefined }> {
    const { provider, auth, telemetry, redactor } = this.#options;
    const {
      'x-codex-turn-metadata': _perTurn,
      'x-codex-routing-hint': _perRequest,
      'x-codex-window-id': _perWindow,
      ...stable
    } = headers;
    let authHeaders: Record<string, string>;
    try {
      authHeaders = await auth.authHeaders(signal);
    } catch (error) {
      throw redactor.redactError(apiErrorFromAuthFailure(error, signal));
    }
    registerCredentials(redactor, authHeaders);
    if (telemetry && telemetry.redactor !== redactor) registerCredentials(telemetry.redactor, authHeaders);
    return {
      key: createHash('sha256')
        .update(JSON.stringify([websocketUrlForPath(provider, 'responses'), stable, authHeaders]))
        .digest('hex'),
      // Telemetry gets the header's name only, never its value.
      authHeaderName: Object.keys(authHeaders)[0],
    };
  }
}

/**
 * Registers the auth header values (and for `<scheme> <token>`, `Bearer sk-…`, the token alone)
 * with `redactor`: errors quote response bodies, which a server may echo the key in.
 */
function registerCredentials(redactor: SecretRedactor, authHeaders: Record<string, string>): void {
  for (const value of Object.values(authHeaders)) redactor.addCredential(value);
}

/** `auth.*` attributes of a WebSocket connect: whether an auth header was sent, and its name. */
function authAttempt(headerName: string | undefined): { headerAttached: boolean; headerName?: string } {
  return headerName === undefined ? { headerAttached: false } : { headerAttached: true, headerName };
}
