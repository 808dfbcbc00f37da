// Three builds (see README "How the binary is built"):
// 1. the library entry `dist/index.js` (+ .d.ts): ESM, dependencies stay imports, as every package;
// 2. the launcher, node built-ins only, answers --version / --help on its own: `dist/bin.cjs` (the
//    package's `bin`: CommonJS, which Node starts without its ES module loader) and `dist/bin.js`
//    (the same as ESM, for whoever runs that file directly);
// 3. the binary `dist/cli.cjs`: `src/cli-entry.ts` and every dependency in one minified CommonJS
//    file, which the launcher compiles with a V8 code cache. Afterwards `dist/help.json` is written
//    from the bundle (`helpFacts()`), in a child process whose stdout is a pipe (80 columns), and
//    zstd's WebAssembly file is copied beside the bundle.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig, type Options } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';
import {
  BUILD_ID_LENGTH,
  BUILD_ID_MARK,
  SELF_WRAPPED_HEAD,
  SELF_WRAPPED_TAIL,
} from './src/launch/code-cache.ts';

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const define = { __CODEX_TS_CLI_VERSION__: JSON.stringify(version) };

// zod's `locales` namespace (40-odd languages) is only reachable as `z.locales`, which we never
// use; the English messages are imported on their own. In the bundle it becomes an empty module.
const noZodLocales: Plugin = {
  name: 'no-zod-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'no-zod-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'no-zod-locales' }, () => ({
      contents: 'export {};',
      loader: 'js',
    }));
  },
};

// Our packages' builds import zod's namespace (`import { z } from "zod"`), which esbuild can only
// bundle as one object holding every export of zod (each a getter), so every zod module is kept
// and evaluated at start-up. Imported as `import * as z from ".../classic/external.js"` instead,
// each `z.object` becomes a direct reference and what no package uses is left out.
const zodExternal = join(
  dirname(createRequire(import.meta.url).resolve('zod/package.json')),
  'v4/classic/external.js',
);
const ZOD_NAMESPACE_IMPORT = /^import \{ z(?: as (\w+))? \} from "zod";$/gm;
const zodNamespaceImports: Plugin = {
  name: 'zod-namespace-imports',
  setup(build) {
    build.onLoad({ filter: /[\\/]packages[\\/]codex-[a-z-]+[\\/]dist[\\/]index\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const contents = text.replace(
        ZOD_NAMESPACE_IMPORT,
        (_line, alias: string | undefined) =>
          `import * as ${alias ?? 'z'} from ${JSON.stringify(zodExternal)};`,
      );
      return { contents, loader: 'js' };
    });
  },
};

// commander requires `node:child_process` when it loads, for executable subcommands (`spawn`), which
// codex-ts has none of: in the bundle the module is required when `spawn` is first read (~1 ms of
// start-up less; a commander without that line is bundled as it is).
const COMMANDER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const lazyCommanderChildProcess: Plugin = {
  name: 'lazy-commander-child-process',
  setup(build) {
    build.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const contents = text.replace(
        COMMANDER_CHILD_PROCESS,
        "const childProcess = { get spawn() { return require('node:child_process').spawn; } };",
      );
      return { contents, loader: 'js' };
    });
  },
};

/** Loaded at run time from the package's dependencies, never bundled: what only `[otel]` needs. */
const notBundled = [/^@codex-ts\/otel-sdk$/, /^@opentelemetry\/(?!api$|api-logs$)/, /^@grpc\//];

// Keeps `notBundled` out of the bundle. Their dynamic `import()` would run inside `vm.Script`, which
// has no loader for it without `--experimental-vm-modules`: each becomes a `require()` from the
// bundle's folder (Node >= 20.19 requires ES modules), still made only when the `import()` runs.
const requireNotBundled: Plugin = {
  name: 'require-not-bundled',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (!notBundled.some((pattern) => pattern.test(args.path))) return undefined;
      if (args.kind === 'dynamic-import') return { path: args.path, namespace: 'require-not-bundled' };
      return { path: args.path, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: 'require-not-bundled' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

const library = packageBuild(['src/index.ts']);

/**
 * Replaces the zeros of the bundle's build id with the first hex digits of the SHA-256 of the file
 * as built (with the zeros): the launcher's code cache is kept per id (see `BUILD_ID_MARK`).
 */
function writeBuildId(file: string): void {
  const text = readFileSync(file, 'latin1');
  const at = SELF_WRAPPED_HEAD.length + BUILD_ID_MARK.length;
  if (!text.startsWith(`${BUILD_ID_MARK}${'0'.repeat(BUILD_ID_LENGTH)}*/`, SELF_WRAPPED_HEAD.length))
    throw new Error(`${file}: no build id placeholder after the module head`);
  const id = createHash('sha256').update(text, 'latin1').digest('hex').slice(0, BUILD_ID_LENGTH);
  writeFileSync(file, `${text.slice(0, at)}${id}${text.slice(at + BUILD_ID_LENGTH)}`, 'latin1');
}

/** zstd's WebAssembly file, which `@bokuweb/zstd-wasm` reads from `__dirname` (dist/ in the bundle). */
function zstdWasmPath(): string {
  const client = createRequire(import.meta.url).resolve('@codex-ts/client/package.json');
  return join(dirname(createRequire(client).resolve('@bokuweb/zstd-wasm')), 'zstd.wasm');
}

/** What the launchers and the bundle share: one Node 20 file each, into the library's dist/. */
const standalone = {
  target: 'node20',
  platform: 'node',
  tsconfig: 'tsconfig.build.json',
  define,
  clean: false,
} satisfies Options;
const cjs = { format: ['cjs'], outExtension: () => ({ js: '.cjs' }) } satisfies Options;

export default defineConfig([
  { ...library, define, clean: false },
  { ...standalone, entry: { bin: 'src/bin.ts' }, format: ['esm'], minify: true },
  { ...standalone, ...cjs, entry: { bin: 'src/bin-cjs.ts' }, minify: true },
  {
    ...standalone,
    ...cjs,
    entry: { cli: 'src/cli-entry.ts' },
    // CODEX_TS_NO_MINIFY=1 (profiling only) keeps function names readable in `node --cpu-prof` output.
    minify: process.env.CODEX_TS_NO_MINIFY !== '1',
    // Everything in the file, except what only an `[otel]` exporter needs (loaded on demand).
    noExternal: [/.*/],
    // The CommonJS module function written into the file (see `SELF_WRAPPED_HEAD`): the launcher
    // compiles the file's text as it is, `require()` still runs it as a module.
    // Then the build id (zeros here, the content hash after the build, see `BUILD_ID_MARK`).
    banner: { js: `${SELF_WRAPPED_HEAD}${BUILD_ID_MARK}${'0'.repeat(BUILD_ID_LENGTH)}*/` },
    footer: { js: SELF_WRAPPED_TAIL },
    esbuildPlugins: [noZodLocales, requireNotBundled, zodNamespaceImports, lazyCommanderChildProcess],
    async onSuccess() {
      writeBuildId('dist/cli.cjs');
      rmSync('dist/cli.cjs.cache', { force: true });
      copyFileSync(zstdWasmPath(), 'dist/zstd.wasm');
      const facts = execFileSync(
        process.execPath,
        ['-e', "require('./dist/cli.cjs').helpFacts().then((f) => process.stdout.write(JSON.stringify(f)))"],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      writeFileSync('dist/help.json', `${JSON.stringify(JSON.parse(facts), null, 2)}\n`);
    },
  } satisfies Options,
]);
