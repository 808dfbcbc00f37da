/**
 * The realtime WebSocket client (codex-rs `codex-api/src/endpoint/realtime_websocket/methods.rs`
 * `RealtimeWebsocketClient`).
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import {
  AbortedError,
  BuildError,
  extraCaSecureContext,
  IdleClock,
  SecretRedactor,
  TimeoutError,
} from '@codex-ts/client';
import type { AuthProvider, UnauthorizedRecovery } from '../auth/auth-provider.js';
import { checkAuthHeaders } from '../auth/check-auth-headers.js';
import { ApiError } from '../errors/api-error.js';
import {
  apiErrorFromAuthFailure,
  apiErrorFromTransport,
  requestIdFromHeaders,
} from '../errors/map-errors.js';
import { HeaderMerge } from '../internal/header-merge.js';
import { registerAuthHeaders, registerProviderSecrets } from '../internal/secrets.js';
import { redactUrlIn } from '../internal/url.js';
import {
  flattenHeaders,
  handshakeClosedError,
  handshakeSocketError,
  readRejection,
} from '../internal/ws-handshake.js';
import type { Provider } from '../provider/provider.js';
import {
  type DroppableWebSocket,
  loadDroppableWebSocket,
  WEBSOCKET_MAX_MESSAGE_BYTES,
} from '../websocket/socket.js';
import { RealtimeConnection } from './connection.js';
import type { RealtimeProtocolVersion } from './events.js';
import { type RealtimeSessionSettings, realtimeWebsocketUrl } from './session.js';

/** The message of a rejected realtime upgrade (the status is in `ApiError.status`). */
export const REALTIME_HANDSHAKE_FAILED = 'realtime websocket handshake failed';

/** Options of {@link RealtimeWebsocketClient}. */
export interface RealtimeWebsocketClientOptions {
  /** Base URL (normalised by `realtimeWebsocketUrl`), query params, static headers, `websocketConnectTimeoutMs`. */
  provider: Provider;
  /** Asked for headers before every upgrade (`authHeaders(signal)`); its `unauthorizedRecovery()` runs after a 401. */
  auth: AuthProvider;
  /** Sent only when no provider, extra or auth header has that name (e.g. `originator`, `user-agent`). */
  defaultHeaders?: Record<string, string>;
  /** Registers the credentials sent; redacts every error of the client and its connections. Default: its own. */
  redactor?: SecretRedactor;
  /** Extra trusted CA PEMs for `wss`, in addition to Node's roots (as `ResponsesWebsocketClient`). */
  ca?: string | readonly string[];
}

/** What {@link RealtimeWebsocketClient.connect} opens. */
export interface RealtimeSessionConfig extends RealtimeSessionSettings {
  /** `model=<model>` in the URL query, when set. */
  model?: string | undefined;
  /** The conversation id, sent as the `x-session-id` upgrade header when set. */
  sessionId?: string | undefined;
}

/** Per-call options of {@link RealtimeWebsocketClient.connect}. */
export interface RealtimeConnectOptions {
  /** Upgrade headers of this call; they replace provider headers of the same name. */
  extraHeaders?: Record<string, string>;
  /**
   * Aborts the upgrade (rejects with `aborted`) and, once connected, ends the session: the socket is
   * dropped and the next read rejects with `aborted`.
   */
  signal?: AbortSignal;
}

/**
 * Client of the realtime WebSocket. `connect()` upgrades `GET realtimeWebsocketUrl(provider)`
 * (e.g. `ws://127.0.0.1:PORT/v1/realtime?intent=quicksilver`) with the headers provider headers,
 * `extraHeaders`, `x-session-id` (the conversation id), the auth headers, then `defaultHeaders`
 * where absent; no permessage-deflate; messages up to 64 MiB. Once open it sends `session.update`
 * with the backend prompt (`realtimeSessionBody`) before resolving.
 *
 * Rejects with a redacted `ApiError`: a non-101 answer → `unexpected_status` "realtime websocket
 * handshake failed" with `status`, `url`, `headers`, `body` (a 401 first runs the auth's
 * `unauthorizedRecovery()` steps and upgrades again while steps remain); deadline
 * (`provider.websocketConnectTimeoutMs`) → `request_timeout`; refused, reset, DNS or TLS failure
 * → `connection_failed`; abort → `aborted`; `authHeaders()` failure → `auth` (an `ApiError` it
 * throws passes through); a bad base URL or header → `stream`.
 */
export class RealtimeWebsocketClient {
  private readonly options: RealtimeWebsocketClientOptions;
  /** Extra trusted CAs; their TLS context is built by the first `wss:` connection (`extraCaSecureContext`). */
  private readonly ca: string | readonly string[] | undefined;
  /** The redactor of the options (or the client's own). */
  readonly redactor: SecretRedactor;

  constructor(options: RealtimeWebsocketClientOptions) {
    this.options = options;
    this.ca = options.ca;
    this.redactor = options.redactor ?? new SecretRedactor();
    registerProviderSecrets(this.redactor, options.provider);
  }

  /** Opens a session (see the class). The connection speaks `config.version` (default `v1`). */
  async connect(
    config: RealtimeSessionConfig,
    options: RealtimeConnectOptions = {},
  ): Promise<RealtimeConnection> {
    try {
      return await this.connectWithRecovery(config, options);
    } catch (error) {
      throw this.redactor.redactError(error);
    }
  }

  private async connectWithRecovery(
    config: RealtimeSessionConfig,
    options: RealtimeConnectOptions,
  ): Promise<RealtimeConnection> {
    const version: RealtimeProtocolVersion = config.version ?? 'v1';
    let url: string;
    try {
      url = realtimeWebsocketUrl(this.options.provider, { version, model: config.model });
    } catch (error) {
      throw new ApiError('stream', `failed to build realtime websocket url: ${(error as Error).message}`);
    }
    let recovery: UnauthorizedRecovery | undefined;
    for (;;) {
      try {
        const connection = await this.open(url, version, config, options);
        await connection.sendSessionUpdate(config).catch((error: unknown) => {
          void connection.close();
          throw error;
        });
        return connection;
      } catch (error) {
        const auth = this.options.auth;
        if (ApiError.isInstance(error) && error.status === 401 && auth.unauthorizedRecovery) {
          recovery ??= auth.unauthorizedRecovery();
          const unauthorized = this.redactor.redactError(error);
          if (recovery.hasNext(unauthorized)) {
            try {
              await recovery.next(options.signal, unauthorized);
            } catch (recoveryError) {
              throw apiErrorFromAuthFailure(recoveryError, options.signal);
            }
            continue;
          }
        }
        throw error;
      }
    }
  }

  private async headers(
    config: RealtimeSessionConfig,
    options: RealtimeConnectOptions,
  ): Promise<Record<string, string>> {
    const signal = options.signal;
    let auth: Record<string, string>;
    try {
      auth = checkAuthHeaders(await this.options.auth.authHeaders(signal));
    } catch (error) {
      throw apiErrorFromAuthFailure(error, signal);
    }
    registerAuthHeaders(this.redactor, auth);
    const merge = new HeaderMerge();
    merge.setAll(this.options.provider.headers);
    merge.setAll(options.extraHeaders);
    if (config.sessionId !== undefined) merge.set('x-session-id', config.sessionId);
    merge.setAll(auth);
    merge.setAllIfAbsent(this.options.defaultHeaders);
    const headers = merge.headers;
    for (const [name, value] of Object.entries(headers)) {
      try {
        validateHeaderName(name);
        validateHeaderValue(name, value);
      } catch {
        throw new ApiError('stream', `invalid realtime websocket header ${JSON.stringify(name)}`);
      }
    }
    return headers;
  }

  private async open(
    url: string,
    version: RealtimeProtocolVersion,
    config: RealtimeSessionConfig,
    options: RealtimeConnectOptions,
  ): Promise<RealtimeConnection> {
    const signal = options.signal;
    const aborted = (): ApiError =>
      apiErrorFromTransport(new AbortedError(signal?.reason), { phase: 'request' });
    if (signal?.aborted) throw aborted();
    const headers = await this.headers(config, options);
    const Socket = await loadDroppableWebSocket();
    if (signal?.aborted) throw aborted();
    return new Promise((resolve, reject) => {
      let socket: DroppableWebSocket;
      try {
        socket = new Socket(url, {
          headers,
          perMessageDeflate: false,
          maxPayload: WEBSOCKET_MAX_MESSAGE_BYTES,
          followRedirects: false,
          ...(this.ca === undefined || !url.startsWith('wss:')
            ? {}
            : { secureContext: extraCaSecureContext(this.ca) }),
        });
      } catch (error) {
        reject(
          apiErrorFromTransport(
            new BuildError(
              `failed to build websocket request: ${redactUrlIn((error as Error).message, url)}`,
            ),
            { phase: 'request' },
          ),
        );
        return;
      }
      let settled = false;
      let upgradeHeaders: Record<string, string> = {};
      const clock = new IdleClock(this.options.provider.websocketConnectTimeoutMs, () =>
        fail(
          apiErrorFromTransport(
            new TimeoutError(`websocket handshake timed out after ${clock.timeoutMs} ms`),
            {
              phase: 'request',
            },
          ),
        ),
      );
      const cleanup = (): void => {
        settled = true;
        clock.stop();
        signal?.removeEventListener('abort', onAbort);
        socket.off('open', onOpen);
        socket.off('upgrade', onUpgrade);
        socket.off('unexpected-response', onUnexpected);
        socket.off('close', onClose);
      };
      const fail = (error: ApiError): void => {
        if (settled) return;
        cleanup();
        socket.terminate();
        reject(error);
      };
      const onUpgrade = (res: IncomingMessage): void => {
        upgradeHeaders = flattenHeaders(res.headers);
      };
      const onOpen = (): void => {
        if (settled) return;
        cleanup();
        resolve(
          new RealtimeConnection({
            socket,
            version,
            headers: upgradeHeaders,
            redactor: this.redactor,
            signal,
          }),
        );
      };
      const onUnexpected = (_req: ClientRequest, res: IncomingMessage): void => {
        readRejection(res, ({ status, headers, body }) => {
          fail(
            new ApiError('unexpected_status', REALTIME_HANDSHAKE_FAILED, {
              status,
              url,
              headers,
              body,
              requestId: requestIdFromHeaders(headers),
            }),
          );
        });
      };
      const onError = (error: Error): void => fail(handshakeSocketError(error, url));
      const onClose = (): void => fail(handshakeClosedError());
      const onAbort = (): void => fail(aborted());
      socket.on('error', onError);
      socket.on('upgrade', onUpgrade);
      socket.on('open', onOpen);
      socket.on('unexpected-response', onUnexpected);
      socket.on('close', onClose);
      signal?.addEventListener('abort', onAbort, { once: true });
      clock.start();
    });
  }
}
