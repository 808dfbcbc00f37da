import type { ClientRequest, IncomingMessage } from 'node:http';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import {
  AbortedError,
  BuildError,
  extraCaSecureContext,
  HttpStatusError,
  IdleClock,
  SecretRedactor,
  TimeoutError,
} from '@codex-ts/client';
import type { AuthProvider } from '../auth/auth-provider.js';
import { checkAuthHeaders } from '../auth/check-auth-headers.js';
import type { ApiError } from '../errors/api-error.js';
import {
  apiErrorFromAuthFailure,
  apiErrorFromHttpStatus,
  apiErrorFromTransport,
} from '../errors/map-errors.js';
import { registerAuthHeaders, registerProviderSecrets } from '../internal/secrets.js';
import { redactUrlIn } from '../internal/url.js';
import {
  flattenHeaders,
  handshakeClosedError,
  handshakeSocketError,
  readRejection,
} from '../internal/ws-handshake.js';
import type { Provider } from '../provider/provider.js';
import { websocketUrlForPath } from '../provider/provider.js';
import { ResponsesWebsocketConnection } from './connection.js';
import { handshakeHeaderList } from './headers.js';
import {
  type DroppableWebSocket,
  type DroppableWebSocketClass,
  loadDroppableWebSocket,
  WEBSOCKET_MAX_MESSAGE_BYTES,
} from './socket.js';
import type { WebsocketTelemetry } from './telemetry.js';

/** Options of {@link ResponsesWebsocketClient}. */
export interface ResponsesWebsocketClientOptions {
  /** Base URL (→ `ws`/`wss`), query params, static headers, `websocketConnectTimeoutMs`, `streamIdleTimeoutMs`. */
  provider: Provider;
  /** Asked for headers before every handshake (`authHeaders(signal)`). */
  auth: AuthProvider;
  /**
   * Client defaults such as `{ 'user-agent': '…', originator: 'codex_exec' }`: sent only when no
   * auth, extra or provider header has that name.
   */
  defaultHeaders?: Record<string, string>;
  /** Per-request and per-frame hooks. */
  telemetry?: WebsocketTelemetry;
  /**
   * Where the client registers the credentials it sends (auth header values, credential-named
   * provider headers and query values) and which it applies to every error of the handshake, of its
   * connections' streams and of their telemetry. Default: a new one, owned by this client.
   */
  redactor?: SecretRedactor;
  /**
   * Extra trusted CA certificates for `wss` (PEM text, e.g. from {@link readCaCertificateFromEnv}):
   * trusted **in addition to** Node's bundled roots (`withSystemRoots`). Default: the roots only.
   */
  ca?: string | readonly string[];
}

/** Per-call options of {@link ResponsesWebsocketClient.connect}. */
export interface ResponsesWebsocketConnectOptions {
  /**
   * Connection-level headers in the order to send them (`x-codex-turn-metadata`, `version`,
   * `x-codex-beta-features`, `x-client-request-id`, `session-id`, `thread-id`, `x-codex-window-id`, …).
   * They replace provider headers of the same name; name a provider header here to choose its
   * position.
   */
  extraHeaders?: Record<string, string>;
  /** Aborts the handshake: rejects with `ApiError('aborted')`. */
  signal?: AbortSignal;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Client of the Responses endpoint over WebSocket (wire-protocol part J) for one provider.
 * `connect()` opens one socket; requests go through the returned
 * {@link ResponsesWebsocketConnection}. No retries at this layer: the caller (core) reconnects after
 * a retryable error, falls back to HTTP on 426 and runs auth recovery on 401.
 *
 * Secrets, as for `ResponsesClient`: the credentials sent are registered with {@link redactor}
 * before the handshake; a rejected handshake (e.g. a 401 body quoting the key), an error frame, a
 * `response.failed` and every other error of the connection's streams, and the errors given to
 * `telemetry`, have each registered secret written `***` (message, `cause` chain, `body`,
 * `headers`, `url`).
 */
export class ResponsesWebsocketClient {
  private readonly provider: Provider;
  private readonly auth: AuthProvider;
  private readonly defaultHeaders: Record<string, string>;
  private readonly telemetry: WebsocketTelemetry | undefined;
  /** Extra trusted CAs; their TLS context is built by the first `wss:` connection (`extraCaSecureContext`). */
  private readonly ca: string | readonly string[] | undefined;
  /** The redactor of {@link ResponsesWebsocketClientOptions.redactor} (or the client's own). */
  readonly redactor: SecretRedactor;

  constructor(options: ResponsesWebsocketClientOptions) {
    this.provider = options.provider;
    this.auth = options.auth;
    this.defaultHeaders = options.defaultHeaders ?? {};
    this.telemetry = options.telemetry;
    this.ca = options.ca;
    this.redactor = options.redactor ?? new SecretRedactor();
    registerProviderSecrets(this.redactor, options.provider);
  }

  /**
   * Opens `GET websocketUrlForPath(provider, 'responses')` (e.g. `ws://127.0.0.1:PORT/v1/responses`
   * plus the provider's query string) as an HTTP/1.1 upgrade.
   *
   * Request headers, in wire order: `Host`, `Connection`, `Upgrade`, `Sec-WebSocket-Version`,
   * `Sec-WebSocket-Key`, then the auth headers, the default headers that nothing else names,
   * `openai-beta: responses_websockets=2026-02-06`, `extraHeaders` in the caller's order,
   * the provider headers `extraHeaders` does not name, and last `sec-websocket-extensions:
   * permessage-deflate; client_max_window_bits` (observed-cli §6). Messages up to 64 MiB.
   *
   * The handshake is bounded by `provider.websocketConnectTimeoutMs` (the auth call is not), on
   * `IdleClock` of `@codex-ts/client`: clamped to [0, 2^31 − 1] ms, 0 expires at once.
   * Rejects with `ApiError`:
   * - the server answered the upgrade with a non-101 status → `apiErrorFromHttpStatus` with that
   *   status, the response headers, the body and the `ws(s)://` URL (`error.status` is kept: 426 →
   *   HTTP fallback, 401 → auth recovery, 500 → "We’re currently experiencing high demand, …");
   * - deadline passed → `request_timeout` "request timed out";
   * - refused, reset, DNS or TLS failure, or a bad upgrade response → `connection_failed`
   *   "Connection failed: <reason>";
   * - `signal` aborted → `aborted`; `authHeaders()` failed → the non-retryable `auth` "could not
   *   get credentials: <its message>" (an `ApiError` it rejects with passes through, an abort is
   *   `aborted`), also when an auth header cannot be sent; any other invalid header name or value
   *   → `stream` naming the header (never its value).
   *
   * The status text is the canonical reason phrase (`httpReasonPhrase`), not the server's, so the
   * message matches the HTTP one for the same status. Query values of the URL are written as `***`
   * in every message (`url` keeps them unless they are registered secrets). Every rejection is
   * redacted with {@link redactor}.
   */
  async connect(options: ResponsesWebsocketConnectOptions = {}): Promise<ResponsesWebsocketConnection> {
    try {
      return await this.handshake(options);
    } catch (error) {
      throw this.redactor.redactError(error);
    }
  }

  private async handshake(options: ResponsesWebsocketConnectOptions): Promise<ResponsesWebsocketConnection> {
    const signal = options.signal;
    if (signal?.aborted) throw apiErrorFromTransport(new AbortedError(signal.reason), { phase: 'request' });
    const url = websocketUrlForPath(this.provider, 'responses');
    let auth: Record<string, string>;
    try {
      auth = checkAuthHeaders(await this.auth.authHeaders(signal));
    } catch (error) {
      if (signal?.aborted) throw apiErrorFromTransport(new AbortedError(signal.reason), { phase: 'request' });
      throw apiErrorFromAuthFailure(error, signal);
    }
    registerAuthHeaders(this.redactor, auth);
    if (signal?.aborted) throw apiErrorFromTransport(new AbortedError(signal.reason), { phase: 'request' });
    const headers = handshakeHeaderList({
      auth,
      defaults: this.defaultHeaders,
      extra: options.extraHeaders ?? {},
      provider: this.provider.headers,
    });
    for (const [name, value] of headers) {
      try {
        validateHeaderName(name);
        validateHeaderValue(name, value);
      } catch {
        throw apiErrorFromTransport(new BuildError(`invalid websocket header ${JSON.stringify(name)}`), {
          phase: 'request',
        });
      }
    }
    return this.open(await loadDroppableWebSocket(), url, headers, signal);
  }

  private open(
    Socket: DroppableWebSocketClass,
    url: string,
    headers: Array<[string, string]>,
    signal: AbortSignal | undefined,
  ): Promise<ResponsesWebsocketConnection> {
    const timeoutMs = this.provider.websocketConnectTimeoutMs;
    const idleTimeoutMs = this.provider.streamIdleTimeoutMs;
    const telemetry = this.telemetry;
    return new Promise((resolve, reject) => {
      let settled = false;
      let clock: IdleClock | undefined;
      let upgradeHeaders: Record<string, string> = {};
      // Reorders the upgrade request's headers to the observed order before it is sent.
      const finishRequest = (req: ClientRequest): void => {
        const own = ['Host', 'Connection', 'Upgrade', 'Sec-WebSocket-Version', 'Sec-WebSocket-Key'].map(
          (name) => [name, req.getHeader(name)] as const,
        );
        const extensions = req.getHeader('sec-websocket-extensions');
        for (const name of req.getHeaderNames()) req.removeHeader(name);
        for (const [name, value] of own) if (value !== undefined) req.setHeader(name, value);
        for (const [name, value] of headers) req.setHeader(name, value);
        if (extensions !== undefined) req.setHeader('sec-websocket-extensions', extensions);
        req.end();
      };
      let socket: DroppableWebSocket;
      try {
        socket = new Socket(url, {
          headers: Object.fromEntries(headers),
          perMessageDeflate: true,
          maxPayload: WEBSOCKET_MAX_MESSAGE_BYTES,
          followRedirects: false,
          finishRequest,
          ...(this.ca === undefined || !url.startsWith('wss:')
            ? {}
            : { secureContext: extraCaSecureContext(this.ca) }),
        });
      } catch (error) {
        reject(
          apiErrorFromTransport(
            // `ws` puts the URL in some messages ("Invalid URL: <url>"): mask its query values.
            new BuildError(`failed to build websocket request: ${redactUrlIn(errorText(error), url)}`),
            {
              phase: 'request',
            },
          ),
        );
        return;
      }
      const settle = (error: ApiError | undefined): void => {
        if (settled) return;
        settled = true;
        clock?.stop();
        signal?.removeEventListener('abort', onAbort);
        socket.off('upgrade', onUpgrade);
        socket.off('open', onOpen);
        socket.off('unexpected-response', onUnexpectedResponse);
        socket.off('close', onClose);
        if (error === undefined) return;
        socket.terminate();
        reject(error);
      };
      const onUpgrade = (res: IncomingMessage): void => {
        upgradeHeaders = flattenHeaders(res.headers);
      };
      const onOpen = (): void => {
        if (settled) return;
        settle(undefined);
        // Built synchronously so no frame can arrive before its listeners exist.
        resolve(
          new ResponsesWebsocketConnection({
            socket,
            handshakeHeaders: upgradeHeaders,
            idleTimeoutMs,
            telemetry,
            redactor: this.redactor,
          }),
        );
      };
      const onUnexpectedResponse = (_req: ClientRequest, res: IncomingMessage): void => {
        readRejection(res, ({ status, headers, body }) => {
          // The canonical reason phrase (not the server's statusMessage), so the text matches HTTP's.
          settle(apiErrorFromHttpStatus(new HttpStatusError({ status, url, headers, body })));
        });
      };
      const onError = (error: Error): void => settle(handshakeSocketError(error, url));
      const onClose = (): void => settle(handshakeClosedError());
      const onAbort = (): void => {
        settle(apiErrorFromTransport(new AbortedError(signal?.reason), { phase: 'request' }));
      };
      // Stays attached for the socket's life: `ws` must never emit an unhandled 'error'.
      socket.on('error', onError);
      socket.on('upgrade', onUpgrade);
      socket.on('open', onOpen);
      socket.on('unexpected-response', onUnexpectedResponse);
      socket.on('close', onClose);
      signal?.addEventListener('abort', onAbort, { once: true });
      // A deadline on the shared clock (clamped to Node's timer range; 0 expires at once).
      clock = new IdleClock(timeoutMs, () => {
        settle(
          apiErrorFromTransport(
            new TimeoutError(`websocket handshake timed out after ${clock?.timeoutMs} ms`),
            { phase: 'request' },
          ),
        );
      });
      clock.start();
    });
  }
}
