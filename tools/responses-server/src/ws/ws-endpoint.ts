// The WebSocket side: `GET …/responses` upgrades, one `response.create` answered at a time per
// connection, scripted by a `WsScenario` queue independent of the HTTP steps.

import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { completed, responseCreated } from '../events/builders.js';
import type {
  HandshakeStep,
  WsErrorFrame,
  WsEventsStep,
  WsResponseStep,
  WsScenario,
} from '../scenario/types.js';
import { validateHandshakeStep, validateWsResponseStep, validateWsScenario } from '../scenario/validate.js';
import type { Lifetime } from '../server/lifetime.js';
import {
  headerRecords,
  type RecordedHandshake,
  type RecordedWsFrame,
  sleep,
  tryParseJson,
  untilAborted,
} from '../server/recording.js';

/** What the endpoint shares with the HTTP server. */
export interface WsEndpointContext {
  handshakes: RecordedHandshake[];
  frames: RecordedWsFrame[];
  notify: () => void;
  log: (line: string) => void;
  /** Ends when the server closes; take a scope per operation that must stop then. */
  lifetime: Lifetime;
  /** `ResponsesServerOptions.websocketDeflate`. */
  deflate: boolean;
}

interface Connection {
  id: number;
  ws: WebSocket;
  /** Response ids this connection has seen `response.completed` for. */
  completedIds: Set<string>;
  /** Aborted when the socket closes. */
  closed: AbortController;
  /** Serialises `response.create` handling (one request at a time). */
  queue: Promise<void>;
  /** When the upgrade completed (ms since the epoch), for `connectionLimitMs`. */
  openedAt: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Scripted WebSocket endpoint; owned by the responses server. */
export class WsEndpoint {
  private readonly wss: WebSocketServer;
  private readonly extraHeaders = new WeakMap<IncomingMessage, Record<string, string>>();
  private readonly connections = new Set<Connection>();
  private readonly upgrading = new Set<Socket>();
  private handshakeSteps: HandshakeStep[] = [];
  private responseSteps: WsResponseStep[] = [];
  private prewarmSteps: WsResponseStep[] = [];
  private repeatLast = false;
  private lastResponseStep: WsResponseStep | undefined;
  private autoPrewarm = true;
  private checkPreviousResponseId = true;
  private connectionLimitMs: number | undefined;
  private nextConnectionId = 0;
  private prewarmCount = 0;

  constructor(private readonly ctx: WsEndpointContext) {
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: ctx.deflate });
    this.wss.on('headers', (headers: string[], req: IncomingMessage) => {
      const extra = this.extraHeaders.get(req);
      if (extra) for (const [name, value] of Object.entries(extra)) headers.push(`${name}: ${value}`);
    });
  }

  setScenario(scenario: WsScenario): void {
    validateWsScenario(scenario);
    this.handshakeSteps = [...(scenario.handshakes ?? [])];
    this.responseSteps = [...scenario.responses];
    this.prewarmSteps = [...(scenario.prewarm ?? [])];
    this.repeatLast = scenario.repeatLast ?? false;
    this.lastResponseStep = undefined;
    this.autoPrewarm = scenario.autoPrewarm ?? true;
    this.checkPreviousResponseId = scenario.checkPreviousResponseId ?? true;
    this.connectionLimitMs = scenario.connectionLimitMs;
  }

  pushResponses(steps: WsResponseStep[]): void {
    steps.forEach((s, i) => {
      validateWsResponseStep(s, `pushWsResponses[${i}]`);
    });
    this.responseSteps.push(...steps);
  }

  pushHandshakes(steps: HandshakeStep[]): void {
    steps.forEach((s, i) => {
      validateHandshakeStep(s, `pushHandshakes[${i}]`);
    });
    this.handshakeSteps.push(...steps);
  }

  closeAll(code?: number, reason?: string): void {
    for (const conn of this.connections) {
      if (code === undefined) conn.ws.terminate();
      else conn.ws.close(code, reason);
    }
  }

  shutdown(): void {
    for (const conn of this.connections) conn.ws.terminate();
    for (const socket of this.upgrading) socket.destroy();
    this.wss.close();
  }

  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    void this.upgrade(req, socket, head);
  }

  private async upgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    socket.on('error', () => {});
    this.upgrading.add(socket);
    socket.once('close', () => this.upgrading.delete(socket));
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? url;
    const id = this.nextConnectionId++;
    const isWebSocket = (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
    const step: HandshakeStep =
      !path.endsWith('/responses') || !isWebSocket
        ? {
            kind: 'reject',
            status: 404,
            body: {
              error: {
                type: 'invalid_request_error',
                code: 'not_found',
                message: `no WebSocket route ${path}`,
              },
            },
          }
        : (this.handshakeSteps.shift() ?? { kind: 'accept' });
    const status = step.kind === 'accept' ? 101 : step.status;
    const { headers, headerMap } = headerRecords(req.rawHeaders);
    this.ctx.handshakes.push({
      connection: id,
      url,
      path,
      headers,
      headerMap,
      receivedAt: Date.now(),
      status,
    });
    this.ctx.notify();
    this.ctx.log(`WS ${url} → ${step.kind === 'accept' ? 'accept' : `reject ${status}`} (connection ${id})`);

    if (step.delayMs) {
      const scope = this.ctx.lifetime.scope();
      try {
        await sleep(step.delayMs, scope.signal);
      } finally {
        scope.release();
      }
    }
    if (socket.destroyed || this.ctx.lifetime.ended) {
      socket.destroy();
      return;
    }
    if (step.kind === 'reject') {
      const body =
        step.body === undefined
          ? JSON.stringify({
              error: {
                type: 'server_error',
                code: null,
                message: `responses-server: WebSocket handshake rejected with ${status}`,
              },
            })
          : typeof step.body === 'string'
            ? step.body
            : JSON.stringify(step.body);
      const responseHeaders: Record<string, string> = {
        'content-type': typeof step.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        connection: 'close',
        ...step.headers,
      };
      let text = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
      for (const [name, value] of Object.entries(responseHeaders)) text += `${name}: ${value}\r\n`;
      socket.end(`${text}\r\n${body}`, () => socket.destroy());
      return;
    }
    if (step.headers) this.extraHeaders.set(req, step.headers);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.upgrading.delete(socket);
      this.onConnection(id, ws);
    });
  }

  private onConnection(id: number, ws: WebSocket): void {
    const conn: Connection = {
      id,
      ws,
      completedIds: new Set(),
      closed: new AbortController(),
      queue: Promise.resolve(),
      openedAt: Date.now(),
    };
    this.connections.add(conn);
    if (this.ctx.lifetime.ended) ws.terminate();
    ws.on('error', () => {});
    ws.on('close', () => {
      conn.closed.abort();
      this.connections.delete(conn);
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(conn, data, isBinary));
  }

  private onMessage(conn: Connection, data: RawData, binary: boolean): void {
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const text = buffer.toString('utf8');
    const json = tryParseJson(text);
    this.ctx.frames.push({ connection: conn.id, text, binary, json, receivedAt: Date.now() });
    this.ctx.notify();
    if (!isRecord(json) || json.type !== 'response.create') {
      this.ctx.log(
        `WS frame on connection ${conn.id}: ignored (${binary ? 'binary' : 'not response.create'})`,
      );
      return;
    }
    conn.queue = conn.queue.then(() => this.answerCreate(conn, json)).catch(() => {});
  }

  private async answerCreate(conn: Connection, frame: Record<string, unknown>): Promise<void> {
    if (conn.closed.signal.aborted) return;
    if (this.connectionLimitMs !== undefined && Date.now() - conn.openedAt >= this.connectionLimitMs) {
      this.ctx.log(`WS response.create on connection ${conn.id}: connection limit reached`);
      await this.send(conn, {
        type: 'error',
        status: 400,
        error: {
          type: 'invalid_request_error',
          code: 'websocket_connection_limit_reached',
          message:
            'Responses websocket connection limit reached (60 minutes). Create a new websocket connection to continue.',
        },
      });
      if (!conn.closed.signal.aborted) conn.ws.close(1000, 'connection limit reached');
      return;
    }
    const previous = frame.previous_response_id;
    if (
      this.checkPreviousResponseId &&
      typeof previous === 'string' &&
      previous !== '' &&
      !conn.completedIds.has(previous)
    ) {
      this.ctx.log(`WS response.create on connection ${conn.id}: unknown previous_response_id ${previous}`);
      await this.send(conn, {
        type: 'error',
        status: 400,
        error: {
          type: 'invalid_request_error',
          code: 'previous_response_not_found',
          message: `Previous response with id '${previous}' not found.`,
        },
      });
      return;
    }
    let step: WsResponseStep | undefined;
    let label = '';
    if (frame.generate === false) {
      step = this.prewarmSteps.shift();
      label = 'prewarm step';
      if (!step && this.autoPrewarm) {
        const id = `resp_prewarm_${++this.prewarmCount}`;
        step = { events: [responseCreated(id), completed(id)] };
        label = `auto prewarm ${id}`;
      }
    }
    if (!step) {
      step = this.responseSteps.shift();
      if (step) this.lastResponseStep = step;
      else if (this.repeatLast) step = this.lastResponseStep;
      label = 'response step';
    }
    if (!step) {
      this.ctx.log(`WS response.create on connection ${conn.id} → error frame 500 scenario exhausted`);
      await this.send(conn, {
        type: 'error',
        status: 500,
        error: {
          type: 'server_error',
          code: 'scenario_exhausted',
          message: 'responses-server: WebSocket scenario exhausted',
        },
      });
      return;
    }
    this.ctx.log(`WS response.create on connection ${conn.id} → ${label}`);
    if ('errorFrame' in step) {
      await this.send(conn, errorFrameEvent(step.errorFrame));
    } else {
      const finished = await this.streamEvents(conn, step);
      if (!finished) return;
    }
    if (step.closeAfter && !conn.closed.signal.aborted)
      conn.ws.close(step.closeAfter.code, step.closeAfter.reason);
  }

  /** Send the step's frames; false when the step dropped or stalled the connection. */
  private async streamEvents(conn: Connection, step: WsEventsStep): Promise<boolean> {
    const signal = conn.closed.signal;
    for (let i = 0; i <= step.events.length; i++) {
      if (signal.aborted) return false;
      if (step.dropAfter !== undefined && i >= step.dropAfter) {
        conn.ws.terminate();
        return false;
      }
      if (step.stallAfter !== undefined && i >= step.stallAfter) {
        await untilAborted(signal);
        return false;
      }
      const event = step.events[i];
      if (event === undefined) break;
      if (step.delayMs) await sleep(step.delayMs, signal);
      if (signal.aborted) return false;
      const record = event as Record<string, unknown>;
      if (record.binary === true && typeof record.type !== 'string') {
        await this.send(conn, Buffer.from(typeof record.data === 'string' ? record.data : '\u0000binary'));
      } else if (typeof record.raw === 'string' && typeof record.type !== 'string') {
        await this.send(conn, record.raw);
      } else {
        await this.send(conn, event);
        if (record.type === 'response.completed' && isRecord(record.response)) {
          const id = record.response.id;
          if (typeof id === 'string') conn.completedIds.add(id);
        }
      }
    }
    return true;
  }

  private send(conn: Connection, payload: object | string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (conn.closed.signal.aborted || conn.ws.readyState !== conn.ws.OPEN) return resolve();
      const data =
        typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
      conn.ws.send(data, { binary: Buffer.isBuffer(payload) }, () => resolve());
    });
  }
}

function errorFrameEvent(frame: WsErrorFrame): Record<string, unknown> {
  const event: Record<string, unknown> = { type: 'error', status: frame.status, error: frame.error };
  if (frame.headers) event.headers = frame.headers;
  return event;
}
