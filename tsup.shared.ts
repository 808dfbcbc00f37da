// The one tsup build every workspace package uses: ESM for Node 20, .d.ts, source maps. `entry`
// lists the bundles (a CLI adds its bin). A package with shared test helpers (`src/test/index.ts`)
// also gets its `./test` entry (dist/test.js + dist/test.d.ts), built beside the main one:
// - the test entry uses its own package like any consumer, through the package name
//   (`import { HttpTransport } from '@codex-ts/client'`, enforced by tools/repo-check). The name
//   stays an import (Node resolves a package's own name through its `exports`), so the main
//   bundle is the same with or without a test entry: no shared chunk, one copy of every class;
// - what it imports from devDependencies and root tooling (vitest, the responses server, the
//   OpenTelemetry SDK) stays external too.
// The test entry is workspace-only: each package.json keeps it out of `files` and out of the
// published `exports` (`publishConfig.exports`); tools/pack-check fails a tarball that ships it.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Options } from 'tsup';

/** Where a package's test helpers live (the `./test` export). */
export const TEST_ENTRY = 'src/test/index.ts';

const root = dirname(new URL(import.meta.url).pathname);

interface Manifest {
  name: string;
  devDependencies?: Record<string, string>;
}

const manifest = (path: string): Manifest => JSON.parse(readFileSync(path, 'utf8')) as Manifest;

const common: Options = {
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
};

export function packageBuild(entry: string[] = ['src/index.ts']): Options {
  const entries = Object.fromEntries(entry.map((file) => [basename(file, '.ts'), file]));
  if (!existsSync(TEST_ENTRY)) {
    return { ...common, entry: entries, dts: { entry: 'src/index.ts' } };
  }
  const own = manifest('package.json');
  return {
    ...common,
    entry: { ...entries, test: TEST_ENTRY },
    external: [
      own.name,
      ...Object.keys(own.devDependencies ?? {}),
      ...Object.keys(manifest(join(root, 'package.json')).devDependencies ?? {}),
    ],
    dts: {
      entry: { index: 'src/index.ts', test: TEST_ENTRY },
      // The declarations of the test entry are checked against the package's own sources (its
      // dist/index.d.ts is being rebuilt); the name stays an import in dist/test.d.ts.
      compilerOptions: { baseUrl: '.', paths: { [own.name]: ['./src/index.ts'] } },
    },
  };
}
