import { readCaCertificateFromEnv } from '@codex-ts/api';
import { HttpTransport, SecretRedactor } from '@codex-ts/client';
import { Thread, type ThreadHost } from './thread.js';
import { ThreadError } from './thread-error.js';
import { type CodexOptions, openOptionsFor, type ThreadOptions } from './thread-options.js';

/**
 * The in-process thread API: the recommended entry point for running Codex turns from a
 * TypeScript program, with the shape of `@openai/codex-sdk` (`new Codex(options)`,
 * `startThread`, `resumeThread`, `thread.run` / `thread.runStreamed`) but no binary to spawn:
 * each thread is an `openExecConversation` session in this process (config.toml of
 * `$CODEX_HOME`, credentials, the default exec tools, WebSocket when the provider supports it),
 * and its events are exactly the `codex exec --json` thread events. One `Codex` serves many
 * threads at once; they share one HTTP transport (keep-alive pool, CA from
 * `CODEX_CA_CERTIFICATE` / `SSL_CERT_FILE` of `env`) and one `SecretRedactor`, and each has its
 * own thread id, history, model client and telemetry.
 *
 * Call {@link Codex.close} when done: it closes every thread and the shared transport.
 */
export class Codex {
  readonly #options: CodexOptions;
  readonly #redactor: SecretRedactor;
  readonly #threads = new Set<Thread>();
  #transport: HttpTransport | undefined;
  #closed = false;

  constructor(options: CodexOptions = {}) {
    this.#options = options;
    this.#redactor = options.redactor ?? new SecretRedactor();
    if (options.apiKey) this.#redactor.addCredential(options.apiKey);
  }

  /**
   * A new thread (no request is sent yet: the session opens on the first run, and `thread.id`
   * is `null` until then).
   *
   * @throws ThreadError `closed` after {@link Codex.close}.
   */
  startThread(options: ThreadOptions = {}): Thread {
    return this.#thread(options, undefined);
  }

  /**
   * A thread continuing the recorded thread `id` (its rollout file under `$CODEX_HOME/sessions`):
   * `thread.id` is `id` at once; the first run opens the session with `resume: {threadId: id}`
   * (same thread id on the wire, the recorded history sent first) and fails with `ThreadError`
   * `resume_failed` when the session did not continue `id`.
   *
   * @throws ThreadError `closed` after {@link Codex.close}.
   */
  resumeThread(id: string, options: ThreadOptions = {}): Thread {
    return this.#thread(options, id);
  }

  /** Closes every thread (a running turn ends as aborted) and the shared HTTP transport. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#threads].map((thread) => thread.close()));
    await this.#transport?.close();
    this.#transport = undefined;
  }

  #thread(options: ThreadOptions, resumeId: string | undefined): Thread {
    if (this.#closed) throw new ThreadError('closed', 'Codex closed');
    const host: ThreadHost = {
      open: (resume) =>
        openOptionsFor(this.#options, options, {
          transport: this.#sharedTransport(),
          redactor: this.#redactor,
          resume,
        }),
      forget: (thread) => this.#threads.delete(thread),
    };
    const thread = new Thread(host, {
      workingDirectory: options.workingDirectory ?? process.cwd(),
      skipGitRepoCheck: options.skipGitRepoCheck === true,
      resumeId,
    });
    this.#threads.add(thread);
    return thread;
  }

  /** The HTTP transport of every thread, made on first use (with the CA of `env`). */
  #sharedTransport(): HttpTransport {
    if (this.#transport === undefined) {
      const ca = readCaCertificateFromEnv(this.#options.env ?? process.env)?.pem;
      this.#transport = new HttpTransport(ca === undefined ? undefined : { ca });
    }
    return this.#transport;
  }
}
