import { WebSocket } from 'ws';

/** Largest message accepted from the server, in bytes (W-71: 64 MiB, the tungstenite default). */
export const WEBSOCKET_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * A `ws` client socket that never runs a close handshake once open (W-76): `ws` answers a peer's
 * close frame (and a protocol error) by calling `close()` on the socket and then waits, up to 30 s,
 * for the peer to end the TCP connection. Here that internal `close()` call is reported to
 * {@link onPeerClose} on the next tick (after any `'error'` event `ws` emits in the same step) and
 * the owner drops the socket with `terminate()` instead. Our own code never calls `close()`.
 */
export class DroppableWebSocket extends WebSocket {
  /** Set by the connection once open; called at most once, when the peer closed (or `ws` gave up). */
  onPeerClose: (() => void) | undefined;

  override close(code?: number, data?: string | Buffer): void {
    const hook = this.onPeerClose;
    if (hook === undefined) {
      super.close(code, data);
      return;
    }
    this.onPeerClose = undefined;
    process.nextTick(hook);
  }
}
