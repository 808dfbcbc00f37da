/**
 * zstd compression of request bodies: `node:zlib`'s `zstdCompressSync` where the runtime has it
 * (Node ≥ 22.15 / 23.8), else the WebAssembly build of the reference zstd library
 * (`@bokuweb/zstd-wasm`, no binary downloaded at install time).
 */

/** The compression level the Codex CLI uses for request bodies (zstd's default level). */
export const DEFAULT_ZSTD_LEVEL = 3;

/** Which implementation {@link zstdCompress} uses: `node:zlib` or the WebAssembly fallback. */
export type ZstdImplementation = 'node:zlib' | 'wasm';

type NodeZstdCompress = (input: Uint8Array, options?: { params?: Record<number, number> }) => Buffer;

/** `node:zlib`'s `zstdCompressSync` and the level parameter id, when this runtime has them. */
function nodeZstd(): { compress: NodeZstdCompress; levelParam: number } | undefined {
  // `node:zlib` is loaded here, on the first compressed request, not at start-up.
  const z = process.getBuiltinModule('node:zlib') as unknown as {
    zstdCompressSync?: NodeZstdCompress;
    constants?: { ZSTD_c_compressionLevel?: number };
  };
  const levelParam = z.constants?.ZSTD_c_compressionLevel;
  if (typeof z.zstdCompressSync !== 'function' || levelParam === undefined) return undefined;
  return { compress: z.zstdCompressSync, levelParam };
}

type WasmCompress = (input: Uint8Array, level: number) => Uint8Array;

let wasmReady: Promise<WasmCompress> | undefined;

/**
 * Imports `@bokuweb/zstd-wasm` and loads its WebAssembly module, once per process (later calls
 * share the first load; a failed load is tried again next time). Nothing of it is loaded before.
 */
function loadWasm(): Promise<WasmCompress> {
  wasmReady ??= import('@bokuweb/zstd-wasm')
    .then(async ({ compress, init }) => {
      await init();
      return compress;
    })
    .catch((error: unknown) => {
      wasmReady = undefined;
      throw error;
    });
  return wasmReady;
}

/**
 * The implementation {@link zstdCompress} picks on this runtime: `'node:zlib'` when
 * `zlib.zstdCompressSync` exists, else `'wasm'`.
 */
export function zstdImplementation(): ZstdImplementation {
  return nodeZstd() === undefined ? 'wasm' : 'node:zlib';
}

/**
 * Compresses `input` into one standard zstd frame (RFC 8878) at `level` (default
 * {@link DEFAULT_ZSTD_LEVEL} = 3; 1–19 are the usual range). `implementation` forces one
 * implementation (`'node:zlib'` rejects with an `Error` on a runtime without it); by default
 * `node:zlib` when available, else WebAssembly (loaded on the first call). Any zstd decoder
 * decodes the result to exactly `input`. Rejects with the library's error if compression fails.
 */
export async function zstdCompress(
  input: Uint8Array,
  level: number = DEFAULT_ZSTD_LEVEL,
  implementation?: ZstdImplementation,
): Promise<Uint8Array> {
  const native = nodeZstd();
  if (implementation === 'node:zlib' && native === undefined)
    throw new Error('node:zlib has no zstd on this runtime');
  if (native !== undefined && implementation !== 'wasm') {
    return native.compress(input, { params: { [native.levelParam]: level } });
  }
  const wasmCompress = await loadWasm();
  return wasmCompress(input, level);
}
