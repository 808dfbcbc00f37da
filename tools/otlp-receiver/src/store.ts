// What a receiver collected, and the waits tests use on it.
import type { DecodedExport, OtlpSignal, ReceivedLog, ReceivedMetric, ReceivedSpan } from './decode.js';

/** How an export request arrived. */
export type OtlpTransport = 'http/json' | 'http/protobuf' | 'grpc';

/** One export request as received: signal, transport, path (or gRPC method) and headers (lower-case names). */
export interface ReceivedRequest {
  signal: OtlpSignal;
  transport: OtlpTransport;
  path: string;
  headers: Record<string, string>;
  /** The request body: JSON text or protobuf bytes (inflated when it came gzip-encoded). */
  body: Buffer;
}

/** The read side every receiver offers. */
export interface OtlpCollected {
  /** Every export request so far, in arrival order. */
  requests(): ReceivedRequest[];
  /** Every log record so far, or those whose event name is `eventName`. */
  logs(eventName?: string): ReceivedLog[];
  /** Every span so far, or those named `name`. */
  spans(name?: string): ReceivedSpan[];
  /** Every metric (one entry per metric per export request), or those named `name`. */
  metrics(name?: string): ReceivedMetric[];
  /**
   * Resolves once `predicate` holds (checked on each arrival and now); rejects after
   * `timeoutMs` (default 10 000 ms) naming `what`.
   */
  waitFor(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
}

/** Collects decoded exports; receivers call {@link OtlpStore.add}. */
export class OtlpStore implements OtlpCollected {
  readonly #requests: ReceivedRequest[] = [];
  readonly #logs: ReceivedLog[] = [];
  readonly #spans: ReceivedSpan[] = [];
  readonly #metrics: ReceivedMetric[] = [];
  readonly #waiters = new Set<() => void>();

  add(request: ReceivedRequest, decoded: DecodedExport): void {
    this.#requests.push(request);
    this.#logs.push(...decoded.logs);
    this.#spans.push(...decoded.spans);
    this.#metrics.push(...decoded.metrics);
    for (const wake of [...this.#waiters]) wake();
  }

  requests(): ReceivedRequest[] {
    return [...this.#requests];
  }

  logs(eventName?: string): ReceivedLog[] {
    return this.#logs.filter((l) => eventName === undefined || l.eventName === eventName);
  }

  spans(name?: string): ReceivedSpan[] {
    return this.#spans.filter((s) => name === undefined || s.name === name);
  }

  metrics(name?: string): ReceivedMetric[] {
    return this.#metrics.filter((m) => name === undefined || m.name === name);
  }

  waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        if (!predicate()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`OTLP receiver: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
      };
      this.#waiters.add(wake);
    });
  }
}
