// turbo's cache is keyed by task hashes: a task re-runs exactly when its hash changes. These tests
// copy the repository (tracked and unignored files, as they are on disk) into a temporary git
// repo, ask turbo for the hashes of every `typecheck` and `test` task (`--dry=json`, nothing
// runs), change one file and ask again. `typecheck` and `test` read the sources of the packages
// below them (tsconfig paths, vitest aliases), so a change there must change their hash.
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const turboBin = join(root, 'node_modules', 'turbo', 'bin', 'turbo');
const TASKS = ['typecheck', 'test'] as const;
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', TURBO_UI: 'false' };

let copy = '';
/** Hashes of the unchanged copy (task ids that exist). */
let known = new Map<string, string>();

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: copy, encoding: 'utf8', env });
}

/** `<short>#<task>` → hash, for the `typecheck` and `test` tasks that have a script. */
function hashes(): Map<string, string> {
  const out = execFileSync(process.execPath, [turboBin, 'run', ...TASKS, '--dry=json'], {
    cwd: copy,
    encoding: 'utf8',
    env,
    stdio: ['ignore', 'pipe', 'pipe'], // turbo warns that the copy has no local turbo: fine for a dry run
    maxBuffer: 64 * 1024 * 1024,
    timeout: 90_000,
  });
  const plan = JSON.parse(out.slice(out.indexOf('{'))) as {
    tasks: { taskId: string; hash: string; command: string }[];
  };
  const map = new Map<string, string>();
  for (const task of plan.tasks) {
    const name = task.taskId.split('#')[1] as (typeof TASKS)[number];
    if (task.command !== '<NONEXISTENT>' && TASKS.includes(name)) {
      map.set(task.taskId.replace('@codex-ts/', ''), task.hash);
    }
  }
  return map;
}

/** Task ids whose hash differs after appending `text` to `file` (reverted afterwards). */
function changedBy(file: string, text: string): string[] {
  const before = known;
  const path = join(copy, file);
  expect(existsSync(path), `${file} exists`).toBe(true);
  appendFileSync(path, text);
  try {
    const after = hashes();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    return [...after]
      .filter(([id, hash]) => before.get(id) !== hash)
      .map(([id]) => id)
      .sort();
  } finally {
    git('checkout', '--', file);
  }
}

const ids = (packages: string[]) => packages.flatMap((p) => TASKS.map((task) => `${p}#${task}`)).sort();

/**
 * `short` and every workspace package that depends on it, directly or not, through dependencies,
 * devDependencies or peerDependencies (what its typecheck and test may read), as short names.
 */
function withDependents(short: string): string[] {
  const manifests = ['packages', 'tools'].flatMap((group) =>
    readdirSync(join(copy, group))
      .map((dir) => join(copy, group, dir, 'package.json'))
      .filter((file) => existsSync(file))
      .map((file) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>),
  );
  const found = new Set([`@codex-ts/${short}`]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const m of manifests) {
      const name = m.name as unknown as string;
      const deps = Object.keys({ ...m.dependencies, ...m.devDependencies, ...m.peerDependencies });
      if (!found.has(name) && deps.some((dep) => found.has(dep))) {
        found.add(name);
        grew = true;
      }
    }
  }
  return [...found].map((name) => name.replace('@codex-ts/', ''));
}

/** The typecheck/test task ids of `packages` that exist (have a script). */
function tasksOf(packages: string[]): string[] {
  return ids(packages).filter((id) => known.has(id));
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'turbo-cache-'));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  for (const file of listed.split('\0')) {
    if (file === '') continue;
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    try {
      copyFileSync(join(root, file), join(copy, file));
    } catch {
      // deleted in the working tree but still in the index
    }
  }
  writeFileSync(join(copy, '.gitignore'), 'node_modules/\ndist/\n.turbo/\n.tmp/\n');
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=turbo-cache-test', '-c', 'user.email=test@localhost', 'commit', '-q', '-m', 'copy');
  known = hashes();
}, 120_000);

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('turbo task hashes follow what typecheck and test read', () => {
  it('a source change in api re-runs typecheck and test of api and every package above it, and nothing below', () => {
    const changed = changedBy('packages/codex-api/src/index.ts', '\n// changed\n');
    expect(changed).toEqual(tasksOf(withDependents('api')));
    expect(changed).toEqual(expect.arrayContaining(ids(['api', 'cli', 'core', 'login', 'otel'])));
    expect(changed).not.toContain('protocol#typecheck');
  });

  it('a source change in protocol re-runs every package that builds on it', () => {
    const changed = changedBy('packages/codex-protocol/src/index.ts', '\n// changed\n');
    expect(changed).toEqual(tasksOf(withDependents('protocol')));
    expect(changed).toEqual(expect.arrayContaining(ids(['api', 'cli', 'core', 'protocol'])));
  });

  it('a change in the responses server (a devDependency the tests import) re-runs the tests that use it', () => {
    const changed = changedBy('tools/responses-server/src/index.ts', '\n// changed\n');
    expect(changed).toEqual(tasksOf(withDependents('responses-server')));
    expect(changed).toEqual(expect.arrayContaining(ids(['api', 'cli', 'core', 'responses-server'])));
  });

  it('a test or README change in api re-runs only api (dependents never read them)', () => {
    const changed = [
      ...changedBy('packages/codex-api/README.md', '\nchanged\n'),
      ...changedBy('packages/codex-api/src/errors/messages.test.ts', '\n// changed\n'),
    ];
    expect([...new Set(changed)].sort()).toEqual(ids(['api']));
  });
});
