/**
 * Loads the CommonJS bundle `dist/cli.cjs` through `vm.Script` with a V8 code cache (Node 20 has
 * no `module.enableCompileCache`). Imports node built-ins only: this file is part of the launcher.
 *
 * Where the cache lives: `<bundle>.cache` next to the bundle, written by the first run that had
 * none (or whose cache V8 rejected: another Node version, other V8 flags); when the bundle's folder
 * is not writable (a global install), `$XDG_CACHE_HOME/codex-ts/` (default `~/.cache/codex-ts/`)
 * under a name made of the Node version and the bundle's id. A cache file starts with the id of
 * the bundle it was made from, and a cache of another bundle is never handed to V8: V8 checks
 * only the source's length, and runs the cached code of another source of the same length. The
 * id is the build's content hash written into the bundle (see {@link BUILD_ID_MARK}), else the
 * file's size and mtime. The
 * cache is written at process exit (`createCachedData` then holds every function the run
 * compiled), to a temporary file renamed into place, so concurrent runs never see half a file.
 * Any failure to read or write a cache only costs speed: the bundle is then compiled from source.
 * `CODEX_TS_CODE_CACHE=0` turns the cache off.
 */
import { isAscii } from 'node:buffer';
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * The first characters of a bundle built to be compiled as it is (tsup's `banner`, with
 * {@link SELF_WRAPPED_TAIL} as `footer`): the CommonJS module function written out in the file,
 * applied when Node's own loader runs the file (`require()`: `module` is in scope) and left as
 * the script's completion value otherwise (`vm.Script` in the global scope has no `module`).
 * {@link loadBundle} then compiles the file's text itself instead of a wrapped copy, which would
 * keep a second string of the bundle's size (~0.8 MB) in the heap until a full GC.
 */
export const SELF_WRAPPED_HEAD =
  '(function(f){return typeof module<"u"?f.call(exports,exports,require,module,__filename,__dirname):f})(function(exports,require,module,__filename,__dirname){';

/** The last characters of a bundle that begins with {@link SELF_WRAPPED_HEAD}. */
export const SELF_WRAPPED_TAIL = '\n});\n';

/**
 * Written right after {@link SELF_WRAPPED_HEAD} by the build: `/*codex-ts-build:` and
 * {@link BUILD_ID_LENGTH} hex digits of the SHA-256 of the file as written with zeros in their
 * place (so the id names this very content), then `*\/`.
 */
export const BUILD_ID_MARK = '/*codex-ts-build:';

/** Hex digits of a bundle's build id. */
export const BUILD_ID_LENGTH = 16;

/** First bytes of a cache file, before the id of its bundle and a newline. */
const CACHE_MAGIC = 'codex-ts-code-cache ';

/** The build id written into `source` (see {@link BUILD_ID_MARK}), else undefined. */
function buildIdOf(source: string): string | undefined {
  const at = SELF_WRAPPED_HEAD.length;
  if (!source.startsWith(BUILD_ID_MARK, at)) return undefined;
  const id = source.slice(at + BUILD_ID_MARK.length, at + BUILD_ID_MARK.length + BUILD_ID_LENGTH);
  return /^[0-9a-f]+$/.test(id) && id.length === BUILD_ID_LENGTH ? id : undefined;
}

/** What a bundle built from `cli-entry.ts` exports. */
export interface CliBundle {
  run(argv: string[]): Promise<void>;
}

/**
 * What {@link loadBundle} did with the code cache: `off` (`CODEX_TS_CODE_CACHE=0`), `accepted` (a
 * cache V8 took), `missing` (none, or only rejected ones: {@link LoadedBundle.saveCache} writes one).
 */
export type CodeCacheState = 'off' | 'accepted' | 'missing';

/** A loaded bundle and its code cache. */
export interface LoadedBundle {
  bundle: CliBundle;
  cache: CodeCacheState;
  /** The file V8 accepted a cache from (`cache === 'accepted'`). */
  cacheFile: string | undefined;
  /**
   * With `cache === 'missing'`, writes the code V8 compiled so far (call it at exit, so the cache
   * holds every function the run used) beside the bundle, else in the user cache folder; resolves
   * to the file written, or undefined when neither could be written (or nothing was missing).
   */
  saveCache(): string | undefined;
}

/** The bundle's id: its build id, else `<size>-<mtime ms>`; undefined when it cannot be read. */
function bundleId(source: string, bundlePath: string): string | undefined {
  const built = buildIdOf(source);
  if (built !== undefined) return built;
  try {
    const stat = statSync(bundlePath);
    return `${stat.size}-${Math.trunc(stat.mtimeMs)}`;
  } catch {
    return undefined;
  }
}

function userCacheFile(bundlePath: string, id: string, env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'codex-ts', `${basename(bundlePath)}-${process.version}-${process.arch}-${id}.cache`);
}

/** The V8 data of the cache file at `path` when it was made from the bundle `id`, else undefined. */
function readCache(path: string | undefined, id: string): Buffer | undefined {
  if (path === undefined) return undefined;
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch {
    return undefined;
  }
  const header = `${CACHE_MAGIC}${id}\n`;
  if (data.length <= header.length || data.toString('latin1', 0, header.length) !== header) return undefined;
  return data.subarray(header.length);
}

function writeAtomically(path: string, header: string, data: Buffer): boolean {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, Buffer.concat([Buffer.from(header, 'latin1'), data]));
    renameSync(temporary, path);
    return true;
  } catch {
    try {
      unlinkSync(temporary);
    } catch {}
    return false;
  }
}

function compile(wrapped: string, filename: string, cachedData: Buffer | undefined): Script {
  return new Script(wrapped, cachedData === undefined ? { filename } : { filename, cachedData });
}

/**
 * Compiles and evaluates the bundle at `bundlePath` as a CommonJS module (its `require` resolves
 * from the bundle's folder) with the first code cache V8 accepts, and returns its exports. A file
 * that begins with {@link SELF_WRAPPED_HEAD} is compiled as it is, any other in Node's wrapper.
 * Throws what reading or evaluating the bundle throws.
 */
export function loadBundle(bundlePath: string, env: NodeJS.ProcessEnv = process.env): LoadedBundle {
  const bytes = readFileSync(bundlePath);
  // The build writes ASCII only (esbuild escapes the rest): read as Latin-1, a plain copy into a
  // one-byte string, where UTF-8 decoding would also validate every byte (~1 ms for 0.8 MB).
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  // The CommonJS wrapper, as Node's own loader builds it, unless the file has its own.
  const wrapped = source.startsWith(SELF_WRAPPED_HEAD)
    ? source
    : `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
  const id = env.CODEX_TS_CODE_CACHE !== '0' ? bundleId(source, bundlePath) : undefined;
  const enabled = id !== undefined;
  const candidates = enabled ? [`${bundlePath}.cache`, userCacheFile(bundlePath, id, env)] : [];
  let script: Script | undefined;
  let cacheFile: string | undefined;
  for (const file of candidates) {
    const data = readCache(file, id as string);
    if (data === undefined) continue;
    // A rejected cache still leaves a script compiled from source: kept in case none is taken.
    script = compile(wrapped, bundlePath, data);
    if (script.cachedDataRejected === false) {
      cacheFile = file;
      break;
    }
  }
  script ??= compile(wrapped, bundlePath, undefined);
  const cache: CodeCacheState = !enabled ? 'off' : cacheFile !== undefined ? 'accepted' : 'missing';
  const compiled = script;
  const saveCache = (): string | undefined => {
    if (cache !== 'missing') return undefined;
    const data = compiled.createCachedData();
    const header = `${CACHE_MAGIC}${id}\n`;
    return candidates.find((path) => writeAtomically(path, header, data));
  };
  const module = { exports: {} as CliBundle };
  const factory = script.runInThisContext() as (
    exports: object,
    require: NodeJS.Require,
    module: { exports: CliBundle },
    filename: string,
    dirname: string,
  ) => void;
  factory.call(
    module.exports,
    module.exports,
    createRequire(bundlePath),
    module,
    bundlePath,
    dirname(bundlePath),
  );
  return { bundle: module.exports, cache, cacheFile, saveCache };
}
