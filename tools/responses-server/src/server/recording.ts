// What the server records about each request, handshake and WebSocket frame, plus bounded waiting.

/** Header pairs exactly as received (`rawHeaders`): original case, wire order, duplicates kept. */
export type HeaderPairs = Array<[name: string, value: string]>;

/**
 * One HTTP request the server received (any method and path; WebSocket upgrades are recorded in
 * `handshakes` instead). Recorded once the body has been read, before the answer is sent.
 */
export interface RecordedRequest {
  /** HTTP method, e.g. `POST`. */
  method: string;
  /** Request target as sent, including any query string, e.g. `/v1/responses?x=1`. */
  url: string;
  /** Path without the query string, e.g. `/v1/responses`. */
  path: string;
  /** Headers in wire order with their original case. */
  headers: HeaderPairs;
  /** Lower-cased header name → value (repeated headers joined with `, `). */
  headerMap: Record<string, string>;
  /**
   * Body as UTF-8 text, after undoing `content-encoding` `gzip`, `deflate`, `br` and `zstd`
   * (node:zlib's where this Node has it, else `fzstd`). Undecodable bodies are kept as received.
   */
  body: string;
  /** Body bytes exactly as received (before content decoding). */
  bodyBytes: Buffer;
  /** `JSON.parse(body)`, or `undefined` when the body is empty or not JSON. */
  json: unknown;
  /** `Date.now()` when the request's headers arrived, in ms. */
  receivedAt: number;
  /**
   * Which route served it: `responses` (`POST …/responses`), a ChatGPT-backend route (`token`,
   * `accountsCheck`, `models`, `compact`, `traceSummarize`), or `undefined` (no route: answered 404).
   */
  route: 'responses' | 'token' | 'accountsCheck' | 'models' | 'compact' | 'traceSummarize' | undefined;
  /**
   * Index of the step (for `responses`, in the current HTTP scenario) or of the reply (for a
   * ChatGPT-backend route, in that route's script) that answered this request (`undefined` when
   * none did: other paths, exhausted scripts).
   */
  step: number | undefined;
}

/** One WebSocket upgrade request (`GET …/responses` with `Upgrade: websocket`). */
export interface RecordedHandshake {
  /** Connection number, 0-based, shared with `RecordedWsFrame.connection`. */
  connection: number;
  /** Request target including any query string. */
  url: string;
  /** Path without the query string. */
  path: string;
  headers: HeaderPairs;
  /** Lower-cased header name → value (repeated headers joined with `, `). */
  headerMap: Record<string, string>;
  /** `Date.now()` when the upgrade request arrived, in ms. */
  receivedAt: number;
  /** 101 when accepted, otherwise the rejection status. */
  status: number;
}

/** One client → server WebSocket message. */
export interface RecordedWsFrame {
  /** The connection it arrived on (index into `handshakes`' `connection` numbers). */
  connection: number;
  /** Message text (binary messages are decoded as UTF-8). */
  text: string;
  /** True for a binary message. */
  binary: boolean;
  /** Parsed JSON, or `undefined` when not JSON. */
  json: unknown;
  /** `Date.now()` when it arrived, in ms. */
  receivedAt: number;
}

/** Pair up Node's flat `rawHeaders` array and build the lower-cased lookup record. */
export function headerRecords(rawHeaders: string[]): {
  headers: HeaderPairs;
  headerMap: Record<string, string>;
} {
  const headers: HeaderPairs = [];
  const headerMap: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    headers.push([name, value]);
    const key = name.toLowerCase();
    headerMap[key] = key in headerMap ? `${headerMap[key]}, ${value}` : value;
  }
  return { headers, headerMap };
}

/** Parse JSON, `undefined` on failure or empty text. */
export function tryParseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Resolves waiters when some count reaches a target; every wait is bounded by a timeout. */
export class CountWaiters {
  private readonly pending = new Set<() => void>();

  /** Re-check all pending waits (call after each change). */
  notify(): void {
    for (const check of [...this.pending]) check();
  }

  /**
   * Resolve with `get()` once `count()` ≥ `n`; reject after `timeoutMs` with an error naming `what`,
   * the count reached and the target.
   */
  wait<T>(what: string, n: number, timeoutMs: number, count: () => number, get: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        if (count() >= n) {
          this.pending.delete(check);
          clearTimeout(timer);
          resolve(get());
        }
      };
      const timer = setTimeout(() => {
        this.pending.delete(check);
        reject(
          new Error(
            `responses-server: timed out after ${timeoutMs} ms waiting for ${n} ${what} (have ${count()})`,
          ),
        );
      }, timeoutMs);
      this.pending.add(check);
      check();
    });
  }
}

/** Sleep `ms`, resolving early (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Resolve when `signal` aborts. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
