/**
 * The default sender of {@link HttpTransport}: `node:http` / `node:https` with one keep-alive
 * `Agent` per scheme. Node's HTTP parser is native, so nothing is compiled at start-up (no
 * WebAssembly, no library code), and nothing global is touched.
 *
 * The request head is what codex-cli 0.169.0 (reqwest / hyper) writes (observed-cli-0.169.md §3,
 * observed-cli-0.169-login-flows.md §2.1): the caller's headers in insertion order with their names
 * as given (values as Latin-1 bytes), then `host`, then `content-length` (for any body, and 0 for a
 * body-less POST / PUT / PATCH), and no `connection` header (HTTP/1.1 connections persist by
 * default; the connection is still kept alive) unless the caller gives one.
 */
import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http';
import type * as Https from 'node:https';
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import { ConnectionError, type ResponseHeaders } from '../errors/transport-error.js';
import { clampTimerMs, IdleClock } from '../timers/idle-clock.js';
import type { BodyStream, Exchange, Sender } from './sender.js';
import type { HttpRequest } from './types.js';

/**
 * `node:https` (and with it `node:tls`), loaded on the first https: request: a plain-HTTP
 * provider (a local server, a proxy on loopback) never pays the ~1 ms of loading them.
 */
function https(): typeof Https {
  return process.getBuiltinModule('node:https') as typeof Https;
}

/** Options of {@link NodeSender}, ms clamped with `clampTimerMs`. */
export interface NodeSenderOptions {
  /** TCP connect plus TLS handshake of a new connection (undici's default: 10 000). */
  connectTimeoutMs?: number;
  /** How long an idle connection is kept (undici's default: 4 000; a server's shorter `keep-alive: timeout=` wins). */
  keepAliveTimeoutMs?: number;
  /**
   * Trust for HTTPS (e.g. `extraCaSecureContext(pem)`), or a function making it, called once when
   * the first https: connection is made; default: Node's.
   */
  secureContext?: SecureContext | (() => SecureContext);
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 4_000;
/** undici's rule for a server's `keep-alive: timeout=<s>`: that minus 2 s, at most 600 s. */
const KEEP_ALIVE_HINT = /timeout=(\d+)/;
const KEEP_ALIVE_HINT_MARGIN_MS = 2_000;
const KEEP_ALIVE_MAX_MS = 600_000;
/** TCP keep-alive probes after a minute of silence (undici's `keepAliveInitialDelay`). */
const TCP_KEEP_ALIVE_DELAY_MS = 60_000;
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Response headers from Node's raw list: lower-cased names, repeated values joined with `", "`
 * (every header, also those Node's `headers` object would drop or join with `;`), values as
 * Latin-1 text (as undici gives them).
 */
export function headersFromRaw(raw: readonly string[]): ResponseHeaders {
  const merged = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const before = merged.get(name);
    merged.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  return Object.fromEntries(merged);
}

/**
 * The request head's headers as `[name, value]` pairs in wire order (see the module comment), and
 * whether the caller gave a `connection` header.
 */
function wireHeaders(
  url: URL,
  method: string,
  headers: Readonly<Record<string, string>>,
  bodyLength: number | undefined,
): { pairs: [string, string][]; connection: boolean } {
  let host: [string, string] = ['host', url.host];
  let connection = false;
  let hasLength = false;
  const pairs: [string, string][] = [];
  for (const name in headers) {
    const value = headers[name] as string;
    const lower = name.toLowerCase();
    if (lower === 'host') {
      host = [name, value];
      continue;
    }
    if (lower === 'connection') connection = true;
    else if (lower === 'content-length') hasLength = true;
    pairs.push([name, value]);
  }
  pairs.push(host);
  if (!hasLength && (bodyLength !== undefined || WITH_BODY.has(method))) {
    pairs.push(['content-length', String(bodyLength ?? 0)]);
  }
  return { pairs, connection };
}

/** What Node's Agent hands to `keepSocketAlive`: the socket of the request that just finished. */
type FinishedSocket = Socket & { _httpMessage?: { res?: IncomingMessage } | null };

/**
 * How long a connection whose response just ended stays in the pool, ms, as undici decides: the
 * server's `keep-alive: timeout=` hint minus 2 s (capped at 600 s; nothing left → not reused), else
 * `defaultMs`. Node's own rule would take the smaller of the hint and the default.
 */
function idleTimeoutMs(socket: FinishedSocket, defaultMs: number): number | undefined {
  const hint = socket._httpMessage?.res?.headers['keep-alive'];
  const match = typeof hint === 'string' ? KEEP_ALIVE_HINT.exec(hint) : null;
  if (match === null) return defaultMs;
  const ms = Math.min(Number(match[1]) * 1000 - KEEP_ALIVE_HINT_MARGIN_MS, KEEP_ALIVE_MAX_MS);
  return ms > 0 ? ms : undefined;
}

/** Returns a keep-alive agent of `Base` whose idle connections live {@link idleTimeoutMs}. */
function keepAliveAgent<A extends HttpAgent>(
  Base: new (options: object) => A,
  options: object,
  defaultIdleMs: number,
): A {
  const agent = new Base({
    ...options,
    keepAlive: true,
    keepAliveMsecs: TCP_KEEP_ALIVE_DELAY_MS,
    scheduling: 'lifo',
  });
  const keepSocketAlive = (socket: FinishedSocket): boolean => {
    const ms = idleTimeoutMs(socket, defaultIdleMs);
    if (ms === undefined) return false;
    socket.setKeepAlive(true, TCP_KEEP_ALIVE_DELAY_MS);
    socket.unref();
    socket.setTimeout(ms);
    return true;
  };
  Object.assign(agent, { keepSocketAlive });
  return agent;
}

/** `node:http` / `node:https` requests on keep-alive agents created on first use. */
export class NodeSender implements Sender {
  private readonly connectTimeoutMs: number;
  private readonly keepAliveTimeoutMs: number;
  private readonly secureContext: SecureContext | (() => SecureContext) | undefined;
  private httpAgent: HttpAgent | undefined;
  private httpsAgent: Https.Agent | undefined;
  private inFlight = 0;
  private drained: (() => void) | undefined;

  constructor(options: NodeSenderOptions = {}) {
    this.connectTimeoutMs = clampTimerMs(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    this.keepAliveTimeoutMs = clampTimerMs(options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS);
    this.secureContext = options.secureContext;
  }

  send(req: HttpRequest, url: URL, signal: AbortSignal): Promise<Exchange> {
    const secure = url.protocol === 'https:';
    const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
    return new Promise<Exchange>((resolve, reject) => {
      let request: ClientRequest | undefined;
      const options = {
        hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: req.method,
        // `host` is set below, in its place after the caller's headers.
        setHost: false,
        signal,
      };
      try {
        request = secure
          ? https().request({ ...options, agent: this.agentFor(true) as Https.Agent })
          : httpRequest({ ...options, agent: this.agentFor(false) });
        // Headers set one by one keep their order and names as given, and are written when the body
        // is (a raw list would be written at once, before `connection` could be left out).
        const head = wireHeaders(url, req.method, req.headers, body?.byteLength);
        for (const [name, value] of head.pairs) request.appendHeader(name, value);
        // Node writes `Connection: keep-alive` unless the header was removed; without it the
        // connection is still reused (persistent is HTTP/1.1's default).
        if (!head.connection) request.removeHeader('connection');
      } catch (error) {
        // An invalid header name or value: nothing was written; the request goes no further (its
        // own 'error' from being destroyed is not the caller's).
        request?.on('error', () => {}).destroy();
        reject(error);
        return;
      }
      this.track(request);
      let responded = false;
      // Stays attached: after the response, failures reach the caller through the body.
      request.on('error', (error) => {
        if (!responded) reject(error);
      });
      const address = `${options.hostname}:${url.port === '' ? (secure ? 443 : 80) : url.port}`;
      request.once('socket', (socket) => this.watchConnect(request, socket, secure, address));
      request.once('response', (response: IncomingMessage) => {
        responded = true;
        resolve({
          status: response.statusCode ?? 0,
          headers: headersFromRaw(response.rawHeaders),
          body: response as BodyStream,
        });
      });
      request.end(body);
    });
  }

  async close(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.httpAgent?.destroy();
    this.httpsAgent?.destroy();
  }

  private agentFor(secure: boolean): HttpAgent {
    if (!secure) {
      this.httpAgent ??= keepAliveAgent(HttpAgent, {}, this.keepAliveTimeoutMs);
      return this.httpAgent;
    }
    if (this.httpsAgent === undefined) {
      const trust = this.secureContext;
      const secureContext = typeof trust === 'function' ? trust() : trust;
      const options = secureContext === undefined ? {} : { secureContext };
      this.httpsAgent = keepAliveAgent(https().Agent, options, this.keepAliveTimeoutMs);
    }
    return this.httpsAgent;
  }

  /** Counts a request until it and its response closed, for {@link NodeSender.close}. */
  private track(request: ClientRequest): void {
    this.inFlight++;
    request.once('close', () => {
      this.inFlight--;
      if (this.inFlight === 0 && this.drained !== undefined) {
        this.drained();
        this.drained = undefined;
      }
    });
  }

  /** Bounds TCP connect (and TLS handshake) of a new connection; a reused one is already up. */
  private watchConnect(request: ClientRequest, socket: Socket, secure: boolean, address: string): void {
    if (request.reusedSocket || (!secure && !socket.connecting)) return;
    const clock = new IdleClock(this.connectTimeoutMs, () => {
      request.destroy(
        new ConnectionError(
          `Connect Timeout Error (attempted address: ${address}, timeout: ${this.connectTimeoutMs}ms)`,
        ),
      );
    });
    const stop = (): void => clock.stop();
    socket.once(secure ? 'secureConnect' : 'connect', stop);
    request.once('close', stop);
    clock.start();
  }
}
