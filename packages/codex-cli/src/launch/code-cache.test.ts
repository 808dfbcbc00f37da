import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BUILD_ID_LENGTH,
  BUILD_ID_MARK,
  loadBundle,
  SELF_WRAPPED_HEAD,
  SELF_WRAPPED_TAIL,
} from './code-cache.js';

const BUNDLE = `'use strict';
const path = require('node:path');
function answer() { return 6 * 7; }
exports.run = async () => undefined;
exports.answer = answer();
exports.where = path.basename(__dirname) + '/' + path.basename(__filename);
`;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(): { bundle: string; env: NodeJS.ProcessEnv; cacheHome: string } {
  const dir = mkdtempSync(join(tmpdir(), 'codex-ts-code-cache-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'dist'));
  const bundle = join(dir, 'dist', 'cli.cjs');
  writeFileSync(bundle, BUNDLE);
  const cacheHome = join(dir, 'xdg');
  return { bundle, env: { XDG_CACHE_HOME: cacheHome }, cacheHome };
}

type Exports = { answer: number; where: string };

describe('loadBundle', () => {
  it('evaluates the bundle as CommonJS and writes a cache beside it that the next run takes', () => {
    const { bundle, env } = scratch();
    const first = loadBundle(bundle, env);
    expect(first.cache).toBe('missing');
    expect(first.bundle as unknown as Exports).toMatchObject({ answer: 42, where: 'dist/cli.cjs' });
    expect(first.saveCache()).toBe(`${bundle}.cache`);

    const second = loadBundle(bundle, env);
    expect(second.cache).toBe('accepted');
    expect(second.cacheFile).toBe(`${bundle}.cache`);
    expect((second.bundle as unknown as Exports).answer).toBe(42);
    expect(second.saveCache()).toBeUndefined();
  });

  it('replaces a cache V8 rejects and still runs the bundle', () => {
    const { bundle, env } = scratch();
    writeFileSync(`${bundle}.cache`, 'not a code cache');
    const loaded = loadBundle(bundle, env);
    expect(loaded.cache).toBe('missing');
    expect((loaded.bundle as unknown as Exports).answer).toBe(42);
    expect(loaded.saveCache()).toBe(`${bundle}.cache`);
    expect(readFileSync(`${bundle}.cache`).toString()).not.toBe('not a code cache');
    expect(loadBundle(bundle, env).cache).toBe('accepted');
  });

  it('falls back to $XDG_CACHE_HOME/codex-ts when the cache beside the bundle cannot be written', () => {
    const { bundle, env, cacheHome } = scratch();
    mkdirSync(`${bundle}.cache`); // a folder where the file would go: unreadable and unwritable
    const first = loadBundle(bundle, env);
    expect(first.cache).toBe('missing');
    const written = first.saveCache();
    expect(written?.startsWith(join(cacheHome, 'codex-ts', `cli.cjs-${process.version}-`))).toBe(true);
    const second = loadBundle(bundle, env);
    expect(second.cache).toBe('accepted');
    expect(second.cacheFile).toBe(written);
  });

  it('neither reads nor writes a cache with CODEX_TS_CODE_CACHE=0', () => {
    const { bundle, env } = scratch();
    loadBundle(bundle, env).saveCache();
    const off = loadBundle(bundle, { ...env, CODEX_TS_CODE_CACHE: '0' });
    expect(off.cache).toBe('off');
    expect((off.bundle as unknown as Exports).answer).toBe(42);
    expect(off.saveCache()).toBeUndefined();
  });

  it('compiles a self-wrapped bundle as it is, which require() runs as a module too', () => {
    const { bundle, env } = scratch();
    // The same exports through the launcher's loader (the text compiled as it is, its completion
    // value the module function) and through Node's loader (which applies the function itself).
    writeFileSync(bundle, `${SELF_WRAPPED_HEAD}${BUNDLE}${SELF_WRAPPED_TAIL}`);
    const first = loadBundle(bundle, env);
    expect(first.bundle as unknown as Exports).toMatchObject({ answer: 42, where: 'dist/cli.cjs' });
    first.saveCache();
    const second = loadBundle(bundle, env);
    expect(second.cache).toBe('accepted');
    expect(second.bundle as unknown as Exports).toMatchObject({ answer: 42, where: 'dist/cli.cjs' });
    expect(createRequire(import.meta.url)(bundle) as Exports).toMatchObject({
      answer: 42,
      where: 'dist/cli.cjs',
    });
  });

  it('the built bundle dist/cli.cjs is self-wrapped', () => {
    const built = join(import.meta.dirname, '..', '..', 'dist', 'cli.cjs');
    const text = readFileSync(built, 'utf8');
    expect(text.startsWith(SELF_WRAPPED_HEAD)).toBe(true);
    expect(text.trimEnd().endsWith(SELF_WRAPPED_TAIL.trimEnd())).toBe(true);
  });

  // V8 takes a code cache made from any source of the same length and runs the cached code: a
  // cache of another build must never reach it.
  it('never runs the cached code of another build of the same length (build ids)', () => {
    const { bundle, env } = scratch();
    const built = (id: string, answer: number) =>
      `${SELF_WRAPPED_HEAD}${BUILD_ID_MARK}${id}*/\nexports.run = async () => undefined;\nexports.answer = (() => ${answer})();${SELF_WRAPPED_TAIL}`;
    writeFileSync(bundle, built('1'.repeat(BUILD_ID_LENGTH), 1111));
    const first = loadBundle(bundle, env);
    expect(first.saveCache()).toBe(`${bundle}.cache`);
    expect(loadBundle(bundle, env).cache).toBe('accepted');
    writeFileSync(bundle, built('2'.repeat(BUILD_ID_LENGTH), 2222));
    const other = loadBundle(bundle, env);
    expect([other.cache, (other.bundle as unknown as Exports).answer]).toEqual(['missing', 2222]);
  });

  it('never runs the cached code of another bundle of the same length (size and mtime)', () => {
    const { bundle, env } = scratch();
    writeFileSync(bundle, `${BUNDLE}exports.answer = 1111;\n`);
    utimesSync(bundle, 1_700_000_000, 1_700_000_000);
    loadBundle(bundle, env).saveCache();
    expect(loadBundle(bundle, env).cache).toBe('accepted');
    writeFileSync(bundle, `${BUNDLE}exports.answer = 2222;\n`);
    utimesSync(bundle, 1_700_000_100, 1_700_000_100);
    const other = loadBundle(bundle, env);
    expect([other.cache, (other.bundle as unknown as Exports).answer]).toEqual(['missing', 2222]);
  });

  it('the built bundle carries its build id: the hash of its own text', () => {
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'dist', 'cli.cjs'), 'latin1');
    const at = SELF_WRAPPED_HEAD.length + BUILD_ID_MARK.length;
    expect(text.slice(SELF_WRAPPED_HEAD.length, at)).toBe(BUILD_ID_MARK);
    const id = text.slice(at, at + BUILD_ID_LENGTH);
    const zeroed = `${text.slice(0, at)}${'0'.repeat(BUILD_ID_LENGTH)}${text.slice(at + BUILD_ID_LENGTH)}`;
    expect(id).toBe(createHash('sha256').update(zeroed, 'latin1').digest('hex').slice(0, BUILD_ID_LENGTH));
  });

  it('reads a bundle with non-ASCII text as UTF-8', () => {
    const { bundle, env } = scratch();
    writeFileSync(bundle, `${BUNDLE}exports.text = 'déjà vu ✓';\n`);
    expect((loadBundle(bundle, env).bundle as unknown as { text: string }).text).toBe('déjà vu ✓');
  });
});
