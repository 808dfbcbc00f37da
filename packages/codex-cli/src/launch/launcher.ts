/**
 * The `codex-ts` launcher (`dist/bin.cjs`, and `dist/bin.js` as an ES module): answers `--version` and `--help` from what the build
 * wrote down, without loading anything; otherwise loads the bundled CLI (`dist/cli.cjs`) with its
 * code cache (see `code-cache.ts`) and runs it. Imports node built-ins only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBundle } from './code-cache.js';

/** The version of package.json, set by the build (tsup `define`). */
declare const __CODEX_TS_CLI_VERSION__: string;

/** `dist/help.json`, written by the build from the bundle's `helpFacts()`. */
interface HelpFacts {
  width: number;
  text: string;
  redactedEnv: string[];
}

/** The secrets `main` would redact from its output are at least this long (`MIN_SECRET_LENGTH`). */
const MIN_SECRET_LENGTH = 8;

function readHelp(distDir: string): HelpFacts | undefined {
  try {
    return JSON.parse(readFileSync(join(distDir, 'help.json'), 'utf8')) as HelpFacts;
  } catch {
    return undefined;
  }
}

/**
 * The help text commander would print for `codex-ts --help`, when the one written at build time
 * is it: stdout is not a terminal (commander then wraps at 80 columns) or one of that width, and
 * no credential in the environment would be redacted from it.
 */
function prebuiltHelp(distDir: string, env: NodeJS.ProcessEnv): string | undefined {
  const help = readHelp(distDir);
  if (help === undefined) return undefined;
  const width = process.stdout.isTTY ? process.stdout.columns : help.width;
  if (width !== help.width) return undefined;
  for (const name of help.redactedEnv) {
    const value = env[name]?.trim();
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH && help.text.includes(value))
      return undefined;
  }
  return help.text;
}

/** Runs `codex-ts` with `argv` (without node and the script); `distDir` holds the bundle. */
export function launch(argv: string[], distDir: string): void {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${__CODEX_TS_CLI_VERSION__}\n`);
    return;
  }
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    const text = prebuiltHelp(distDir, process.env);
    if (text !== undefined) {
      process.stdout.write(text);
      return;
    }
  }
  const loaded = loadBundle(join(distDir, 'cli.cjs'));
  if (loaded.cache === 'missing') process.once('exit', () => loaded.saveCache());
  // A rejection stays unhandled: Node prints it and exits 1, as for any failing script.
  void loaded.bundle.run(argv);
}
