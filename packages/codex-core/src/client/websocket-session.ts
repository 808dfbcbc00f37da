// The WebSocket state one ModelClient carries from request to request and from turn to turn
// (`WebsocketSession` in codex-rs, core-behaviour §1 and §6).

import type { ResponsesApiRequest, ResponsesWebsocketConnection } from '@codex-ts/api';
import type { LastResponse } from './incremental.js';

/**
 * Why the incremental baseline was dropped, reported as the `reason` of the next request's
 * `codex.websocket.continuation`: the socket closed or failed, or anything else.
 */
export type ContinuationResetReason = 'connection_closed' | 'other';

/**
 * One cached socket plus the incremental-request baseline. Owned by exactly one scope at a time:
 * the client cache, a turn's `ModelClientSession`, or the startup prewarm. Internal to core.
 */
export class WebsocketSession {
  /** The open socket, if any. */
  connection: ResponsesWebsocketConnection | undefined;
  /** What the socket was opened for: URL, stable handshake headers and a credential fingerprint. */
  connectionKey: string | undefined;
  /** The full logical request last sent on `connection` (never the delta). */
  lastRequest: ResponsesApiRequest | undefined;
  /** Set when the last request's stream completed; `undefined` while it runs or after a failure. */
  lastResponse: LastResponse | undefined;
  /**
   * Why a baseline was last dropped (the first reason since the last request wins); taken by the
   * next request for its continuation telemetry. Kept across turns with the cached session.
   */
  continuationResetReason: ContinuationResetReason | undefined;
  /**
   * The last request on `connection` was the startup prewarm: the next request's continuation is
   * tagged `after_prewarm = true` (then this is cleared). Cleared by {@link reset}.
   */
  afterPrewarm = false;

  /** True when a socket is held and has not failed or been closed. */
  get isOpen(): boolean {
    return this.connection !== undefined && !this.connection.isClosed;
  }

  /**
   * Takes the pending reset reason: the `reason` of this request's `codex.websocket.continuation`
   * when it is a full `response.create`.
   */
  takeContinuationResetReason(): ContinuationResetReason | undefined {
    const reason = this.continuationResetReason;
    this.continuationResetReason = undefined;
    return reason;
  }

  /**
   * Drops the socket (no close handshake) and the baseline. Idempotent. When a baseline existed,
   * `reason` (default `connection_closed`) is remembered for the next request's continuation
   * telemetry unless a reason is already pending.
   */
  reset(reason: ContinuationResetReason = 'connection_closed'): void {
    if (this.lastRequest !== undefined) this.continuationResetReason ??= reason;
    const connection = this.connection;
    this.connection = undefined;
    this.connectionKey = undefined;
    // Forget the incremental baseline: the next request is a full `response.create`.
    this.lastRequest = undefined;
    this.lastResponse = undefined;
    this.afterPrewarm = false;
    connection?.close();
  }
}
