import { join, resolve } from 'node:path';
import { parseRolloutLine } from '@codex-ts/protocol';
import { open, readdir, readFile, stat } from '../internal/fs-async.js';
import { SESSIONS_DIR } from './rollout-writer.js';

/** At most this many rollout files are looked at by {@link findLatestRollout} (newest first). */
export const MAX_SCANNED_ROLLOUTS = 10_000;

const FILE_PATTERN = /^rollout-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})-([0-9a-fA-F-]{36})\.jsonl$/;
const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** True for a UUID (`8-4-4-4-12` hex digits): `exec resume` takes it as a thread id, else as a thread name. */
export function isThreadId(value: string): boolean {
  return UUID_PATTERN.test(value);
}

async function listDir(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch {
    return [];
  }
}

/** Rollout files under `sessions/YYYY/MM/DD/`, newest first (by the file name's timestamp, then id). */
async function* rolloutFilesNewestFirst(codexHome: string): AsyncGenerator<{ path: string; id: string }> {
  const root = join(codexHome, SESSIONS_DIR);
  const desc = (names: string[], width: number) =>
    names.filter((n) => n.length === width && /^\d+$/.test(n)).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  for (const year of desc(await listDir(root), 4)) {
    for (const month of desc(await listDir(join(root, year)), 2)) {
      for (const day of desc(await listDir(join(root, year, month)), 2)) {
        const dir = join(root, year, month, day);
        const files = (await listDir(dir))
          .map((name) => ({ name, match: FILE_PATTERN.exec(name) }))
          .filter((f): f is { name: string; match: RegExpExecArray } => f.match !== null)
          .sort((a, b) => {
            const ka = `${a.match[1]} ${a.match[2]?.toLowerCase()}`;
            const kb = `${b.match[1]} ${b.match[2]?.toLowerCase()}`;
            return ka < kb ? 1 : ka > kb ? -1 : 0;
          });
        for (const f of files) yield { path: join(dir, f.name), id: (f.match[2] as string).toLowerCase() };
      }
    }
  }
}

/**
 * The rollout file of thread `threadId` under `$CODEX_HOME/sessions` (its name ends in
 * `-<threadId>.jsonl`, compared ignoring case), or `undefined`.
 */
export async function findRolloutById(codexHome: string, threadId: string): Promise<string | undefined> {
  const wanted = threadId.toLowerCase();
  for await (const file of rolloutFilesNewestFirst(codexHome)) if (file.id === wanted) return file.path;
  return undefined;
}

/** The first line of a file (up to 1 MiB; 0.169.0's `session_meta` line is ≈22 kB). */
async function firstLine(path: string): Promise<string | undefined> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const buffer = Buffer.alloc(1 << 20);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const newline = text.indexOf('\n');
    return newline < 0 ? text : text.slice(0, newline);
  } finally {
    await handle.close();
  }
}

/**
 * The most recently updated recorded thread, for `codex exec resume --last` (0.169.0 picks the
 * thread updated last, not the one created last): rollout files (at most
 * {@link MAX_SCANNED_ROLLOUTS}, newest names first) ordered by modification time, newest first
 * (ties: newer name first); the first whose first line is a readable `session_meta` and, unless
 * `cwd` is undefined (`--all`), whose `session_meta.cwd` is `cwd` (0.169.0 filters by the working
 * directory) and, when `modelProvider` is given, whose `session_meta.model_provider` is it (or
 * unset; 0.169.0 lists only the current provider's threads). `undefined` when there is none.
 */
export async function findLatestRollout(
  codexHome: string,
  options: { cwd?: string | undefined; modelProvider?: string | undefined } = {},
): Promise<string | undefined> {
  const cwd = options.cwd === undefined ? undefined : resolve(options.cwd);
  const files: { path: string; order: number; mtimeMs: number }[] = [];
  for await (const file of rolloutFilesNewestFirst(codexHome)) {
    if (files.length >= MAX_SCANNED_ROLLOUTS) break;
    const info = await stat(file.path).catch(() => undefined);
    if (info) files.push({ path: file.path, order: files.length, mtimeMs: info.mtimeMs });
  }
  files.sort((a, b) => b.mtimeMs - a.mtimeMs || a.order - b.order);
  for (const file of files) {
    const line = await firstLine(file.path);
    if (line === undefined) continue;
    const parsed = parseRolloutLine(line);
    if (!parsed.ok || parsed.record.type !== 'session_meta') continue;
    const meta = parsed.record.meta;
    if (
      options.modelProvider !== undefined &&
      meta.model_provider &&
      meta.model_provider !== options.modelProvider
    )
      continue;
    if (cwd === undefined || resolve(meta.cwd) === cwd) return file.path;
  }
  return undefined;
}

/**
 * The thread id a thread name stands for in `$CODEX_HOME/session_index.jsonl` (lines
 * `{"id","thread_name","updated_at"}`; the last line naming it wins), or `undefined` (no file,
 * no such name; malformed lines are skipped).
 */
export async function findThreadIdByName(codexHome: string, name: string): Promise<string | undefined> {
  const text = await readFile(join(codexHome, 'session_index.jsonl'), 'utf8').catch(() => '');
  let found: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as { id?: unknown; thread_name?: unknown };
      if (entry.thread_name === name && typeof entry.id === 'string') found = entry.id;
    } catch {
      // a malformed line names nothing
    }
  }
  return found;
}
