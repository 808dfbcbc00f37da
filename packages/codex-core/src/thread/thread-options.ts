import type { HttpTransport, SecretRedactor } from '@codex-ts/client';
import type { ApprovalPolicySetting, ReasoningEffortSetting } from '../config/load-config.js';
import type { SandboxMode } from '../sandbox/sandbox.js';
import type { OpenExecOptions } from '../session/open-exec-options.js';
import type { AuthLog } from '../session/provider-auth.js';
import type { ToolHandler } from '../tools/tool-handler.js';

/** A config.toml value given as JSON: string, finite number, boolean, array or table. */
export type CodexConfigValue = string | number | boolean | readonly CodexConfigValue[] | CodexConfigObject;
/** A config.toml table given as JSON (see {@link CodexOptions.config}). */
export type CodexConfigObject = { readonly [key: string]: CodexConfigValue | undefined };

/** Options of a {@link Codex} (shared by every thread it starts). Shape of `@openai/codex-sdk`'s `CodexOptions`. */
export interface CodexOptions {
  /**
   * Base URL of the built-in `openai` provider (`http://host:port/v1`; requests go to
   * `<baseUrl>/responses`), sent as the override `openai_base_url`. Custom providers take theirs
   * from config.toml.
   */
  baseUrl?: string | undefined;
  /** API key, given to every session as `CODEX_API_KEY` (registered with the redactor at once). */
  apiKey?: string | undefined;
  /**
   * config.toml settings as a JSON object, flattened to dotted `-c key=value` overrides with TOML
   * values (`{ model_providers: { local: { base_url: "…" } } }` → `model_providers.local.base_url="…"`);
   * they win over `$CODEX_HOME/config.toml`. `undefined` members are skipped.
   */
  config?: CodexConfigObject | undefined;
  /**
   * The sessions' environment (`CODEX_HOME`, provider `env_key`s, `CODEX_CA_CERTIFICATE`, …).
   * Default `process.env`; when given, `process.env` is not read.
   */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Your application's version (`User-Agent`, the `openai` provider's `version` header). Default `0.0.0`. */
  version?: string | undefined;
  /** `originator` header and User-Agent prefix. Default `codex_sdk_ts` (as the SDK); `CODEX_INTERNAL_ORIGINATOR_OVERRIDE` in `env` wins. */
  originator?: string | undefined;
  /** Base instructions of every thread (the first developer message). Default: codex-ts's own. */
  baseInstructions?: string | undefined;
  /**
   * Builds the tools of one thread (called when the thread opens its session: once, unless an open
   * failed and a later run opens again). Default: the exec
   * tool set of `openExecConversation` under the thread's sandbox policy.
   */
  tools?: (() => ToolHandler) | undefined;
  /** Redactor shared by every thread (see `openExecConversation`). Default: a new one per `Codex`. */
  redactor?: SecretRedactor | undefined;
  /** Log sink of the credential layer (`OpenExecOptions.authLog`). Default: nothing is logged. */
  authLog?: AuthLog | undefined;
}

/** Options of one thread (fixed for its life). Shape of `@openai/codex-sdk`'s `ThreadOptions`. */
export interface ThreadOptions {
  /** Model slug (`-m`); wins over `model` of config.toml. */
  model?: string | undefined;
  /** `-s`: sandbox of the commands the tools run (default `sandbox_mode` of config.toml, else `read-only`). */
  sandboxMode?: SandboxMode | undefined;
  /** `-C`: the working directory (environment context, tools, the git check). Default `process.cwd()`. */
  workingDirectory?: string | undefined;
  /** `--skip-git-repo-check`: run outside a git repository. Default false (then a run outside one fails `not_git_repo`). */
  skipGitRepoCheck?: boolean | undefined;
  /** `model_reasoning_effort` override. */
  modelReasoningEffort?: ReasoningEffortSetting | undefined;
  /** `sandbox_workspace_write.network_access` override (commands' network under `workspace-write`). */
  networkAccessEnabled?: boolean | undefined;
  /** `web_search` override: `disabled`, `cached` or `live`. */
  webSearchMode?: 'disabled' | 'cached' | 'live' | undefined;
  /** Legacy switch: true = `web_search="live"`, false = `"disabled"` (ignored when `webSearchMode` is set). */
  webSearchEnabled?: boolean | undefined;
  /** `approval_policy` (exec is non-interactive: nothing is ever asked). */
  approvalPolicy?: ApprovalPolicySetting | undefined;
  /** `--add-dir`: extra writable roots under `workspace-write`. */
  additionalDirectories?: readonly string[] | undefined;
}

/** Options of one turn. Shape of `@openai/codex-sdk`'s `TurnOptions`. */
export interface TurnOptions {
  /** A JSON Schema the final answer must follow, sent as `text.format` (`SamplingRequest.outputSchema`). */
  outputSchema?: unknown;
  /** Aborts the turn: the request in flight and running tools stop. */
  signal?: AbortSignal | undefined;
}

/** The `OpenExecOptions` one thread opens its conversation with. */
export function openOptionsFor(
  codex: CodexOptions,
  thread: ThreadOptions,
  shared: { transport: HttpTransport; redactor: SecretRedactor; resume?: { threadId: string } | undefined },
): OpenExecOptions {
  const env: NodeJS.ProcessEnv = { ...(codex.env ?? process.env) };
  if (codex.apiKey) env.CODEX_API_KEY = codex.apiKey;
  const overrides: string[] = [];
  if (codex.baseUrl !== undefined) overrides.push(`openai_base_url=${JSON.stringify(codex.baseUrl)}`);
  if (codex.config) flattenConfig(codex.config, [], overrides);
  if (thread.modelReasoningEffort)
    overrides.push(`model_reasoning_effort=${JSON.stringify(thread.modelReasoningEffort)}`);
  if (thread.networkAccessEnabled !== undefined)
    overrides.push(`sandbox_workspace_write.network_access=${thread.networkAccessEnabled}`);
  const webSearch =
    thread.webSearchMode ??
    (thread.webSearchEnabled === undefined ? undefined : thread.webSearchEnabled ? 'live' : 'disabled');
  if (webSearch) overrides.push(`web_search=${JSON.stringify(webSearch)}`);
  return {
    version: codex.version ?? '0.0.0',
    env,
    cwd: thread.workingDirectory ?? process.cwd(),
    configOverrides: overrides,
    model: thread.model,
    originator: codex.originator ?? 'codex_sdk_ts',
    baseInstructions: codex.baseInstructions,
    tools: codex.tools?.(),
    sandboxMode: thread.sandboxMode,
    additionalWritableRoots: thread.additionalDirectories,
    approvalPolicy: thread.approvalPolicy,
    resume: shared.resume,
    transport: shared.transport,
    redactor: shared.redactor,
    authLog: codex.authLog,
  };
}

/** Appends `key.path=<TOML value>` for every leaf of `table` (an empty table is `key={}`). */
function flattenConfig(table: CodexConfigObject, path: readonly string[], out: string[]): void {
  const entries = Object.entries(table).filter(([, value]) => value !== undefined);
  if (entries.length === 0 && path.length > 0) out.push(`${dottedKey(path)}={}`);
  for (const [key, value] of entries) {
    if (key === '') throw new TypeError('config keys must be non-empty');
    const at = [...path, key];
    if (isTable(value)) flattenConfig(value, at, out);
    else out.push(`${dottedKey(at)}=${tomlValue(value as CodexConfigValue, at)}`);
  }
}

function isTable(value: unknown): value is CodexConfigObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dottedKey(path: readonly string[]): string {
  return path
    .map((segment) => (/^[A-Za-z0-9_-]+$/.test(segment) ? segment : JSON.stringify(segment)))
    .join('.');
}

/** A TOML literal for `value` (strings as JSON strings, which TOML basic strings accept). */
function tomlValue(value: CodexConfigValue, path: readonly string[]): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new TypeError(`config value at ${dottedKey(path)} must be a finite number`);
    return String(value);
  }
  if (Array.isArray(value))
    return `[${value.map((item, i) => tomlValue(item, [...path, String(i)])).join(', ')}]`;
  if (isTable(value)) {
    const members = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .map(
        ([key, member]) => `${dottedKey([key])} = ${tomlValue(member as CodexConfigValue, [...path, key])}`,
      );
    return `{${members.join(', ')}}`;
  }
  throw new TypeError(
    `unsupported config value at ${dottedKey(path)}: ${value === null ? 'null' : typeof value}`,
  );
}
