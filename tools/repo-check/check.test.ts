import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = new URL('./check.mjs', import.meta.url).pathname;
const dirs: string[] = [];

function repo(
  packages: Record<
    string,
    { deps?: Record<string, string>; dev?: Record<string, string>; files: Record<string, string> }
  >,
): string {
  const root = mkdtempSync(join(tmpdir(), 'repo-check-'));
  dirs.push(root);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ devDependencies: { vitest: '4' } }));
  for (const [dir, pkg] of Object.entries(packages)) {
    const name = `@codex-ts/${dir.replace(/^codex-/, '')}`;
    mkdirSync(join(root, 'packages', dir, 'src'), { recursive: true });
    writeFileSync(
      join(root, 'packages', dir, 'package.json'),
      JSON.stringify({ name, dependencies: pkg.deps ?? {}, devDependencies: pkg.dev ?? {} }),
    );
    for (const [file, text] of Object.entries(pkg.files)) {
      const path = join(root, 'packages', dir, 'src', file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  }
  return root;
}

function run(root: string) {
  const r = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('repo-check', () => {
  it('passes a tree that follows the rules', () => {
    const root = repo({
      'codex-protocol': {
        deps: { zod: '4' },
        files: { 'index.ts': "import { z } from 'zod';\nexport const a = z;\n" },
      },
      'codex-api': {
        deps: { '@codex-ts/protocol': 'workspace:*' },
        files: {
          'index.ts':
            "import type { A } from '@codex-ts/protocol';\nimport { x } from './x.js';\nimport { readFileSync } from 'node:fs';\n",
        },
      },
    });
    expect(run(root)).toMatchObject({ status: 0 });
  });

  it('fails on an undeclared dependency, an upward import, a deep import and a re-export', () => {
    const root = repo({
      'codex-protocol': {
        deps: { '@codex-ts/api': 'workspace:*' },
        files: {
          'index.ts': "import { ResponsesClient } from '@codex-ts/api';\nimport chalk from 'chalk';\n",
        },
      },
      'codex-api': {
        deps: { '@codex-ts/protocol': 'workspace:*' },
        files: {
          'index.ts':
            "export { ResponseItem } from '@codex-ts/protocol';\nimport { x } from '@codex-ts/protocol/src/items.js';\nimport { y } from '../../codex-protocol/src/index.js';\n",
        },
      },
    });
    const { status, out } = run(root);
    expect(status).toBe(1);
    expect(out).toContain("imports 'chalk', which @codex-ts/protocol's package.json does not declare");
    expect(out).toContain(
      'points up or sideways a layer (@codex-ts/protocol is layer 0, @codex-ts/api is layer 2)',
    );
    expect(out).toContain("re-exports another package's symbols");
    expect(out).toContain("is a deep import: use '@codex-ts/protocol'");
    expect(out).toContain('reaches outside its package');
  });

  it('lets tests use devDependencies but not production code', () => {
    const root = repo({
      'codex-api': {
        dev: { undici: '7' },
        files: {
          'a.test.ts': "import { it } from 'vitest';\nimport { request } from 'undici';\n",
          'index.ts': "import { it } from 'vitest';\n",
        },
      },
    });
    const { status, out } = run(root);
    expect(status).toBe(1);
    expect(out).toContain("src/index.ts: 'vitest' imports 'vitest'");
    expect(out).not.toContain('a.test.ts');
  });

  it('allows a ./test entry only from tests and other test entries, which use their own package through its name', () => {
    const root = repo({
      'codex-client': {
        files: {
          'index.ts': 'export const a = 1;\n',
          'test/index.ts': "import { a } from '@codex-ts/client';\nimport { ok } from 'node:assert';\n",
        },
      },
      'codex-api': {
        deps: { '@codex-ts/client': 'workspace:*' },
        dev: { 'fast-check': '4' },
        files: {
          'index.ts':
            "import { within } from '@codex-ts/client/test';\nimport { fixture } from './test/index.js';\n",
          'responses/client.test.ts':
            "import { within } from '@codex-ts/client/test';\nimport { fixture } from '../test/index.js';\n",
          'test/index.ts': [
            "import { within } from '@codex-ts/client/test';",
            "import fc from 'fast-check';",
            "import { A } from '@codex-ts/api';",
            "import { ok } from './helpers.js';",
            "import { internal } from '../responses/client.js';",
            "import { other } from '@codex-ts/client/testing';",
            '',
          ].join('\n'),
        },
      },
    });
    const { status, out } = run(root);
    expect(status).toBe(1);
    expect(out).toContain(
      "packages/codex-api/src/index.ts: '@codex-ts/client/test' imports test helpers from production code",
    );
    expect(out).toContain(
      "packages/codex-api/src/index.ts: './test/index.js' reaches the test helpers (src/test/) from production code",
    );
    expect(out).toContain(
      "packages/codex-api/src/test/index.ts: '../responses/client.js': a test entry reaches its own package through its name ('@codex-ts/api')",
    );
    expect(out).toContain("'@codex-ts/client/testing' is a deep import: use '@codex-ts/client'");
    expect(out).toContain('repo-check: 4 problem(s)');
  });
});
