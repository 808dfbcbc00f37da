// The startup prewarm (observed-cli-0.169 §6): one `generate:false`
// `response.create` sent in the background when a session starts, and the first turn's bounded
// wait for it.

import { ApiError } from '@codex-ts/api';
import { clampTimerMs, monotonicMs } from '@codex-ts/client';
import { type StartupPrewarmAgeStatus, TelemetrySpanNames } from '@codex-ts/otel';
import type { ModelClientSession } from './model-client-session.js';
import type { SamplingRequest } from './request-builder.js';

/**
 * How a startup prewarm ended (`ModelClient.prewarm`):
 * `ready` (a `generate:false` response completed; the first turn continues from it),
 * `skipped` (WebSockets off, or the socket already carried a request),
 * `http_fallback` (the handshake got 426; the session now uses HTTP),
 * `failed` (any other error; swallowed, the first turn connects by itself),
 * `cancelled` (the client was closed or the first turn stopped waiting).
 */
export type PrewarmOutcome = 'ready' | 'skipped' | 'http_fallback' | 'failed' | 'cancelled';

/**
 * One running (or finished) startup prewarm, owned by its `ModelClient`. The first WebSocket
 * request of the session waits for it once ({@link StartupPrewarm.waitOnce}).
 */
export class StartupPrewarm {
  /** The outcome; never rejects. */
  readonly promise: Promise<PrewarmOutcome>;
  readonly #startedAt: number;
  readonly #controller: AbortController;
  readonly #telemetry: ModelClientSession['telemetry'];
  #consumed = false;

  /**
   * Starts sending `request` on `session` at once (`ModelClientSession.prewarmWebsocket`); the
   * session is ended when it settles, its socket going back to the client cache unless the
   * prewarm was cancelled.
   */
  constructor(session: ModelClientSession, request: SamplingRequest) {
    const controller = new AbortController();
    const telemetry = session.telemetry;
    const run = async (): Promise<PrewarmOutcome> => {
      const started = monotonicMs();
      let outcome: PrewarmOutcome;
      try {
        outcome = await session.prewarmWebsocket(request, { signal: controller.signal });
      } catch {
        outcome = controller.signal.aborted ? 'cancelled' : 'failed';
      } finally {
        session.end({ discard: controller.signal.aborted });
      }
      if (telemetry !== undefined) {
        const durationMs = monotonicMs() - started;
        const status = outcome === 'ready' ? 'ready' : outcome;
        telemetry.recordStartupPhase({ phase: 'startup_prewarm_websocket_warmup', durationMs });
        telemetry.recordStartupPhase({ phase: 'startup_prewarm_total', status, durationMs });
        telemetry.recordStartupPrewarm(durationMs, status);
      }
      return outcome;
    };
    telemetry?.recordStartupPrewarmWebsocketCheck('needs_prewarm');
    // `startup_prewarm` (`prewarm.input = base`) below the span active now; the warm-up's request spans below it.
    this.promise =
      telemetry === undefined
        ? run()
        : telemetry.withSpan(
            TelemetrySpanNames.startupPrewarm,
            { attributes: { 'prewarm.input': 'base' } },
            run,
          );
    this.#startedAt = Date.now();
    this.#controller = controller;
    this.#telemetry = telemetry;
  }

  /** Aborts the prewarm (its outcome becomes `cancelled`). Idempotent. */
  cancel(reason: ApiError): void {
    this.#controller.abort(reason);
  }

  /**
   * The first turn's wait: the first call waits until the prewarm settles, at most
   * until `connectTimeoutMs` after the prewarm started (then the prewarm is cancelled), or until
   * `signal` aborts. Later calls, and a call with an aborted signal, return at once. Never rejects.
   */
  async waitOnce(connectTimeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.#consumed) return;
    this.#consumed = true;
    if (signal?.aborted) {
      this.#recordAge('cancelled');
      return;
    }
    const waitStarted = monotonicMs();
    const remainingMs = connectTimeoutMs - (Date.now() - this.#startedAt);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const timedOut = await Promise.race([
      this.promise.then(() => false),
      new Promise<boolean>((resolve) => {
        // Clamped: a connect timeout beyond Node's timer range must not become a 1 ms wait.
        timer = setTimeout(() => resolve(true), clampTimerMs(remainingMs));
      }),
      new Promise<boolean>((resolve) => {
        onAbort = () => resolve(false);
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    if (timedOut) this.cancel(new ApiError('aborted', 'startup prewarm timed out'));
    const outcome = timedOut ? 'timed_out' : signal?.aborted ? 'cancelled' : await this.#settled();
    this.#telemetry?.recordStartupPhase({
      phase: 'startup_prewarm_resolve',
      status: outcome === 'consumed' ? 'ready' : outcome,
      durationMs: monotonicMs() - waitStarted,
    });
    this.#recordAge(outcome);
  }

  /** The age status of a settled prewarm: `consumed` when ready, else `failed` / `cancelled`. */
  async #settled(): Promise<StartupPrewarmAgeStatus> {
    const outcome = await this.promise;
    if (outcome === 'ready' || outcome === 'skipped' || outcome === 'http_fallback') return 'consumed';
    return outcome === 'cancelled' ? 'cancelled' : 'failed';
  }

  /** `codex.startup_prewarm.age_at_first_turn_ms`: how old the prewarm was when the first turn took it. */
  #recordAge(status: StartupPrewarmAgeStatus): void {
    this.#telemetry?.recordStartupPrewarmAge(Date.now() - this.#startedAt, status);
  }
}
