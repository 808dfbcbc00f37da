// The one tsup build every workspace package uses: ESM for Node 20, .d.ts for the public
// entry (src/index.ts) only, source maps. `entry` lists the bundles (a CLI adds its bin).
import type { Options } from 'tsup';

export function packageBuild(entry: string[] = ['src/index.ts']): Options {
  return {
    entry,
    format: ['esm'],
    dts: { entry: 'src/index.ts' },
    sourcemap: true,
    clean: true,
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
  };
}
