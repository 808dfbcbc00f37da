// The pure parts of the publish check: what a packed package must look like, the files of the
// empty consumer project it is installed into, and what its npm lockfile must show.
import { installName, parseQuickStart, upstreamLine } from './readme.mjs';

const DEP_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];

/** Packages that must exist once in an install (a second copy silently splits global state). */
export const SINGLE_COPY = ['@opentelemetry/api'];

/**
 * Problems of one packed package: `pkg.packed` (its package.json as packed) and `pkg.files`
 * (path → Buffer). `versions` maps our package names to their current versions.
 */
export function checkManifest(pkg, { versions, license, rootManifest }) {
  const { packed, files } = pkg;
  const problems = [];
  for (const field of DEP_FIELDS) {
    for (const [name, range] of Object.entries(packed[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${field}.${name} is still "${range}"`);
      else if (versions.has(name) && range !== `^${versions.get(name)}`) {
        problems.push(`${field}.${name} is "${range}", expected "^${versions.get(name)}" (workspace:^)`);
      }
    }
  }
  for (const name of SINGLE_COPY) {
    // A library must share the application's copy; only a package with a bin (an application) owns one.
    if (packed.dependencies?.[name] !== undefined && packed.bin === undefined) {
      problems.push(
        `${name} must be a peerDependency, not a dependency (a second copy splits its global registry)`,
      );
    }
    const peer = packed.peerDependencies?.[name];
    if (peer !== undefined && !/^\^1\.\d+\.\d+$/.test(peer)) {
      problems.push(`peerDependencies.${name} is "${peer}": accept every later 1.x ("^1.x.y")`);
    }
  }
  const entry = packed.exports?.['.'];
  if (typeof entry !== 'object' || Object.keys(entry)[0] !== 'types' || entry.default !== './dist/index.js') {
    problems.push(
      `exports["."] must be { types, default: "./dist/index.js" } (default serves import and require)`,
    );
  }
  if (packed.type !== 'module') problems.push('"type" must be "module"');
  if (packed.sideEffects !== false) problems.push('"sideEffects" must be false');
  if (packed.license !== 'Apache-2.0') problems.push('"license" must be "Apache-2.0"');
  if (packed.engines?.node !== rootManifest.engines.node) {
    problems.push(`engines.node must be "${rootManifest.engines.node}" like the root package.json`);
  }
  const required = ['README.md', 'CHANGELOG.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'];
  for (const bin of Object.values(packed.bin ?? {})) required.push(bin.replace(/^\.\//, ''));
  for (const file of required) if (!files.has(file)) problems.push(`the tarball lacks ${file}`);
  if (files.has('LICENSE') && !files.get('LICENSE').equals(license)) {
    problems.push('LICENSE differs from the repository LICENSE');
  }
  for (const file of files.keys()) {
    if (/(^|\/)(src|test|test-support|__fixtures__)\/|\.test\.[cm]?[jt]s$/.test(file)) {
      problems.push(`the tarball ships ${file} (tests and sources stay out: check "files")`);
    } else if (/^dist\/test\./.test(file)) {
      problems.push(
        `the tarball ships ${file}: the ./test entry is workspace-only ("!dist/test.*" in "files")`,
      );
    }
  }
  if (packed.exports?.['./test'] !== undefined) {
    problems.push('exports["./test"] is published: the test entry is workspace-only (publishConfig.exports)');
  }
  const changelog = files.get('CHANGELOG.md')?.toString('utf8') ?? '';
  if (!changelog.split('\n').some((line) => line.trim() === `## ${packed.version}`)) {
    problems.push(`CHANGELOG.md has no "## ${packed.version}" section`);
  }
  const readme = files.get('README.md')?.toString('utf8') ?? '';
  if (upstreamLine(readme) === undefined) {
    problems.push('README.md has no "**Upstream:** …" line naming where the behaviour comes from');
  }
  try {
    const { install } = parseQuickStart(readme);
    const names = install.map(installName);
    // Optional peers (peerDependenciesMeta.*.optional, e.g. the client's undici) are not needed to start.
    const peers = Object.keys(packed.peerDependencies ?? {}).filter(
      (name) => packed.peerDependenciesMeta?.[name]?.optional !== true,
    );
    for (const needed of [packed.name, ...peers]) {
      if (!names.includes(needed)) problems.push(`README quick start: the npm install line lacks ${needed}`);
    }
  } catch (error) {
    problems.push(`README.md: ${error.message}`);
  }
  return problems;
}

/**
 * The files of the consumer project for `pkg`: package.json (the tarball as its one @codex-ts
 * dependency, `extra` packages from the README install line, @types/node, and `overrides`
 * pointing our other packages at their tarballs), the import/require probes, the strict
 * consumer and its two tsconfigs, and the README quick start.
 */
export function consumerFiles(pkg, { tarballs, extra, typesNode, quick }) {
  const name = pkg.packed.name;
  const dependencies = { [name]: `file:${tarballs.get(name)}`, '@types/node': typesNode };
  for (const spec of extra) {
    const bare = installName(spec);
    dependencies[bare] = spec.length > bare.length ? spec.slice(bare.length + 1) : 'latest';
  }
  const overrides = {};
  for (const [other, file] of tarballs) if (other !== name) overrides[other] = `file:${file}`;
  const manifest = { name: 'pack-check-consumer', private: true, type: 'module', dependencies, overrides };
  const files = {
    'package.json': `${JSON.stringify(manifest, null, 2)}\n`,
    'import-check.mjs': `const ns = await import('${name}');\nconsole.log(JSON.stringify(Object.keys(ns).sort()));\n`,
    'require-check.cjs': `const ns = require('${name}');\nconsole.log(JSON.stringify(Object.keys(ns).sort()));\n`,
    'consumer.ts': [
      `import * as surface from '${name}';`,
      'export type Surface = typeof surface;',
      'export const exportNames: readonly string[] = Object.keys(surface);',
      '',
    ].join('\n'),
  };
  const include = ['consumer.ts'];
  if (quick?.js !== undefined) {
    files['quickstart.mjs'] = `${quick.js}\n`;
    include.push('quickstart.mjs');
  }
  const base = {
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    target: 'es2022',
    lib: ['es2023'],
    types: ['node'],
    allowJs: true,
    checkJs: true,
  };
  const tsconfig = (options) =>
    `${JSON.stringify({ compilerOptions: { ...base, ...options }, files: include }, null, 2)}\n`;
  files['tsconfig.node16.json'] = tsconfig({ module: 'node16', moduleResolution: 'node16' });
  files['tsconfig.bundler.json'] = tsconfig({ module: 'esnext', moduleResolution: 'bundler' });
  return files;
}

/**
 * Problems in the consumer's package-lock.json: each @codex-ts package must come from a local
 * tarball (`resolved: file:…`), never the registry, and it and every {@link SINGLE_COPY} package
 * must be installed exactly once.
 */
export function lockfileProblems(lock, tarballs) {
  const problems = [];
  const copies = new Map();
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(path);
    if (!match) continue;
    const name = match[1];
    if (tarballs.has(name) || SINGLE_COPY.includes(name))
      copies.set(name, [...(copies.get(name) ?? []), path]);
    if (tarballs.has(name) && !String(entry.resolved ?? '').startsWith('file:')) {
      problems.push(`${path} was installed from ${entry.resolved ?? 'nowhere'}, not from its local tarball`);
    }
  }
  for (const [name, paths] of copies) {
    if (paths.length > 1) problems.push(`${name} is installed ${paths.length} times: ${paths.join(', ')}`);
  }
  return problems;
}

/**
 * The environment for `npm install`: the caller's, without the `npm_*` variables a `pnpm run`
 * adds (pnpm settings npm would misread), but keeping npm's registry, cache and proxy settings.
 */
export function installEnv(env) {
  const keep =
    /^npm_config_(registry|cache|userconfig|globalconfig|proxy|https_proxy|http_proxy|noproxy|no_proxy|strict_ssl|cafile|ca)$/i;
  const out = {};
  for (const [name, value] of Object.entries(env)) {
    if (/^npm_/i.test(name) && !keep.test(name)) continue;
    out[name] = value;
  }
  out.npm_config_update_notifier = 'false';
  return out;
}
