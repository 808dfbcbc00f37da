import type { ClientOptions, WebSocket } from 'ws';
import { installSyncDeflate, type PerMessageDeflateLike } from './sync-deflate.js';

/** Largest message accepted from the server, in bytes (64 MiB, the tungstenite default). */
export const WEBSOCKET_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * The part of a `ws` socket that a `ResponsesWebsocketConnection` uses, declared here so that the
 * package's public types (`ResponsesWebsocketConnectionInit`) never name `ws`: `@types/ws` is only
 * a devDependency, and a consumer type-checking our `.d.ts` with `skipLibCheck: false` must not
 * need it. `DroppableWebSocket` below is the one implementation. Message data is what `ws`
 * delivers by default (`binaryType: 'nodebuffer'`).
 */
export interface ConnectionSocket {
  readonly readyState: number;
  readonly OPEN: number;
  readonly CLOSED: number;
  /** Called at most once, when the peer closed the socket (see `DroppableWebSocket`). */
  onPeerClose: (() => void) | undefined;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: 'error', listener: (error: Error & { code?: string }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  send(data: string, callback: (error?: Error | null) => void): void;
  pause(): void;
  resume(): void;
  terminate(): void;
}

/**
 * A `ws` client socket that never runs a close handshake once open: `ws` answers a peer's
 * close frame (and a protocol error) by calling `close()` on the socket and then waits, up to 30 s,
 * for the peer to end the TCP connection. Here that internal `close()` call is reported to
 * {@link ConnectionSocket.onPeerClose} on the next tick (after any `'error'` event `ws` emits in
 * the same step) and the owner drops the socket with `terminate()` instead. Our own code never
 * calls `close()`.
 */
export type DroppableWebSocket = WebSocket & ConnectionSocket;

/** The constructor of {@link DroppableWebSocket}: `new (url, options)` as `ws`'s `WebSocket`. */
export type DroppableWebSocketClass = new (url: string, options: ClientOptions) => DroppableWebSocket;

let droppableClass: Promise<DroppableWebSocketClass> | undefined;

/**
 * Loads `ws` (on the first call only: a process that never opens a WebSocket never loads it) and
 * returns the {@link DroppableWebSocket} class: one class for the process, also when many sockets
 * open at once before the first load finished (a class per socket would give every socket its own
 * object shapes, and `ws`'s code megamorphic property lookups). A failed load is tried again by the
 * next call.
 */
export function loadDroppableWebSocket(): Promise<DroppableWebSocketClass> {
  droppableClass ??= defineDroppableWebSocket().catch((error: unknown) => {
    droppableClass = undefined;
    throw error;
  });
  return droppableClass;
}

async function defineDroppableWebSocket(): Promise<DroppableWebSocketClass> {
  const { WebSocket: WsSocket } = await import('ws');
  class Droppable extends WsSocket implements ConnectionSocket {
    /** Set by the connection once open; called at most once, when the peer closed (or `ws` gave up). */
    onPeerClose: (() => void) | undefined;

    constructor(address: string, options: ClientOptions) {
      super(address, options);
      // Once the handshake negotiated permessage-deflate (and before any frame is read), inflate and
      // deflate synchronously instead of through zlib's thread pool (`sync-deflate.ts`).
      this.once('open', () => {
        const extensions = (this as unknown as { _extensions?: Record<string, PerMessageDeflateLike> })
          ._extensions;
        const pmd = extensions?.['permessage-deflate'];
        if (pmd !== undefined) installSyncDeflate(pmd);
      });
    }

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
  return Droppable;
}
