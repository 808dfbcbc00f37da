import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type TempHome, tempHome } from '../test-support/chatgpt.js';
import { withAuthLock } from './auth-lock.js';

let home: TempHome;
afterEach(async () => {
  await home?.remove();
});

describe('withAuthLock', () => {
  it('serializes holders and removes auth.json.lock when released', async () => {
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
    await expect(mkdir(join(home.dir, 'auth.json.lock'))).resolves.toBeUndefined();
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
