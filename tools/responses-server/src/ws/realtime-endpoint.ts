// The realtime side: `GET …/realtime` upgrades answered by a `RealtimeScenario`: optional
// rejections first, then steps that wait for a client message type and answer with frames.

import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { fail, isObject } from '../scenario/checks.js';
import {
  headerRecords,
  type RecordedHandshake,
  type RecordedWsFrame,
  tryParseJson,
} from '../server/recording.js';

/**
 * One realtime step: once a client message whose `type` is `on` arrives (on any connection, in
 * order), the server sends `send` on that connection (an object → a JSON text frame, a string → a
 * text frame as is, `{ binary: base64 }` → a binary frame), then, with `close`, a close frame
 * (`code` default 1000) or, with `close: 'drop'`, destroys the socket without one.
 */
export interface RealtimeStep {
  on: string;
  send?: unknown[];
  close?: { code?: number; reason?: string } | 'drop';
}

/**
 * The realtime script: each upgrade first takes the next of `rejections` (`status`, JSON `body`),
 * and is accepted once they run out; client messages then trigger `steps` in order. Messages that
 * trigger no step are only recorded.
 */
export interface RealtimeScenario {
  rejections?: Array<{ status: number; body?: unknown }>;
  steps: RealtimeStep[];
}

/** Check a `RealtimeScenario`; throws `ScenarioError` naming the field. */
export function validateRealtimeScenario(
  scenario: unknown,
  where = 'realtime',
): asserts scenario is RealtimeScenario {
  if (!isObject(scenario)) fail(where, 'expected an object `{ rejections?, steps }`');
  if (!Array.isArray(scenario.steps)) fail(`${where}.steps`, 'expected an array of steps');
  scenario.steps.forEach((step, i) => {
    if (!isObject(step) || typeof step.on !== 'string')
      fail(`${where}.steps[${i}].on`, 'expected a message type');
    if (step.send !== undefined && !Array.isArray(step.send))
      fail(`${where}.steps[${i}].send`, 'expected an array');
  });
  if (scenario.rejections !== undefined) {
    if (!Array.isArray(scenario.rejections)) fail(`${where}.rejections`, 'expected an array');
    scenario.rejections.forEach((r, i) => {
      if (
        !isObject(r) ||
        typeof r.status !== 'number' ||
        r.status < 200 ||
        r.status > 599 ||
        r.status === 101
      ) {
        fail(`${where}.rejections[${i}].status`, 'expected an HTTP status 200…599');
      }
    });
  }
}

/** What the endpoint shares with the HTTP server. */
export interface RealtimeEndpointContext {
  handshakes: RecordedHandshake[];
  frames: RecordedWsFrame[];
  notify: () => void;
  log: (line: string) => void;
}

/** Scripted realtime endpoint; owned by the responses server. */
export class RealtimeEndpoint {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly sockets = new Set<WebSocket>();
  private rejections: Array<{ status: number; body?: unknown }> = [];
  private steps: RealtimeStep[] = [];
  private nextConnectionId = 0;

  constructor(private readonly ctx: RealtimeEndpointContext) {}

  setScenario(scenario: RealtimeScenario): void {
    validateRealtimeScenario(scenario);
    this.rejections = [...(scenario.rejections ?? [])];
    this.steps = [...scenario.steps];
  }

  shutdown(): void {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
  }

  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => {});
    const url = req.url ?? '/';
    const id = this.nextConnectionId++;
    const rejection = this.rejections.shift();
    const { headers, headerMap } = headerRecords(req.rawHeaders);
    const status = rejection?.status ?? 101;
    this.ctx.handshakes.push({
      connection: id,
      url,
      path: url.split('?')[0] ?? url,
      headers,
      headerMap,
      receivedAt: Date.now(),
      status,
    });
    this.ctx.notify();
    this.ctx.log(`WS realtime ${url} → ${rejection ? `reject ${status}` : 'accept'} (connection ${id})`);
    if (rejection) {
      const body = JSON.stringify(
        rejection.body ?? { error: { message: `realtime rejected with ${status}` } },
      );
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        () => socket.destroy(),
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('error', () => {});
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data: RawData, binary: boolean) => this.onMessage(id, ws, data, binary));
    });
  }

  private onMessage(id: number, ws: WebSocket, data: RawData, binary: boolean): void {
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const text = buffer.toString('utf8');
    const json = tryParseJson(text);
    this.ctx.frames.push({ connection: id, text, binary, json, receivedAt: Date.now() });
    this.ctx.notify();
    const type = isObject(json) ? json.type : undefined;
    const step = this.steps[0];
    if (step === undefined || step.on !== type) return;
    this.steps.shift();
    this.ctx.log(`WS realtime ${String(type)} on connection ${id} → ${step.send?.length ?? 0} frames`);
    for (const frame of step.send ?? []) {
      if (isObject(frame) && typeof frame.binary === 'string') ws.send(Buffer.from(frame.binary, 'base64'));
      else ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    }
    if (step.close === 'drop') ws.terminate();
    else if (step.close) ws.close(step.close.code ?? 1000, step.close.reason);
  }
}
