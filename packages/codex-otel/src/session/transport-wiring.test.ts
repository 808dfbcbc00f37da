// End-to-end: @codex-ts/client's HttpTransport and sseEvents() report to SessionTelemetry's hooks
// while streaming from a purpose-built SSE server on 127.0.0.1.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '@codex-ts/api';
import { HttpStatusError, HttpTransport, SecretRedactor, sseEvents } from '@codex-ts/client';
import { context } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelemetryEventNames, TelemetryMetricNames } from '../names.js';
import { type InMemoryOtel, inMemoryOtel } from '../test/index.js';
import { SessionTelemetry } from './session-telemetry.js';
import type { SessionTelemetryOptions } from './types.js';

let server: Server;
let baseUrl: string;
const transport = new HttpTransport();

let contextManager: AsyncHooksContextManager;

beforeAll(async () => {
  contextManager = new AsyncHooksContextManager().enable();
  context.setGlobalContextManager(contextManager);
  server = createServer((req, res) => {
    if (req.url === '/unauthorized') {
      // A server that echoes the credential back, in a header and in the error body.
      const echoed = req.headers.authorization ?? '';
      res
        .writeHead(401, { 'content-type': 'application/json', 'x-echoed-authorization': echoed })
        .end(JSON.stringify({ error: { message: `Incorrect API key provided: ${echoed}` } }));
      return;
    }
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
  context.disable();
  contextManager.disable();
  await transport.close();
  server.close();
  await once(server, 'close');
});

/** The telemetry of conversation `conv-wire`, recording metrics and logs to `sdk`. */
function wiredTelemetry(sdk: InMemoryOtel, extra: Partial<SessionTelemetryOptions> = {}): SessionTelemetry {
  return new SessionTelemetry({
    conversationId: 'conv-wire',
    model: 'gpt-5.1-codex',
    authMode: 'apikey',
    originator: 'codex_exec',
    appVersion: '0.1.0',
    sessionSource: 'exec',
    meterProvider: sdk.meterProvider,
    loggerProvider: sdk.loggerProvider,
    ...extra,
  });
}

describe('SessionTelemetry wired into @codex-ts/client', () => {
  it('records the HTTP attempt and every SSE event of a real stream, and a failed attempt', async () => {
    const sdk = inMemoryOtel();
    const telemetry = wiredTelemetry(sdk);
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

  it('exports neither the key a 401 echoes in its body and headers nor a redacted secret', async () => {
    const sdk = inMemoryOtel();
    const telemetry = wiredTelemetry(sdk, { tracerProvider: sdk.tracerProvider });
    const secret = 'sk-test-never-logged';
    telemetry.redact(secret);
    let failure: unknown;
    await expect(
      telemetry.withSpan('request', undefined, async () => {
        try {
          await transport.request({
            method: 'POST',
            url: `${baseUrl}/unauthorized`,
            headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
            body: '{}',
            telemetry: telemetry.requestTelemetry({ endpoint: '/responses' }),
            attempt: 0,
          });
        } catch (error) {
          failure = error;
        }
        // The api layer's handshake errors quote the body: such a message must be redacted too.
        telemetry.recordWebsocketConnect({
          durationMs: 1,
          status: 401,
          error: new ApiError(
            'unexpected_status',
            `unexpected status 401: Incorrect API key provided: ${secret}`,
          ),
        });
        throw new ApiError('unexpected_status', `turn failed: ${secret}`);
      }),
    ).rejects.toThrow(secret);
    // The secret was within reach: the transport error holds it in its body and headers.
    expect(HttpStatusError.isInstance(failure)).toBe(true);
    const status = failure as HttpStatusError;
    expect(status.status).toBe(401);
    expect(status.body).toContain(secret);
    expect(JSON.stringify(status.headers)).toContain(secret);

    expect((await sdk.metricPoints(TelemetryMetricNames.apiRequest)).map((p) => p.attributes.status)).toEqual(
      ['401'],
    );
    const connect = sdk.logs().find((r) => r.eventName === TelemetryEventNames.websocketConnect);
    expect(connect?.attributes['error.message']).toBe(
      'unexpected status 401: Incorrect API key provided: ***',
    );
    const [span] = sdk.spans();
    expect(span?.status.message).toBe('turn failed: ***');
    expect(span?.events.map((e) => e.name)).toContain('exception');
    expect(await sdk.exported()).not.toContain(secret);
    await sdk.shutdown();
  });

  it('masks what a shared SecretRedactor knows, registered by anyone', async () => {
    const sdk = inMemoryOtel();
    const redactor = new SecretRedactor();
    const telemetry = new SessionTelemetry({
      conversationId: 'conv-shared',
      model: 'gpt-5.1-codex',
      originator: 'codex_exec',
      appVersion: '0.1.0',
      sessionSource: 'exec',
      meterProvider: sdk.meterProvider,
      loggerProvider: sdk.loggerProvider,
      tracerProvider: sdk.tracerProvider,
      redactor,
    });
    expect(telemetry.redactor).toBe(redactor);
    // A client sharing the redactor registers what it sends; telemetry never calls redact() itself.
    redactor.addCredential('Bearer sk-shared-canary-0042');
    telemetry.recordWebsocketConnect({
      durationMs: 1,
      status: 401,
      error: new Error('Incorrect API key provided: sk-shared-canary-0042'),
    });
    const connect = sdk.logs().find((r) => r.eventName === TelemetryEventNames.websocketConnect);
    expect(connect?.attributes['error.message']).toBe('Incorrect API key provided: ***');
    expect(await sdk.exported()).not.toContain('sk-shared-canary-0042');
    await sdk.shutdown();
  });
});
