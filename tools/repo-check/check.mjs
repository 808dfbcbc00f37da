#!/usr/bin/env node
// Repository boundary check (run by CI): for every workspace package it reads each source
// file's import/export specifiers and fails on
//   1. an import of a package that the importer's package.json does not declare,
//   2. an import of a workspace package from a higher (or the same) layer,
//   3. a deep import into another package (`@codex-ts/api/src/...`) or a relative path that
//      leaves the package folder,
//   4. a re-export of another package's symbols (`export … from '@codex-ts/…'`),
//   5. test helpers reached from production code: a package's `./test` entry (`src/test/`,
//      imported as `@codex-ts/api/test`) serves tests (`*.test.ts`, `test-support/`) and other
//      packages' test entries only. A test entry counts as test code (devDependencies and tools
//      allowed) and uses its own package like a consumer, through the package name (never a
//      relative path out of `src/test/`), so the built main entry is the same with or without
//      it (tsup.shared.ts).
// Usage: node tools/repo-check/check.mjs [repoRoot]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..'));

/** Layer of each workspace package: an import may only point to a strictly lower layer. */
export const LAYERS = {
  '@codex-ts/protocol': 0,
  '@codex-ts/client': 1,
  '@codex-ts/api': 2,
  '@codex-ts/login': 3,
  '@codex-ts/otel': 3,
  '@codex-ts/core': 4,
  '@codex-ts/otel-sdk': 4,
  '@codex-ts/cli': 5,
};
/** Tools sit above every package; nothing in packages/ may import them except in tests. */
const TOOL_LAYER = 10;

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function listWorkspacePackages() {
  const out = [];
  for (const group of ['packages', 'tools']) {
    const dir = join(root, group);
    let names = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const pj = join(dir, name, 'package.json');
      try {
        const manifest = JSON.parse(readFileSync(pj, 'utf8'));
        out.push({ dir: join(dir, name), manifest });
      } catch {
        // not a package
      }
    }
  }
  return out;
}

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(c|m)?[jt]sx?$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

// import x from 'a'; import 'a'; export { x } from 'a'; export * from 'a'; import('a'); require('a')
const SPECIFIER =
  /(?:^|[\s;])(import|export)\s+(?:type\s+)?(?:[\w*\s{},$]*?\s+from\s+)?['"]([^'"]+)['"]|\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function packageNameOf(spec) {
  if (spec.startsWith('@')) return spec.split('/').slice(0, 2).join('/');
  return spec.split('/')[0];
}

const problems = [];
const packages = listWorkspacePackages();
// Tooling shared by every package's tests (vitest, …) is declared once in the root package.json.
const rootDevDeps = new Set(
  Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies ?? {}),
);
const byName = new Map(packages.map((p) => [p.manifest.name, p]));

for (const pkg of packages) {
  const name = pkg.manifest.name;
  const layer = LAYERS[name] ?? TOOL_LAYER;
  const declared = new Set([
    ...Object.keys(pkg.manifest.dependencies ?? {}),
    ...Object.keys(pkg.manifest.peerDependencies ?? {}),
    ...Object.keys(pkg.manifest.optionalDependencies ?? {}),
  ]);
  const devDeclared = new Set([...Object.keys(pkg.manifest.devDependencies ?? {}), ...rootDevDeps]);
  const srcDir = join(pkg.dir, 'src');
  let files = [];
  try {
    files = [...sourceFiles(srcDir)];
  } catch {
    continue;
  }
  const testEntryDir = join(srcDir, 'test');
  const inTestEntry = (path) => path.startsWith(testEntryDir + sep);
  for (const file of files) {
    const isTestEntry = inTestEntry(file);
    const isTest =
      /\.test\.[cm]?[jt]sx?$/.test(file) || file.includes(`${sep}test-support${sep}`) || isTestEntry;
    const text = stripComments(readFileSync(file, 'utf8'));
    for (const m of text.matchAll(SPECIFIER)) {
      const keyword = m[1];
      const spec = m[2] ?? m[3];
      const where = `${relative(root, file)}: '${spec}'`;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(pkg.dir + sep)) problems.push(`${where} reaches outside its package`);
        else if (!isTest && inTestEntry(target)) {
          problems.push(`${where} reaches the test helpers (src/test/) from production code`);
        } else if (isTestEntry && !inTestEntry(target)) {
          problems.push(`${where}: a test entry reaches its own package through its name ('${name}')`);
        }
        continue;
      }
      if (builtins.has(spec) || builtins.has(packageNameOf(spec))) continue;
      const dep = packageNameOf(spec);
      if (dep === name && spec === dep && isTestEntry) continue; // a test entry uses its own package
      const local = byName.get(dep);
      if (keyword === 'export' && local) {
        problems.push(`${where} re-exports another package's symbols: consumers import from the owner`);
      }
      if (!declared.has(dep) && !(isTest && devDeclared.has(dep))) {
        problems.push(
          `${where} imports '${dep}', which ${name}'s package.json does not declare${devDeclared.has(dep) ? ' (only as a devDependency or root tooling)' : ''}`,
        );
      }
      if (local) {
        if (spec === `${dep}/test`) {
          if (!isTest) {
            problems.push(
              `${where} imports test helpers from production code: '${spec}' is for tests and test entries only`,
            );
          }
        } else if (spec !== dep) problems.push(`${where} is a deep import: use '${dep}'`);
        const targetLayer = LAYERS[dep] ?? TOOL_LAYER;
        const toolImport = layer === TOOL_LAYER || (isTest && targetLayer === TOOL_LAYER);
        if (targetLayer >= layer && !toolImport) {
          problems.push(
            `${where} points up or sideways a layer (${name} is layer ${layer}, ${dep} is layer ${targetLayer})`,
          );
        }
      }
    }
  }
}

if (problems.length > 0) {
  console.error(`repo-check: ${problems.length} problem(s)`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(`repo-check: ${packages.length} packages, boundaries hold`);
