import { describe, expect, it } from 'vitest';
import { decodeBytes, decodeText } from '../test/index.js';
import { SseDecoder, type SseEvent } from './decoder.js';

const encoder = new TextEncoder();

function ev(data: string, event = 'message', id: string | undefined = undefined): SseEvent {
  return { event, data, id };
}

/** A recorded Responses-style stream with every feature the decoder handles. */
const RECORDED =
  '\uFEFF: keepalive comment\n' +
  'event: response.created\n' +
  'data: {"type":"response.created","response":{"id":"resp_1"}}\n\n' +
  'event: response.output_text.delta\r\n' +
  'data: {"type":"response.output_text.delta","delta":"héllo wörld 🎉 日本"}\r\n\r\n' +
  ':another comment\r' +
  'id: 7\r' +
  'data: line one\r' +
  'data: line two\r\r' +
  'retry: 1000\n' +
  'unknown: field\n' +
  'data\n' +
  '\n' +
  'event: only-event-no-data\n\n' +
  'data:no-space\n' +
  'data:  two-spaces\n\n' +
  'event: response.completed\n' +
  'data: {"type":"response.completed","response":{"id":"resp_1","usage":{"total_tokens":3}}}';

const RECORDED_EVENTS: SseEvent[] = [
  ev('{"type":"response.created","response":{"id":"resp_1"}}', 'response.created'),
  ev('{"type":"response.output_text.delta","delta":"héllo wörld 🎉 日本"}', 'response.output_text.delta'),
  ev('line one\nline two', 'message', '7'),
  ev('', 'message', '7'),
  ev('no-space\n two-spaces', 'message', '7'),
  ev(
    '{"type":"response.completed","response":{"id":"resp_1","usage":{"total_tokens":3}}}',
    'response.completed',
    '7',
  ),
];

describe('SseDecoder', () => {
  it('decodes the recorded stream in one chunk', () => {
    expect(decodeText([RECORDED])).toEqual(RECORDED_EVENTS);
    expect(decodeBytes([encoder.encode(RECORDED)])).toEqual(RECORDED_EVENTS);
  });

  it('gives the same events when the recorded bytes are split at every boundary', () => {
    const bytes = encoder.encode(RECORDED);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const events = decodeBytes([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(events, `cut at byte ${cut}`).toEqual(RECORDED_EVENTS);
    }
  });

  it('gives the same events when the recorded text is split at every boundary', () => {
    for (let cut = 0; cut <= RECORDED.length; cut++) {
      expect(decodeText([RECORDED.slice(0, cut), RECORDED.slice(cut)]), `cut at ${cut}`).toEqual(
        RECORDED_EVENTS,
      );
    }
  });

  it('gives the same events for every pair of split points of a short stream', () => {
    const short = '\uFEFFevent: a\r\ndata: é1\r\r:c\ndata: 2\n\ndata: 🎉\r\n\r\nid: x\ndata: 3';
    const expected = [ev('é1', 'a'), ev('2'), ev('🎉'), ev('3', 'message', 'x')];
    const bytes = encoder.encode(short);
    expect(decodeBytes([bytes])).toEqual(expected);
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        const events = decodeBytes([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]);
        expect(events, `cuts at ${i} and ${j}`).toEqual(expected);
      }
    }
  });

  it('delivers every event as soon as its blank line arrives', () => {
    const bytes = encoder.encode(RECORDED);
    const decoder = new SseDecoder();
    const seen: SseEvent[] = [];
    for (let i = 0; i < bytes.length; i++) decoder.feedBytes(bytes.subarray(i, i + 1), (e) => seen.push(e));
    // Everything but the final, unterminated event is out before end().
    expect(seen).toEqual(RECORDED_EVENTS.slice(0, -1));
    decoder.end((e) => seen.push(e));
    expect(seen).toEqual(RECORDED_EVENTS);
  });

  it.each([
    ['LF', 'data: a\n\ndata: b\n\n'],
    ['CRLF', 'data: a\r\n\r\ndata: b\r\n\r\n'],
    ['CR', 'data: a\r\rdata: b\r\r'],
    ['mixed', 'data: a\r\n\rdata: b\n\r\n'],
  ])('accepts %s line endings', (_name, text) => {
    expect(decodeText([text])).toEqual([ev('a'), ev('b')]);
  });

  it('treats a CR at the end of one chunk and an LF at the start of the next as one line end', () => {
    expect(decodeText(['data: a\r', '\ndata: b\r', '\n\r', '\n'])).toEqual([ev('a\nb')]);
    // A CR chunk followed by a lone CR is two line ends (a blank line).
    expect(decodeText(['data: a\r', '\rdata: b\r', '\r'])).toEqual([ev('a'), ev('b')]);
    // The skipped LF may be the only character of a chunk.
    expect(decodeText(['data: a\r', '\n', '\r', '\n', 'data: c\n\n'])).toEqual([ev('a'), ev('c')]);
  });

  it('ignores comments, retry, unknown fields and events without data', () => {
    expect(
      decodeText([
        ': hello\n:\nretry: 10\nfoo: bar\n\nevent: x\n\nevent: y\ndata: d\n\n',
        ':only comments\n\n',
      ]),
    ).toEqual([ev('d', 'y')]);
  });

  it('resets the event type after every blank line, also when nothing was dispatched', () => {
    expect(decodeText(['event: lost\n\ndata: 1\n\n'])).toEqual([ev('1')]);
  });

  it('parses fields: one leading space removed, no colon, colon in the value', () => {
    expect(
      decodeText(['data:x\n\n', 'data:   y\n\n', 'data\n\n', 'data: a:b: c\n\n', 'event:e\ndata:1\n\n']),
    ).toEqual([ev('x'), ev('  y'), ev(''), ev('a:b: c'), ev('1', 'e')]);
    // A field name is case-sensitive; "Data" is unknown.
    expect(decodeText(['Data: no\n\n'])).toEqual([]);
  });

  it('joins multi-line data with LF and keeps empty data lines', () => {
    expect(decodeText(['data: a\ndata:\ndata: c\n\n'])).toEqual([ev('a\n\nc')]);
  });

  it('keeps the last event id across events and ignores ids containing NUL', () => {
    expect(decodeText(['id: 1\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\nid\ndata: d\n\n'])).toEqual([
      ev('a', 'message', '1'),
      ev('b', 'message', '1'),
      ev('c', 'message', '1'),
      ev('d', 'message', ''),
    ]);
  });

  it('strips exactly one BOM at the start of the stream only', () => {
    expect(decodeText(['\uFEFFdata: a\n\n'])).toEqual([ev('a')]);
    expect(decodeText(['\uFEFF', 'data: a\n\n'])).toEqual([ev('a')]);
    // A second BOM is part of the first line's field name, which is then unknown.
    expect(decodeText(['\uFEFF\uFEFFdata: a\n\ndata: b\n\n'])).toEqual([ev('b')]);
    expect(decodeText(['data: a\n\n\uFEFFdata: b\n\n'])).toEqual([ev('a')]);
    // Bytes: EF BB BF split over chunks.
    const bytes = encoder.encode('\uFEFFdata: a\n\n');
    expect(decodeBytes([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)])).toEqual([ev('a')]);
  });

  it('flushes a final event without a trailing blank line at end() (decided policy)', () => {
    expect(decodeText(['data: a\n\ndata: last'])).toEqual([ev('a'), ev('last')]);
    expect(decodeText(['data: a\n\ndata: last\n'])).toEqual([ev('a'), ev('last')]);
    expect(decodeText(['data: a\n\ndata: last\r'])).toEqual([ev('a'), ev('last')]);
    expect(decodeText(['data: a\n\nevent: no-data'])).toEqual([ev('a')]);
    expect(decodeText([''])).toEqual([]);
  });

  it('completes multi-byte UTF-8 characters split across chunks and replaces invalid bytes', () => {
    const bytes = encoder.encode('data: 🎉é\n\n');
    const events = decodeBytes(Array.from(bytes, (b) => Uint8Array.of(b)));
    expect(events).toEqual([ev('🎉é')]);
    expect(decodeBytes([Uint8Array.of(0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0x0a, 0x0a)])).toEqual([
      ev('\uFFFD'),
    ]);
    // A truncated character at the end of the stream becomes U+FFFD.
    expect(decodeBytes([encoder.encode('data: x'), Uint8Array.of(0xf0, 0x9f)])).toEqual([ev('x\uFFFD')]);
  });

  it('decodes only the bytes of a chunk that is a view into a larger buffer', () => {
    const backing = encoder.encode('XXdata: é\n\nYY');
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 2, backing.length - 4);
    // Split inside "é" too, with the second part a view as well.
    const cut = view.indexOf(0xc3) + 1;
    expect(decodeBytes([view])).toEqual([ev('é')]);
    expect(decodeBytes([view.subarray(0, cut), view.subarray(cut)])).toEqual([ev('é')]);
  });

  it('handles long lines split over many chunks', () => {
    const payload = 'x'.repeat(100_000);
    const text = `data: ${payload}\n\n`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 997) chunks.push(text.slice(i, i + 997));
    expect(decodeText(chunks)).toEqual([ev(payload)]);
  });

  it('can decode a new stream after end()', () => {
    const decoder = new SseDecoder();
    const events: SseEvent[] = [];
    decoder.feed('id: 1\ndata: a', (e) => events.push(e));
    decoder.end((e) => events.push(e));
    decoder.feed('\uFEFFdata: b\n\n', (e) => events.push(e));
    decoder.end((e) => events.push(e));
    expect(events).toEqual([ev('a', 'message', '1'), ev('b')]);
  });

  it('reset() drops a half-decoded stream: bytes, partial line, event, last ID', () => {
    const decoder = new SseDecoder();
    const events: SseEvent[] = [];
    const push = (e: SseEvent) => events.push(e);
    // "é" is 0xC3 0xA9: leave the first byte undecoded, an open event and an unterminated line.
    decoder.feedBytes(
      new Uint8Array([...new TextEncoder().encode('id: 7\nevent: x\ndata: a\ndata: b'), 0xc3]),
      push,
    );
    decoder.reset();
    decoder.feedBytes(new TextEncoder().encode('\uFEFFdata: c\n\n'), push);
    decoder.end(push);
    expect(events).toEqual([ev('c')]);
  });

  it('completes a line spread over many chunks with CR, CRLF and a CR/LF split between chunks', () => {
    // A 3-chunk partial line ending in CR, the LF in the next chunk, then more lines in that chunk.
    const events = decodeText(['data: a', 'bc', 'de\r', '\ndata: f\r\n', '\r', '\ndata: g', 'h\n', '\n']);
    expect(events).toEqual([ev('abcde\nf'), ev('gh')]);
  });

  it('reports a partial event: open lines and fields count, comments and finished events do not', () => {
    const decoder = new SseDecoder();
    const seen: string[] = [];
    const push = (e: SseEvent) => seen.push(e.data);
    const states: boolean[] = [];
    for (const chunk of [
      ': keep', // partial comment line
      'alive\n\n', // comment done, blank line
      'event: no-data\n', // an event type waits for its blank line
      '\n', // dropped (no data)
      'data: {"big":"', // partial data line
      'more', // still partial
      '"}\n', // a complete data field, event not dispatched yet
      '\n', // dispatched
      'id: 3\n', // only an id: nothing pending
    ]) {
      decoder.feed(chunk, push);
      states.push(decoder.hasPartialEvent);
    }
    expect(states).toEqual([false, false, true, false, true, true, true, false, false]);
    expect(seen).toEqual(['{"big":"more"}']);
    decoder.feed('data: x', push);
    expect(decoder.hasPartialEvent).toBe(true);
    decoder.reset();
    expect(decoder.hasPartialEvent).toBe(false);
  });
});
