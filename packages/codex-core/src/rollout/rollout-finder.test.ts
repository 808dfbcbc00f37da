// Finding rollout files as `codex exec resume` does: by id, by name (session_index.jsonl), and the
// most recently updated one for a working directory (`--last`, `--all`).
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLatestRollout, findRolloutById, findThreadIdByName, isThreadId } from './rollout-finder.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'codex-ts-finder-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const A = '01a23d1b-bf67-79f3-8a85-84240121b464';
const B = '01a23d1b-c806-7b12-8d77-aa77244fbab3';
const C = '01a23d1c-0000-7000-8000-000000000000';

function rollout(
  day: string,
  time: string,
  id: string,
  cwd: string | undefined,
  mtimeSeconds: number,
): string {
  const path = join(home, 'sessions', ...day.split('-'), `rollout-${day}T${time}-${id}.jsonl`);
  mkdirSync(dirname(path), { recursive: true });
  const first =
    cwd === undefined
      ? '{"timestamp":"t","type":"event_msg","payload":{"type":"task_started"}}'
      : JSON.stringify({
          timestamp: 't',
          ordinal: 0,
          type: 'session_meta',
          payload: { id, timestamp: 't', cwd, originator: 'codex_exec', cli_version: '0.169.0' },
        });
  writeFileSync(path, `${first}\n`);
  utimesSync(path, mtimeSeconds, mtimeSeconds);
  return path;
}

describe('rollout finder', () => {
  it('--last picks the thread updated last for the cwd; --all ignores the cwd', async () => {
    const a = rollout('2026-12-02', '10-00-00', A, '/work/project', 3_000);
    const b = rollout('2026-12-03', '09-00-00', B, '/work/project', 2_000);
    const c = rollout('2026-12-03', '11-00-00', C, '/elsewhere', 4_000);
    rollout('2026-12-03', '12-00-00', '01a23d1d-0000-7000-8000-000000000000', undefined, 5_000);
    // A was created first but written last (it was resumed): it wins over B.
    expect(await findLatestRollout(home, { cwd: '/work/project' })).toBe(a);
    expect(await findLatestRollout(home, { cwd: '/work/project/' })).toBe(a);
    expect(await findLatestRollout(home, {})).toBe(c);
    utimesSync(b, 6_000, 6_000);
    expect(await findLatestRollout(home, { cwd: '/work/project' })).toBe(b);
    expect(await findLatestRollout(home, { cwd: '/nowhere' })).toBeUndefined();
    expect(await findLatestRollout(join(home, 'missing'))).toBeUndefined();
  });

  it('finds a thread by id (any case) and by name', async () => {
    const b = rollout('2026-12-03', '09-00-00', B, '/work/project', 2_000);
    expect(await findRolloutById(home, B.toUpperCase())).toBe(b);
    expect(await findRolloutById(home, A)).toBeUndefined();
    expect(isThreadId(B)).toBe(true);
    expect(isThreadId('my-thread')).toBe(false);
    writeFileSync(
      join(home, 'session_index.jsonl'),
      [
        JSON.stringify({ id: A, thread_name: 'fix tests', updated_at: '2026-12-02T10:00:00Z' }),
        'not json',
        JSON.stringify({ id: B, thread_name: 'fix tests', updated_at: '2026-12-03T10:00:00Z' }),
        '',
      ].join('\n'),
    );
    expect(await findThreadIdByName(home, 'fix tests')).toBe(B);
    expect(await findThreadIdByName(home, 'other')).toBeUndefined();
  });
});
