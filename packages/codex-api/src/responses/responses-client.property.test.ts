// Property tests of the ResponsesClient stream path (SSE decoding → JSON → event mapper → queue)
// over a purpose-built HTTP server on 127.0.0.1 that writes each body in the pieces a test chose.
// TCP and undici may merge small writes on the way, so the client's transport is wrapped to hand
// the body to the SSE decoder in exactly those pieces again (it buffers up to each cut point).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type HttpRequest, HttpTransport, type StreamingResponse } from '@codex-ts/client';
import type { ResponsesEvent } from '@codex-ts/responses-server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticBearerAuth } from '../auth/auth-provider.js';
import {
  arbitraryEventArb,
  expectedOutcome,
  type Outcome,
  outcomeOf,
  recordedStreamArb,
  splitAt,
  testProvider,
  testRequest,
} from '../test/index.js';
import { headerEvents } from './header-events.js';
import { ResponsesClient } from './responses-client.js';

/** Yields `body`'s bytes in pieces of exactly `sizes` (then the rest), whatever chunks it came in. */
async function* rechunk(
  body: AsyncIterable<Uint8Array>,
  sizes: readonly number[],
): AsyncGenerator<Uint8Array> {
  let held: Buffer = Buffer.alloc(0);
  let next = 0;
  for await (const chunk of body) {
    held = Buffer.concat([held, chunk]);
    while (next < sizes.length && held.length >= (sizes[next] as number)) {
      const size = sizes[next++] as number;
      yield held.subarray(0, size);
      held = held.subarray(size);
    }
  }
  if (held.length > 0) yield held;
}

/** An HttpTransport whose streamed bodies reach the caller in the pieces of {@link pieces}. */
class PieceTransport extends HttpTransport {
  override async stream(req: HttpRequest): Promise<StreamingResponse> {
    const response = await super.stream(req);
    const sizes = pieces.map((piece) => piece.length);
    return {
      status: response.status,
      headers: response.headers,
      body: rechunk(response.body, sizes),
      cancel: (reason?: unknown) => response.cancel(reason),
    };
  }
}

/** The pieces the next response body is written in (one `write` each, Nagle off). */
let pieces: Buffer[] = [];
let server: Server;
let transport: HttpTransport;
let client: ResponsesClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = pieces;
    req.resume();
    req.on('end', async () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_prop' });
      res.flushHeaders();
      res.socket?.setNoDelay(true);
      for (const piece of body) {
        if (res.destroyed) return;
        await new Promise<void>((resolve) => res.write(piece, () => resolve()));
      }
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  transport = new PieceTransport();
  client = new ResponsesClient({
    provider: testProvider(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, {
      retry: { retryOn: { retry429: false, retry5xx: false, retryTransport: false } },
      websocketConnectTimeoutMs: 1000,
    }),
    auth: staticBearerAuth('sk-test'),
    transport,
  });
});
afterAll(async () => {
  await transport.close();
  server.close();
  await once(server, 'close');
});

/** Streams one request whose body arrives in `parts`. */
async function run(parts: Buffer[]): Promise<Outcome> {
  pieces = parts;
  const stream = await client.stream(testRequest());
  return outcomeOf(stream);
}

/** SSE framing of `events`: `event:` line optional, LF or CRLF line ends, sometimes a comment. */
function render(
  events: readonly ResponsesEvent[],
  crlf: boolean,
  eventLines: boolean,
  comments: boolean,
): Buffer {
  const nl = crlf ? '\r\n' : '\n';
  let text = comments ? `: keep-alive${nl}${nl}` : '';
  for (const event of events) {
    if (eventLines) text += `event: ${event.type}${nl}`;
    text += `data: ${JSON.stringify(event)}${nl}${nl}`;
  }
  return Buffer.from(text, 'utf8');
}

const HEADER_EVENTS = headerEvents(
  { 'content-type': 'text/event-stream', 'x-request-id': 'req_prop' },
  'response',
);

describe('ResponsesClient stream path (property)', () => {
  it('yields the same events for any chunking of a recorded stream as for one chunk', async () => {
    await fc.assert(
      fc.asyncProperty(
        recordedStreamArb(),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 48 }),
        async (events, crlf, eventLines, comments, offsets) => {
          const body = render(events, crlf, eventLines, comments);
          const expected = expectedOutcome(events, 'http', HEADER_EVENTS);
          expect(await run([body])).toEqual(expected);
          expect(await run(splitAt(body, offsets))).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('yields the same events when every byte arrives on its own', async () => {
    await fc.assert(
      fc.asyncProperty(recordedStreamArb(), async (events) => {
        const body = render(events, false, true, false);
        const bytes = [...body].map((byte) => Buffer.from([byte]));
        expect(await run(bytes)).toEqual(expectedOutcome(events, 'http', HEADER_EVENTS));
      }),
      { numRuns: 8 },
    );
  });

  it('throws nothing but a typed ApiError for arbitrary bytes', async () => {
    const prefix = fc.constantFrom('', 'data: ', 'event: response.completed\ndata: ', 'data: {"type":');
    await fc.assert(
      fc.asyncProperty(
        prefix,
        fc.uint8Array({ maxLength: 512 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (start, bytes, offsets) => {
          const body = Buffer.concat([Buffer.from(start), bytes]);
          const outcome = await run(body.length === 0 ? [] : splitAt(body, offsets));
          // Arbitrary bytes cannot complete a response: the stream ends with the typed EOF error
          // (or a stored failure), never a raw exception (outcomeOf rethrows those).
          if (outcome.error === undefined) expect(outcome.events.at(-1)?.type).toBe('completed');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('throws nothing but a typed ApiError for arbitrary event objects', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryEventArb, { maxLength: 12 }), async (events) => {
        const body = render(events as ResponsesEvent[], false, false, false);
        expect(await run([body])).toEqual(expectedOutcome(events, 'http', HEADER_EVENTS));
      }),
      { numRuns: 60 },
    );
  });
});
