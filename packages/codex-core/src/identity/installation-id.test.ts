import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate, version } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getOrCreateInstallationId } from './installation-id.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'codex-core-instid-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('getOrCreateInstallationId', () => {
  it('creates a UUID v4, persists it (creating CODEX_HOME) and reuses it', async () => {
    const home = join(root, 'home');
    const id = await getOrCreateInstallationId(home);
    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(4);
    expect(await readFile(join(home, 'installation_id'), 'utf8')).toBe(id);
    expect(await getOrCreateInstallationId(home)).toBe(id);
    expect(await readdir(home)).toEqual(['installation_id']);
  });

  it('reuses any existing UUID, ignoring surrounding whitespace', async () => {
    const existing = '6F9619FF-8B86-1011-B42D-00C04FC964FF';
    await writeFile(join(root, 'installation_id'), `  ${existing}\n`);
    expect(await getOrCreateInstallationId(root)).toBe(existing.toLowerCase());
  });

  it('regenerates an id when the file is empty or not a UUID', async () => {
    await writeFile(join(root, 'installation_id'), 'not-a-uuid');
    const id = await getOrCreateInstallationId(root);
    expect(validate(id)).toBe(true);
    expect(await readFile(join(root, 'installation_id'), 'utf8')).toBe(id);

    await writeFile(join(root, 'installation_id'), '');
    const next = await getOrCreateInstallationId(root);
    expect(validate(next)).toBe(true);
    expect(next).not.toBe(id);
    expect(await readdir(root)).toEqual(['installation_id']);
  });

  it('fails naming the file when it is a directory, leaving it and no temporary file', async () => {
    const path = join(root, 'installation_id');
    await mkdir(path);
    await writeFile(join(path, 'x'), '');
    const error = await getOrCreateInstallationId(root).then(
      () => undefined,
      (e: unknown) => e as Error & { cause?: NodeJS.ErrnoException },
    );
    expect(error?.message).toBe(
      `could not read the installation id file ${path}: it is a directory (EISDIR)`,
    );
    expect(error?.cause?.code).toBe('EISDIR');
    expect(await readdir(root)).toEqual(['installation_id']);
    expect(await readdir(path)).toEqual(['x']);
  });

  it('names the path when CODEX_HOME is under a file, or the file cannot be written', async () => {
    const blocker = join(root, 'file');
    await writeFile(blocker, '');
    const home = join(blocker, 'home');
    await expect(getOrCreateInstallationId(home)).rejects.toThrow(
      `could not read the installation id file ${join(home, 'installation_id')}: a parent of it is not a directory (ENOTDIR)`,
    );
    if (process.getuid?.() !== 0) {
      // (root ignores directory permissions)
      const readOnly = join(root, 'ro');
      await mkdir(readOnly, { mode: 0o500 });
      await expect(getOrCreateInstallationId(readOnly)).rejects.toThrow(
        `could not write the installation id file ${join(readOnly, 'installation_id')}: permission denied (EACCES)`,
      );
    }
  });
});
