// The bench servers' permessage-deflate, synchronous (sessions-1000 and ws-conversation): see below.
import { createRequire } from 'node:module';
import zlib from 'node:zlib';

let patched = false;
const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/**
 * Makes the permessage-deflate compression and decompression of every `ws` server in this thread
 * synchronous. `ws` runs both through zlib's thread pool, ten messages at a time per process, two
 * or three round trips per message: 200 000 small frames then take the bench server longer than
 * the client needs to read them, a single answer gains milliseconds of thread-pool latency, and
 * the benchmarks would measure the server (a real server compresses on its own machines). Same
 * bytes on the wire: one raw deflate and one raw inflate stream per socket (the negotiated window
 * bits, zlib's other defaults), context kept across messages unless `*_no_context_takeover`, sync
 * flush, the 4-byte trailer removed / appended. Uses the zlib handle's `writeSync`, as
 * `zlib.deflateRawSync()` does internally. Client sockets of the thread keep `ws`'s own path.
 */
export function syncServerCompression() {
  if (patched) return;
  patched = true;
  const require = createRequire(import.meta.resolve('@codex-ts/responses-server'));
  const wsMain = require.resolve('ws');
  const PerMessageDeflate = createRequire(wsMain)('./lib/permessage-deflate.js');
  const out = Buffer.allocUnsafe(64 * 1024);
  /** `input` through `stream` with a sync flush, synchronously (what `zlib.*Sync()` do inside). */
  const run = (stream, input) => {
    const parts = [];
    let inOff = 0;
    let inLen = input.length;
    for (;;) {
      stream._handle.writeSync(zlib.constants.Z_SYNC_FLUSH, input, inOff, inLen, out, 0, out.length);
      if (stream.destroyed) throw stream.errored ?? new Error('invalid compressed data');
      const [availOut, availIn] = stream._writeState;
      parts.push(Buffer.from(out.subarray(0, out.length - availOut)));
      inOff += inLen - availIn;
      inLen = availIn;
      if (availOut !== 0) break;
    }
    return Buffer.concat(parts);
  };
  const bits = (params, key) => (typeof params[key] === 'number' ? params[key] : 15);
  const compress = PerMessageDeflate.prototype.compress;
  PerMessageDeflate.prototype.compress = function syncCompress(data, fin, callback) {
    if (!this._isServer) return compress.call(this, data, fin, callback);
    this._syncDeflate ??= zlib.createDeflateRaw({ windowBits: bits(this.params, 'server_max_window_bits') });
    const result = run(this._syncDeflate, typeof data === 'string' ? Buffer.from(data) : data);
    if (fin && this.params.server_no_context_takeover) this._syncDeflate.reset();
    callback(null, fin ? result.subarray(0, result.length - 4) : result);
  };
  // The client's frames: inflated at once, answered on a microtask (`ws`'s receiver cannot take a
  // synchronous answer).
  const decompress = PerMessageDeflate.prototype.decompress;
  PerMessageDeflate.prototype.decompress = function syncDecompress(data, fin, callback) {
    if (!this._isServer) return decompress.call(this, data, fin, callback);
    if (!this._syncInflate) {
      this._syncInflate = zlib.createInflateRaw({ windowBits: bits(this.params, 'client_max_window_bits') });
      this._syncInflate.on('error', () => {});
    }
    let result;
    let error = null;
    try {
      result = run(this._syncInflate, fin ? Buffer.concat([data, TRAILER]) : data);
      if (fin && this.params.client_no_context_takeover) this._syncInflate.reset();
    } catch (failure) {
      error = failure;
      this._syncInflate = undefined;
    }
    queueMicrotask(() => callback(error, result));
  };
  const cleanup = PerMessageDeflate.prototype.cleanup;
  PerMessageDeflate.prototype.cleanup = function patchedCleanup() {
    this._syncDeflate?.close();
    this._syncInflate?.close();
    this._syncDeflate = undefined;
    this._syncInflate = undefined;
    cleanup.call(this);
  };
}
