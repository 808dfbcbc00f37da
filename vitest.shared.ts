// Shared vitest settings: every package's tests resolve workspace packages (and their `./test`
// entries) to their sources, so a test run never needs a prior build (the CLI's subprocess tests
// are the exception and depend on `build` in turbo).
import { fileURLToPath } from 'node:url';
import type { ViteUserConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

const sources: Record<string, string> = {
  '@codex-ts/protocol': 'packages/codex-protocol/src/index.ts',
  '@codex-ts/protocol/test': 'packages/codex-protocol/src/test/index.ts',
  '@codex-ts/client': 'packages/codex-client/src/index.ts',
  '@codex-ts/client/test': 'packages/codex-client/src/test/index.ts',
  '@codex-ts/api': 'packages/codex-api/src/index.ts',
  '@codex-ts/api/test': 'packages/codex-api/src/test/index.ts',
  '@codex-ts/login': 'packages/codex-login/src/index.ts',
  '@codex-ts/otel': 'packages/codex-otel/src/index.ts',
  '@codex-ts/otel/test': 'packages/codex-otel/src/test/index.ts',
  '@codex-ts/otel-sdk': 'packages/codex-otel-sdk/src/index.ts',
  '@codex-ts/core': 'packages/codex-core/src/index.ts',
  '@codex-ts/core/test': 'packages/codex-core/src/test/index.ts',
  '@codex-ts/cli': 'packages/codex-cli/src/index.ts',
  '@codex-ts/responses-server': 'tools/responses-server/src/index.ts',
  '@codex-ts/otlp-receiver': 'tools/otlp-receiver/src/index.ts',
};

/** A pattern matching `name` and nothing longer. */
const exactly = (name: string) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);

/** The vitest config every workspace package uses (`vitest.config.ts` re-exports it). */
export const sharedConfig: ViteUserConfig = {
  resolve: {
    alias: Object.entries(sources).map(([name, file]) => ({
      find: exactly(name),
      replacement: root + file,
    })),
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    restoreMocks: true,
    // The JSON report feeds tools/repo-check/test-summary.mjs (the CI's closing line).
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-report.json' },
  },
};
