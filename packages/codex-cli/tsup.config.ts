// Three builds (see README "How the binary is built"):
// 1. the library entry `dist/index.js` (+ .d.ts): ESM, dependencies stay imports, as every package;
// 2. the launcher `dist/bin.js`: ESM, node built-ins only, answers --version / --help on its own;
// 3. the binary `dist/cli.cjs`: `src/cli-entry.ts` and every dependency in one minified CommonJS
//    file, which the launcher compiles with a V8 code cache. Afterwards `dist/help.json` is written
//    from the bundle (`helpFacts()`), in a child process whose stdout is a pipe (80 columns), and
//    zstd's WebAssembly file is copied beside the bundle.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig, type Options } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

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

const library = packageBuild(['src/index.ts']);

/** zstd's WebAssembly file, which `@bokuweb/zstd-wasm` reads from `__dirname` (dist/ in the bundle). */
function zstdWasmPath(): string {
  const client = createRequire(import.meta.url).resolve('@codex-ts/client/package.json');
  return join(dirname(createRequire(client).resolve('@bokuweb/zstd-wasm')), 'zstd.wasm');
}

export default defineConfig([
  { ...library, define, clean: false },
  {
    entry: { bin: 'src/bin.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    tsconfig: 'tsconfig.build.json',
    define,
    clean: false,
    minify: true,
  },
  {
    entry: { cli: 'src/cli-entry.ts' },
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    target: 'node20',
    platform: 'node',
    tsconfig: 'tsconfig.build.json',
    define,
    clean: false,
    minify: true,
    // Everything in the file, except what only an `[otel]` exporter needs (loaded on demand).
    noExternal: [/.*/],
    external: [/^@opentelemetry\/(?!api$|api-logs$)/, /^@grpc\//],
    esbuildPlugins: [noZodLocales],
    async onSuccess() {
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
