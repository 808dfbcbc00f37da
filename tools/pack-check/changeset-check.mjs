#!/usr/bin/env node
// The changeset check (run by CI). For every published package (packages/*, not private):
//   - released (the git tag `<name>@<version>` exists, as `changeset tag` writes it): when what it
//     publishes changed since that tag, a pending changeset in .changeset/ must name it;
//   - not released yet: CHANGELOG.md must have a `## <version>` section (what `changeset version`
//     writes), so the release that ships the pending changes is described.
// What a package publishes: its files outside tests, test-support, bench/, vitest and the
// typecheck-only tsconfig.json; of package.json only the fields other than devDependencies and
// scripts; and the shared build config tsup.shared.ts. Every pending changeset must name only
// published packages. A shallow clone has no tags to compare with: the check says so and only
// looks at CHANGELOGs and changesets.
// Usage: node tools/pack-check/changeset-check.mjs [repoRoot]
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
const SHARED_BUILD_FILES = ['tsup.shared.ts'];
const UNPUBLISHED_FIELDS = ['devDependencies', 'scripts'];

function git(...args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** True when `path` (relative to the package folder) can change what the package publishes. */
function isPublishedInput(path) {
  if (/(^|\/)[^/]+\.test\.[cm]?[jt]s$/.test(path)) return false;
  if (/(^|\/)(test-support|__fixtures__|test|bench|node_modules|dist)\//.test(path)) return false;
  return !['vitest.config.ts', 'tsconfig.json', 'turbo.json'].includes(path);
}

/** The package.json fields that are published (everything but devDependencies and scripts). */
function publishedManifest(text) {
  const manifest = JSON.parse(text);
  for (const field of UNPUBLISHED_FIELDS) delete manifest[field];
  return JSON.stringify(manifest);
}

/** Package names named in the front matter of each pending changeset (`"name": patch`). */
function pendingChangesets() {
  const dir = join(root, '.changeset');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.md') && file !== 'README.md')
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? '';
      const names = [...front.matchAll(/^\s*["']?([^"':\s]+)["']?\s*:\s*(patch|minor|major)\s*$/gm)];
      return { file, names: names.map((m) => m[1]) };
    });
}

const packages = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
  }))
  .filter((p) => p.manifest.private !== true);
const published = new Set(packages.map((p) => p.manifest.name));
const changesets = pendingChangesets();
const named = new Set(changesets.flatMap((c) => c.names));
const shallow = git('rev-parse', '--is-shallow-repository').trim() === 'true';
const tags = new Set(shallow ? [] : git('tag', '--list').split('\n').filter(Boolean));

const problems = [];
const notes = [];
for (const changeset of changesets) {
  if (changeset.names.length === 0)
    notes.push(`.changeset/${changeset.file} names no package (an empty changeset)`);
  for (const name of changeset.names) {
    if (!published.has(name))
      problems.push(`.changeset/${changeset.file} names ${name}, which is not a published package`);
  }
}
for (const { dir, manifest } of packages) {
  const { name, version } = manifest;
  const tag = `${name}@${version}`;
  if (!tags.has(tag)) {
    const changelog = join(root, 'packages', dir, 'CHANGELOG.md');
    const text = existsSync(changelog) ? readFileSync(changelog, 'utf8') : '';
    if (!text.split('\n').some((line) => line.trim() === `## ${version}`)) {
      problems.push(
        `${name}@${version} is not released and packages/${dir}/CHANGELOG.md has no "## ${version}" section`,
      );
    } else {
      notes.push(`${tag}: not released yet (its CHANGELOG describes ${version})`);
    }
    continue;
  }
  const changed = git('diff', '--name-only', tag, '--', `packages/${dir}`, ...SHARED_BUILD_FILES)
    .split('\n')
    .filter(Boolean)
    .filter((path) => {
      if (SHARED_BUILD_FILES.includes(path)) return true;
      const inPackage = path.slice(`packages/${dir}/`.length);
      if (!isPublishedInput(inPackage)) return false;
      if (inPackage !== 'package.json') return true;
      const now = existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : '{}';
      return publishedManifest(git('show', `${tag}:${path}`)) !== publishedManifest(now);
    });
  if (changed.length > 0 && !named.has(name)) {
    const list = changed.slice(0, 5).join(', ') + (changed.length > 5 ? `, … (${changed.length} files)` : '');
    problems.push(
      `${name} changed since ${tag} (${list}) but no changeset names it: run \`npx -y pnpm@10 changeset\``,
    );
  } else {
    notes.push(`${tag}: ${changed.length === 0 ? 'unchanged since its tag' : 'changed, with a changeset'}`);
  }
}

if (shallow)
  console.log(
    'changeset-check: shallow clone, no tags to compare with (fetch with history for the full check)',
  );
for (const note of notes) console.log(`  ${note}`);
if (problems.length > 0) {
  console.error(`changeset-check: ${problems.length} problem(s)`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log(`changeset-check: ${packages.length} packages, ${changesets.length} pending changeset(s), ok`);
