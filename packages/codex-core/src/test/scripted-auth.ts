// A scripted ChatGPT-like AuthProvider for the 401 recovery tests: managed mode, `reload` then
// `refresh_token`, as `@codex-ts/login`'s AuthManager does (login.md §7), with no file or network.

import type { AuthProvider, UnauthorizedRecovery, UnauthorizedRecoveryStep } from '@codex-ts/api';

/** What {@link scriptedRecoveryAuth} does; tokens are plain strings sent as `Bearer <token>`. */
export interface ScriptedAuthScript {
  /** The access token sent first. */
  token: string;
  /** The token a `reload` step finds (default: the current one, `authChanged: false`). */
  reloadTo?: string | undefined;
  /** The token a successful `refresh_token` step obtains (default `<token>-refreshed`). */
  refreshTo?: string | undefined;
  /** When set, every `refresh_token` step rejects with what this returns. */
  refreshFailure?: (() => Error) | undefined;
}

/** A scripted provider plus what it was asked. */
export interface ScriptedAuth extends AuthProvider {
  /** The token `authHeaders()` sends now; tests may change it (an outside refresh). */
  token: string;
  /** Names of the steps run, in order, over all recoveries (`reload`, `refresh_token`). */
  readonly stepsRun: string[];
  /** How many recoveries (`unauthorizedRecovery()` calls, one per request with a 401) were made. */
  readonly recoveries: number;
}

/**
 * An {@link AuthProvider} in `managed` mode: `authHeaders()` → `{ authorization: 'Bearer <token>' }`;
 * each `unauthorizedRecovery()` offers `reload` (switches to `reloadTo`, if given) then
 * `refresh_token` (switches to `refreshTo`, or rejects with `refreshFailure()`), then nothing.
 */
export function scriptedRecoveryAuth(script: ScriptedAuthScript): ScriptedAuth {
  const stepsRun: string[] = [];
  let recoveries = 0;
  const auth: ScriptedAuth = {
    token: script.token,
    stepsRun,
    get recoveries() {
      return recoveries;
    },
    authHeaders: async () => ({ authorization: `Bearer ${auth.token}` }),
    unauthorizedRecovery: (): UnauthorizedRecovery => {
      recoveries += 1;
      const steps = ['reload', 'refresh_token'];
      return {
        mode: 'managed',
        hasNext: () => steps.length > 0,
        next: async (): Promise<UnauthorizedRecoveryStep> => {
          const step = steps.shift();
          if (step === undefined) throw new Error('No more recovery steps available.');
          stepsRun.push(step);
          const before = auth.token;
          if (step === 'reload') {
            auth.token = script.reloadTo ?? auth.token;
            return { step, authChanged: auth.token !== before, refreshed: false };
          }
          if (script.refreshFailure) throw script.refreshFailure();
          auth.token = script.refreshTo ?? `${script.token}-refreshed`;
          return { step, authChanged: auth.token !== before, refreshed: true };
        },
      };
    },
  };
  return auth;
}
