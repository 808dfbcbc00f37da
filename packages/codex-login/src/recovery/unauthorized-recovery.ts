import type { UnauthorizedRecovery, UnauthorizedRecoveryStep } from '@codex-ts/api';
import { ApiError } from '@codex-ts/api';

/** What a recovery may do; supplied by `AuthManager` (closures over its private state). */
export interface RecoveryActions {
  /** `managed`: reload auth.json after the account check; resolves with whether the auth changed. */
  reload(signal?: AbortSignal): Promise<boolean>;
  /** `managed`: refresh with `refresh_reason: "unauthorized_recovery"`. */
  refresh(signal?: AbortSignal): Promise<void>;
  /** `external`: ask the host app for new tokens. */
  externalRefresh(signal?: AbortSignal): Promise<void>;
}

type Step = 'reload' | 'refresh_token' | 'external_refresh' | 'done';

/**
 * The 401 recovery of one request (login.md §7, upstream `UnauthorizedRecovery`):
 * - `managed` (tokens from auth.json): `reload` → `refresh_token` → done;
 * - `external` (host-supplied tokens with a refresher): `external_refresh` → done;
 * - `none` (API key, or external tokens without a refresher): no steps.
 *
 * A failing step ends the recovery (`hasNext()` false) and rejects with its error.
 */
export class AuthRecovery implements UnauthorizedRecovery {
  readonly mode: string;
  #step: Step;
  readonly #actions: RecoveryActions;

  constructor(mode: 'managed' | 'external' | 'none', actions: RecoveryActions) {
    this.mode = mode === 'none' ? 'managed' : mode;
    this.#step = mode === 'managed' ? 'reload' : mode === 'external' ? 'external_refresh' : 'done';
    this.#actions = actions;
  }

  hasNext(): boolean {
    return this.#step !== 'done';
  }

  async next(signal?: AbortSignal): Promise<UnauthorizedRecoveryStep> {
    const step = this.#step;
    switch (step) {
      case 'reload': {
        this.#step = 'done';
        const authChanged = await this.#actions.reload(signal);
        this.#step = 'refresh_token';
        return { step, authChanged, refreshed: false };
      }
      case 'refresh_token':
        this.#step = 'done';
        await this.#actions.refresh(signal);
        return { step, authChanged: true, refreshed: true };
      case 'external_refresh':
        this.#step = 'done';
        await this.#actions.externalRefresh(signal);
        return { step, authChanged: true, refreshed: true };
      default:
        throw new ApiError('refresh_token_failed', 'No more recovery steps available.');
    }
  }
}
