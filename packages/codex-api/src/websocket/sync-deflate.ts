// permessage-deflate (RFC 7692) without zlib's thread pool: the inflate and deflate of a Responses
// WebSocket done synchronously on the socket's own zlib streams, in place of `ws`'s asynchronous
// ones. `ws` inflates every compressed message with two or three asynchronous zlib calls, each a
// round trip through libuv's thread pool (and all sockets of the process share ten slots): for a
// turn of ~200 frames of ~150 bytes that costs ~90 µs of CPU per frame, 5–8× the frame's own cost.
// Done synchronously a small frame costs ~1–2 µs. The handshake is unchanged (the same offer and
// negotiated parameters), context takeover is kept both ways; the compressor uses a smaller window
// and memLevel (below), so the bytes sent differ from `ws`'s (a few % larger for messages over
// ~30 KB) while its state takes about half the memory and the first message less CPU.
import type * as Zlib from 'node:zlib';

/** `node:zlib`, loaded on first use (a WebSocket turn) rather than at every start-up. */
let zlibModule: typeof Zlib | undefined;
const zlib = (): typeof Zlib => {
  zlibModule ??= process.getBuiltinModule('node:zlib');
  return zlibModule;
};

/** The 4 bytes a sync flush ends with, removed from each compressed message (RFC 7692 §7.2.1). */
const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);
/**
 * zlib `memLevel` of the compressor (the inflater ignores it): 4 instead of zlib's 8. Node's zlib
 * (Chromium's) keeps the hash table at 2^15 entries (64 KB) whatever the memLevel on CPUs with
 * SIMD hashing, so this only shrinks the literal buffer (64 → 4 KB); frames within 1 % of the size
 * memLevel 8 gives.
 */
const DEFLATE_MEM_LEVEL = 4;
/**
 * Largest LZ77 window of the compressor, in bits (2^13 = 8 KB; the negotiated
 * `client_max_window_bits` lowers it further). RFC 7692 lets a sender use any window up to the
 * negotiated one and the server's inflater reads it unchanged. The deflate state of a socket,
 * measured as RSS with 1 000 sockets open after a first 11 KB message: ~115 KB instead of ~210 KB
 * with 15 bits (window and chain table 4× smaller, the 64 KB hash table as is), and that first
 * message takes ~20 % less CPU. The price is compression of large messages: a ~11 KB request the
 * same size (+0.4 %), 30 KB +2 %, 100 KB +3 %, 1 MB +4 %; incremental requests (a few hundred
 * bytes, referring back into the previous request) a few bytes more.
 */
const DEFLATE_MAX_WINDOW_BITS = 13;
/** Shared output scratch: every call here is synchronous, so one buffer serves every socket. */
const SCRATCH_BYTES = 64 * 1024;
let scratch: Buffer | undefined;

/** The zlib stream internals `zlib.*Sync()` use: a handle with `writeSync` and its state array. */
interface SyncHandle {
  writeSync(
    flush: number,
    input: Buffer,
    inOff: number,
    inLen: number,
    out: Buffer,
    outOff: number,
    outLen: number,
  ): void;
}
type RawStream = (Zlib.InflateRaw | Zlib.DeflateRaw) & {
  _handle?: SyncHandle | null;
  _writeState?: Uint32Array;
};

/** What `ws`'s PerMessageDeflate instance offers that we replace (callbacks as `ws` calls them). */
export interface PerMessageDeflateLike {
  /** Negotiated parameters (`server_no_context_takeover`, `client_max_window_bits`, …). */
  params: Record<string, unknown> | null;
  _maxPayload?: number;
  decompress(data: Buffer, fin: boolean, callback: (error: Error | null, result?: Buffer) => void): void;
  compress(
    data: Buffer | string,
    fin: boolean,
    callback: (error: Error | null, result?: Buffer) => void,
  ): void;
  cleanup(): void;
}

/** Error of a frame that does not inflate, or inflates past the size limit (what `ws` reports). */
function frameError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * Runs `input` through `stream` synchronously with a sync flush; returns the output (a fresh
 * buffer, owned by the caller). Throws when zlib reports an error or `limit` (> 0) is exceeded.
 * When the input ends the DEFLATE stream (only the inflater can see that) the rest of `input` is
 * dropped and the stream reset for the next message, as `ws` does.
 */
function runSync(stream: RawStream, input: Buffer, limit: number): Buffer {
  const handle = stream._handle as SyncHandle;
  const state = stream._writeState as Uint32Array;
  scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
  const out = scratch;
  let parts: Buffer[] | undefined;
  let first: Buffer | undefined;
  let total = 0;
  let inOff = 0;
  let inLen = input.length;
  let retried = false;
  for (;;) {
    handle.writeSync(zlib().constants.Z_SYNC_FLUSH, input, inOff, inLen, out, 0, out.length);
    if (stream.destroyed) throw stream.errored ?? frameError('invalid compressed data', 'Z_DATA_ERROR');
    const availOut = state[0] as number;
    const availIn = state[1] as number;
    const have = out.length - availOut;
    if (have > 0) {
      total += have;
      if (limit > 0 && total > limit) {
        throw frameError('Max payload size exceeded', 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
      }
      const piece = Buffer.allocUnsafe(have);
      out.copy(piece, 0, 0, have);
      if (first === undefined) first = piece;
      else {
        parts ??= [first];
        parts.push(piece);
      }
    }
    const consumed = inLen - availIn;
    inOff += consumed;
    inLen = availIn;
    if (availOut === 0) continue; // out of room: call again for the rest
    if (availIn === 0) break;
    // Room left but input left: the sender ended its DEFLATE stream (a BFINAL block). Like `ws`,
    // drop what follows in this message and start a new stream (empty window) for the next one;
    // when the stream had already ended with the previous input, start over with this one.
    stream.reset();
    if (consumed !== 0 || have !== 0 || inOff !== 0 || retried) break;
    retried = true;
  }
  if (parts !== undefined) return Buffer.concat(parts, total);
  return first ?? Buffer.alloc(0);
}

let capable: boolean | undefined;
/** True when this Node's zlib streams expose the synchronous handle `runSync` needs (probed once). */
function syncCapable(): boolean {
  if (capable === undefined) {
    const probe = zlib().createInflateRaw() as RawStream;
    capable = typeof probe._handle?.writeSync === 'function' && probe._writeState instanceof Uint32Array;
    probe.close();
  }
  return capable;
}

const windowBits = (params: Record<string, unknown>, key: string): number => {
  const bits = params[key];
  return typeof bits === 'number' ? bits : zlib().constants.Z_DEFAULT_WINDOWBITS;
};

/**
 * Replaces the `decompress` / `compress` / `cleanup` methods of one client socket's negotiated
 * `ws` PerMessageDeflate instance (call once the handshake accepted the extension, before any
 * frame is read). Same semantics as `ws`: messages are inflated with the server's window
 * (`server_max_window_bits`, default 15) and deflated with a window of at most
 * `client_max_window_bits` (default 15) and {@link DEFLATE_MAX_WINDOW_BITS} (13) bits, memLevel
 * {@link DEFLATE_MEM_LEVEL}, each compressed message with the sync-flush trailer removed on
 * send and appended on receipt, the contexts kept across messages unless `*_no_context_takeover`
 * was negotiated. A message that inflates past `ws`'s `maxPayload` fails with "Max payload size
 * exceeded", invalid data with zlib's error (the socket then errors, as with `ws`).
 *
 * `decompress` answers on a microtask (`ws`'s receiver cannot take a synchronous answer),
 * `compress` synchronously. Returns false (and changes nothing) when the zlib streams of this Node
 * lack the synchronous handle; `ws`'s own asynchronous path then stays in place.
 */
export function installSyncDeflate(pmd: PerMessageDeflateLike): boolean {
  let inflate: RawStream | undefined;
  let deflate: RawStream | undefined;
  let deflateBroken = false;
  if (!syncCapable()) return false;
  const asyncCompress = pmd.compress.bind(pmd);
  const cleanup = pmd.cleanup.bind(pmd);
  const newStream = (make: typeof Zlib.createInflateRaw, bits: number): RawStream => {
    const stream = make({ windowBits: bits, memLevel: DEFLATE_MEM_LEVEL }) as RawStream;
    stream.on('error', () => {}); // reported through `stream.errored` instead
    return stream;
  };
  pmd.decompress = (data, fin, callback) => {
    const params = pmd.params ?? {};
    let result: Buffer | undefined;
    let failure: Error | null = null;
    try {
      inflate ??= newStream(zlib().createInflateRaw, windowBits(params, 'server_max_window_bits'));
      const input = fin ? Buffer.concat([data, TRAILER]) : data;
      result = runSync(inflate, input, pmd._maxPayload ?? 0);
      if (fin && params.server_no_context_takeover) inflate.reset();
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      inflate?.close();
      inflate = undefined;
    }
    queueMicrotask(() => callback(failure, result));
  };
  pmd.compress = (data, fin, callback) => {
    if (deflateBroken) return asyncCompress(data, fin, callback);
    const params = pmd.params ?? {};
    let result: Buffer;
    try {
      deflate ??= newStream(
        zlib().createDeflateRaw,
        Math.min(windowBits(params, 'client_max_window_bits'), DEFLATE_MAX_WINDOW_BITS),
      );
      result = runSync(deflate, typeof data === 'string' ? Buffer.from(data) : data, 0);
      if (fin) result = result.subarray(0, result.length - TRAILER.length);
      if (fin && params.client_no_context_takeover) deflate.reset();
    } catch {
      // A fresh compressor never refers back to earlier messages, so the peer still inflates
      // what `ws`'s own one produces from here on.
      deflateBroken = true;
      deflate?.close();
      deflate = undefined;
      asyncCompress(data, fin, callback);
      return;
    }
    callback(null, result);
  };
  pmd.cleanup = () => {
    inflate?.close();
    deflate?.close();
    inflate = undefined;
    deflate = undefined;
    cleanup();
  };
  return true;
}
