import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validate as isUuid, v4 as uuidv4 } from 'uuid';
import writeFileAtomic from 'write-file-atomic';

/** File name of the installation id inside `$CODEX_HOME`. */
export const INSTALLATION_ID_FILE_NAME = 'installation_id';

/**
 * The installation id sent as `x-codex-installation-id` and in turn metadata
 * (core-behaviour.md §16.3): a UUID persisted in `$CODEX_HOME/installation_id`.
 *
 * An existing file whose trimmed content parses as a UUID (any version) is reused, lower-cased.
 * A missing, empty or non-UUID file is replaced by a fresh UUID v4, written atomically
 * (temporary file in the same directory, then rename; mode 0644; `codexHome` created if
 * needed), so a concurrent reader never sees a partial id.
 *
 * @returns the id, e.g. `"3f1c…-…"` (36 characters, lower case).
 * @throws the fs error when `$CODEX_HOME` or the file cannot be read or written (other than
 *   a missing file).
 */
export async function getOrCreateInstallationId(codexHome: string): Promise<string> {
  const path = join(codexHome, INSTALLATION_ID_FILE_NAME);
  try {
    const existing = (await readFile(path, 'utf8')).trim();
    if (isUuid(existing)) return existing.toLowerCase();
  } catch (error) {
    if ((error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT') throw error;
  }
  const id = uuidv4();
  await mkdir(codexHome, { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, id, { mode: 0o644, fsync: true });
  return id;
}
