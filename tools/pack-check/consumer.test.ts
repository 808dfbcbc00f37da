import { describe, expect, it } from 'vitest';
import { checkManifest, consumerFiles, installEnv, lockfileProblems } from './consumer.mjs';

const tarballs = new Map([
  ['@codex-ts/api', '/t/codex-ts-api-0.1.0.tgz'],
  ['@codex-ts/otel', '/t/codex-ts-otel-0.1.0.tgz'],
]);
const license = Buffer.from('Apache License\n');
const readme = [
  '# @codex-ts/otel',
  '',
  '**Upstream:** codex-rs `otel/src/lib.rs`.',
  '',
  '## Quick start',
  '',
  '```sh',
  'npm install @codex-ts/otel @opentelemetry/api',
  '```',
  '',
  '```js',
  "import '@codex-ts/otel';",
  '```',
  '',
].join('\n');

function packed(overrides: Record<string, unknown> = {}, files: Record<string, string | Buffer> = {}) {
  return {
    packed: {
      name: '@codex-ts/otel',
      version: '0.1.0',
      type: 'module',
      sideEffects: false,
      license: 'Apache-2.0',
      engines: { node: '>=20.19' },
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      dependencies: { '@codex-ts/api': '^0.1.0' },
      peerDependencies: { '@opentelemetry/api': '^1.9.0' },
      ...overrides,
    },
    files: new Map(
      Object.entries({
        'package.json': '{}',
        'README.md': readme,
        'CHANGELOG.md': '# @codex-ts/otel\n\n## 0.1.0\n\n- First.\n',
        LICENSE: license,
        'dist/index.js': '',
        'dist/index.d.ts': '',
        ...files,
      }).map(([k, v]) => [k, Buffer.from(v)]),
    ),
  };
}
const context = {
  versions: new Map([
    ['@codex-ts/api', '0.1.0'],
    ['@codex-ts/otel', '0.1.0'],
  ]),
  license,
  rootManifest: { engines: { node: '>=20.19' } },
};

describe('checkManifest', () => {
  it('accepts a well-formed package', () => {
    expect(checkManifest(packed(), context)).toEqual([]);
  });

  it('reports workspace ranges, an import-only exports map, tests in the tarball and README gaps', () => {
    const problems = checkManifest(
      packed(
        {
          dependencies: { '@codex-ts/api': 'workspace:*' },
          exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
        },
        {
          'src/a.test.ts': '',
          'README.md': '# x\n\n## Quick start\n\n```sh\nnpm install @codex-ts/otel\nnpx x\n```\n',
          LICENSE: 'MIT',
          'CHANGELOG.md': '# x\n',
        },
      ),
      context,
    );
    expect(problems).toEqual([
      'dependencies.@codex-ts/api is still "workspace:*"',
      'exports["."] must be { types, default: "./dist/index.js" } (default serves import and require)',
      'LICENSE differs from the repository LICENSE',
      'the tarball ships src/a.test.ts (tests and sources stay out: check "files")',
      'CHANGELOG.md has no "## 0.1.0" section',
      'README.md has no "**Upstream:** …" line naming where the behaviour comes from',
      'README quick start: the npm install line lacks @opentelemetry/api',
    ]);
  });
});

describe('checkManifest: the ./test entry', () => {
  it('is workspace-only: neither exported nor shipped', () => {
    const testEntry = { types: './dist/test.d.ts', default: './dist/test.js' };
    const exports = { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './test': testEntry };
    expect(checkManifest(packed({ exports }, { 'dist/test.js': '', 'dist/test.d.ts': '' }), context)).toEqual(
      [
        'the tarball ships dist/test.js: the ./test entry is workspace-only ("!dist/test.*" in "files")',
        'the tarball ships dist/test.d.ts: the ./test entry is workspace-only ("!dist/test.*" in "files")',
        'exports["./test"] is published: the test entry is workspace-only (publishConfig.exports)',
      ],
    );
  });
});

describe('checkManifest: @opentelemetry/api', () => {
  it('must be a wide peer dependency of a library; an application (bin) may depend on it', () => {
    const dependency = { dependencies: { '@opentelemetry/api': '~1.9.0' }, peerDependencies: {} };
    expect(checkManifest(packed(dependency), context)).toEqual([
      '@opentelemetry/api must be a peerDependency, not a dependency (a second copy splits its global registry)',
    ]);
    expect(checkManifest(packed({ ...dependency, bin: {} }), context)).toEqual([]);
    expect(checkManifest(packed({ peerDependencies: { '@opentelemetry/api': '~1.9.0' } }), context)).toEqual([
      'peerDependencies.@opentelemetry/api is "~1.9.0": accept every later 1.x ("^1.x.y")',
    ]);
  });
});

describe('lockfileProblems', () => {
  it('reports @codex-ts packages from the registry and second copies of @opentelemetry/api', () => {
    const problems = lockfileProblems(
      {
        packages: {
          '': {},
          'node_modules/@codex-ts/otel': { resolved: 'file:/t/codex-ts-otel-0.1.0.tgz' },
          'node_modules/@codex-ts/api': {
            resolved: 'https://registry.npmjs.org/@codex-ts/api/-/api-0.1.0.tgz',
          },
          'node_modules/@opentelemetry/api': { resolved: 'https://registry.npmjs.org/x' },
          'node_modules/@codex-ts/otel/node_modules/@opentelemetry/api': {
            resolved: 'https://registry.npmjs.org/y',
          },
        },
      },
      tarballs,
    );
    expect(problems).toEqual([
      'node_modules/@codex-ts/api was installed from https://registry.npmjs.org/@codex-ts/api/-/api-0.1.0.tgz, not from its local tarball',
      '@opentelemetry/api is installed 2 times: node_modules/@opentelemetry/api, node_modules/@codex-ts/otel/node_modules/@opentelemetry/api',
    ]);
  });
});

describe('consumerFiles and installEnv', () => {
  it('installs the tarball as the only @codex-ts dependency and overrides the others', () => {
    const files = consumerFiles(packed(), {
      tarballs,
      extra: ['@opentelemetry/api', 'zod@^4'],
      typesNode: '^20.19.0',
      quick: { install: [], js: "import '@codex-ts/otel';", commands: [] },
    });
    const manifest = JSON.parse(files['package.json']);
    expect(manifest.dependencies).toEqual({
      '@codex-ts/otel': 'file:/t/codex-ts-otel-0.1.0.tgz',
      '@types/node': '^20.19.0',
      '@opentelemetry/api': 'latest',
      zod: '^4',
    });
    expect(manifest.overrides).toEqual({ '@codex-ts/api': 'file:/t/codex-ts-api-0.1.0.tgz' });
    const node16 = JSON.parse(files['tsconfig.node16.json']);
    expect(node16.compilerOptions).toMatchObject({
      strict: true,
      skipLibCheck: false,
      moduleResolution: 'node16',
    });
    expect(node16.files).toEqual(['consumer.ts', 'quickstart.mjs']);
    expect(JSON.parse(files['tsconfig.bundler.json']).compilerOptions.moduleResolution).toBe('bundler');
  });

  it('drops the npm_* variables of a pnpm run but keeps registry and proxy settings', () => {
    const env = installEnv({
      PATH: '/bin',
      npm_config_registry: 'https://r',
      npm_config_https_proxy: 'http://p',
      npm_config_frozen_lockfile: 'true',
      npm_lifecycle_event: 'check:pack',
    });
    expect(env).toEqual({
      PATH: '/bin',
      npm_config_registry: 'https://r',
      npm_config_https_proxy: 'http://p',
      npm_config_update_notifier: 'false',
    });
  });
});
