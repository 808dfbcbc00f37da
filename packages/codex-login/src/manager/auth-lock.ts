import { join } from 'node:path';
import { ApiError } from '@codex-ts/api';
import { mkdir, rm } from '../internal/fs-async.js';

/** The lock directory beside auth.json (see {@link withAuthLock}). */
export const AUTH_LOCK_DIR_NAME = 'auth.json.codex-ts-lock';

/**
 * Holds the cross-process refresh lock of `$CODEX_HOME/auth.json` while `fn` runs, with
 * `proper-lockfile` (an atomic `mkdir` of `$CODEX_HOME/auth.json.codex-ts-lock`, refreshed every
 * few seconds and taken over when stale for 10 s, so a crashed holder cannot block others for
 * long); the directory exists only while held. It is not named `auth.json.lock`: the original CLI
 * leaves two empty files there (`auth.json.lock`, `auth.lock`, its advisory-lock files), and a
 * lock directory of that name could never be created in a CODEX_HOME the original has used.
 * The original's files are never touched.
 *
 * @param timeoutMs how long to wait for another holder, ms.
 * @throws {ApiError} `auth_transient` "Failed to refresh token: timed out waiting for the auth.json lock"
 *   (another holder kept it past `timeoutMs`) or "… could not lock <path>: <errno code>".
 */
export async function withAuthLock<T>(
  codexHome: string,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const target = join(codexHome, 'auth.json');
  await mkdir(codexHome, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
    throw lockError(
      `could not lock ${target}: ${String((error as { code?: unknown }).code ?? 'error')}`,
      error,
    );
  });
  const deadline = Date.now() + timeoutMs;
  let release: (() => Promise<void>) | undefined;
  // Loaded on first use: proper-lockfile (and signal-exit's `assert`) cost start-up time otherwise.
  const { default: lockfile } = await import('proper-lockfile');
  for (;;) {
    try {
      release = await lockfile.lock(target, {
        realpath: false,
        lockfilePath: join(codexHome, AUTH_LOCK_DIR_NAME),
        stale: 10_000,
        update: 2_000,
        retries: 0,
      });
      break;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== 'ELOCKED') {
        throw lockError(`could not lock ${target}: ${String(code ?? 'error')}`, error);
      }
      if (Date.now() >= deadline) {
        throw lockError('timed out waiting for the auth.json lock', error);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}

/**
 * Deletes `$CODEX_HOME/auth.json` under {@link withAuthLock} (10 s wait), so a token refresh in
 * flight (this process's or another's) cannot write the file back after the sign-out; without the
 * lock when it cannot be taken. A missing file is not an error.
 *
 * @throws an errno error when the file cannot be deleted.
 */
export async function removeAuthFile(codexHome: string): Promise<void> {
  const remove = () => rm(join(codexHome, 'auth.json'), { force: true });
  try {
    await withAuthLock(codexHome, 10_000, remove);
  } catch {
    await remove();
  }
}

function lockError(detail: string, cause: unknown): ApiError {
  return new ApiError('auth_transient', `Failed to refresh token: ${detail}`, { cause });
}

/** Waits for `work`, or rejects with `ApiError` `aborted` as soon as `signal` fires (`work` goes on). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new ApiError('aborted', 'aborted'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ApiError('aborted', 'aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
