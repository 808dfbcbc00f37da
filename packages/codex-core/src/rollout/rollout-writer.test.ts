// RolloutWriter.appendLater: a record whose payload is still being worked out (session_meta waiting
// for git) holds back the records after it, which are then written in order with their own
// timestamps; settled() resolves once everything is on disk.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RolloutRecorder } from './rollout-recorder.js';
import { RolloutWriter } from './rollout-writer.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-ts-rollout-writer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { timestamp: string; ordinal: number; type: string; payload: unknown });

/** A promise and its resolve function. */
function later<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: Error): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A clock giving 1 s later at each call, from 2026-12-03T00:00:00Z. */
function steppingClock(): () => Date {
  let t = Date.parse('2026-12-03T00:00:00.000Z');
  return () => {
    const now = new Date(t);
    t += 1000;
    return now;
  };
}

describe('RolloutWriter.appendLater', () => {
  it('holds back the records after it until its payload is known, then writes all in order', async () => {
    const path = join(dir, 'a', 'rollout.jsonl');
    const writer = new RolloutWriter(path, { clock: steppingClock() });
    const meta = later<unknown>();
    writer.appendLater('session_meta', meta.promise);
    writer.append('event_msg', { type: 'task_started' });
    writer.append('turn_context', { model: 'gpt-5.5' });
    expect(existsSync(path)).toBe(false);
    let settled = false;
    const done = writer.settled().then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    meta.resolve({ id: 'thread' });
    await done;
    writer.append('event_msg', { type: 'task_complete' });
    expect(lines(path)).toEqual([
      { timestamp: '2026-12-03T00:00:00.000Z', ordinal: 0, type: 'session_meta', payload: { id: 'thread' } },
      {
        timestamp: '2026-12-03T00:00:01.000Z',
        ordinal: 1,
        type: 'event_msg',
        payload: { type: 'task_started' },
      },
      {
        timestamp: '2026-12-03T00:00:02.000Z',
        ordinal: 2,
        type: 'turn_context',
        payload: { model: 'gpt-5.5' },
      },
      {
        timestamp: '2026-12-03T00:00:03.000Z',
        ordinal: 3,
        type: 'event_msg',
        payload: { type: 'task_complete' },
      },
    ]);
  });

  it('a rejected payload is a failed write: nothing more is written, settled() still resolves', async () => {
    const path = join(dir, 'rollout.jsonl');
    const writer = new RolloutWriter(path);
    const meta = later<unknown>();
    writer.appendLater('session_meta', meta.promise);
    writer.append('event_msg', { type: 'task_started' });
    meta.reject(new Error('no payload'));
    await writer.settled();
    writer.append('event_msg', { type: 'task_complete' });
    expect(writer.failure?.message).toBe('no payload');
    expect(existsSync(path)).toBe(false);
  });

  it("the recorder writes a pending git state as session_meta's git, first in the file", async () => {
    const path = join(dir, 'rollout.jsonl');
    const git = later<{ commit_hash: string } | undefined>();
    const recorder = new RolloutRecorder({
      writer: new RolloutWriter(path),
      meta: {
        threadId: 'thread',
        startedAt: new Date('2026-12-03T17:53:08.128Z'),
        cwd: '/work/project',
        originator: 'codex_exec',
        cliVersion: '0.1.0',
        modelProvider: 'local',
        baseInstructions: 'Base.',
        git: git.promise,
        contextWindowId: 'window',
      },
      settings: () => ({
        cwd: '/work/project',
        model: 'gpt-5.5',
        approvalPolicy: 'never',
        sandboxMode: 'read-only',
      }),
    });
    recorder.turnStarted({ turnId: 't1', history: [], contextItems: [], userItems: [] });
    expect(existsSync(path)).toBe(false);
    git.resolve({ commit_hash: 'abc' });
    await recorder.writer.settled();
    const [first, ...rest] = lines(path);
    expect(first?.type).toBe('session_meta');
    const payload = first?.payload as Record<string, unknown>;
    expect(Object.keys(payload).slice(-2)).toEqual(['git', 'context_window']);
    expect(payload.git).toEqual({ commit_hash: 'abc' });
    expect(rest.map((l) => l.type)).toEqual(['event_msg', 'turn_context', 'event_msg']);
    expect(rest.map((l) => l.ordinal)).toEqual([1, 2, 3]);
  });
});
