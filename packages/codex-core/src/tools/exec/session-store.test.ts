import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExecProcess } from './exec-process.js';
import { ExecSessionStore } from './session-store.js';

const stores: ExecSessionStore[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.closeAll();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function sleeper(): ExecProcess {
  const cwd = mkdtempSync(join(tmpdir(), 'codex-exec-store-'));
  dirs.push(cwd);
  return new ExecProcess({ argv: ['/bin/sh', '-c', 'sleep 30'], cwd, env: process.env, openStdin: false });
}

describe('ExecSessionStore', () => {
  it('hands out ids in [1000, 100000) and, when full, kills and drops the least recently used process', async () => {
    const store = new ExecSessionStore({ maxLive: 2 });
    stores.push(store);
    const a = store.add(sleeper(), 'call_a', 'sleep a', true);
    await new Promise((r) => setTimeout(r, 5));
    const b = store.add(sleeper(), 'call_b', 'sleep b', true);
    await new Promise((r) => setTimeout(r, 5));
    for (const s of [a, b]) {
      expect(s.id).toBeGreaterThanOrEqual(1000);
      expect(s.id).toBeLessThan(100_000);
    }
    store.get(a.id); // a is now the most recently used
    const c = store.add(sleeper(), 'call_c', 'sleep c', true);
    expect(store.size).toBe(2);
    expect(store.get(b.id)).toBeUndefined();
    expect(store.get(a.id)).toBe(a);
    expect(store.get(c.id)).toBe(c);
    await b.process.finished;
    expect(b.process.exitCode).toBe(128 + 9); // SIGKILL
    expect(a.process.exitCode).toBeUndefined();

    store.closeAll();
    await Promise.all([a.process.finished, c.process.finished]);
    expect(store.size).toBe(0);
  });

  it('prefers dropping a process that already exited', async () => {
    const store = new ExecSessionStore({ maxLive: 2 });
    stores.push(store);
    const live = store.add(sleeper(), 'call_a', 'sleep', true);
    const cwd = mkdtempSync(join(tmpdir(), 'codex-exec-store-'));
    dirs.push(cwd);
    const done = new ExecProcess({
      argv: ['/bin/sh', '-c', 'exit 0'],
      cwd,
      env: process.env,
      openStdin: false,
    });
    await done.finished;
    const exited = store.add(done, 'call_b', 'exit', true);
    store.get(exited.id);
    store.add(sleeper(), 'call_c', 'sleep', true);
    expect(store.get(exited.id)).toBeUndefined();
    expect(store.get(live.id)).toBe(live);
  });
});
