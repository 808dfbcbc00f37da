// Shared by the command-token tests: a temp directory holding `mint.sh`, a script printing
// successive tokens (`cmd-token-canary-<n>`, n from a counter file beside it), and helpers to
// read how often it ran.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The token the script prints on its `n`-th run. */
export function tokenNumber(n: number): string {
  return `cmd-token-canary-${n}`;
}

/** A temp directory with the script; `body` replaces its printing part (default: count + print). */
export interface TokenScriptDir {
  dir: string;
  /** Absolute path of `mint.sh`. */
  script: string;
  /** How many times the script ran (its counter file). */
  runs(): Promise<number>;
  remove(): Promise<void>;
}

const COUNTING = [
  'n=$(cat "$(dirname "$0")/count" 2>/dev/null || echo 0)',
  'n=$((n+1))',
  'echo "$n" > "$(dirname "$0")/count"',
].join('\n');

/**
 * Writes `mint.sh` (run with `/bin/sh`): it counts its runs, then runs `tail` (default: print
 * `cmd-token-canary-<n>`).
 */
export async function tokenScript(tail = 'echo "cmd-token-canary-$n"'): Promise<TokenScriptDir> {
  const dir = await mkdtemp(join(tmpdir(), 'codex-ts-cmdtok-'));
  const script = join(dir, 'mint.sh');
  await writeFile(script, `#!/bin/sh\n${COUNTING}\n${tail}\n`);
  await chmod(script, 0o755);
  return {
    dir,
    script,
    runs: async () => {
      try {
        return Number((await readFile(join(dir, 'count'), 'utf8')).trim());
      } catch {
        return 0;
      }
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
