import { decompress } from 'fzstd';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ZSTD_LEVEL, zstdCompress, zstdImplementation } from './zstd.js';

const json = JSON.stringify({
  model: 'gpt-5.5',
  input: Array.from({ length: 200 }, (_, i) => ({ role: 'user', content: `message ${i} ${'x'.repeat(i)}` })),
});
const bytes = new TextEncoder().encode(json);

describe('zstdCompress', () => {
  it('produces one zstd frame that an independent decoder turns back into the input (wasm)', async () => {
    const frame = await zstdCompress(bytes, DEFAULT_ZSTD_LEVEL, 'wasm');
    expect([...frame.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
    expect(frame.length).toBeLessThan(bytes.length / 4);
    expect(new TextDecoder().decode(decompress(frame))).toBe(json);
  });

  it('picks node:zlib when the runtime has zstd, else wasm, and round-trips by default', async () => {
    const zlib = (await import('node:zlib')) as { zstdCompressSync?: unknown };
    expect(zstdImplementation()).toBe(typeof zlib.zstdCompressSync === 'function' ? 'node:zlib' : 'wasm');
    const frame = await zstdCompress(bytes);
    expect(new TextDecoder().decode(decompress(frame))).toBe(json);
  });

  it('round-trips the empty body and honours the level', async () => {
    expect(decompress(await zstdCompress(new Uint8Array(0), 3, 'wasm'))).toEqual(new Uint8Array(0));
    const fast = await zstdCompress(bytes, 1, 'wasm');
    const strong = await zstdCompress(bytes, 19, 'wasm');
    expect(strong.length).toBeLessThanOrEqual(fast.length);
  });

  it('rejects a forced node:zlib on a runtime without it', async () => {
    if (zstdImplementation() === 'node:zlib') return;
    await expect(zstdCompress(bytes, 3, 'node:zlib')).rejects.toThrow('node:zlib has no zstd');
  });
});
