// The session summary `codex exec` prints on stderr before a human-mode turn (0.169.0's layout).
import type { SandboxPolicy } from '@codex-ts/core';
import type { HumanStyles } from './human-styles.js';

/**
 * What the human output's header shows about the session (0.169.0 prints these lines, in this
 * order, after `OpenAI Codex v<version>`): the values as the session resolved them, except the
 * reasoning settings, which are the configured ones (`none` when config.toml and `-c` set none).
 */
export interface HumanSessionSummary {
  /** The CLI version (`OpenAI Codex v<version>`). */
  version: string;
  /** `workdir:` the session's working directory. */
  cwd: string;
  /** `model:` the model the session uses. */
  model: string;
  /** `provider:` the model provider's id (`model_provider`). */
  provider: string;
  /** `approval:` the approval policy (`never` in exec). */
  approval: string;
  /** `sandbox:` see {@link sandboxSummary}. */
  sandbox: string;
  /** `reasoning effort:` `model_reasoning_effort` as configured. */
  reasoningEffort?: string | undefined;
  /** `reasoning summaries:` `model_reasoning_summary` as configured. */
  reasoningSummary?: string | undefined;
  /** `session id:` the thread id. */
  sessionId: string;
}

/**
 * The `sandbox:` value: `read-only`, `danger-full-access`, or
 * `workspace-write [workdir, /tmp, $TMPDIR, <writable roots>…]` (`/tmp` and `$TMPDIR` left out
 * when excluded) followed by ` (network access enabled)` when it is.
 */
export function sandboxSummary(policy: SandboxPolicy): string {
  if (policy.mode !== 'workspace-write') return policy.mode;
  const roots = [
    'workdir',
    ...(policy.excludeSlashTmp ? [] : ['/tmp']),
    ...(policy.excludeTmpdirEnvVar ? [] : ['$TMPDIR']),
    ...policy.writableRoots,
  ];
  return `workspace-write [${roots.join(', ')}]${policy.networkAccess ? ' (network access enabled)' : ''}`;
}

/** The header text: version line, the summary between two `--------` rules, then `user` and the prompt. */
export function sessionHeaderText(summary: HumanSessionSummary, prompt: string, styles: HumanStyles): string {
  const entries: [string, string][] = [
    ['workdir', summary.cwd],
    ['model', summary.model],
    ['provider', summary.provider],
    ['approval', summary.approval],
    ['sandbox', summary.sandbox],
    ['reasoning effort', summary.reasoningEffort ?? 'none'],
    ['reasoning summaries', summary.reasoningSummary ?? 'none'],
    ['session id', summary.sessionId],
  ];
  const lines = [
    `OpenAI Codex v${summary.version}`,
    '--------',
    ...entries.map(([key, value]) => `${styles.bold(`${key}:`)} ${value}`),
    '--------',
    styles.cyan('user'),
    prompt,
  ];
  return `${lines.join('\n')}\n`;
}
