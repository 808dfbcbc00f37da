import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The Codex home directory: `$CODEX_HOME` when it is set and non-blank (resolved to an
 * absolute path against the process cwd), otherwise `~/.codex`, where `~` is `HOME`
 * (or `USERPROFILE`) from `env`, falling back to the OS home directory.
 *
 * Holds `config.toml`, `auth.json` and `installation_id`. The directory is not created and
 * need not exist. Never throws.
 *
 * @param env environment to read; defaults to `process.env`.
 */
export function resolveCodexHome(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.CODEX_HOME;
  if (explicit !== undefined && explicit.trim() !== '') return resolve(explicit);
  const home = nonBlank(env.HOME) ?? nonBlank(env.USERPROFILE) ?? homedir();
  return join(home, '.codex');
}

function nonBlank(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
