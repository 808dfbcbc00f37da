import { hasErrorMarker, markErrorClass } from '@codex-ts/protocol';

const MARKER = Symbol.for('@codex-ts/core.ThreadError');

/**
 * What went wrong in the thread API ({@link ThreadError.code}); stable strings.
 *
 * | code | when |
 * |---|---|
 * | `turn_failed` | the turn ended with `turn.failed` (retries exhausted, a fatal API error): `message` is its text, `cause` the `ApiError` |
 * | `aborted` | the run's `AbortSignal` fired (before or during the turn), or the thread was closed while running; `cause` is the signal's reason |
 * | `turn_in_progress` | `run` / `runStreamed` was called while a turn of the same thread was still running |
 * | `not_git_repo` | the working directory is not inside a git repository and `skipGitRepoCheck` was not set |
 * | `invalid_input` | the input is empty, or a `local_image` could not be read (`cause`: the fs error) |
 * | `resume_failed` | `resumeThread(id)` opened a conversation with another thread id (nothing recorded under `id`) |
 * | `closed` | the thread (or its `Codex`) was closed before the run |
 */
export type ThreadErrorCode =
  | 'turn_failed'
  | 'aborted'
  | 'turn_in_progress'
  | 'not_git_repo'
  | 'invalid_input'
  | 'resume_failed'
  | 'closed';

/**
 * An error of the in-process thread API (`Thread.run`, the `runStreamed` event generator). Errors
 * of opening the session pass through unchanged (`ConfigError`, `LoginError`, `AuthFileError`,
 * `CaCertificateError`). Messages never contain secrets: turn failures carry the user-visible
 * text that `codex exec --json` prints in `turn.failed`, already redacted.
 */
export class ThreadError extends Error {
  /** Which failure; see {@link ThreadErrorCode}. */
  readonly code: ThreadErrorCode;

  constructor(code: ThreadErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ThreadError';
    this.code = code;
  }

  static {
    markErrorClass(ThreadError, MARKER);
  }

  /** True when `value` is a ThreadError from any copy of this package. */
  static isInstance(value: unknown): value is ThreadError {
    return hasErrorMarker(value, MARKER);
  }
}

/** The message 0.169.0 prints (exit 1) when `exec` runs outside a git repository without `--skip-git-repo-check`. */
export const NOT_GIT_REPO_MESSAGE =
  'Not inside a trusted directory and --skip-git-repo-check was not specified.';
