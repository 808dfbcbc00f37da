// End-to-end: @codex-ts/client's HttpTransport and sseEvents() report to SessionTelemetry's hooks
// while streaming from a purpose-built SSE server on 127.0.0.1.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpStatusError, HttpTransport, sseEvents } from '@codex-ts/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelemetryEventNames, TelemetryMetricNames } from '../names.js';
import { createTestSdk } from '../test-support/sdk.js';
import { SessionTelemetry } from './session-telemetry.js';

let server: Server;
let baseUrl: string;
const transport = new HttpTransport();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/fail') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('overloaded');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: response.created\ndata: {"type":"response.created","response":{}}\n\n');
    res.write(
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"hi"}\n\n',
    );
    res.end('event: response.completed\ndata: {"type":"response.completed","response":{}}\n\n');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await transport.close();
  server.close();
  await once(server, 'close');
});

describe('SessionTelemetry wired into @codex-ts/client', () => {
  it('records the HTTP attempt and every SSE event of a real stream, and a failed attempt', async () => {
    const sdk = createTestSdk();
    const telemetry = new SessionTelemetry({
      conversationId: 'conv-wire',
      model: 'gpt-5.1-codex',
      authMode: 'apikey',
      originator: 'codex_exec',
      appVersion: '0.1.0',
      sessionSource: 'exec',
      meterProvider: sdk.meterProvider,
      loggerProvider: sdk.loggerProvider,
    });
    const requestTelemetry = telemetry.requestTelemetry({ endpoint: '/responses' });

    const response = await transport.stream({
      method: 'POST',
      url: `${baseUrl}/responses`,
      headers: { authorization: 'Bearer sk-test-never-logged', 'content-type': 'application/json' },
      body: '{}',
      telemetry: requestTelemetry,
      attempt: 0,
    });
    const kinds: string[] = [];
    for await (const event of sseEvents(response.body, {
      idleTimeoutMs: 5_000,
      telemetry: telemetry.sseTelemetry(),
    })) {
      kinds.push(event.event);
    }
    expect(kinds).toEqual(['response.created', 'response.output_text.delta', 'response.completed']);

    await expect(
      transport.request({
        method: 'POST',
        url: `${baseUrl}/fail`,
        headers: {},
        body: '{}',
        telemetry: requestTelemetry,
        attempt: 1,
      }),
    ).rejects.toSatisfy((e) => HttpStatusError.isInstance(e));

    const requests = await sdk.metricPoints(TelemetryMetricNames.apiRequest);
    expect(
      Object.fromEntries(requests.map((p) => [`${p.attributes.status}/${p.attributes.success}`, p.value])),
    ).toEqual({ '200/true': 1, '503/false': 1 });
    const sse = await sdk.metricPoints(TelemetryMetricNames.sseEvent);
    expect(
      Object.fromEntries(sse.map((p) => [`${p.attributes.kind}/${p.attributes.success}`, p.value])),
    ).toEqual({
      'response.created/true': 1,
      'response.output_text.delta/true': 1,
      'response.completed/true': 1,
    });

    const apiLogs = sdk.logs().filter((r) => r.eventName === TelemetryEventNames.apiRequest);
    expect(apiLogs.map((r) => [r.attributes.attempt, r.attributes['http.response.status_code']])).toEqual([
      [0, 200],
      [1, 503],
    ]);
    expect(apiLogs[1]?.attributes['error.message']).toMatch(/503/);
    expect(JSON.stringify(sdk.logs().map((r) => r.attributes))).not.toContain('sk-test-never-logged');
    await sdk.shutdown();
  });
});
