/**
 * The iterator of a streamed response body (`HttpTransport.stream().body`): one wake-up per batch
 * of received bytes, not one per chunk the HTTP parser hands over.
 */
import { classifyBodyError } from './classify.js';
import type { RequestState } from './request-state.js';
import type { BodyStream } from './sender.js';

/**
 * Bytes taken from the body ahead of the consumer before the body is paused. While paused, the
 * stream keeps what is still arriving in its own buffer (its `highWaterMark`) and then stops
 * reading the socket, so a slow consumer holds at most about this much plus one socket read plus
 * the stream's buffer.
 */
export const MAX_READ_AHEAD_BYTES = 64 * 1024;

const DONE: IteratorResult<Uint8Array> = Object.freeze({ done: true, value: undefined });

/** The largest chunk {@link warmChunks} keeps (a chunk of a busy SSE stream is ~100–300 bytes). */
const WARM_CHUNK_MAX_BYTES = 16 * 1024;
/** The most body classes {@link warmChunks} keeps a chunk for (one per sender in practice). */
const WARM_CHUNK_CLASSES = 4;

/**
 * One chunk of a recent body per body class (`IncomingMessage` of `node:http`, undici's body, …),
 * kept only for V8. The Buffers Node's HTTP parser hands over are made in C++ (a `Uint8Array` whose
 * prototype is then set to `Buffer.prototype`), which gives them a hidden class of their own that
 * lives only while one of them does. Once a stream's chunks died in a full GC (e.g. between two
 * turns), that hidden class died with them, and every function optimized for it was thrown away
 * ("weak objects" deopts): Node's `parserOnBody`, `Readable.push`, `addChunk`, our `onData`,
 * `Buffer.concat`. The next stream then ran its first few thousand chunks through them unoptimized
 * (about 12 % of the main-thread CPU of a 10 000-event stream, `tools/bench` `sse-throughput`).
 * One small chunk alive keeps the hidden class, and the code, for the next stream. Per class, so
 * that streams of another sender in the same process do not evict it. Holds at most
 * {@link WARM_CHUNK_CLASSES} chunks of at most {@link WARM_CHUNK_MAX_BYTES} each (the first small
 * chunk of the latest stream of each class); never a stream or a socket.
 */
const warmChunks = new Map<unknown, Buffer>();

function keepWarm(readable: BodyStream, chunk: Buffer): void {
  const kind = readable.constructor;
  if (warmChunks.size >= WARM_CHUNK_CLASSES && !warmChunks.has(kind)) warmChunks.clear();
  warmChunks.set(kind, chunk);
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/**
 * Reads a body in flowing mode: every chunk the stream emits (Node's HTTP parser emits one per
 * HTTP chunk, i.e. one per event of a server that flushes each event) is appended to a list, and a
 * waiting `next()` is woken once; it runs after the whole socket read was parsed and takes every
 * chunk received so far as one `Uint8Array` (the chunk itself when there is one, else one copy of
 * all of them). So a stream of tiny chunks costs one promise per socket read, and no per-chunk
 * work of the stream's paused mode (its buffer list, `read()`, pausing the socket per chunk).
 *
 * Backpressure: once {@link MAX_READ_AHEAD_BYTES} are waiting for the consumer the stream is
 * paused, and it is resumed when the consumer takes them. Failures: a stream error, or a close
 * before the end, makes the next read throw (what the consumer has not taken yet is dropped), as
 * `RequestState.stopError()` (cancel, abort, deadline) or else
 * `NetworkError("error decoding response body")`. Unlike Node's own stream iterator, `return()`
 * closes the connection at once, even while a read is pending (that read then ends as done).
 */
export class BodyIterator implements AsyncIterator<Uint8Array> {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private listening = false;
  private paused = false;
  private ended = false;
  private failed = false;
  private error: unknown = undefined;
  private returned = false;
  /** A chunk of this body is kept in {@link warmChunks}. */
  private warmed = false;
  /** Resolves the promise of a `next()` that waits for data. */
  private wake: (() => void) | undefined = undefined;

  private readonly onData = (chunk: Buffer): void => {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes >= MAX_READ_AHEAD_BYTES && !this.paused) {
      this.paused = true;
      this.readable.pause();
    }
    this.notify();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.notify();
  };

  private readonly onError = (error: unknown): void => {
    if (!this.failed) {
      this.failed = true;
      this.error = error;
    }
    this.notify();
  };

  private readonly onClose = (): void => {
    if (!this.ended && !this.failed) {
      this.failed = true;
      this.error = this.readable.errored ?? prematureClose();
    }
    this.notify();
  };

  /** Runs when a waiting read was woken: settle it, or wait again. */
  private readonly resumeRead = (): Promise<IteratorResult<Uint8Array>> | IteratorResult<Uint8Array> =>
    this.settle() ?? this.waitForData();

  constructor(
    private readonly readable: BodyStream,
    private readonly state: RequestState,
  ) {}

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.returned) return Promise.resolve(DONE);
    const stop = this.state.cancelled ? this.state.stopError() : undefined;
    if (stop !== undefined) return Promise.reject(stop);
    if (!this.listening) this.listen();
    let result: IteratorResult<Uint8Array> | undefined;
    try {
      result = this.settle();
    } catch (error) {
      return Promise.reject(error);
    }
    return result !== undefined ? Promise.resolve(result) : this.waitForData();
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    this.returned = true;
    this.chunks = [];
    this.bytes = 0;
    if (!this.readable.destroyed) this.readable.destroy();
    this.notify();
    return Promise.resolve(DONE);
  }

  private waitForData(): Promise<IteratorResult<Uint8Array>> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
    }).then(this.resumeRead);
  }

  /** What a read gives now, or undefined when it has to wait; throws the mapped failure. */
  private settle(): IteratorResult<Uint8Array> | undefined {
    if (this.returned) return DONE;
    if (this.failed) {
      this.chunks = [];
      this.bytes = 0;
      throw this.state.stopError() ?? classifyBodyError(this.error);
    }
    const chunks = this.chunks;
    if (chunks.length > 0) {
      const first = chunks[0] as Buffer;
      if (!this.warmed && first.length <= WARM_CHUNK_MAX_BYTES) {
        this.warmed = true;
        keepWarm(this.readable, first);
      }
      const value = chunks.length === 1 ? first : Buffer.concat(chunks, this.bytes);
      this.chunks = [];
      this.bytes = 0;
      if (this.paused) {
        this.paused = false;
        if (!this.ended) this.readable.resume();
      }
      return { done: false, value };
    }
    return this.ended ? DONE : undefined;
  }

  private notify(): void {
    const wake = this.wake;
    if (wake !== undefined) {
      this.wake = undefined;
      wake();
    }
  }

  /** Starts the flow on the first read (a body never read is never pulled from the socket). */
  private listen(): void {
    this.listening = true;
    const readable = this.readable;
    if (readable.destroyed) {
      // Closed before anyone read it (cancelled, or the connection dropped): nothing more comes.
      if (readable.readableEnded) this.ended = true;
      else this.onClose();
      return;
    }
    readable.on('end', this.onEnd);
    readable.on('error', this.onError);
    readable.on('close', this.onClose);
    readable.on('data', this.onData);
  }
}
