// A CODEX_HOME whose config.toml points a custom provider at a local responses server, and a
// `Codex` on it: what the thread API tests share.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Codex, type CodexOptions } from '@codex-ts/core';
import type { ResponsesServer } from '@codex-ts/responses-server';
import { localProviderToml } from './config-home.js';

/** The API key the provider of {@link threadHome} reads from `LOCAL_API_KEY`. */
export const THREAD_HOME_API_KEY = 'sk-thread-api-secret';

/** What {@link threadHome} returns; `close()` closes the `Codex` and removes the home. */
export interface ThreadHome {
  home: string;
  codex: Codex;
  close(): Promise<void>;
}

/**
 * A temporary CODEX_HOME (`model = "gpt-5.5"`, provider `local` at `server.url` with `env_key =
 * "LOCAL_API_KEY"`, HTTP only unless `extraToml` says otherwise) and a `Codex` whose `env` is just
 * that home, the key, `TERM` and `SHELL` (`options` are added).
 */
export function threadHome(server: ResponsesServer, extraToml = '', options: CodexOptions = {}): ThreadHome {
  const home = mkdtempSync(join(tmpdir(), 'codex-ts-thread-'));
  writeFileSync(join(home, 'config.toml'), localProviderToml(server.url, [extraToml]));
  const codex = new Codex({
    env: { CODEX_HOME: home, LOCAL_API_KEY: THREAD_HOME_API_KEY, TERM: 'xterm', SHELL: '/bin/bash' },
    ...options,
  });
  return {
    home,
    codex,
    close: async () => {
      await codex.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
