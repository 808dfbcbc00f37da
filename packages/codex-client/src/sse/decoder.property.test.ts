/**
 * Property tests of the SSE decoder (fast-check): recorded streams give the same events however
 * they are chunked (bytes or text, any line terminator), the decoder agrees with a whole-text
 * reference parser on token soup, and arbitrary bytes never make it (or `sseEvents`) throw
 * anything but typed errors. Runs are bounded to finish in about a second.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TransportError } from '../errors/transport-error.js';
import { cutAt, decodeBytes, decodeText } from '../test/index.js';
import { SseDecoder, type SseEvent } from './decoder.js';
import { sseEvents } from './events.js';

const encoder = new TextEncoder();

/** The demo scenario of tools/responses-server rendered as the server renders an `sse` step. */
function demoStream(): string {
  const url = new URL('../../../../tools/responses-server/scenarios/demo.json', import.meta.url);
  const scenario = JSON.parse(readFileSync(url, 'utf8')) as { steps: { events?: unknown[] }[] };
  let out = '';
  for (const event of scenario.steps[0]?.events ?? []) {
    const record = event as { type?: string; data?: { type?: string } };
    const data = record.type !== undefined ? record : record.data;
    out += `event: ${data?.type}\ndata: ${JSON.stringify(data)}\n\n`;
  }
  return out;
}

/** Recorded-style streams: multi-byte UTF-8, CRLF / CR, comments, multi-line data, ids, a BOM. */
const STREAMS: string[] = [
  demoStream(),
  '\uFEFF: keepalive\n' +
    'event: response.created\ndata: {"type":"response.created","response":{"id":"resp_1"}}\n\n' +
    'event: response.output_text.delta\r\ndata: {"type":"response.output_text.delta","delta":"héllo wörld 🎉 日本 e\u0301"}\r\n\r\n' +
    ':another comment\rid: 7\rdata: line one\rdata: line two\r\r' +
    'retry: 1000\nunknown: field\ndata\n\nevent: no-data\n\ndata:no-space\ndata:  two\n\n' +
    'event: response.completed\ndata: {"type":"response.completed","response":{"id":"resp_1"}}',
  `: ping\n\n${Array.from({ length: 30 }, (_, i) => `data: {"type":"response.output_text.delta","delta":"${'😀é'.repeat(i % 4)}${i}"}\n\n`).join('')}`,
];

/** A whole-text reference parser with the decoder's policies (WHATWG plus the final-event flush). */
function reference(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  let body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let data: string[] = [];
  let type = '';
  let id: string | undefined;
  const dispatch = (): void => {
    if (data.length > 0) events.push({ event: type || 'message', data: data.join('\n'), id });
    data = [];
    type = '';
  };
  const lines = body.split(/\r\n|\r|\n/);
  const terminated = /[\r\n]$/.test(body);
  if (terminated) lines.pop();
  body = '';
  for (const line of lines) {
    if (line === '') {
      dispatch();
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') type = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
  }
  dispatch();
  return events;
}

const positions = (max: number) => fc.array(fc.integer({ min: 0, max }), { maxLength: 24 });
const terminator = fc.constantFrom('\n', '\r\n', '\r');

describe('SseDecoder properties', () => {
  it('gives the same events for any byte chunking and any line terminator of recorded streams', () => {
    for (const stream of STREAMS) {
      const expected = decodeBytes([encoder.encode(stream)]);
      expect(expected.length).toBeGreaterThan(2);
      // Rewrite every LF of the stream (never inside a JSON payload) with the chosen terminator.
      fc.assert(
        fc.property(terminator, positions(encoder.encode(stream).length + 8), (eol, at) => {
          const bytes = encoder.encode(stream.replace(/(?<!\r)\n/g, eol));
          expect(decodeBytes(cutAt(bytes, at))).toEqual(expected);
        }),
        { numRuns: 120 },
      );
    }
  });

  it('gives the same events for any text chunking (split surrogate pairs included)', () => {
    for (const stream of STREAMS) {
      const expected = decodeText([stream]);
      fc.assert(
        fc.property(positions(stream.length), (at) => {
          expect(decodeText(cutAt(stream, at))).toEqual(expected);
        }),
        { numRuns: 120 },
      );
    }
  });

  it('agrees with a whole-text reference parser on arbitrary SSE token soup, however it is chunked', () => {
    const token = fc.constantFrom(
      'data:',
      'data: ',
      'data',
      'event:',
      'event: x',
      'id:',
      'id: 1',
      'id: \0',
      'retry: 5',
      ':',
      ': c',
      ' ',
      'x',
      '{"a":1}',
      'é',
      '🎉',
      '\uFEFF',
      '\n',
      '\n',
      '\r',
      '\r\n',
      '\n\n',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), positions(400), (tokens, at) => {
        const text = tokens.join('');
        const expected = reference(text);
        expect(decodeText(cutAt(text, at))).toEqual(expected);
        expect(decodeBytes(cutAt(encoder.encode(text), at))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes bytes as one streaming TextDecoder would (invalid and split UTF-8 included), however they are chunked', () => {
    // The data of each event is byte soup around the UTF-8 edge cases: every lead-byte class
    // (invalid ones too), continuation bytes at the ends of the ranges that E0, ED, F0 and F4
    // accept, whole characters, a BOM (never CR or LF, so every byte lands in an event's data).
    const piece = fc.oneof(
      fc.constantFrom(
        ...[
          0x41, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0,
          0xf4, 0xf5, 0xff,
        ].map((byte) => Uint8Array.of(byte)),
        encoder.encode('é'),
        encoder.encode('日'),
        encoder.encode('🎉'),
        Uint8Array.of(0xef, 0xbb, 0xbf),
      ),
      fc
        .uint8Array({ minLength: 1, maxLength: 4 })
        .map((bytes) => bytes.map((byte) => (byte === 10 || byte === 13 ? 0x41 : byte))),
    );
    const event = fc
      .array(piece, { maxLength: 24 })
      .map((pieces) => Buffer.concat([encoder.encode('data: '), ...pieces, encoder.encode('\n\n')]));
    fc.assert(
      // Chunks of a fixed size (1–7 bytes: every split of a character occurs) or cut at random.
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 7 }),
        positions(400),
        (events, size, at) => {
          const bytes = new Uint8Array(Buffer.concat([Uint8Array.of(0xef, 0xbb, 0xbf), ...events]));
          const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
          const cuts =
            size === 0 ? at : Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => i * size);
          const decoded = decodeBytes(cutAt(bytes, cuts));
          expect(decoded).toHaveLength(events.length);
          expect(decoded).toEqual(decodeText([text]));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary bytes, however they are chunked, and is reusable after reset()', () => {
    const decoder = new SseDecoder();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), positions(600), (bytes, at) => {
        const events: SseEvent[] = [];
        for (const chunk of cutAt(bytes, at)) decoder.feedBytes(chunk, (e) => events.push(e));
        decoder.end((e) => events.push(e));
        for (const event of events) {
          expect(typeof event.data).toBe('string');
          expect(typeof event.event).toBe('string');
        }
        decoder.reset();
      }),
      { numRuns: 300 },
    );
  });
});

describe('sseEvents properties', () => {
  it('yields the decoder events for arbitrary bytes and chunking, or fails only with a TransportError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        positions(300),
        fc.boolean(),
        async (bytes, at, fail) => {
          const parts = cutAt(bytes, at);
          const body = {
            async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
              for (const part of parts) yield part;
              if (fail) throw new Error('connection reset');
            },
          };
          const seen: SseEvent[] = [];
          let error: unknown;
          try {
            for await (const event of sseEvents(body, { idleTimeoutMs: 10_000 })) seen.push(event);
          } catch (e) {
            error = e;
          }
          if (fail) {
            expect(TransportError.isInstance(error)).toBe(true);
          } else {
            expect(error).toBeUndefined();
            expect(seen).toEqual(decodeBytes([bytes]));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
