import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanUpAfterEach, type TempHome, tempHome } from '../test-support/chatgpt.js';
import { AUTH_LOCK_DIR_NAME, withAuthLock } from './auth-lock.js';

let home: TempHome;
cleanUpAfterEach();

describe('withAuthLock', () => {
  it('serializes holders and removes its lock directory when released', async () => {
    home = await tempHome();
    const order: string[] = [];
    const hold = (name: string) =>
      withAuthLock(home.dir, 5_000, async () => {
        order.push(`${name}+`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        order.push(`${name}-`);
      });
    await Promise.all([hold('a'), hold('b')]);
    expect([order.slice(0, 2), order.slice(2)]).toEqual(
      order[0] === 'a+'
        ? [
            ['a+', 'a-'],
            ['b+', 'b-'],
          ]
        : [
            ['b+', 'b-'],
            ['a+', 'a-'],
          ],
    );
    await expect(mkdir(join(home.dir, AUTH_LOCK_DIR_NAME))).resolves.toBeUndefined();
  });

  it('works beside the empty auth.json.lock / auth.lock files the original CLI leaves, untouched', async () => {
    home = await tempHome();
    await writeFile(join(home.dir, 'auth.json.lock'), '', { mode: 0o600 });
    await writeFile(join(home.dir, 'auth.lock'), '', { mode: 0o644 });
    await expect(withAuthLock(home.dir, 1_000, async () => 'locked')).resolves.toBe('locked');
    for (const name of ['auth.json.lock', 'auth.lock']) {
      const info = await stat(join(home.dir, name));
      expect([info.isFile(), info.size]).toEqual([true, 0]);
    }
    expect((await readdir(home.dir)).sort()).toEqual(['auth.json.lock', 'auth.lock']);
  });

  it('gives up after timeoutMs while another holder keeps it (transient error)', async () => {
    home = await tempHome();
    let release: () => void = () => undefined;
    const held = withAuthLock(home.dir, 5_000, () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(withAuthLock(home.dir, 100, async () => 'never')).rejects.toMatchObject({
      code: 'auth_transient',
      message: 'Failed to refresh token: timed out waiting for the auth.json lock',
    });
    release();
    await held;
  });
});

describe('withAuthLock on an unusable CODEX_HOME', () => {
  it('names the lock path and the errno code instead of waiting', async () => {
    home = await tempHome();
    await home.write('{}');
    const notADir = join(home.dir, 'auth.json'); // a file used as CODEX_HOME
    await expect(withAuthLock(notADir, 5_000, async () => 'never')).rejects.toMatchObject({
      code: 'auth_transient',
      message: expect.stringMatching(/^Failed to refresh token: could not lock .*auth\.json: E[A-Z]+$/),
    });
  });
});
