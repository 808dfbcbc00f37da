import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, constants as fsConstants, mkdtempSync, open, openSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { collect } from '@codex-ts/client/test';
import { completed, outputTextDelta, responseCreated } from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { staticBearerAuth } from '../auth/auth-provider.js';
import { testProvider, testTurnRequest } from '../test/index.js';
import { ResponsesWebsocketClient } from './client.js';
import { installSyncDeflate, type PerMessageDeflateLike } from './sync-deflate.js';

const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** Compresses `messages` as one permessage-deflate sender with context takeover (trailers removed). */
async function deflateMessages(messages: string[]): Promise<Buffer[]> {
  const deflate = zlib.createDeflateRaw({ windowBits: 15 });
  const out: Buffer[] = [];
  for (const message of messages) {
    deflate.write(message);
    await new Promise<void>((resolve) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    const chunk = deflate.read() as Buffer;
    expect(chunk.subarray(-4)).toEqual(TRAILER);
    out.push(chunk.subarray(0, -4));
  }
  deflate.close();
  return out;
}

/** A stand-in for `ws`'s PerMessageDeflate: records what reaches the original methods. */
function fakePmd(params: Record<string, unknown>, maxPayload = 0) {
  const calls: string[] = [];
  const pmd: PerMessageDeflateLike = {
    params,
    _maxPayload: maxPayload,
    decompress: () => calls.push('async decompress'),
    compress: () => calls.push('async compress'),
    cleanup: () => calls.push('cleanup'),
  };
  expect(installSyncDeflate(pmd)).toBe(true);
  const inflate = (data: Buffer, fin = true) =>
    new Promise<Buffer>((resolve, reject) =>
      pmd.decompress(data, fin, (error, result) => (error ? reject(error) : resolve(result as Buffer))),
    );
  const deflate = (data: string, fin = true) => {
    let out: Buffer | undefined;
    pmd.compress(Buffer.from(data), fin, (error, result) => {
      expect(error).toBeNull();
      out = result;
    });
    return out; // compress answers synchronously
  };
  return { pmd, calls, inflate, deflate };
}

describe('installSyncDeflate', () => {
  it('inflates a context-takeover message sequence as the sender wrote it', async () => {
    const messages = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({ type: 'response.output_text.delta', delta: `word${i % 7} `, sequence_number: i }),
    );
    const frames = await deflateMessages(messages);
    // Later frames refer back into earlier messages: tiny, only decodable with the kept window.
    expect(frames.at(-1)?.length).toBeLessThan(20);
    const { inflate, calls } = fakePmd({});
    const out: string[] = [];
    for (const frame of frames) out.push((await inflate(frame)).toString());
    expect(out).toEqual(messages);
    expect(calls).toEqual([]);
  });

  it('deflates with context takeover into frames zlib inflates back', async () => {
    const { deflate, pmd, calls } = fakePmd({});
    const messages = ['{"type":"response.create","input":[]}', '{"type":"response.create","input":[]}', ''];
    const frames = messages.map((m) => deflate(m) as Buffer);
    expect(frames[1]?.length).toBeLessThan(frames[0]?.length as number); // refers back to frame 0
    const reader = zlib.createInflateRaw();
    const decoded: string[] = [];
    for (const frame of frames) {
      reader.write(Buffer.concat([frame, TRAILER]));
      await new Promise<void>((resolve) => reader.flush(() => resolve()));
      decoded.push(((reader.read() as Buffer | null) ?? Buffer.alloc(0)).toString());
    }
    expect(decoded).toEqual(messages);
    pmd.cleanup();
    expect(calls).toEqual(['cleanup']);
  });

  it('deflates with a window of at most 2^13 bytes, or the negotiated client_max_window_bits', () => {
    // 20 KB without repeats inside 8 KB, sent twice: with a 32 KB window the second copy would be
    // a few back-references 20 KB away; an inflater with a 2^bits window must read every frame.
    let state = 7;
    const noise = Array.from({ length: 20_000 }, () => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return String.fromCharCode(33 + (state % 90));
    }).join('');
    // One inflate of the frames back to back (trailers restored), as the server's inflater sees them.
    const inflateAll = (frames: Buffer[], bits: number) =>
      zlib
        .inflateRawSync(Buffer.concat(frames.flatMap((frame) => [frame, TRAILER])), {
          windowBits: bits,
          finishFlush: zlib.constants.Z_SYNC_FLUSH,
        })
        .toString();
    for (const [params, bits] of [
      [{}, 13],
      [{ client_max_window_bits: 15 }, 13],
      [{ client_max_window_bits: 10 }, 10],
    ] as const) {
      const { deflate } = fakePmd(params);
      const frames = [deflate(noise) as Buffer, deflate(noise) as Buffer];
      expect(inflateAll(frames, bits)).toBe(noise + noise);
    }
  });

  it('resets the contexts after each message when no_context_takeover was negotiated', async () => {
    const frames = await deflateMessages(['hello hello hello', 'hello hello hello']);
    const { inflate } = fakePmd({ server_no_context_takeover: true });
    await expect(inflate(frames[0] as Buffer)).resolves.toEqual(Buffer.from('hello hello hello'));
    // The second frame refers back to the first: invalid for a reset window.
    await expect(inflate(frames[1] as Buffer)).rejects.toThrow(/invalid distance/);
    const { deflate } = fakePmd({ client_no_context_takeover: true });
    expect(deflate('abcabcabc')).toEqual(deflate('abcabcabc'));
  });

  it('starts a new stream after a message that ends its DEFLATE stream (BFINAL), as ws does', async () => {
    const { inflate } = fakePmd({});
    // A complete raw DEFLATE stream per message (final block); what follows it (the appended
    // trailer) is dropped and the next message starts a new stream.
    const finished = (text: string) => zlib.deflateRawSync(Buffer.from(text));
    await expect(inflate(finished('first message'))).resolves.toEqual(Buffer.from('first message'));
    await expect(inflate(finished('second'))).resolves.toEqual(Buffer.from('second'));
    // A fragment that ends exactly with the final block: the next message starts a new stream.
    await expect(inflate(finished('fourth'), false)).resolves.toEqual(Buffer.from('fourth'));
    await expect(inflate(finished('fifth'))).resolves.toEqual(Buffer.from('fifth'));
    const [takeover] = await deflateMessages(['third, sync-flushed']);
    await expect(inflate(takeover as Buffer)).resolves.toEqual(Buffer.from('third, sync-flushed'));
  });

  it('fails a message that inflates past maxPayload, and invalid data', async () => {
    const [bomb] = await deflateMessages(['x'.repeat(5000)]);
    await expect(fakePmd({}, 1000).inflate(bomb as Buffer)).rejects.toThrow('Max payload size exceeded');
    await expect(fakePmd({}).inflate(Buffer.from([0xff, 0xff, 0xff, 0x12]))).rejects.toMatchObject({
      code: 'Z_DATA_ERROR',
    });
  });
});

/**
 * Fills libuv's thread pool (the default 4 threads, or UV_THREADPOOL_SIZE) with opens of FIFOs
 * nobody writes to: every asynchronous zlib call then waits until `release()`.
 */
function blockThreadPool(): { release(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'codex-ts-pool-'));
  const size = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const fifos = Array.from({ length: size }, (_, i) => join(dir, `fifo-${i}`));
  for (const fifo of fifos) {
    execFileSync('mkfifo', [fifo]);
    open(fifo, 'r', (error, fd) => {
      if (!error) closeSync(fd);
    });
  }
  return {
    release() {
      for (const fifo of fifos) {
        // Opening the write end lets the blocked open return; retry until the reader is there.
        for (let i = 0; i < 1000; i++) {
          try {
            closeSync(openSync(fifo, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK));
            break;
          } catch {}
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A purpose-built Responses WebSocket server on 127.0.0.1: accepts the upgrade with
 * `permessage-deflate` and answers the first client frame with `frames` (pre-built, written at once).
 */
async function rawDeflateServer(frames: Buffer) {
  const handshakes: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let head = '';
    let upgraded = false;
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) {
        socket.write(frames); // the client's response.create arrived
        return;
      }
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      upgraded = true;
      handshakes.push(head);
      const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n`,
      );
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    handshakes,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** One unfragmented server text frame; `compressed` sets RSV1 (payloads < 64 KiB). */
function textFrame(payload: Buffer, compressed: boolean): Buffer {
  const header =
    payload.length < 126
      ? Buffer.from([compressed ? 0xc1 : 0x81, payload.length])
      : Buffer.from([compressed ? 0xc1 : 0x81, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

describe('permessage-deflate on a Responses WebSocket', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });

  it.skipIf(process.platform === 'win32')(
    'offers the extension as 0.169.0 and reads deflated frames without zlib’s thread pool',
    async () => {
      const events = [
        responseCreated('resp_1'),
        ...Array.from({ length: 200 }, (_, i) => outputTextDelta(`w${i % 5} `)),
        completed('resp_1'),
      ].map((e) => JSON.stringify(e));
      // Every frame compressed (context takeover) but one, sent plain in between as RFC 7692 allows
      // (so it is not part of the compressor's window either).
      const plain = 100;
      const deflated = await deflateMessages(events.filter((_, i) => i !== plain));
      const frames = Buffer.concat(
        events.map((e, i) =>
          i === plain
            ? textFrame(Buffer.from(e), false)
            : textFrame(deflated[i < plain ? i : i - 1] as Buffer, true),
        ),
      );
      const server = await rawDeflateServer(frames);
      cleanups.push(() => server.close());
      const client = new ResponsesWebsocketClient({
        provider: testProvider(server.url),
        auth: staticBearerAuth('sk-test'),
      });
      const connection = await client.connect();
      cleanups.push(() => connection.close());
      expect(server.handshakes[0]).toMatch(
        /\r\nsec-websocket-extensions: permessage-deflate; client_max_window_bits\r\n\r\n$/,
      );
      expect(connection.handshakeHeaders['sec-websocket-extensions']).toBe('permessage-deflate');

      const pool = blockThreadPool();
      cleanups.push(() => pool.release());
      // Sending (deflate) and reading (inflate) must both finish while the pool stays blocked.
      const received = (async () => collect(await connection.stream(testTurnRequest('Say the words.'))))();
      const timeout = new Promise<'blocked'>((resolve) => {
        const timer = setTimeout(() => resolve('blocked'), 5000);
        cleanups.push(() => clearTimeout(timer));
      });
      const result = await Promise.race([received, timeout]);
      expect(result).not.toBe('blocked');
      const got = result as Awaited<typeof received>;
      const deltas = got.filter((e) => e.type === 'output_text.delta').map((e) => e.delta);
      expect(deltas).toEqual(Array.from({ length: 200 }, (_, i) => `w${i % 5} `));
      expect(got.at(-1)).toMatchObject({ type: 'completed', responseId: 'resp_1' });
      expect(connection.isClosed).toBe(false);
    },
  );
});
