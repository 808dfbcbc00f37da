// `codex-ts exec --json` with `[otel]` exporters (telemetry.md §8): the built binary against the
// responses server (HTTP and WebSocket turns) and a local OTLP receiver of each kind. What arrives
// is asserted right after the process exited: the flush happens before exit.
import {
  closedPortUrl,
  type OtlpCollected,
  type OtlpSignal,
  startStallingCollector,
} from '@codex-ts/otlp-receiver';
import { type ResponsesServer, startResponsesServer } from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HELLO_TURN_LINES, helloTurn } from '../test-support/hello-turn.js';
import {
  EXPORTER_HEADER_SECRET,
  exportedBytes,
  type OtlpKind as Kind,
  otelToml,
  otlpReceiver as receiver,
} from '../test-support/otel-exec.js';
import { runCli, tempHomes } from '../test-support/run-cli.js';
import { CLI_VERSION } from '../version.js';
import { OTEL_FLUSH_TIMEOUT_MS } from './exec-telemetry.js';

let server: ResponsesServer;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
});
afterEach(() => server.close());

const PROMPT = 'Say hello to the secret garden.';
const KEY = 'sk-local-test';

/** Root span `codex.exec` with the thread id; every log record in its trace; the Codex resource. */
function expectCommon(got: OtlpCollected, threadId: string, kind: Kind): void {
  const roots = got.spans('codex.exec');
  expect(roots).toHaveLength(1);
  const root = roots[0]!;
  expect(root.parentSpanId).toBe('');
  expect(root.scope).toBe('codex_exec');
  expect(root.attributes['thread.id']).toBe(threadId);
  expect(root.attributes['turn.id']).toMatch(/^[0-9a-f-]{36}$/);
  for (const span of got.spans()) expect(span.traceId).toBe(root.traceId);
  const resource = { 'service.name': 'codex_exec', 'service.version': CLI_VERSION, env: 'staging' };
  expect(root.resource).toMatchObject(resource);

  const [prompt] = got.logs('codex.user_prompt');
  expect(prompt?.attributes.prompt).toBe('[REDACTED]');
  expect(prompt?.attributes.prompt_length).toBe(String([...PROMPT].length)); // a string, as 0.169.0
  expect(prompt?.resource).toMatchObject(resource);
  for (const log of got.logs()) expect(log.traceId).toBe(root.traceId);
  for (const metric of got.metrics()) expect(metric.resource).toMatchObject(resource);

  const requests = got.requests();
  expect(new Set(requests.map((r) => r.signal))).toEqual(new Set(['logs', 'traces', 'metrics']));
  for (const request of requests) {
    expect(request.transport).toBe(kind);
    expect(request.headers['x-test']).toBe('1');
  }
  const everything = JSON.stringify([got.logs(), got.spans(), got.metrics()]);
  expect(everything).not.toContain(KEY);
  expect(everything).not.toContain(PROMPT);
  // The raw export bodies (JSON text or protobuf bytes): no key, prompt or exporter header value.
  for (const secret of [KEY, PROMPT, EXPORTER_HEADER_SECRET])
    expect(exportedBytes(got)).not.toContain(secret);
}

describe('codex-ts exec --json exports telemetry to an OTLP collector', () => {
  for (const kind of ['http/json', 'http/protobuf', 'grpc'] as const) {
    it(`HTTP turn, ${kind}: api request and SSE events, root span, resource, redaction`, async () => {
      const got = await receiver(kind);
      try {
        server.pushSteps({ kind: 'sse', events: helloTurn() });
        const home = newHome(server.url, otelToml(kind, got.endpoint));
        const r = await runCli(['exec', '--json', PROMPT], { home });
        expect(r.code).toBe(0);
        expect(r.lines.slice(1)).toEqual(HELLO_TURN_LINES);
        const threadId = (JSON.parse(r.lines[0]!) as { thread_id: string }).thread_id;
        expectCommon(got, threadId, kind);
        const [apiRequest] = got.logs('codex.api_request');
        expect(apiRequest?.attributes['http.response.status_code']).toBe(200);
        expect(got.logs('codex.sse_event').length).toBeGreaterThan(0);
        expect(got.metrics('codex.api_request').length).toBeGreaterThan(0);
        expect(got.metrics('codex.sse_event').length).toBeGreaterThan(0);
        // The SSE duration histogram (aggregated by @codex-ts/otel-sdk): one value per counted event.
        const [durations] = got.metrics('codex.sse_event.duration_ms');
        expect(durations).toMatchObject({
          type: 'histogram',
          scope: got.metrics('codex.sse_event')[0]?.scope,
        });
        const count = (name: string) =>
          got
            .metrics(name)
            .at(-1)
            ?.points.reduce((n, p) => n + p.value, 0);
        expect(count('codex.sse_event.duration_ms')).toBe(count('codex.sse_event'));
      } finally {
        await got.close();
      }
    });
  }

  it('WebSocket turn: websocket connect / request events and metrics', async () => {
    const got = await receiver('http/json');
    try {
      server.setWsScenario({ responses: [{ events: helloTurn() }] });
      const home = newHome(server.url, `supports_websockets = true\n${otelToml('http/json', got.endpoint)}`);
      const r = await runCli(['exec', '--json', PROMPT], { home });
      expect(r.code).toBe(0);
      expect(r.lines.slice(1)).toEqual(HELLO_TURN_LINES);
      const threadId = (JSON.parse(r.lines[0]!) as { thread_id: string }).thread_id;
      expectCommon(got, threadId, 'http/json');
      expect(got.logs('codex.websocket_request').length).toBeGreaterThan(0);
      expect(got.logs('codex.api_request')).toHaveLength(0);
      expect(got.metrics('codex.websocket.request').length).toBeGreaterThan(0);
      expect(got.metrics('codex.websocket.event').length).toBeGreaterThan(0);
    } finally {
      await got.close();
    }
  });

  it('log_user_prompt = true exports the prompt; the server echoing the key exports no key', async () => {
    const got = await receiver('http/json');
    try {
      server.pushSteps({ kind: 'sse', events: helloTurn(`your key is ${KEY}`) });
      const home = newHome(server.url, otelToml('http/json', got.endpoint, 'log_user_prompt = true'));
      const r = await runCli(['exec', '--json', PROMPT], { home });
      expect(r.code).toBe(0);
      expect(got.logs('codex.user_prompt')[0]?.attributes.prompt).toBe(PROMPT);
      expect(JSON.stringify([got.logs(), got.spans(), got.metrics()])).not.toContain(KEY);
    } finally {
      await got.close();
    }
  });

  it('TRACEPARENT makes the root span a child of the caller’s span', async () => {
    const got = await receiver('http/protobuf');
    try {
      server.pushSteps({ kind: 'sse', events: helloTurn() });
      const home = newHome(server.url, otelToml('http/protobuf', got.endpoint));
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const r = await runCli(['exec', '--json', PROMPT], { home, env: { TRACEPARENT: traceparent } });
      expect(r.code).toBe(0);
      const [root] = got.spans('codex.exec');
      expect(root?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(root?.parentSpanId).toBe('b7ad6b7169203331');
    } finally {
      await got.close();
    }
  });
});

describe('codex-ts exec with a dead collector', () => {
  it('a collector that never answers or refuses does not delay exit beyond the bound, prints nothing', async () => {
    const stalling = await startStallingCollector();
    const closed = await closedPortUrl();
    try {
      for (const [url, kind] of [
        [stalling.url, 'http/protobuf'],
        [stalling.url, 'grpc'],
        [closed, 'http/json'],
        [closed, 'grpc'],
      ] as const) {
        server.pushSteps({ kind: 'sse', events: helloTurn() });
        const endpoint = (signal: OtlpSignal) => (kind === 'grpc' ? url : `${url}/v1/${signal}`);
        const home = newHome(server.url, otelToml(kind, endpoint));
        const started = performance.now();
        const r = await runCli(['exec', '--json', PROMPT], { home, timeoutMs: 60_000 });
        const elapsed = performance.now() - started;
        expect(r.code).toBe(0);
        expect(r.lines.slice(1)).toEqual(HELLO_TURN_LINES);
        expect(r.stderr).not.toMatch(/otel|export|ECONNREFUSED/i);
        // The bound (flush + the exit grace of dist/bin.cjs), honoured generously: an unbounded
        // flush would wait for the exporters' own timeouts and retries (tens of seconds).
        expect(elapsed).toBeLessThan(OTEL_FLUSH_TIMEOUT_MS + 1000 + 8000);
      }
      expect(stalling.connections()).toBeGreaterThan(0);
    } finally {
      await stalling.close();
    }
  }, 120_000);
});

describe('codex-ts exec: bad [otel] config', () => {
  it('names the key and exits 1 before any request', async () => {
    const home = newHome(
      server.url,
      '[otel]\ntrace_exporter = { otlp-grpc = { endpoint = "https://c:4317", tls = { ca-certificate = "missing-ca.pem" } } }\n',
    );
    let r = await runCli(['exec', '--json', PROMPT], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('otel.trace_exporter.otlp-grpc.tls.ca-certificate');
    r = await runCli(['exec', '--json', PROMPT], {
      home: newHome(server.url, '[otel]\nexporter = "bogus"\n'),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('otel.exporter');
    expect(server.requests).toHaveLength(0);
  });
});
