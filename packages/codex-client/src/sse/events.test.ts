import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortedError, NetworkError, StreamError, type TransportError } from '../errors/transport-error.js';
import { HttpTransport } from '../http/transport.js';
import type { SseTelemetryInfo } from '../telemetry/telemetry.js';
import { closeServersAndTransport, startServer, within } from '../test/index.js';
import type { SseEvent } from './decoder.js';
import { sseEventBatches, sseEvents } from './events.js';

const encoder = new TextEncoder();

let transport: HttpTransport;
beforeEach(() => {
  transport = new HttpTransport();
});
afterEach(() => closeServersAndTransport(transport));

/** Collect at most `limit` events; resolves with them, or with the error that ended the stream. */
async function collect(
  stream: AsyncGenerator<SseEvent>,
  limit = 1_000,
): Promise<{ events: SseEvent[]; error: TransportError | undefined }> {
  const events: SseEvent[] = [];
  try {
    for await (const event of stream) {
      events.push(event);
      if (events.length >= limit) break;
    }
    return { events, error: undefined };
  } catch (error) {
    return { events, error: error as TransportError };
  }
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield encoder.encode(part);
}

/** A body that yields `parts` and then never yields again (until return()). */
function stalled(parts: string[]): AsyncIterable<Uint8Array> & { returned: boolean } {
  const body = {
    returned: false,
    [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
      let index = 0;
      let wake: ((result: IteratorResult<Uint8Array>) => void) | undefined;
      return {
        next: () => {
          const part = parts[index++];
          if (part !== undefined) return Promise.resolve({ done: false, value: encoder.encode(part) });
          return new Promise((resolve) => {
            wake = resolve;
          });
        },
        return: () => {
          body.returned = true;
          wake?.({ done: true, value: undefined });
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
  return body;
}

describe('sseEvents over synthetic bodies', () => {
  it('yields events across chunks and returns at a clean end, flushing the final event', async () => {
    const result = await within(
      collect(
        sseEvents(chunks('event: a\ndata: {"x"', ':1}\n\ndata: 2\n', '\ndata: last'), {
          idleTimeoutMs: 1_000,
        }),
      ),
      5_000,
    );
    expect(result.error).toBeUndefined();
    expect(result.events).toEqual([
      { event: 'a', data: '{"x":1}', id: undefined },
      { event: 'message', data: '2', id: undefined },
      { event: 'message', data: 'last', id: undefined },
    ]);
  });

  it('maps a foreign read failure to NetworkError("error decoding response body")', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield encoder.encode('data: 1\n\n');
      throw new Error('socket hang up');
    }
    const result = await within(collect(sseEvents(failing(), { idleTimeoutMs: 1_000 })), 5_000);
    expect(result.events).toHaveLength(1);
    expect(result.error).toBeInstanceOf(NetworkError);
    expect(result.error?.message).toBe('error decoding response body');
    expect((result.error?.cause as Error | undefined)?.message).toBe('socket hang up');
  });

  it('times out per parsed event with one StreamError, and cancels the body', async () => {
    const body = stalled(['data: 1\n\n', ': comment only\n\n', 'event: no-data\n\n']);
    const result = await within(collect(sseEvents(body, { idleTimeoutMs: 60 })), 5_000);
    expect(result.events.map((e) => e.data)).toEqual(['1']);
    expect(result.error).toBeInstanceOf(StreamError);
    expect(result.error?.message).toBe('idle timeout waiting for SSE');
    expect((result.error as StreamError).idleTimeout).toBe(true);
    expect(body.returned).toBe(true);
  });

  it('does not count time the consumer spends between events', async () => {
    const stream = sseEvents(chunks('data: 1\n\ndata: 2\n\n'), { idleTimeoutMs: 30 });
    const events: string[] = [];
    for await (const event of stream) {
      events.push(event.data);
      await new Promise((resolve) => setTimeout(resolve, 80));
    }
    expect(events).toEqual(['1', '2']);
  });

  it('aborts promptly while the body is stalled, and stops delivering buffered events', async () => {
    const controller = new AbortController();
    const body = stalled(['data: 1\n\ndata: 2\n\n']);
    const stream = sseEvents(body, { idleTimeoutMs: 60_000, signal: controller.signal });
    const first = await stream.next();
    expect(first.value).toMatchObject({ data: '1' });
    controller.abort('user');
    const error = await within(
      stream.next().then(
        () => undefined,
        (e: unknown) => e,
      ),
      5_000,
    );
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).reason).toBe('user');
    expect(body.returned).toBe(true);
  });

  it('rejects at once for an already-aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await within(
      collect(sseEvents(chunks('data: 1\n\n'), { idleTimeoutMs: 1_000, signal: controller.signal })),
      5_000,
    );
    expect(result.events).toEqual([]);
    expect(result.error).toBeInstanceOf(AbortedError);
  });

  it('calls telemetry per event and on failure', async () => {
    const seen: SseTelemetryInfo[] = [];
    const telemetry = { onSseEvent: (info: SseTelemetryInfo) => seen.push(info) };
    await within(
      collect(sseEvents(stalled(['data: 1\n\ndata: 2\n\n']), { idleTimeoutMs: 40, telemetry })),
      5_000,
    );
    expect(seen.map((s) => s.event?.data)).toEqual(['1', '2', undefined]);
    expect(seen[2]?.error).toBeInstanceOf(StreamError);
    for (const info of seen) expect(info.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('cancels the body when the consumer breaks', async () => {
    const body = stalled(['data: 1\n\ndata: 2\n\n']);
    const result = await within(collect(sseEvents(body, { idleTimeoutMs: 1_000 }), 1), 5_000);
    expect(result.events).toHaveLength(1);
    expect(body.returned).toBe(true);
  });
});

describe('sseEventBatches', () => {
  it('yields one non-empty array per chunk that completes events', async () => {
    const batches: string[][] = [];
    for await (const batch of sseEventBatches(
      chunks('data: 1\n\ndata: 2\n\n', ': c\n', 'data: 3', '\n\ndata: 4'),
      {
        idleTimeoutMs: 1_000,
      },
    )) {
      batches.push(batch.map((e) => e.data));
      if (batches.length > 10) break;
    }
    expect(batches).toEqual([['1', '2'], ['3'], ['4']]);
  });

  it('fails with the idle timeout and reports telemetry per event', async () => {
    const seen: SseTelemetryInfo[] = [];
    const body = stalled(['data: 1\n\ndata: 2\n\n']);
    const batches: SseEvent[][] = [];
    let error: unknown;
    try {
      for await (const batch of sseEventBatches(body, {
        idleTimeoutMs: 40,
        telemetry: { onSseEvent: (info) => seen.push(info) },
      })) {
        batches.push(batch);
      }
    } catch (e) {
      error = e;
    }
    expect(batches).toHaveLength(1);
    expect(error).toBeInstanceOf(StreamError);
    expect(seen.map((s) => s.event?.data ?? s.error?.code)).toEqual(['1', '2', 'stream']);
    expect(body.returned).toBe(true);
  });
});

describe('decoder reuse across streams', () => {
  it('starts every stream clean after one that was abandoned mid-event', async () => {
    // Ends with an open event, a partial line and half of a UTF-8 character ("é" = C3 A9).
    const partial = {
      async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
        yield encoder.encode('id: 9\ndata: 1\n\nevent: x\ndata: open\ndata: half');
        yield new Uint8Array([0xc3]);
        await new Promise(() => {}); // stalls until return()
      },
    };
    for (let round = 0; round < 6; round++) {
      const first = await within(collect(sseEvents(partial, { idleTimeoutMs: 1_000 }), 1), 5_000);
      expect(first.events.map((e) => [e.data, e.id])).toEqual([['1', '9']]);
      const second = await within(collect(sseEvents(chunks('data: 2\n\n'), { idleTimeoutMs: 1_000 })), 5_000);
      expect(second).toEqual({ events: [{ event: 'message', data: '2', id: undefined }], error: undefined });
    }
  });

  it('keeps concurrent streams apart', async () => {
    const a = sseEventBatches(chunks('data: a1\n\ndata: a', '2\n\n'), { idleTimeoutMs: 1_000 });
    const b = sseEventBatches(chunks('id: b\ndata: b1\n\ndata: b', '2\n\n'), { idleTimeoutMs: 1_000 });
    const seen: string[] = [];
    for (;;) {
      const [ra, rb] = await within(Promise.all([a.next(), b.next()]), 5_000);
      if (!ra.done) seen.push(...ra.value.map((e) => `${e.data}/${e.id ?? '-'}`));
      if (!rb.done) seen.push(...rb.value.map((e) => `${e.data}/${e.id ?? '-'}`));
      if (ra.done && rb.done) break;
    }
    expect(seen).toEqual(['a1/-', 'b1/b', 'a2/-', 'b2/b']);
  });
});

describe('sseEvents over HttpTransport.stream', () => {
  it('decodes a real event stream to the end', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 50; i++) res.write(`event: e\ndata: {"n":${i}}\n\n`);
      res.end();
    });
    const response = await transport.stream({ method: 'POST', url: server.url, headers: {}, body: '{}' });
    const result = await within(collect(sseEvents(response.body, { idleTimeoutMs: 2_000 })), 5_000);
    expect(result.error).toBeUndefined();
    expect(result.events.map((e) => JSON.parse(e.data).n)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('fails with the idle timeout when the server stalls after an event, and closes the connection', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
    });
    const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
    const closed = server.nextSocketClose();
    const result = await within(collect(sseEvents(response.body, { idleTimeoutMs: 100 })), 5_000);
    expect(result.events.map((e) => e.data)).toEqual(['first']);
    expect(result.error).toBeInstanceOf(StreamError);
    expect((result.error as StreamError).idleTimeout).toBe(true);
    await within(closed, 5_000, 'connection was not closed');
  });

  /** A server that writes `data: <i>` events after the given gaps (ms), then ends the body. */
  async function pacedServer(gaps: number[]): Promise<{ url: string; stop: () => void }> {
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const step = (index: number): void => {
        if (res.destroyed) return;
        if (index >= gaps.length) {
          res.end();
          return;
        }
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (res.destroyed) return;
          res.write(`data: ${index}\n\n`);
          step(index + 1);
        }, gaps[index]);
        timers.add(timer);
      };
      step(0);
    });
    return {
      url: server.url,
      stop: () => {
        for (const timer of timers) clearTimeout(timer);
      },
    };
  }

  it('restarts the idle clock at every event: gaps below the timeout that add up past it complete', async () => {
    // 15 gaps of 60 ms (900 ms in all) against a 300 ms idle timeout.
    const gaps = Array.from({ length: 15 }, () => 60);
    const server = await pacedServer(gaps);
    try {
      for (const batched of [false, true]) {
        const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
        const started = performance.now();
        let result: { events: SseEvent[]; error: TransportError | undefined };
        if (batched) {
          const events: SseEvent[] = [];
          let error: TransportError | undefined;
          try {
            for await (const batch of sseEventBatches(response.body, { idleTimeoutMs: 300 }))
              events.push(...batch);
          } catch (e) {
            error = e as TransportError;
          }
          result = { events, error };
        } else {
          result = await within(collect(sseEvents(response.body, { idleTimeoutMs: 300 })), 10_000);
        }
        expect(result.error).toBeUndefined();
        expect(result.events.map((e) => e.data)).toEqual(gaps.map((_, i) => String(i)));
        // The stream really lasted longer than one idle timeout.
        expect(performance.now() - started).toBeGreaterThan(300);
      }
    } finally {
      server.stop();
    }
  });

  it('times out when one gap between events exceeds the idle timeout', async () => {
    // 60 ms gaps, then one of 1 500 ms against a 300 ms idle timeout.
    const server = await pacedServer([60, 60, 60, 1_500, 60]);
    try {
      const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
      const result = await within(collect(sseEvents(response.body, { idleTimeoutMs: 300 })), 5_000);
      expect(result.events.map((e) => e.data)).toEqual(['0', '1', '2']);
      expect(result.error).toBeInstanceOf(StreamError);
      expect((result.error as StreamError).idleTimeout).toBe(true);
    } finally {
      server.stop();
    }
  });

  it('ignores exceptions thrown by the SSE telemetry hook', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\ndata: 2\n\n');
    });
    let calls = 0;
    const telemetry = {
      onSseEvent: () => {
        calls++;
        throw new Error('telemetry broke');
      },
    };
    const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
    const result = await within(collect(sseEvents(response.body, { idleTimeoutMs: 100, telemetry })), 5_000);
    // Both events arrive and the stream ends with its own failure, not the hook's exception.
    expect(result.events.map((e) => e.data)).toEqual(['1', '2']);
    expect(result.error).toBeInstanceOf(StreamError);
    expect(calls).toBe(3);

    const batches: string[][] = [];
    let batchError: unknown;
    try {
      for await (const batch of sseEventBatches(chunks('data: a\n\n', 'data: b\n\n'), {
        idleTimeoutMs: 1_000,
        telemetry,
      })) {
        batches.push(batch.map((e) => e.data));
      }
    } catch (error) {
      batchError = error;
    }
    expect(batchError).toBeUndefined();
    expect(batches).toEqual([['a'], ['b']]);
    const aborted = new AbortController();
    aborted.abort('early');
    const early = await within(
      collect(sseEvents(chunks('data: x\n\n'), { idleTimeoutMs: 1_000, signal: aborted.signal, telemetry })),
      5_000,
    );
    expect(early.error).toBeInstanceOf(AbortedError);
  });

  it('times out although the server keeps sending comment keepalives', async () => {
    let interval: ReturnType<typeof setInterval> | undefined;
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      let sent = 0;
      interval = setInterval(() => {
        // Keeps going well past the 2 s bound below (bounded: at most 1 000 comments).
        if (++sent > 1_000 || res.destroyed) {
          clearInterval(interval);
          return;
        }
        res.write(': keepalive\n\n');
      }, 15);
    });
    try {
      const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
      const result = await within(
        collect(sseEvents(response.body, { idleTimeoutMs: 150 })),
        2_000,
        'comments kept the stream alive',
      );
      expect(result.events.map((e) => e.data)).toEqual(['first']);
      expect(result.error).toBeInstanceOf(StreamError);
      expect(result.error?.message).toBe('idle timeout waiting for SSE');
    } finally {
      clearInterval(interval);
    }
  });

  it('ends promptly with AbortedError when aborted mid-body, and closes the connection', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
    });
    const controller = new AbortController();
    const response = await transport.stream({
      method: 'GET',
      url: server.url,
      headers: {},
      signal: controller.signal,
    });
    const closed = server.nextSocketClose();
    const stream = sseEvents(response.body, { idleTimeoutMs: 60_000, signal: controller.signal });
    expect((await stream.next()).value).toMatchObject({ data: 'first' });
    setTimeout(() => controller.abort('stop'), 20);
    const result = await within(collect(stream), 2_000, 'abort did not end the stream');
    expect(result.error).toBeInstanceOf(AbortedError);
    await within(closed, 2_000, 'connection was not closed');
  });

  it('fails with NetworkError("error decoding response body") when the socket is destroyed mid-body', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n', () => setTimeout(() => res.socket?.destroy(), 10));
    });
    const response = await transport.stream({ method: 'GET', url: server.url, headers: {} });
    const result = await within(collect(sseEvents(response.body, { idleTimeoutMs: 5_000 })), 5_000);
    expect(result.events.map((e) => e.data)).toEqual(['first']);
    expect(result.error).toBeInstanceOf(NetworkError);
    expect(result.error?.message).toBe('error decoding response body');
  });
});
