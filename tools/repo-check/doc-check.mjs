#!/usr/bin/env node
// Fails when a public export of a workspace package (anything `packages/*/src/index.ts` exports)
// has no doc comment. AGENTS.md: every public export documents its shapes, units, errors and the
// wire behaviour it implements; this check makes sure the comment is at least there. The shared
// test helpers of a `./test` entry (`packages/*/src/test/index.ts`) are held to the same rule.
// Usage: node tools/repo-check/doc-check.mjs [repoRoot]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
const base = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions;
const entries = readdirSync(join(root, 'packages'))
  .flatMap((dir) => [
    join(root, 'packages', dir, 'src', 'index.ts'),
    join(root, 'packages', dir, 'src', 'test', 'index.ts'),
  ])
  .filter((file) => existsSync(file));

const program = ts.createProgram(entries, {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  baseUrl: root,
  paths: base.paths ?? {},
  noEmit: true,
  skipLibCheck: true,
});
const checker = program.getTypeChecker();

let total = 0;
const missing = [];
for (const entry of entries) {
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry));
  if (!moduleSymbol) continue;
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    total++;
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (target.getDocumentationComment(checker).length === 0) {
      missing.push(`${entry.slice(root.length + 1)}: ${symbol.name}`);
    }
  }
}
if (missing.length > 0) {
  console.error(`doc-check: ${missing.length} public export(s) without a doc comment`);
  for (const m of missing) console.error(`  - ${m}`);
  process.exit(1);
}
console.log(`doc-check: ${total} public exports in ${entries.length} entry points, all documented`);
