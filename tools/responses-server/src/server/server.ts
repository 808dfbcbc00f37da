// The server: one node:http server for `POST …/responses` (SSE) and `GET …/responses` upgrades.

import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { ChatgptRoute, ChatgptScenario, JsonReply, RouteScript } from '../scenario/chatgpt.js';
import type { HandshakeStep, Scenario, Step, WsResponseStep, WsScenario } from '../scenario/types.js';
import { validateScenario, validateStep } from '../scenario/validate.js';
import { RealtimeEndpoint, type RealtimeScenario } from '../ws/realtime-endpoint.js';
import { WsEndpoint } from '../ws/ws-endpoint.js';
import { ChatgptRoutes, describeReply, matchChatgptRoute, sendJsonReply } from './chatgpt-routes.js';
import { decodeBody, describeStep, runHttpStep, sendJson } from './http-steps.js';
import { Lifetime } from './lifetime.js';
import {
  CountWaiters,
  headerRecords,
  type RecordedHandshake,
  type RecordedRequest,
  type RecordedWsFrame,
  tryParseJson,
} from './recording.js';
import { type ScriptCursor, takeNext } from './script-cursor.js';
import { makeTestTls, type TestTlsMaterial } from './tls.js';

/** Options of `startResponsesServer`. */
export interface ResponsesServerOptions {
  /** The HTTP script (default: no steps, so every `POST …/responses` gets a 500 `scenario_exhausted`). */
  scenario?: Scenario;
  /** The WebSocket script (default: accept every upgrade, no response steps, `autoPrewarm` on). */
  wsScenario?: WsScenario;
  /** Interface to listen on, default `127.0.0.1`. */
  host?: string;
  /** TCP port, default 0 (an ephemeral port; read it back from `port`). */
  port?: number;
  /**
   * Length of the listen socket's accept queue (`server.listen`'s `backlog`; the kernel caps it at
   * `net.core.somaxconn`). Default Node's 511: a client opening more connections at once than the
   * queue holds while the server is busy sees some of its SYNs dropped and retried a second or more
   * later (benchmarks with 1,000 concurrent sessions raise it).
   */
  backlog?: number;
  /** Called with one line per request, handshake and WebSocket frame (the CLI logs them to stderr). */
  log?: (line: string) => void;
  /**
   * Serve HTTPS and wss instead of HTTP and ws (default off). A fresh test CA and a server
   * certificate it signs for `127.0.0.1` / `::1` / `localhost` are made at start (node-forge, RSA
   * 2048, valid 7 days); the CA PEM is `caCert`. `{ caFile }` also writes the CA PEM to that path
   * (mode 0644, overwritten) before the server listens, e.g. for `CODEX_CA_CERTIFICATE`. A client
   * that does not trust the CA fails the TLS handshake (no request is recorded).
   */
  tls?: boolean | { caFile?: string };
  /**
   * Scripts of the ChatGPT-backend side routes (`POST …/oauth/token`, `GET …/wham/accounts/check`,
   * `GET …/models`). A scripted route answers 500 `scenario_exhausted` once its replies run out; a
   * route never scripted answers 404 like any unknown path. Throws `ScenarioError` when malformed.
   */
  chatgpt?: ChatgptScenario;
  /**
   * The realtime script (`GET …/realtime` upgrades, see `RealtimeScenario`); default: accept every
   * upgrade and answer nothing. Throws `ScenarioError` when malformed.
   */
  realtime?: RealtimeScenario;
  /**
   * permessage-deflate on `GET …/responses` upgrades: `true` (default) accepts a client's offer
   * (`ws`'s server defaults: context takeover, so every message is compressed), `false` declines it
   * (the 101 has no `sec-websocket-extensions`, frames go uncompressed).
   */
  websocketDeflate?: boolean;
}

/** A running responses server. Every method is safe to call after `close()` (waits then reject). */
export interface ResponsesServer {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:PORT/v1`; clients POST `${url}/responses`. */
  readonly url: string;
  /** WebSocket base URL including `/v1`, e.g. `ws://127.0.0.1:PORT/v1`; connect to `${wsUrl}/responses`. */
  readonly wsUrl: string;
  /** The TCP port the server listens on. */
  readonly port: number;
  /**
   * With `tls`: the test CA certificate (PEM) to trust, e.g. undici `new Agent({ connect: { ca } })`
   * or `new WebSocket(url, { ca })`; `undefined` for a plain HTTP server.
   */
  readonly caCert: string | undefined;
  /** With `tls: { caFile }`: the path the CA PEM was written to; otherwise `undefined`. */
  readonly caFile: string | undefined;
  /**
   * The ChatGPT backend base for config.toml's `chatgpt_base_url`, with a trailing slash:
   * `http(s)://127.0.0.1:PORT/backend-api/` (routing discovery is `${chatgptBaseUrl}wham/accounts/check`).
   */
  readonly chatgptBaseUrl: string;
  /**
   * The Codex backend base for config.toml's `openai_base_url` in ChatGPT mode:
   * `http(s)://127.0.0.1:PORT/backend-api/codex` (`/responses`, `/models` below it).
   */
  readonly codexBaseUrl: string;
  /** The refresh endpoint for `CODEX_REFRESH_TOKEN_URL_OVERRIDE`: `http(s)://127.0.0.1:PORT/oauth/token`. */
  readonly refreshTokenUrl: string;
  /** Every HTTP request received, in arrival order (WebSocket upgrades go to `handshakes`). */
  readonly requests: RecordedRequest[];
  /** Every WebSocket upgrade request, accepted or rejected, in arrival order. */
  readonly handshakes: RecordedHandshake[];
  /** Every client → server WebSocket message, in arrival order, across connections. */
  readonly wsFrames: RecordedWsFrame[];
  /** Every realtime upgrade request (`GET …/realtime`), accepted or rejected, in arrival order. */
  readonly realtimeHandshakes: RecordedHandshake[];
  /** Every client → server realtime message, in arrival order (connection numbers of `realtimeHandshakes`). */
  readonly realtimeFrames: RecordedWsFrame[];
  /** Replace the realtime script (restarts it). Throws `ScenarioError` (the current one is kept). */
  setRealtimeScenario(scenario: RealtimeScenario): void;
  /** Like `waitForRequests`, for `realtimeFrames`. */
  waitForRealtimeFrames(n: number, timeoutMs?: number): Promise<RecordedWsFrame[]>;
  /**
   * Replace the HTTP script; the next `POST …/responses` consumes `scenario.steps[0]`. Throws
   * `ScenarioError` for a malformed scenario (the current one is kept).
   */
  setScenario(scenario: Scenario): void;
  /** Append steps to the HTTP script. Throws `ScenarioError` for a malformed step (none is added). */
  pushSteps(...steps: Step[]): void;
  /**
   * Replace the WebSocket script: the handshake and response queues restart; per-connection
   * response-id memory is kept. Throws `ScenarioError` for a malformed scenario.
   */
  setWsScenario(scenario: WsScenario): void;
  /** Append WebSocket response steps. Throws `ScenarioError` for a malformed step. */
  pushWsResponses(...steps: WsResponseStep[]): void;
  /** Append WebSocket handshake steps. Throws `ScenarioError` for a malformed step. */
  pushHandshakes(...steps: HandshakeStep[]): void;
  /**
   * Replace the scripts of all ChatGPT-backend routes (a route not named gets none and answers 404
   * again). Throws `ScenarioError` when malformed (the current ones are kept).
   */
  setChatgptScenario(scenario: ChatgptScenario): void;
  /** Replace one route's script, restarting at its first reply. Throws `ScenarioError`. */
  setChatgptRoute(route: ChatgptRoute, script: RouteScript): void;
  /** Append replies to one route's script. Throws `ScenarioError` for a malformed reply (none is added). */
  pushChatgptReplies(route: ChatgptRoute, ...replies: JsonReply[]): void;
  /**
   * Resolve with `requests` once at least `n` HTTP requests were recorded; reject after
   * `timeoutMs` (default 5000 ms) with an error giving the count reached.
   */
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Like `waitForRequests`, for `handshakes`. */
  waitForHandshakes(n: number, timeoutMs?: number): Promise<RecordedHandshake[]>;
  /** Like `waitForRequests`, for `wsFrames`. */
  waitForWsFrames(n: number, timeoutMs?: number): Promise<RecordedWsFrame[]>;
  /**
   * Simulate a drop of every open WebSocket: without `code` the sockets are destroyed with no close
   * frame (the client sees 1006); with `code` a close frame with that code is sent.
   */
  closeAllWebSockets(code?: number, reason?: string): void;
  /**
   * Stop listening and destroy every socket at once, including stalled streams, hanging requests,
   * WebSockets and idle keep-alive connections. Idempotent.
   */
  close(): Promise<void>;
}

const DEFAULT_WAIT_MS = 5000;

class ResponsesServerImpl implements ResponsesServer {
  url = '';
  wsUrl = '';
  port = 0;
  caCert: string | undefined;
  caFile: string | undefined;
  chatgptBaseUrl = '';
  codexBaseUrl = '';
  refreshTokenUrl = '';
  readonly requests: RecordedRequest[] = [];
  readonly handshakes: RecordedHandshake[] = [];
  readonly wsFrames: RecordedWsFrame[] = [];
  readonly realtimeHandshakes: RecordedHandshake[] = [];
  readonly realtimeFrames: RecordedWsFrame[] = [];

  /** The `/responses` HTTP steps and the position in them. */
  private script: ScriptCursor<Step> = { items: [], next: 0, repeatLast: false };
  private readonly http: Server | HttpsServer;
  private readonly sockets = new Set<Socket>();
  private readonly waiters = new CountWaiters();
  private readonly lifetime = new Lifetime();
  private closing: Promise<void> | undefined;
  private readonly ws: WsEndpoint;
  private readonly log: (line: string) => void;
  private readonly chatgpt = new ChatgptRoutes();
  private readonly realtime: RealtimeEndpoint;

  constructor(options: ResponsesServerOptions, tls?: TestTlsMaterial) {
    this.log = options.log ?? (() => {});
    if (options.scenario) this.setScenario(options.scenario);
    if (options.chatgpt) this.chatgpt.setScenario(options.chatgpt);
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      void this.onRequest(req, res);
    };
    this.caCert = tls?.caCert;
    this.http = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, onRequest) : createServer(onRequest);
    this.http.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.ws = new WsEndpoint({
      handshakes: this.handshakes,
      frames: this.wsFrames,
      notify: () => this.waiters.notify(),
      log: this.log,
      lifetime: this.lifetime,
      deflate: options.websocketDeflate ?? true,
    });
    if (options.wsScenario) this.ws.setScenario(options.wsScenario);
    this.realtime = new RealtimeEndpoint({
      handshakes: this.realtimeHandshakes,
      frames: this.realtimeFrames,
      notify: () => this.waiters.notify(),
      log: this.log,
    });
    if (options.realtime) this.realtime.setScenario(options.realtime);
    this.http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path.endsWith('/realtime')) this.realtime.handleUpgrade(req, socket, head);
      else this.ws.handleUpgrade(req, socket, head);
    });
  }

  async listen(host: string, port: number, backlog?: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen({ port, host, ...(backlog === undefined ? {} : { backlog }) }, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    const address = this.http.address() as AddressInfo;
    this.port = address.port;
    const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const secure = this.caCert !== undefined ? 's' : '';
    this.url = `http${secure}://${hostPart}:${this.port}/v1`;
    this.wsUrl = `ws${secure}://${hostPart}:${this.port}/v1`;
    const origin = `http${secure}://${hostPart}:${this.port}`;
    this.chatgptBaseUrl = `${origin}/backend-api/`;
    this.codexBaseUrl = `${origin}/backend-api/codex`;
    this.refreshTokenUrl = `${origin}/oauth/token`;
  }

  setScenario(scenario: Scenario): void {
    validateScenario(scenario);
    this.script = { items: [...scenario.steps], next: 0, repeatLast: scenario.repeatLast ?? false };
  }

  pushSteps(...steps: Step[]): void {
    steps.forEach((s, i) => {
      validateStep(s, `pushSteps[${i}]`);
    });
    this.script.items.push(...steps);
  }

  setWsScenario(scenario: WsScenario): void {
    this.ws.setScenario(scenario);
  }

  pushWsResponses(...steps: WsResponseStep[]): void {
    this.ws.pushResponses(steps);
  }

  pushHandshakes(...steps: HandshakeStep[]): void {
    this.ws.pushHandshakes(steps);
  }

  setChatgptScenario(scenario: ChatgptScenario): void {
    this.chatgpt.setScenario(scenario);
  }

  setChatgptRoute(route: ChatgptRoute, script: RouteScript): void {
    this.chatgpt.setRoute(route, script);
  }

  pushChatgptReplies(route: ChatgptRoute, ...replies: JsonReply[]): void {
    this.chatgpt.push(route, replies);
  }

  setRealtimeScenario(scenario: RealtimeScenario): void {
    this.realtime.setScenario(scenario);
  }

  waitForRealtimeFrames(n: number, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedWsFrame[]> {
    return this.waiters.wait(
      'realtime frames',
      n,
      timeoutMs,
      () => this.realtimeFrames.length,
      () => this.realtimeFrames,
    );
  }

  waitForRequests(n: number, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedRequest[]> {
    return this.waiters.wait(
      'HTTP requests',
      n,
      timeoutMs,
      () => this.requests.length,
      () => this.requests,
    );
  }

  waitForHandshakes(n: number, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedHandshake[]> {
    return this.waiters.wait(
      'WebSocket handshakes',
      n,
      timeoutMs,
      () => this.handshakes.length,
      () => this.handshakes,
    );
  }

  waitForWsFrames(n: number, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedWsFrame[]> {
    return this.waiters.wait(
      'WebSocket frames',
      n,
      timeoutMs,
      () => this.wsFrames.length,
      () => this.wsFrames,
    );
  }

  closeAllWebSockets(code?: number, reason?: string): void {
    this.ws.closeAll(code, reason);
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.lifetime.end();
      this.ws.shutdown();
      this.realtime.shutdown();
      this.http.close(() => resolve());
      this.http.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
    });
    return this.closing;
  }

  /** Take the next HTTP step, or `undefined` when the scenario is exhausted. */
  private takeStep(): { step: Step; index: number } | undefined {
    const taken = takeNext(this.script);
    return taken && { step: taken.item, index: taken.index };
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    // One scope per request: closing the server aborts it without a listener per request on a
    // shared signal; the client going away (`close` on this response) aborts only this one.
    const scope = this.lifetime.scope();
    const onGone = () => scope.abort();
    res.on('close', onGone);
    try {
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of req) chunks.push(chunk as Buffer);
      } catch {
        return; // client went away mid-body
      }
      const bodyBytes = Buffer.concat(chunks);
      const body = decodeBody(bodyBytes, req.headers['content-encoding']).toString('utf8');
      const url = req.url ?? '/';
      const path = url.split('?')[0] ?? url;
      const isResponses = req.method === 'POST' && path.endsWith('/responses');
      const matched = isResponses ? undefined : matchChatgptRoute(req.method, path);
      const taken = isResponses ? this.takeStep() : undefined;
      const reply = matched ? this.chatgpt.take(matched) : undefined;
      const route = reply ? matched : undefined; // a route never scripted is no route (404)
      const { headers, headerMap } = headerRecords(req.rawHeaders);
      this.requests.push({
        method: req.method ?? 'GET',
        url,
        path,
        headers,
        headerMap,
        body,
        bodyBytes,
        json: tryParseJson(body),
        receivedAt,
        route: isResponses ? 'responses' : route,
        step: taken?.index ?? (reply?.reply ? reply.index : undefined),
      });
      this.waiters.notify();

      if (route && reply) {
        if (reply.reply === undefined) {
          this.log(`${req.method} ${url} → 500 ${route} scenario exhausted`);
          sendJson(res, 500, {
            error: {
              type: 'server_error',
              code: 'scenario_exhausted',
              message: `responses-server: ${route} scenario exhausted (${reply.count} replies consumed)`,
            },
          });
          return;
        }
        this.log(`${req.method} ${url} → ${route} reply ${reply.index}: ${describeReply(reply.reply)}`);
        await sendJsonReply(res, reply.reply, scope.signal);
        return;
      }

      if (!isResponses) {
        this.log(`${req.method} ${url} → 404`);
        sendJson(res, 404, {
          error: {
            type: 'invalid_request_error',
            code: 'not_found',
            message: `responses-server: no route for ${req.method} ${path} (served: POST …/responses, POST …/oauth/token, GET …/wham/accounts/check, GET …/models, POST …/responses/compact, POST …/memories/trace_summarize)`,
          },
        });
        return;
      }
      if (!taken) {
        this.log(`${req.method} ${url} → 500 scenario exhausted`);
        sendJson(res, 500, {
          error: {
            type: 'server_error',
            code: 'scenario_exhausted',
            message: `responses-server: scenario exhausted (${this.script.items.length} steps consumed, request #${this.requests.length})`,
          },
        });
        return;
      }
      this.log(`${req.method} ${url} → step ${taken.index}: ${describeStep(taken.step)}`);
      await runHttpStep(res, taken.step, scope.signal);
    } finally {
      res.off('close', onGone);
      scope.release();
    }
  }
}

/**
 * Start a responses server on `host` (default `127.0.0.1`) and `port` (default 0 = ephemeral),
 * plain HTTP/ws or, with `tls`, HTTPS/wss with a test CA made at start (`caCert`). Resolves once
 * listening; rejects when the port cannot be bound, the CA file cannot be written, or with
 * `ScenarioError` for a malformed `scenario`/`wsScenario`/`chatgpt`. Always `close()` it when done.
 *
 * HTTP: each `POST` whose path ends in `/responses` consumes the next scenario step (see `Step`);
 * `POST …/oauth/token`, `GET …/wham/accounts/check` and `GET …/models`, once scripted (`chatgpt`),
 * take their route's next reply; other requests get a 404 JSON error. All are recorded in `requests`.
 * WebSocket: `GET …/responses` upgrades (permessage-deflate enabled) follow `wsScenario`;
 * `GET …/realtime` upgrades (no deflate) follow `realtime`.
 */
export async function startResponsesServer(options: ResponsesServerOptions = {}): Promise<ResponsesServer> {
  const tls = options.tls ? await makeTestTls() : undefined;
  const caFile = typeof options.tls === 'object' ? options.tls.caFile : undefined;
  if (tls && caFile !== undefined) await writeFile(caFile, tls.caCert, { mode: 0o644 });
  const server = new ResponsesServerImpl(options, tls);
  server.caFile = caFile;
  await server.listen(options.host ?? '127.0.0.1', options.port ?? 0, options.backlog);
  return server;
}
