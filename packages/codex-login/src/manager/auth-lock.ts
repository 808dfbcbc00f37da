import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '@codex-ts/api';
import lockfile from 'proper-lockfile';

/**
 * Holds the cross-process refresh lock of `$CODEX_HOME/auth.json` while `fn` runs, with
 * `proper-lockfile` (an atomic `mkdir` of `$CODEX_HOME/auth.json.lock`, refreshed every few
 * seconds and taken over when stale for 10 s, so a crashed holder cannot block others for
 * long). The original leaves two empty files (`auth.json.lock`, `auth.lock`); ours is a
 * directory that exists only while held.
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
  for (;;) {
    try {
      release = await lockfile.lock(target, {
        realpath: false,
        lockfilePath: `${target}.lock`,
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
