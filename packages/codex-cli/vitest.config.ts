import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// `CLI_VERSION` (src/version.ts) is a build-time constant; the tests run the sources.
export default defineConfig({
  ...sharedConfig,
  define: { __CODEX_TS_CLI_VERSION__: JSON.stringify(version) },
});
