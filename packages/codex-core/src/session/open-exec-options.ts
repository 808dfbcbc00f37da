import type { HttpTransport, SecretRedactor } from '@codex-ts/client';
import type { AuthManager } from '@codex-ts/login';
import type { SessionTelemetry } from '@codex-ts/otel';
import type { TokenUsage } from '@codex-ts/protocol';
import type { ModelClient } from '../client/model-client.js';
import type { ApprovalPolicySetting, Config } from '../config/load-config.js';
import type { ResolvedProvider } from '../config/providers.js';
import type { Conversation } from '../conversation/conversation.js';
import type { ModelsCatalog } from '../models/models-catalog.js';
import type { ResumeTarget } from '../rollout/resume.js';
import type { SandboxMode, SandboxPolicy } from '../sandbox/sandbox.js';
import type { ToolHandler } from '../tools/tool-handler.js';
import type { ModelSettings } from './model-choice.js';
import type { AuthLog } from './provider-auth.js';

/** Options of {@link openExecConversation}. */
export interface OpenExecOptions {
  /** Our client version (User-Agent, the OpenAI provider's `version` header). */
  version: string;
  /** Environment: `CODEX_HOME`, provider `env_key`s, `CODEX_API_KEY`, `TERM`… Default `process.env`. */
  env?: NodeJS.ProcessEnv | undefined;
  /** Working directory reported in the environment context. Default `process.cwd()`. */
  cwd?: string | undefined;
  /** `-c key=value` overrides. */
  configOverrides?: readonly string[] | undefined;
  /** `-m`: wins over `model` in config.toml. */
  model?: string | undefined;
  /** `-p/--profile`: layer `$CODEX_HOME/<name>.config.toml` over config.toml (see `loadConfig`). */
  profile?: string | undefined;
  /** `--strict-config`: an unrecognized config key fails the load instead of warning. */
  strictConfig?: boolean | undefined;
  /** `--ignore-user-config`: skip `$CODEX_HOME/config.toml` (auth still uses `$CODEX_HOME`). */
  ignoreUserConfig?: boolean | undefined;
  /**
   * `--ignore-rules`: do not load the exec policy (`$CODEX_HOME/rules/*.rules`, `loadExecPolicy`),
   * which otherwise decides whether the default tools may run a command (0.169.0).
   */
  ignoreRules?: boolean | undefined;
  /**
   * The config `loadConfig` already returned for these same options (`CODEX_HOME` of `env`,
   * `configOverrides`, `cwd`, `profile`, `strictConfig`, `ignoreUserConfig`): the session uses it
   * instead of reading config.toml again (`exec` loads it first, before stdin, and 0.169.0 reads
   * it once per run). Default: loaded by the session.
   */
  config?: Config | undefined;
  /**
   * `--thread-source <SOURCE>`: the turn metadata's and the rollout's `thread_source` (default
   * `user`) of a new thread; a resumed thread keeps its recorded one, as 0.169.0.
   */
  threadSource?: string | undefined;
  /**
   * `--approve-for-me`: approvals go to automatic review (turn metadata `auto_review_enabled:
   * true`). codex-ts has no automatic reviewer; the CLI also selects `workspace-write`.
   */
  autoReview?: boolean | undefined;
  /** Default `codex_exec` (overridable by `CODEX_INTERNAL_ORIGINATOR_OVERRIDE`). */
  originator?: string | undefined;
  baseInstructions?: string | undefined;
  /**
   * The conversation's tools. Default: the `exec` tool set (`exec_command`, `write_stdin`,
   * `apply_patch`, `update_plan`) under the session's sandbox policy. Pass a `ToolRegistry` to add,
   * replace or remove tools.
   */
  tools?: ToolHandler | undefined;
  /** `-s/--sandbox`: wins over `sandbox_mode` of config.toml (default `read-only`). */
  sandboxMode?: SandboxMode | undefined;
  /** `--add-dir`: extra writable roots under `workspace-write` (absolute, or relative to `cwd`). */
  additionalWritableRoots?: readonly string[] | undefined;
  /**
   * `approval_policy` override (`-c approval_policy=…` also works). `exec` is non-interactive: every
   * value runs as `never` (`execApprovalPolicy`; escalation requests are rejected), except
   * `untrusted`, the original's load error.
   */
  approvalPolicy?: ApprovalPolicySetting | undefined;
  /**
   * `--dangerously-bypass-approvals-and-sandbox`: approval policy `never` and sandbox
   * `danger-full-access` (commands run directly).
   */
  dangerouslyBypassApprovalsAndSandbox?: boolean | undefined;
  /**
   * Continue a recorded thread (`codex exec resume`, observed-cli-0.169-auth §15; found as
   * `loadResumeTarget` does): same thread id everywhere, `history_initialization: "cold_resume"`,
   * the recorded base instructions and history, the same rollout file appended. A name or `last`
   * that finds nothing starts a new thread.
   * @throws Error with 0.169.0's text for an unknown UUID or a thread of another model provider.
   */
  resume?: ResumeTarget | undefined;
  /**
   * `--ephemeral`: record no rollout file (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl`,
   * written as the turn runs otherwise; see `RolloutRecorder`). Default false.
   */
  ephemeral?: boolean | undefined;
  /**
   * Start the WebSocket startup prewarm right away (default true; only when the provider
   * `supports_websockets`). The first turn waits for it.
   */
  prewarm?: boolean | undefined;
  /**
   * The session's telemetry. Default: a `SessionTelemetry` on the global OpenTelemetry providers
   * (a no-op until the application registers an SDK) with conversation id = the thread id, the
   * model, the originator, `version`, auth mode `apikey` (`chatgpt` with a ChatGPT login), terminal type `$TERM`, session source
   * `exec`, and prompt logging from `[otel].log_user_prompt` in config.toml (default false).
   */
  telemetry?: SessionTelemetry | undefined;
  /**
   * The session's redactor (see {@link openExecConversation}); pass your own to redact what you
   * print with it, also when this function throws. Default: `telemetry.redactor`, else a new one.
   */
  redactor?: SecretRedactor | undefined;
  /**
   * An HTTP transport (keep-alive pool) to share with other sessions, e.g. the thread API's one per
   * `Codex`: used for every HTTP request of the session and not closed by `close()` (its owner
   * closes it). It decides the TLS trust of HTTP requests (`CODEX_CA_CERTIFICATE` is then only
   * read for the WebSocket handshakes). Default: a new one, closed by `close()`.
   */
  transport?: HttpTransport | undefined;
  /**
   * Log sink of the credential layer (redacted, never a secret; `codex-ts exec` prints it on stderr
   * as the original's `codex_login::auth::manager` tracing line): the ChatGPT login's `AuthManager`
   * logs `('error', 'Failed to refresh token: <text>')` per failed refresh, a provider `auth`
   * command `('error', 'Failed to resolve external auth: <text>')` each time a request goes out
   * without a token. Default: nothing is logged.
   */
  authLog?: AuthLog | undefined;
}

/** An opened `exec` conversation and what it was built from. */
export interface OpenedExecConversation {
  conversation: Conversation;
  client: ModelClient;
  config: Config;
  provider: ResolvedProvider;
  model: string;
  /** The session's telemetry (the given one or the default; see {@link OpenExecOptions.telemetry}). */
  telemetry: SessionTelemetry;
  /** The session's redactor, holding every credential the session knows (see {@link openExecConversation}). */
  redactor: SecretRedactor;
  /** The ChatGPT login's credential manager (auth.json in ChatGPT mode); undefined with an API key. */
  authManager?: AuthManager | undefined;
  /** The models catalog of the ChatGPT Codex backend (fetched at start, refetched on `x-models-etag`). */
  modelsCatalog?: ModelsCatalog | undefined;
  /**
   * What the catalog (the `/models` answer over the bundled fallback) decided for `model`:
   * effort, summary, verbosity, `contextWindow` and `autoCompactTokenLimit` (tokens, for the
   * turn loop's automatic compaction), `preferWebsockets`, the entry used.
   */
  modelSettings: ModelSettings;
  /**
   * The session's sandbox policy (see `execSandboxPolicy`): what the default tools run commands
   * under, and the turn metadata's `sandbox_mode`.
   */
  sandboxPolicy: SandboxPolicy;
  /** The rollout file the session records to (undefined when ephemeral; created at the first turn). */
  rolloutPath?: string | undefined;
  /**
   * A resumed thread's token usage before this process (the rollout's last `token_count` total),
   * in tokens: `codex exec` adds it to the printed `turn.completed.usage` (0.169.0 prints the
   * thread's total). Undefined for a new thread.
   */
  resumedUsage?: TokenUsage | undefined;
  /** Releases the HTTP connection pool (unless `OpenExecOptions.transport` gave it), cancels a running prewarm, drops the WebSocket, waits for a catalog fetch, kills the default tools' live processes. */
  close(): Promise<void>;
}
