/**
 * `sseEvents()`: turn a byte stream into Server-Sent Events with an idle timeout, abort support
 * and typed failures.
 */
import { AbortedError, StreamError, TransportError } from '../errors/transport-error.js';
import { classifyBodyError } from '../http/classify.js';
import { reportSseEvent, type SseTelemetry } from '../telemetry/telemetry.js';
import { IdleClock } from '../timers/idle-clock.js';
import { monotonicMs } from '../timers/monotonic-clock.js';
import { SseDecoder, type SseEvent } from './decoder.js';

/** Options of {@link sseEvents}. */
export interface SseEventsOptions {
  /**
   * Longest silence while waiting for the next event, ms (Codex's `stream_idle_timeout_ms`,
   * default 300 000). Clamped to [0, 2^31 − 1] (`clampTimerMs`): 0 (or less, or NaN) expires as
   * soon as a read has to wait, as in codex-rs; +Infinity waits the maximum (~24.8 days). The clock
   * restarts at every dispatched event and at every chunk that leaves part of an event in the
   * decoder (bytes of a large event count as activity); comment lines, blank lines and complete
   * events without data do not restart it.
   */
  idleTimeoutMs: number;
  /** Aborting stops the stream promptly with {@link AbortedError} and cancels the body. */
  signal?: AbortSignal;
  /** Called once per yielded event and once on failure. */
  telemetry?: SseTelemetry;
}

const IDLE_TIMEOUT_MESSAGE = 'idle timeout waiting for SSE';

function noop(): void {}

/**
 * A decoder with the callback that collects its events. Both are reused from stream to stream
 * (see {@link batchDecoderPool}), so the callback the decoder calls is a long-lived function.
 */
class BatchDecoder {
  readonly decoder = new SseDecoder();
  /** Events decoded since the last batch was taken. */
  events: SseEvent[] = [];
  readonly push = (event: SseEvent): void => {
    this.events.push(event);
  };
}

/**
 * Decoders of finished streams, reset and ready for the next one (at most
 * {@link BATCH_DECODER_POOL_SIZE}). Reuse is for V8 more than for allocation: an instance's hidden
 * class, and a function recorded as a call target, live only as long as some instance does; when a
 * stream's decoder and callback died in the full GC between turns, the code optimized for them was
 * thrown away ("weak objects" deopts) and every new stream started cold.
 */
const batchDecoderPool: BatchDecoder[] = [];
const BATCH_DECODER_POOL_SIZE = 4;

function acquireDecoder(): BatchDecoder {
  return batchDecoderPool.pop() ?? new BatchDecoder();
}

function releaseDecoder(state: BatchDecoder): void {
  state.decoder.reset();
  state.events = [];
  if (batchDecoderPool.length < BATCH_DECODER_POOL_SIZE) batchDecoderPool.push(state);
}

/**
 * Decode `body` (UTF-8 `text/event-stream` bytes) with {@link SseDecoder} and yield its events
 * one by one.
 *
 * - Clean end of the body: a final event without its blank line is still yielded (decided
 *   policy), then the generator returns.
 * - No activity for `idleTimeoutMs` (measured only while the generator waits for data, from the
 *   start, the last yielded event, or the last chunk that left part of an event in the decoder;
 *   comments do not count): throws `StreamError("idle timeout waiting for SSE")` with
 *   `idleTimeout: true`.
 * - The body's iterator throws: a {@link TransportError} is rethrown as is (e.g. the
 *   `NetworkError` of `HttpTransport.stream`), anything else becomes
 *   `NetworkError("error decoding response body")` with the original as `cause`.
 * - `signal` aborts (or was aborted): throws {@link AbortedError} promptly, even while the body is
 *   stalled, and no further events are yielded.
 *
 * On any exit (error, abort, the consumer's `break`) the body iterator's `return()` is called to
 * cancel it; it is not awaited while a read is still pending, so a body whose `return()` cancels at
 * once (like `HttpTransport.stream`'s) is released promptly. One timer serves the idle timeout
 * (re-armed only when it fires), and the events decoded from one chunk are yielded without
 * awaiting anything else. `telemetry.onSseEvent` runs once per yielded event and once on failure; an
 * exception it throws is ignored.
 */
export async function* sseEvents(
  body: AsyncIterable<Uint8Array>,
  options: SseEventsOptions,
): AsyncGenerator<SseEvent, void, undefined> {
  const { signal, telemetry } = options;
  if (telemetry === undefined) {
    for await (const batch of readBatches(body, options.idleTimeoutMs, signal, undefined)) {
      for (let i = 0; i < batch.length; i++) {
        if (signal?.aborted) throw new AbortedError(signal.reason);
        yield batch[i] as SseEvent;
      }
    }
    return;
  }
  let pollStart = monotonicMs();
  try {
    for await (const batch of readBatches(body, options.idleTimeoutMs, signal, undefined)) {
      for (let i = 0; i < batch.length; i++) {
        if (signal?.aborted) throw new AbortedError(signal.reason);
        const event = batch[i] as SseEvent;
        reportSseEvent(telemetry, { event, error: undefined, durationMs: monotonicMs() - pollStart });
        yield event;
        pollStart = monotonicMs();
      }
    }
  } catch (error) {
    if (TransportError.isInstance(error)) {
      reportSseEvent(telemetry, { event: undefined, error, durationMs: monotonicMs() - pollStart });
    }
    throw error;
  }
}

/**
 * Like {@link sseEvents}, but yields the events decoded from each chunk of `body` as one array
 * (never empty; a new array each time). Same end, idle-timeout, failure, abort and cancel
 * behaviour; the idle clock restarts when the consumer asks for the next batch.
 *
 * For consumers that map events into their own async iterable: iterating a batch synchronously
 * saves one async step per event. `telemetry.onSseEvent` runs for every event of a batch just
 * before the batch is yielded (`durationMs` since the previous batch was requested), and once on
 * failure. An abort that happens while the consumer holds a batch (the idle clock does not run then)
 * is thrown by the next `next()` call; to stop within a batch the consumer checks `signal.aborted`
 * itself. Calling `return()` instead cancels the body without an error.
 */
export function sseEventBatches(
  body: AsyncIterable<Uint8Array>,
  options: SseEventsOptions,
): AsyncGenerator<SseEvent[], void, undefined> {
  return readBatches(body, options.idleTimeoutMs, options.signal, options.telemetry);
}

async function* readBatches(
  body: AsyncIterable<Uint8Array>,
  idleTimeoutMs: number,
  signal: AbortSignal | undefined,
  telemetry: SseTelemetry | undefined,
): AsyncGenerator<SseEvent[], void, undefined> {
  let pollStart = telemetry ? monotonicMs() : 0;

  if (signal?.aborted) {
    const error = new AbortedError(signal.reason);
    if (telemetry) reportSseEvent(telemetry, { event: undefined, error, durationMs: 0 });
    throw error;
  }

  const iterator = body[Symbol.asyncIterator]();
  const state = acquireDecoder();
  const { decoder, push } = state;

  // Failure raised from outside the read (idle clock, abort); it rejects the read in flight.
  let failure: TransportError | undefined;
  let rejectRead: ((error: TransportError) => void) | undefined;
  // A fresh rejectable promise per read: racing every read against one shared "interrupt" promise
  // would leave one reaction on it per chunk until the stream ends (O(chunks) memory and GC work).
  const rejectable = (read: Promise<IteratorResult<Uint8Array>>): Promise<IteratorResult<Uint8Array>> =>
    new Promise((resolve, reject) => {
      rejectRead = reject;
      read.then(resolve, reject);
    });

  const fail = (error: TransportError): void => {
    if (failure !== undefined) return;
    failure = error;
    clock.stop();
    const reject = rejectRead;
    rejectRead = undefined;
    reject?.(error);
  };
  // One clock for the whole stream: it runs while the generator waits for data, is held while
  // the consumer has a batch, and is touched by chunks that leave part of an event decoded.
  const clock = new IdleClock(idleTimeoutMs, () => {
    fail(new StreamError(IDLE_TIMEOUT_MESSAGE, { idleTimeout: true }));
  });
  const onAbort = (): void => {
    fail(new AbortedError(signal?.reason));
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  let readPending = false;
  let finished = false;
  try {
    clock.start();
    for (;;) {
      if (failure !== undefined) throw failure;
      let result: IteratorResult<Uint8Array>;
      readPending = true;
      try {
        result = await rejectable(iterator.next());
      } catch (error) {
        rejectRead = undefined;
        if (failure !== undefined) throw failure;
        if (signal?.aborted) throw new AbortedError(signal.reason);
        throw classifyBodyError(error);
      }
      readPending = false;
      rejectRead = undefined;
      if (result.done) {
        finished = true;
        decoder.end(push);
      } else {
        decoder.feedBytes(result.value, push);
      }
      const batch = state.events;
      if (batch.length > 0) {
        clock.hold();
        if (failure !== undefined) throw failure;
        state.events = [];
        if (telemetry) {
          const durationMs = monotonicMs() - pollStart;
          for (const event of batch) reportSseEvent(telemetry, { event, error: undefined, durationMs });
        }
        yield batch;
        if (telemetry) pollStart = monotonicMs();
        clock.start();
      } else if (decoder.hasPartialEvent) {
        clock.touch();
      }
      if (finished) return;
    }
  } catch (error) {
    if (telemetry && TransportError.isInstance(error)) {
      reportSseEvent(telemetry, { event: undefined, error, durationMs: monotonicMs() - pollStart });
    }
    throw error;
  } finally {
    clock.stop();
    signal?.removeEventListener('abort', onAbort);
    releaseDecoder(state);
    if (!finished && typeof iterator.return === 'function') {
      try {
        const closing = iterator.return();
        if (readPending) {
          Promise.resolve(closing).catch(noop);
        } else {
          await closing;
        }
      } catch {
        // Cancelling the body is best effort.
      }
    }
  }
}
