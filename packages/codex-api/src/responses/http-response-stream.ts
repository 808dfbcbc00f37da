// One streamed HTTP response of ResponsesClient: SSE batches mapped into ResponseEvents (split out of
// responses-client.ts).
import type { SseEvent, SseTelemetry, StreamingResponse } from '@codex-ts/client';
import { type SecretRedactor, sseEventBatches } from '@codex-ts/client';
import type { ApiError } from '../errors/api-error.js';
import { apiErrorFromTransport, requestIdFromHeaders } from '../errors/map-errors.js';
import { ResponsesEventMapper } from './event-mapper.js';
import type { ResponseEvent } from './events.js';
import { headerEvents } from './header-events.js';
import type { ResponseStream } from './responses-client.js';

function noop(): void {}

const DONE: IteratorResult<ResponseEvent> = Object.freeze({ done: true, value: undefined });

/**
 * The most recently finished stream, kept (with its references to the response, body and signal
 * dropped) only so that V8 keeps its hidden class and its mapper's alive: a class instance's hidden
 * class lives only as long as some instance does, so after the full GC between turns the code
 * optimized for it would be thrown away ("weak objects" deopts) and every stream would start cold
 * (~7 ms at 10 000 events). Holds the headers, the mapper and any events the consumer left in the
 * queue (until the next stream finishes), never a body or a connection.
 */
const lastFinished: { stream: HttpResponseStream | undefined } = { stream: undefined };

/**
 * One streamed response, its own (single-use) iterator. `sseEventBatches` of `@codex-ts/client`
 * reads the body and owns the idle timeout, abort and SSE telemetry; per batch of SSE
 * events this maps each event's data (`JSON.parse` → {@link ResponsesEventMapper}) into a queue of
 * {@link ResponseEvent}s, after the synthetic header events. Only batch reads are awaited; queued
 * events are handed out with an already-resolved promise, so the per-event path has no async layer
 * besides the consumer's own `for await`.
 *
 * An abort stops the hand-out of queued events at once (the next read then throws the client's
 * `AbortedError`). Completion, a mapping failure, `return()` and any read failure cancel the body.
 */
export class HttpResponseStream implements ResponseStream, AsyncIterator<ResponseEvent> {
  readonly headers: Readonly<Record<string, string>>;
  readonly requestId: string | undefined;
  private iterated = false;
  private readonly queue: ResponseEvent[];
  private head = 0;
  private readonly mapper: ResponsesEventMapper;
  /** The SSE event batches; undefined once reading stopped (completed, failed, EOF or returned). */
  private batches: AsyncGenerator<SseEvent[], void, undefined> | undefined;
  /** Undefined once reading stopped (see {@link finish}). */
  private response: StreamingResponse | undefined;
  /** The caller's signal while reading; undefined once reading stopped (an abort no longer matters). */
  private signal: AbortSignal | undefined;
  /** `completed` was mapped or the mapper failed: stop mapping, stop reading. */
  private stopped = false;
  /** An error to throw once the queue is drained. */
  private pendingError: ApiError | undefined;

  constructor(
    response: StreamingResponse,
    idleTimeoutMs: number,
    signal: AbortSignal | undefined,
    telemetry: SseTelemetry | undefined,
    private readonly redactor: SecretRedactor,
  ) {
    const headers = response.headers;
    this.headers = headers;
    this.requestId = requestIdFromHeaders(headers);
    this.response = response;
    this.queue = headerEvents(headers, 'response');
    this.signal = signal;
    this.mapper = new ResponsesEventMapper({
      transport: 'http',
      safetyBufferingFasterModel: headers['x-codex-safety-buffering-faster-model'],
      turnStateKnown: headers['x-codex-turn-state'] !== undefined,
    });
    // The generator touches the body only when first read.
    this.batches = sseEventBatches(response.body, { idleTimeoutMs, signal, telemetry });
  }

  [Symbol.asyncIterator](): AsyncIterator<ResponseEvent> {
    if (this.iterated) throw new Error('a ResponseStream can be iterated only once');
    this.iterated = true;
    return this;
  }

  next(): Promise<IteratorResult<ResponseEvent>> {
    const queue = this.queue;
    if (this.head < queue.length && !this.signal?.aborted) {
      const value = queue[this.head++] as ResponseEvent;
      if (this.head === queue.length) {
        queue.length = 0;
        this.head = 0;
      }
      return Promise.resolve({ done: false, value });
    }
    return this.pull();
  }

  async return(): Promise<IteratorResult<ResponseEvent>> {
    this.queue.length = 0;
    this.head = 0;
    this.pendingError = undefined;
    this.finish(true);
    return DONE;
  }

  /** Reads batches until the queue has an event, the stream ends or fails. */
  private async pull(): Promise<IteratorResult<ResponseEvent>> {
    for (;;) {
      const batches = this.batches;
      if (batches === undefined) {
        if (this.head < this.queue.length) return this.next();
        const error = this.pendingError;
        if (error === undefined) return DONE;
        this.pendingError = undefined;
        throw this.redactor.redactError(error);
      }
      if (this.signal?.aborted) {
        // Hand out nothing more; the read below throws the client's AbortedError.
        this.queue.length = 0;
        this.head = 0;
      } else if (this.head < this.queue.length) {
        return this.next();
      }
      let result: IteratorResult<SseEvent[]>;
      try {
        result = await batches.next();
      } catch (error) {
        // The generator has already cancelled the body and reported the failure to telemetry.
        this.queue.length = 0;
        this.head = 0;
        this.pendingError = undefined;
        this.finish(false);
        throw this.redactor.redactError(apiErrorFromTransport(error, { phase: 'stream' }));
      }
      if (result.done) {
        if (!this.stopped) this.pendingError = this.mapper.finish();
        this.finish(false);
        continue;
      }
      const batch = result.value;
      for (let i = 0; i < batch.length; i++) {
        this.handle(batch[i] as SseEvent);
        if (this.stopped) {
          this.finish(true);
          break;
        }
      }
    }
  }

  /**
   * One SSE event: parse, map, queue (non-JSON data is skipped). Sets {@link stopped} at
   * `completed` (later events are dropped) or when the mapper throws.
   */
  private handle(sse: SseEvent): void {
    let json: unknown;
    try {
      json = JSON.parse(sse.data);
    } catch {
      return;
    }
    const mapper = this.mapper;
    let event: ResponseEvent | undefined;
    try {
      event = mapper.process(json);
    } catch (error) {
      this.pendingError = apiErrorFromTransport(error, { phase: 'stream' });
      this.stopped = true;
      return;
    }
    const queue = this.queue;
    const derived = mapper.pending;
    if (derived.length > 0) {
      for (let i = 0; i < derived.length; i++) queue.push(derived[i] as ResponseEvent);
      derived.length = 0;
    }
    if (event !== undefined) queue.push(event);
    if (mapper.isCompleted) this.stopped = true;
  }

  /**
   * Stop reading (idempotent). With `cancel`, end the batches generator (which cancels the body)
   * and cancel the response, closing the connection at once even while a read is pending. Then
   * drop every reference to the response and keep this object as {@link lastFinished}.
   */
  private finish(cancel: boolean): void {
    const batches = this.batches;
    if (batches === undefined) return;
    this.batches = undefined;
    this.signal = undefined;
    if (cancel) {
      batches.return().catch(noop);
      this.response?.cancel();
    }
    this.response = undefined;
    lastFinished.stream = this;
  }
}
