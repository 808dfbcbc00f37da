// The bench servers' permessage-deflate, synchronous (sessions-1000 and ws-conversation): see below.
import { createRequire } from 'node:module';
import zlib from 'node:zlib';

let patched = false;

/**
 * Makes the permessage-deflate compression of every `ws` server in this thread synchronous. `ws`
 * compresses through zlib's thread pool, ten messages at a time per process, two or three round
 * trips per message: 200 000 small frames then take the bench server longer than the client needs
 * to read them, a single answer gains milliseconds of thread-pool latency, and the benchmarks would
 * measure the server (a real server compresses in its own machines). Same
 * bytes on the wire: one raw deflate stream per socket (the server's window bits, `ws`'s zlib
 * defaults), context kept across messages, sync flush, the 4-byte trailer removed. Uses the zlib
 * handle's `writeSync`, as `zlib.deflateRawSync()` does internally.
 */
export function syncServerCompression() {
  if (patched) return;
  patched = true;
  const require = createRequire(import.meta.resolve('@codex-ts/responses-server'));
  const wsMain = require.resolve('ws');
  const PerMessageDeflate = createRequire(wsMain)('./lib/permessage-deflate.js');
  const out = Buffer.allocUnsafe(64 * 1024);
  const compress = PerMessageDeflate.prototype.compress;
  PerMessageDeflate.prototype.compress = function syncCompress(data, fin, callback) {
    if (!this._isServer) return compress.call(this, data, fin, callback);
    if (!this._syncDeflate) {
      const bits = this.params.server_max_window_bits;
      this._syncDeflate = zlib.createDeflateRaw({ windowBits: typeof bits === 'number' ? bits : 15 });
    }
    const stream = this._syncDeflate;
    const input = typeof data === 'string' ? Buffer.from(data) : data;
    const parts = [];
    let inOff = 0;
    let inLen = input.length;
    for (;;) {
      stream._handle.writeSync(zlib.constants.Z_SYNC_FLUSH, input, inOff, inLen, out, 0, out.length);
      const [availOut, availIn] = stream._writeState;
      parts.push(Buffer.from(out.subarray(0, out.length - availOut)));
      inOff += inLen - availIn;
      inLen = availIn;
      if (availOut !== 0) break;
    }
    const result = Buffer.concat(parts);
    if (fin && this.params.server_no_context_takeover) stream.reset();
    callback(null, fin ? result.subarray(0, result.length - 4) : result);
  };
  const cleanup = PerMessageDeflate.prototype.cleanup;
  PerMessageDeflate.prototype.cleanup = function patchedCleanup() {
    this._syncDeflate?.close();
    this._syncDeflate = undefined;
    cleanup.call(this);
  };
}
