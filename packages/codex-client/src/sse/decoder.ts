/**
 * An incremental decoder for `text/event-stream` (WHATWG HTML §9.2.6 "Interpreting an event
 * stream"), tuned for many small events: lines are found with `indexOf` on strings, never with a
 * per-character loop or a regular expression. Its cost is linear in the bytes fed, whatever the
 * chunking: every chunk is scanned once, and a line that spans chunks is kept as a list of pieces
 * that is joined once, when its end arrives (never re-joined or re-scanned per chunk).
 */

/**
 * One dispatched Server-Sent Event.
 *
 * `event` is the `event:` field, or `'message'` when the event had none. `data` is every `data:`
 * field of the event joined with `"\n"`. `id` is the last event ID seen on the stream so far
 * (the `id:` field persists across events, as in WHATWG), undefined until an `id:` field arrives.
 */
export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

const LF = 10;
const COLON = 58;
const SPACE = 32;
const LOWER_D = 100;
const BOM = 0xfeff;
const EMPTY = Buffer.alloc(0);

/**
 * Where an unfinished UTF-8 character at the end of `bytes` (from `start` on) begins: the index of
 * its lead byte when fewer bytes follow it than the lead byte announces, else `bytes.length`. Only
 * the last 3 bytes can hold one (a character has at most 4). A lead byte that no valid character
 * has (C0, C1, F5–FF) may be held back too: that changes nothing, since it is decoded with the
 * bytes that follow it, exactly as in one piece.
 */
function unfinishedFrom(bytes: Buffer, start: number): number {
  const length = bytes.length;
  const stop = Math.max(start, length - 3);
  for (let i = length - 1; i >= stop; i--) {
    const byte = bytes[i] as number;
    if (byte < 0x80) return length;
    if (byte >= 0xc0) {
      const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return length - i < size ? i : length;
    }
  }
  return length;
}

/**
 * Incremental WHATWG event-stream decoder.
 *
 * Rules implemented: one UTF-8 BOM at the very start of the stream is dropped; lines end with CR,
 * LF or CRLF (also a CR at the end of one chunk followed by LF at the start of the next); lines
 * starting with `:` are comments and ignored; `field: value` loses one leading space of the value;
 * a line without a colon is a field with an empty value; `data` lines are joined with `"\n"`;
 * `event`, `data` and `id` are used (an `id` containing U+0000 is ignored), `retry` and unknown
 * fields are ignored; a blank line dispatches the event, unless no `data` field was seen (then the
 * event is dropped). Events are delivered as soon as their blank line is decoded.
 *
 * Decided policy (differs from WHATWG, which discards it): at {@link SseDecoder.end}, a final event
 * that has data but no trailing blank line IS dispatched, and an unterminated last line is
 * processed first.
 *
 * Cost: time and memory are linear in the size of the stream for any chunking (a 64 MiB event fed
 * in 64 KiB chunks costs 64× a 1 MiB one); a line split over k chunks is held as k pieces and
 * joined once. Memory held between chunks: the unterminated line plus the fields of the
 * undispatched event.
 *
 * Use either {@link SseDecoder.feed} (strings) or {@link SseDecoder.feedBytes} (UTF-8 bytes,
 * multi-byte characters may be split across chunks; invalid bytes become U+FFFD) for one stream.
 * Never throws on any input.
 */
export class SseDecoder {
  /** The unterminated line so far, as the chunk pieces it arrived in (none contains CR or LF). */
  private readonly pieces: string[] = [];
  private data = '';
  private hasData = false;
  private eventType = '';
  private lastEventId: string | undefined = undefined;
  /** The previous chunk ended with CR: drop an LF at the start of the next one. */
  private skipLf = false;
  /** The BOM check at the start of the stream is done. */
  private started = false;
  /**
   * The bytes of a UTF-8 character that the last chunk ended in the middle of (1–3 bytes, its lead
   * byte first), completed by the next chunk; empty between characters.
   */
  private utf8Tail: Buffer = EMPTY;

  /**
   * True while the decoder holds part of an event that is not dispatched yet: an unterminated
   * line that is not a comment, or `data` / `event` fields still waiting for their blank line.
   * False between events, and after only comments or complete data-less events. Consumers use it
   * to count bytes that arrive in the middle of an event as activity (e.g. an idle clock) without
   * letting comment keepalives count.
   */
  get hasPartialEvent(): boolean {
    const pieces = this.pieces;
    return (
      this.hasData ||
      this.eventType !== '' ||
      (pieces.length > 0 && (pieces[0] as string).charCodeAt(0) !== COLON)
    );
  }

  /** Decode one chunk of text and call `onEvent` synchronously for every event it completes. */
  feed(chunk: string, onEvent: (event: SseEvent) => void): void {
    const length = chunk.length;
    if (length === 0) return;
    let pos = 0;
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === BOM) pos = 1;
    }
    if (this.skipLf) {
      this.skipLf = false;
      if (pos < length && chunk.charCodeAt(pos) === LF) pos++;
    }
    if (pos >= length) return;

    let lf = chunk.indexOf('\n', pos);
    let cr = chunk.indexOf('\r', pos);
    // The first line of this chunk completes the pending one, if any.
    let carried = this.pieces.length > 0;
    while (lf !== -1 || cr !== -1) {
      let end: number;
      let next: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        end = lf;
        next = lf + 1;
      } else {
        end = cr;
        if (cr + 1 < length) {
          next = chunk.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        } else {
          next = length;
          this.skipLf = true;
        }
      }
      if (carried) {
        carried = false;
        const line = this.takePending(chunk, pos, end);
        this.line(line, 0, line.length);
      } else if (end === pos) {
        this.dispatch(onEvent);
      } else {
        this.line(chunk, pos, end);
      }
      pos = next;
      if (lf !== -1 && lf < pos) lf = chunk.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = chunk.indexOf('\r', pos);
    }
    if (pos < length) this.pieces.push(pos === 0 ? chunk : chunk.slice(pos));
  }

  /**
   * Decode one chunk of UTF-8 bytes (a character split across chunks is completed by the next
   * chunk) and call `onEvent` for every event it completes.
   *
   * Invalid bytes become U+FFFD exactly as a streaming `TextDecoder` (WHATWG, "maximal subpart")
   * replaces them, for any chunking. The chunk is decoded with `Buffer#toString('utf8')` (V8's
   * decoder: about 9× the speed of a streaming `TextDecoder` on ASCII text), up to an unfinished
   * character at its end, whose 1–3 bytes are kept for the next chunk. Cutting there changes
   * nothing: the next chunk's bytes up to its first byte that is not a continuation byte are
   * decoded together with them, and a WHATWG decoder starts afresh at any byte that cannot
   * continue a character.
   */
  feedBytes(chunk: Uint8Array, onEvent: (event: SseEvent) => void): void {
    const bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const length = bytes.length;
    let start = 0;
    if (this.utf8Tail.length > 0) {
      // Complete the split character with the continuation bytes that open this chunk (at most 3:
      // a lead byte and 3 more make the longest sequence).
      while (start < length && start < 3 && (bytes[start] as number) >> 6 === 2) start++;
      const head = Buffer.concat([this.utf8Tail, bytes.subarray(0, start)]);
      this.utf8Tail = EMPTY;
      // Still unfinished only when this chunk held nothing else: keep it for the next one.
      this.decodeUtf8(head, 0, start === length ? unfinishedFrom(head, 0) : head.length, onEvent);
      if (start === length) return;
    }
    this.decodeUtf8(bytes, start, unfinishedFrom(bytes, start), onEvent);
  }

  /** Feed `bytes[start, end)` as text and keep `bytes[end, length)` (an unfinished character) for later. */
  private decodeUtf8(bytes: Buffer, start: number, end: number, onEvent: (event: SseEvent) => void): void {
    if (end < bytes.length) this.utf8Tail = Buffer.from(bytes.subarray(end));
    if (end > start) this.feed(bytes.toString('utf8', start, end), onEvent);
  }

  /**
   * End of stream: flush undecoded bytes, process an unterminated last line, and dispatch a final
   * event that lacks its blank line (decided policy, see the class comment). The decoder is then
   * reset (as by {@link SseDecoder.reset}) and can decode a new stream.
   */
  end(onEvent: (event: SseEvent) => void): void {
    if (this.utf8Tail.length > 0) {
      // An unfinished character at the end of the stream: U+FFFD, as a TextDecoder's flush gives.
      const tail = this.utf8Tail;
      this.utf8Tail = EMPTY;
      this.feed(tail.toString('utf8'), onEvent);
    }
    if (this.pieces.length > 0) {
      const line = this.takePending('', 0, 0);
      this.line(line, 0, line.length);
    }
    this.dispatch(onEvent);
    this.reset();
  }

  /**
   * Forget the stream being decoded without dispatching anything (buffered bytes, a partial line
   * and an undispatched event are dropped; the last event ID is cleared), so the decoder can decode
   * a new stream, e.g. after the previous one failed or was abandoned. Reusing one decoder for many
   * streams keeps its hidden class, and the code V8 optimized for it, alive between streams.
   */
  reset(): void {
    this.utf8Tail = EMPTY;
    this.pieces.length = 0;
    this.data = '';
    this.hasData = false;
    this.eventType = '';
    this.lastEventId = undefined;
    this.skipLf = false;
    this.started = false;
  }

  /**
   * The pending pieces followed by `chunk[start, end)`, as one flat string; the pieces are
   * dropped. One `join` builds it (a `+` of a long head and a tail would make a rope that the first
   * character access copies once more).
   */
  private takePending(chunk: string, start: number, end: number): string {
    const pieces = this.pieces;
    let line: string;
    if (pieces.length === 1) {
      const head = pieces[0] as string;
      line = end > start ? head + chunk.slice(start, end) : head;
    } else {
      if (end > start) pieces.push(chunk.slice(start, end));
      line = pieces.join('');
    }
    pieces.length = 0;
    return line;
  }

  private dispatch(onEvent: (event: SseEvent) => void): void {
    if (this.hasData) {
      const event: SseEvent = { event: this.eventType || 'message', data: this.data, id: this.lastEventId };
      this.data = '';
      this.hasData = false;
      this.eventType = '';
      onEvent(event);
      return;
    }
    this.eventType = '';
  }

  /** Process the non-empty line `buf[start, end)`. */
  private line(buf: string, start: number, end: number): void {
    const first = buf.charCodeAt(start);
    if (first === COLON) return;
    let valueStart: number;
    // Fast path: "data:" / "data: ".
    if (
      first === LOWER_D &&
      end - start >= 5 &&
      buf.charCodeAt(start + 4) === COLON &&
      buf.startsWith('data', start)
    ) {
      valueStart = start + 5;
      if (valueStart < end && buf.charCodeAt(valueStart) === SPACE) valueStart++;
      this.appendData(buf.slice(valueStart, end));
      return;
    }
    const colon = buf.indexOf(':', start);
    let field: string;
    let value: string;
    if (colon === -1 || colon >= end) {
      field = buf.slice(start, end);
      value = '';
    } else {
      field = buf.slice(start, colon);
      valueStart = colon + 1;
      if (valueStart < end && buf.charCodeAt(valueStart) === SPACE) valueStart++;
      value = buf.slice(valueStart, end);
    }
    switch (field) {
      case 'data':
        this.appendData(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (value.indexOf('\0') === -1) this.lastEventId = value;
        break;
      default:
        // `retry` and unknown fields are ignored.
        break;
    }
  }

  private appendData(value: string): void {
    if (this.hasData) {
      this.data += '\n' + value;
    } else {
      this.data = value;
      this.hasData = true;
    }
  }
}
