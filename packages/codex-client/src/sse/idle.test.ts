/** The idle clock of sseEvents: bytes of a large event count as activity; 0 and huge timeouts. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamError, type TransportError } from '../errors/transport-error.js';
import { HttpTransport } from '../http/transport.js';
import { captureWarnings, closeServersAndTransport, startServer, within } from '../test/index.js';
import type { SseEvent } from './decoder.js';
import { sseEvents } from './events.js';

const encoder = new TextEncoder();
let transport: HttpTransport;
const warnings = captureWarnings();
beforeEach(() => {
  transport = new HttpTransport();
});
afterEach(() => closeServersAndTransport(transport));

async function collect(
  stream: AsyncGenerator<SseEvent>,
): Promise<{ events: SseEvent[]; error: TransportError | undefined }> {
  const events: SseEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error: error as TransportError };
  }
}

/** A server writing `parts` with `gapMs` between them, then ending (or stalling if `stall`). */
async function pacedParts(parts: string[], gapMs: number, stall = false): Promise<string> {
  const server = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let index = 0;
    const step = (): void => {
      if (res.destroyed) return;
      if (index >= parts.length) {
        if (!stall) res.end();
        return;
      }
      res.write(parts[index++] as string);
      setTimeout(step, gapMs);
    };
    step();
  });
  return server.url;
}

describe('sseEvents idle clock', () => {
  it('counts the bytes of one large event as activity: it arrives over longer than the idle timeout', async () => {
    // 14 pieces 40 ms apart (≈ 520 ms in all) against a 200 ms idle timeout; no event is complete
    // before the last piece.
    const filler = Array.from({ length: 12 }, (_, i) => `${i}`.padEnd(2_000, 'x'));
    const parts = ['event: response.output_item.done\ndata: {"text":"', ...filler, '"}\n\ndata: after\n\n'];
    const url = await pacedParts(parts, 40);
    const response = await transport.stream({ method: 'GET', url, headers: {} });
    const started = performance.now();
    const result = await within(collect(sseEvents(response.body, { idleTimeoutMs: 200 })), 10_000);
    expect(result.error).toBeUndefined();
    expect(result.events.map((e) => e.event)).toEqual(['response.output_item.done', 'message']);
    expect(JSON.parse(result.events[0]?.data ?? '').text).toBe(filler.join(''));
    // The event really took longer than one idle timeout to arrive.
    expect(performance.now() - started).toBeGreaterThan(200);
  });

  it('still times out when a partly received event stops receiving bytes', async () => {
    const url = await pacedParts(['data: {"text":"', 'abc', 'def'], 20, true);
    const response = await transport.stream({ method: 'GET', url, headers: {} });
    const result = await within(collect(sseEvents(response.body, { idleTimeoutMs: 150 })), 5_000);
    expect(result.events).toEqual([]);
    expect(result.error).toBeInstanceOf(StreamError);
    expect(result.error?.message).toBe('idle timeout waiting for SSE');
  });

  it('does not count comment keepalives split across chunks as activity', async () => {
    const keepalives = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? ': keep' : 'alive\n\n'));
    const url = await pacedParts(['data: first\n\n', ...keepalives], 15, true);
    const response = await transport.stream({ method: 'GET', url, headers: {} });
    const result = await within(collect(sseEvents(response.body, { idleTimeoutMs: 150 })), 2_000);
    expect(result.events.map((e) => e.data)).toEqual(['first']);
    expect(result.error).toBeInstanceOf(StreamError);
  });

  it('expires as soon as a read has to wait with an idle timeout of 0 (not "disabled")', async () => {
    const body = {
      async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
        yield encoder.encode('data: 1\n\n');
        await new Promise(() => {}); // stalls until return()
      },
    };
    const result = await within(collect(sseEvents(body, { idleTimeoutMs: 0 })), 2_000, 'idle 0 never fired');
    expect(result.events.map((e) => e.data)).toEqual(['1']);
    expect(result.error).toBeInstanceOf(StreamError);
    expect((result.error as StreamError).idleTimeout).toBe(true);
  });

  it('neither fires early nor warns with a 3 000 000 000 ms idle timeout', async () => {
    const url = await pacedParts(['data: 1\n\n', 'data: 2\n\n'], 40);
    const response = await transport.stream({ method: 'GET', url, headers: {} });
    const result = await within(collect(sseEvents(response.body, { idleTimeoutMs: 3_000_000_000 })), 5_000);
    expect(result.error).toBeUndefined();
    expect(result.events.map((e) => e.data)).toEqual(['1', '2']);
    expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning');
  });
});
