/**
 * One open realtime WebSocket session: typed inbound events and the outbound `send*` messages
 * (codex-rs `codex-api/src/endpoint/realtime_websocket/methods.rs`).
 */
import type { SecretRedactor } from '@codex-ts/client';
import { ApiError } from '../errors/api-error.js';
import { ErrorTexts } from '../errors/messages.js';
import type { ConnectionSocket } from '../websocket/socket.js';
import {
  parseRealtimeEvent,
  type RealtimeAudioFrame,
  type RealtimeEvent,
  type RealtimeProtocolVersion,
} from './events.js';
import {
  conversationItemCreate,
  handoffOutput,
  type RealtimeSessionSettings,
  realtimeSessionBody,
} from './session.js';
import { ActiveTranscript } from './transcript.js';

/** The text of sends after the connection closed. */
export const REALTIME_CONNECTION_CLOSED = 'realtime websocket connection is closed';

type Slot = { event: RealtimeEvent } | { error: ApiError } | { end: true };

interface Waiter {
  resolve: (event: RealtimeEvent | undefined) => void;
  reject: (error: ApiError) => void;
}

/**
 * An open realtime session (made by `RealtimeWebsocketClient.connect`). Read it with `for await`
 * (or `nextEvent()`); write with the `send*` methods, which may run while a read waits.
 *
 * Inbound: each text frame is parsed with the session's protocol version; unknown or incomplete
 * events are skipped; a binary frame yields `{type:'error', message:'unexpected binary realtime
 * websocket event'}` and reading goes on. The server's close frame or the end of the TCP stream
 * ends the events (`nextEvent()` resolves `undefined`, iteration stops), once and for every later
 * read. A read failure rejects once with the `stream` `ApiError` "failed to read websocket message:
 * <reason>", and the abort signal given to `connect` rejects once with `aborted`; later reads
 * resolve `undefined`. Errors are redacted with the client's `SecretRedactor`.
 *
 * Outbound: every `send*` resolves once the frame was written; after the connection ended (either
 * side) it rejects with the `stream` `ApiError` "realtime websocket connection is closed"; a write
 * failure rejects with "failed to send realtime request: <reason>".
 */
export class RealtimeConnection implements AsyncIterable<RealtimeEvent> {
  /** Handshake response headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The protocol version the session speaks. */
  readonly version: RealtimeProtocolVersion;
  private readonly socket: ConnectionSocket;
  private readonly redactor: SecretRedactor;
  private readonly slots: Slot[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly transcript = new ActiveTranscript();
  private ended = false;
  private closedLocally = false;
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort = (): void => {
    this.finish({ error: new ApiError('aborted', ErrorTexts.aborted) });
    this.socket.terminate();
  };

  /** @internal Built by `RealtimeWebsocketClient.connect` once the upgrade succeeded. */
  constructor(init: {
    socket: ConnectionSocket;
    version: RealtimeProtocolVersion;
    headers: Record<string, string>;
    redactor: SecretRedactor;
    signal?: AbortSignal | undefined;
  }) {
    this.socket = init.socket;
    this.version = init.version;
    this.headers = init.headers;
    this.redactor = init.redactor;
    this.signal = init.signal;
    this.socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    this.socket.on('error', (error) => {
      this.finish({ error: new ApiError('stream', `failed to read websocket message: ${error.message}`) });
    });
    this.socket.on('close', () => this.finish({ end: true }));
    this.socket.onPeerClose = () => {
      this.finish({ end: true });
      this.socket.terminate();
    };
    this.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** True once the events ended (peer close, end of stream, read failure, abort or `close()`). */
  get closed(): boolean {
    return this.ended;
  }

  /** The next event; `undefined` once the session ended. Rejects as the class says. */
  nextEvent(): Promise<RealtimeEvent | undefined> {
    const slot = this.slots.shift();
    if (slot !== undefined) return this.settle(slot);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /**
   * Yields `nextEvent()` until the session ends; throws what it rejects with. Leaving a loop early
   * (`break`) does not close the session: a later loop reads on from there; call `close()` to end it.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<RealtimeEvent> {
    for (;;) {
      const event = await this.nextEvent();
      if (event === undefined) return;
      yield event;
    }
  }

  /** `input_audio_buffer.append {audio}`: one frame of base64 PCM16 at 24 kHz. */
  sendAudioFrame(frame: Pick<RealtimeAudioFrame, 'data'>): Promise<void> {
    return this.send({ type: 'input_audio_buffer.append', audio: frame.data });
  }

  /** `conversation.item.create` with a text message; `role` default `user`. */
  sendText(text: string, role: 'user' | 'developer' | 'assistant' = 'user'): Promise<void> {
    return this.send(conversationItemCreate(role, text));
  }

  /**
   * Answers a `handoffRequested` with the background agent's output: v1
   * `conversation.handoff.append`, v2 a `function_call_output` item (see `handoffOutput`).
   */
  sendHandoffOutput(handoffId: string, outputText: string): Promise<void> {
    return this.send(handoffOutput(this.version, handoffId, outputText));
  }

  /** `response.create` (no body): asks the model to answer now. */
  sendResponseCreate(): Promise<void> {
    return this.send({ type: 'response.create' });
  }

  /** `session.update {session}` for a prompt (or voice, mode) change; the version is the connection's. */
  sendSessionUpdate(settings: Omit<RealtimeSessionSettings, 'version'>): Promise<void> {
    return this.send({
      type: 'session.update',
      session: realtimeSessionBody({ ...settings, version: this.version }),
    });
  }

  /**
   * Sends a close frame (1000) and ends the events: pending and later reads resolve `undefined`.
   * Idempotent; never rejects.
   */
  async close(): Promise<void> {
    if (this.closedLocally) return;
    this.closedLocally = true;
    this.slots.length = 0;
    this.finish({ end: true });
    this.socket.onPeerClose = undefined;
    const socket = this.socket as ConnectionSocket & { close?: (code?: number) => void };
    try {
      if (this.socket.readyState === this.socket.OPEN && socket.close) socket.close(1000);
      else this.socket.terminate();
    } catch {
      this.socket.terminate();
    }
  }

  private send(message: unknown): Promise<void> {
    if (this.ended || this.socket.readyState !== this.socket.OPEN) {
      return Promise.reject(new ApiError('stream', REALTIME_CONNECTION_CLOSED));
    }
    const payload = JSON.stringify(message);
    return new Promise((resolve, reject) => {
      this.socket.send(payload, (error) => {
        if (error) {
          reject(
            this.redactor.redactError(
              new ApiError('stream', `failed to send realtime request: ${error.message}`),
            ),
          );
        } else resolve();
      });
    });
  }

  private onMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (this.ended) return;
    if (isBinary) {
      this.push({ event: { type: 'error', message: 'unexpected binary realtime websocket event' } });
      return;
    }
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    const event = parseRealtimeEvent(text, this.version);
    if (event === undefined) return;
    this.push({ event: this.transcript.observe(event, this.version === 'v1') });
  }

  private push(slot: Slot): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) {
      this.slots.push(slot);
      return;
    }
    void this.settle(slot).then(waiter.resolve, waiter.reject);
  }

  /** Ends the events with `slot` (an error or the end), once. */
  private finish(slot: { error: ApiError } | { end: true }): void {
    if (this.ended) return;
    this.ended = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    if ('error' in slot) this.push({ error: this.redactor.redactError(slot.error) });
    // Readers still waiting after the error (or all of them at the end) see the end.
    for (const waiter of this.waiters.splice(0)) waiter.resolve(undefined);
  }

  private settle(slot: Slot): Promise<RealtimeEvent | undefined> {
    if ('event' in slot) return Promise.resolve(slot.event);
    if ('error' in slot) return Promise.reject(slot.error);
    return Promise.resolve(undefined);
  }
}
