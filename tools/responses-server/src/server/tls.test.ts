// HTTPS and wss with a test CA made at start: trusted with the CA, refused without it.

import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { textTurn } from '../events/builders.js';
import { sseBody } from '../events/sse.js';
import { httpsSend } from '../test-support/https-client.js';
import { type ResponsesServer, startResponsesServer } from './server.js';

let server: ResponsesServer;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'responses-server-tls-'));
  server = await startResponsesServer({ tls: { caFile: join(dir, 'ca.pem') } });
}, 30_000);
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** POST `${server.url}/responses` over HTTPS, trusting `ca` (or only the system roots). */
async function post(
  body: string,
  ca?: string,
): Promise<{ status: number; text: string; type: string | undefined }> {
  const res = await httpsSend('POST', `${server.url}/responses`, {
    headers: [
      ['content-type', 'application/json'],
      ['authorization', 'Bearer sk-test'],
    ],
    body,
    ca,
  });
  const type = res.headers['content-type'];
  return { status: res.status, text: res.text, type: typeof type === 'string' ? type : undefined };
}

/** Open `${server.wsUrl}/responses`; resolves with the handshake outcome. */
function connect(ca?: string): Promise<{ open: true; ws: WebSocket } | { open: false; error: Error }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${server.wsUrl}/responses`, { ca, handshakeTimeout: 5000 });
    ws.once('open', () => resolve({ open: true, ws }));
    ws.once('error', (error) => resolve({ open: false, error }));
  });
}

describe('tls: true', () => {
  it('serves https/wss URLs on 127.0.0.1 and gives the CA as PEM and as a file', () => {
    expect(server.url).toBe(`https://127.0.0.1:${server.port}/v1`);
    expect(server.wsUrl).toBe(`wss://127.0.0.1:${server.port}/v1`);
    expect(server.caCert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(server.caFile).toBe(join(dir, 'ca.pem'));
    expect(readFileSync(server.caFile!, 'utf8')).toBe(server.caCert);
    const ca = new X509Certificate(server.caCert!);
    expect(ca.ca).toBe(true);
  });

  it('streams an SSE turn over HTTPS to a client that trusts the CA, and records it', async () => {
    const events = textTurn({ responseId: 'resp_tls', text: 'over tls' });
    server.setScenario({ steps: [{ kind: 'sse', events }] });
    const before = server.requests.length;
    const res = await post('{"model":"m"}', server.caCert);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/event-stream');
    expect(res.text).toBe(sseBody(events));
    expect(server.requests).toHaveLength(before + 1);
    expect(server.requests[before]!.json).toEqual({ model: 'm' });
    expect(server.requests[before]!.headerMap.authorization).toBe('Bearer sk-test');
  });

  it('fails the TLS handshake for a client without the CA; nothing is recorded', async () => {
    server.setScenario({ steps: [{ kind: 'sse', events: textTurn({ responseId: 'r', text: 'x' }) }] });
    const before = server.requests.length;
    const error = await post('{}').then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(error?.code).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER_CERT/);
    expect(server.requests).toHaveLength(before);
  });

  it('accepts a wss handshake from a client that trusts the CA and exchanges frames', async () => {
    server.setWsScenario({ responses: [{ events: textTurn({ responseId: 'resp_ws', text: 'over wss' }) }] });
    const result = await connect(server.caCert);
    expect(result.open).toBe(true);
    if (!result.open) return;
    const frames: unknown[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no response.completed')), 5000);
      result.ws.on('message', (data) => {
        const event = JSON.parse(String(data)) as { type: string };
        frames.push(event);
        if (event.type === 'response.completed') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    result.ws.send(JSON.stringify({ type: 'response.create', model: 'm', input: [] }));
    await done;
    result.ws.close();
    expect(frames.at(-1)).toMatchObject({ type: 'response.completed' });
    const handshake = server.handshakes.at(-1)!;
    expect(handshake.status).toBe(101);
    expect(handshake.path).toBe('/v1/responses');
  });

  it('fails a wss handshake without the CA; no handshake is recorded', async () => {
    const before = server.handshakes.length;
    const result = await connect();
    expect(result.open).toBe(false);
    if (result.open) return;
    expect((result.error as NodeJS.ErrnoException).code).toMatch(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER_CERT/,
    );
    expect(server.handshakes).toHaveLength(before);
  });

  it('the leaf is for 127.0.0.1 / localhost only and is not a CA', async () => {
    const peer = await new Promise<X509Certificate>((resolve, reject) => {
      const req = httpsRequest(
        `${server.url}/models`,
        { ca: server.caCert, agent: false, timeout: 5000 },
        (res) => {
          const cert = (res.socket as import('node:tls').TLSSocket).getPeerX509Certificate();
          res.resume();
          if (cert) resolve(cert);
          else reject(new Error('no peer certificate'));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(peer.ca).toBe(false);
    expect(peer.subjectAltName).toBe('IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost');
    expect(peer.checkIssued(new X509Certificate(server.caCert!))).toBe(true);
  });
});

describe('without tls', () => {
  it('has no CA', async () => {
    const plain = await startResponsesServer();
    try {
      expect(plain.caCert).toBeUndefined();
      expect(plain.caFile).toBeUndefined();
      expect(plain.url.startsWith('http://127.0.0.1:')).toBe(true);
    } finally {
      await plain.close();
    }
  });
});
