/**
 * The opt-in undici sender of {@link HttpTransport} (`sender: 'undici'`): undici's `Agent` and its
 * promise `request()` loaded from their own files, never from undici's `index.js`, so nothing
 * global is written (`index.js` installs `fetch`, `Headers`, `File`, … and reading those makes Node
 * load its own bundled undici too). llhttp is still WebAssembly, compiled at the first connection.
 *
 * Relies on undici internals (no `exports` map promises them), pinned to undici 7.30.2 exactly:
 * `lib/dispatcher/agent.js` (the `Agent` class) and `lib/api/api-request.js` (the function that
 * `Dispatcher.prototype.request` is, called with the agent as `this`). undici is an optional peer
 * dependency of this package: the files are required on the first request, from the package's
 * own location (in a CommonJS bundle, from the bundle's), so a bundler leaves undici out of its
 * output; install it beside the bundle.
 */
import type { SecureContext } from 'node:tls';
import { clampTimerMs } from '../timers/idle-clock.js';
import {
  DispatcherSender,
  type Exchange,
  type HttpDispatcher,
  type HttpDispatcherRequest,
  type HttpDispatcherResponse,
  type Sender,
} from './sender.js';
import type { HttpRequest } from './types.js';

/** Options of {@link UndiciSender}, ms clamped with `clampTimerMs`; as {@link NodeSenderOptions}. */
export interface UndiciSenderOptions {
  /** TCP connect plus TLS handshake of a new connection (undici's default: 10 000). */
  connectTimeoutMs?: number;
  /** How long an idle connection is kept (undici's default: 4 000; a server's `keep-alive: timeout=` hint wins as undici applies it). */
  keepAliveTimeoutMs?: number;
  /** Trust for HTTPS, or a function making it, called once on the first https: connection; default: Node's. */
  secureContext?: SecureContext | (() => SecureContext);
}

/** The part of undici's `Agent` used here. */
interface UndiciAgent {
  close(): Promise<void>;
}
type AgentClass = new (options: object) => UndiciAgent;
type ApiRequest = (this: UndiciAgent, options: HttpDispatcherRequest) => Promise<HttpDispatcherResponse>;
/** undici's `connect` function: opens the socket of one new connection. */
type Connector = (options: { protocol: string }, callback: (...args: unknown[]) => void) => void;
type BuildConnector = (options: object) => Connector;

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 4_000;

interface Undici {
  Agent: AgentClass;
  request: ApiRequest;
  buildConnector: BuildConnector;
}
let undici: Undici | undefined;

/** undici's `Agent`, `request()` and `buildConnector` from their own files (7.30.2 layout). */
function loadUndici(): Undici {
  if (undici === undefined) {
    // In a CommonJS bundle (the CLI's `dist/cli.cjs`) `import.meta.url` is empty: resolve from the bundle.
    // `node:module` itself is loaded here too, not at start-up.
    const { createRequire } = process.getBuiltinModule('node:module');
    const require = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
    undici = {
      Agent: require('undici/lib/dispatcher/agent.js') as AgentClass,
      request: require('undici/lib/api/api-request.js') as ApiRequest,
      buildConnector: require('undici/lib/core/connect.js') as BuildConnector,
    };
  }
  return undici;
}

/**
 * undici's own connector (connect timeout, TCP keep-alive, TLS sessions), with `trust` built on
 * the first https: connection only, as the node:http sender does.
 */
function lazyTrustConnector(
  buildConnector: BuildConnector,
  timeout: number,
  trust: SecureContext | (() => SecureContext),
): Connector {
  let plain: Connector | undefined;
  let secure: Connector | undefined;
  return (options, callback) => {
    if (options.protocol !== 'https:') {
      plain ??= buildConnector({ timeout });
      return plain(options, callback);
    }
    secure ??= buildConnector({ timeout, secureContext: typeof trust === 'function' ? trust() : trust });
    return secure(options, callback);
  };
}

/** Sends on one undici `Agent` (created on the first request) without loading undici's `index.js`. */
export class UndiciSender implements Sender {
  private readonly connectTimeoutMs: number;
  private readonly keepAliveTimeoutMs: number;
  private readonly secureContext: SecureContext | (() => SecureContext) | undefined;
  private agent: UndiciAgent | undefined;
  private inner: DispatcherSender | undefined;

  constructor(options: UndiciSenderOptions = {}) {
    this.connectTimeoutMs = clampTimerMs(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    this.keepAliveTimeoutMs = clampTimerMs(options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS);
    this.secureContext = options.secureContext;
  }

  send(req: HttpRequest, url: URL, signal: AbortSignal): Promise<Exchange> {
    if (this.inner === undefined) {
      const { Agent, request, buildConnector } = loadUndici();
      const trust = this.secureContext;
      const agent = new Agent({
        connectTimeout: this.connectTimeoutMs,
        keepAliveTimeout: this.keepAliveTimeoutMs,
        headersTimeout: 0,
        bodyTimeout: 0,
        ...(trust === undefined
          ? {}
          : { connect: lazyTrustConnector(buildConnector, this.connectTimeoutMs, trust) }),
      });
      const dispatcher: HttpDispatcher = { request: (options) => request.call(agent, options) };
      this.agent = agent;
      this.inner = new DispatcherSender(dispatcher);
    }
    return this.inner.send(req, url, signal);
  }

  /** undici's `Agent.close()`: waits for requests in flight, then closes the connections. */
  async close(): Promise<void> {
    await this.agent?.close();
  }
}
