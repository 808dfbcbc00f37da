import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBundle, SELF_WRAPPED_HEAD, SELF_WRAPPED_TAIL } from './code-cache.js';

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

  it('reads a bundle with non-ASCII text as UTF-8', () => {
    const { bundle, env } = scratch();
    writeFileSync(bundle, `${BUNDLE}exports.text = 'déjà vu ✓';\n`);
    expect((loadBundle(bundle, env).bundle as unknown as { text: string }).text).toBe('déjà vu ✓');
  });
});
