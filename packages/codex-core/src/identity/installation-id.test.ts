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

  it('fails without leaving a temporary file when the id cannot be stored', async () => {
    await mkdir(join(root, 'installation_id'));
    await writeFile(join(root, 'installation_id', 'x'), '');
    await expect(getOrCreateInstallationId(root)).rejects.toThrow();
    expect(await readdir(root)).toEqual(['installation_id']);
  });
});
