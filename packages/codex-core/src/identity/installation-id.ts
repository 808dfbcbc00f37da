import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate as isUuid, v4 as uuidv4 } from 'uuid';
import { mkdir } from '../internal/fs-async.js';

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
 * @throws {Error} when `$CODEX_HOME` or the file cannot be read or written (other than a
 *   missing file), naming the path and the reason, e.g. "could not read the installation id
 *   file /home/u/.codex/installation_id: it is a directory (EISDIR)"; the fs error is its
 *   `cause`. A directory in the way is left alone.
 */
export async function getOrCreateInstallationId(codexHome: string): Promise<string> {
  const path = join(codexHome, INSTALLATION_ID_FILE_NAME);
  try {
    // Read synchronously: a 36-byte file, read before every first request; the thread-pool round
    // trips of an async read cost 5-10 ms of wall time there on a loaded machine.
    const existing = readFileSync(path, 'utf8').trim();
    if (isUuid(existing)) return existing.toLowerCase();
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw fsError('read the installation id file', path, error);
  }
  const id = uuidv4();
  try {
    await mkdir(codexHome, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw fsError('create the Codex home directory', codexHome, error);
  }
  try {
    // Loaded only when the id is first written (it pulls in signal-exit at module load).
    const { default: writeFileAtomic } = await import('write-file-atomic');
    await writeFileAtomic(path, id, { mode: 0o644, fsync: true });
  } catch (error) {
    throw fsError('write the installation id file', path, error);
  }
  return id;
}

function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

const REASONS: Record<string, string> = {
  EISDIR: 'it is a directory',
  ENOTDIR: 'a parent of it is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EEXIST: 'a file is in the way',
};

/** "could not <action> <path>: <reason> (<CODE>)", with the fs error as `cause`. */
function fsError(action: string, path: string, error: unknown): Error {
  const code = errnoCode(error);
  const reason =
    code === undefined
      ? error instanceof Error
        ? error.message
        : String(error)
      : `${REASONS[code] ?? 'failed'} (${code})`;
  return new Error(`could not ${action} ${path}: ${reason}`, { cause: error });
}
