// What an exec session records when it starts (0.169.0, otel-capture 2026-12-03):
// `codex.process.start`, `codex.conversation_starts`, `codex.thread.started` and the
// `thread_start_create_thread` / `thread_start_total` start-up phases.

import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApiKeyAuth } from '@codex-ts/login';
import type { AuthEnvInfo, SessionTelemetry } from '@codex-ts/otel';
import type { SessionAuth } from './auth.js';

/**
 * The `auth_mode` tag of a session's telemetry: the mode of the Codex login, not of the provider's
 * own key. `chatgpt` for a ChatGPT login; `apikey` for a key from `CODEX_API_KEY` or auth.json;
 * absent (no tag) when the provider's `env_key`, `experimental_bearer_token` or auth command
 * supplies the credential or there is none, as 0.169.0 exported for an `env_key` provider
 * (otel-capture 2026-12-03: no `auth_mode` on any log record or metric).
 */
export function telemetryAuthMode(session: SessionAuth): 'chatgpt' | 'apikey' | undefined {
  if (session.kind === 'chatgpt') return 'chatgpt';
  if (session.kind !== 'apikey' || !(session.auth instanceof ApiKeyAuth)) return undefined;
  const source = session.auth.source;
  return source === 'codex_api_key_env' || source === 'auth_file' || source === 'explicit'
    ? 'apikey'
    : undefined;
}

/**
 * The `auth.env_*` flags of a session: which credential variables `env` sets (never their
 * values). `providerEnvKey` is the provider's `env_key`; its name is recorded as `configured`,
 * as 0.169.0 did.
 */
export function authEnvInfo(env: NodeJS.ProcessEnv, providerEnvKey: string | undefined): AuthEnvInfo {
  const present = (name: string) => (env[name] ?? '') !== '';
  return {
    openaiApiKeyPresent: present('OPENAI_API_KEY'),
    codexApiKeyPresent: present('CODEX_API_KEY'),
    codexApiKeyEnabled: true,
    ...(providerEnvKey === undefined
      ? {}
      : { providerKeyName: 'configured', providerKeyPresent: present(providerEnvKey) }),
    refreshTokenUrlOverridePresent: present('CODEX_REFRESH_TOKEN_URL_OVERRIDE'),
  };
}

/** Whether `cwd` is inside a git work tree (a `.git` in it or a parent), and whether that `.git` is a linked worktree's file. */
export function gitLocation(cwd: string): { isGit: boolean; isWorktree: boolean | undefined } {
  let dir = cwd;
  for (let depth = 0; depth < 64; depth++) {
    const dotGit = join(dir, '.git');
    if (existsSync(dotGit)) {
      try {
        return { isGit: true, isWorktree: statSync(dotGit).isFile() };
      } catch {
        return { isGit: true, isWorktree: undefined };
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { isGit: false, isWorktree: undefined };
}

/** What {@link recordSessionStart} records. */
export interface SessionStartInfo {
  providerName: string;
  reasoningEffort: string | undefined;
  reasoningSummary: string | undefined;
  contextWindow: number | undefined;
  autoCompactTokenLimit: number | undefined;
  approvalPolicy: string;
  sandboxPolicy: string;
  mcpServers: readonly string[];
  cwd: string;
  /** ms spent building the thread (conversation, client). */
  createThreadMs: number;
  /** ms from the start of the open to now. */
  totalMs: number;
}

/**
 * Records the start of an exec session: `codex.process.start` (once per process),
 * `codex.conversation_starts`, `codex.startup_phase` `thread_start_create_thread` and
 * `thread_start_total` (status `ready`) with their histogram, and `codex.thread.started`
 * (`is_git`, `is_worktree` of `cwd`). Never throws.
 */
export function recordSessionStart(telemetry: SessionTelemetry, info: SessionStartInfo): void {
  try {
    telemetry.recordProcessStart();
    telemetry.recordConversationStarts({
      providerName: info.providerName,
      ...(info.reasoningEffort === undefined ? {} : { reasoningEffort: info.reasoningEffort }),
      reasoningSummary: info.reasoningSummary ?? 'auto',
      ...(info.contextWindow === undefined ? {} : { contextWindow: info.contextWindow }),
      ...(info.autoCompactTokenLimit === undefined
        ? {}
        : { autoCompactTokenLimit: info.autoCompactTokenLimit }),
      approvalPolicy: info.approvalPolicy,
      sandboxPolicy: info.sandboxPolicy,
      mcpServers: info.mcpServers,
    });
    telemetry.recordStartupPhase({
      phase: 'thread_start_create_thread',
      status: 'ready',
      durationMs: info.createThreadMs,
    });
    telemetry.recordStartupPhase({ phase: 'thread_start_total', status: 'ready', durationMs: info.totalMs });
    telemetry.recordThreadStarted(gitLocation(info.cwd));
  } catch {
    // telemetry never fails a session
  }
}
