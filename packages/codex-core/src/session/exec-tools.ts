import { isAbsolute, resolve } from 'node:path';
import type { Config } from '../config/load-config.js';
import type { ApprovalPolicy } from '../sandbox/approval.js';
import type { ExecPolicy } from '../sandbox/exec-policy.js';
import type { CommandSandbox, SandboxMode, SandboxPolicy } from '../sandbox/sandbox.js';
import { applyPatchTool } from '../tools/apply-patch/tool.js';
import { createExecTools, type ExecTools } from '../tools/exec/exec-tools.js';
import { ToolRegistry } from '../tools/registry.js';

/** What decides the sandbox policy of an `exec` session besides config.toml. */
export interface ExecSandboxSettings {
  /** `-s/--sandbox`: wins over `sandbox_mode` of config.toml. */
  sandboxMode?: SandboxMode | undefined;
  /** `--add-dir`: extra writable roots (absolute, or relative to `cwd`). */
  additionalWritableRoots?: readonly string[] | undefined;
  /** `--dangerously-bypass-approvals-and-sandbox`: `danger-full-access`, whatever else says. */
  dangerouslyBypassApprovalsAndSandbox?: boolean | undefined;
}

/** `[sandbox_workspace_write]` of config.toml as written (unknown keys ignored, wrong types ignored). */
function workspaceWriteTable(config: Config): Record<string, unknown> {
  const table: unknown = config.toml.sandbox_workspace_write;
  return typeof table === 'object' && table !== null && !Array.isArray(table)
    ? (table as Record<string, unknown>)
    : {};
}

function optionalBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/**
 * The session's sandbox policy, as codex-cli 0.169.0 derives it for `exec`: the mode is
 * `danger-full-access` with `dangerouslyBypassApprovalsAndSandbox`, else `settings.sandboxMode`,
 * else `sandbox_mode` of config.toml (the active profile's first), else `read-only`. Under
 * `workspace-write` the policy's `writableRoots` are the roots besides the session cwd (which the
 * sandbox makes writable itself, `createCommandSandbox(policy, {cwd})`):
 * `[sandbox_workspace_write].writable_roots`, then `additionalWritableRoots` (each resolved
 * against `cwd`, duplicates and `cwd` itself dropped), and
 * `network_access`, `exclude_tmpdir_env_var`, `exclude_slash_tmp` come from the same table; other
 * modes have no writable roots and no network.
 */
export function execSandboxPolicy(
  config: Config,
  cwd: string,
  settings: ExecSandboxSettings = {},
): SandboxPolicy {
  const mode: SandboxMode = settings.dangerouslyBypassApprovalsAndSandbox
    ? 'danger-full-access'
    : (settings.sandboxMode ?? config.sandboxMode ?? 'read-only');
  if (mode !== 'workspace-write') return { mode, writableRoots: [], networkAccess: false };
  const table = workspaceWriteTable(config);
  const configured = Array.isArray(table.writable_roots)
    ? table.writable_roots.filter((root): root is string => typeof root === 'string')
    : [];
  const roots = [...configured, ...(settings.additionalWritableRoots ?? [])].map((root) =>
    isAbsolute(root) ? resolve(root) : resolve(cwd, root),
  );
  const sessionCwd = resolve(cwd);
  return {
    mode,
    writableRoots: [...new Set(roots)].filter((root) => root !== sessionCwd),
    networkAccess: table.network_access === true,
    excludeTmpdirEnvVar: optionalBoolean(table.exclude_tmpdir_env_var),
    excludeSlashTmp: optionalBoolean(table.exclude_slash_tmp),
  };
}

/** The default tools of an `exec` conversation and what they need closed. */
export interface ExecToolSet {
  registry: ToolRegistry;
  sandbox: CommandSandbox;
  /** Kills the processes the tools left running. */
  close(): void;
}

/**
 * The `exec` tool set, in the order codex-cli 0.169.0 sends its tools: `exec_command`,
 * `write_stdin`, `apply_patch` (`update_plan` is not in it: 0.169.0 does not send it in `exec`;
 * a host registers `updatePlanTool()`). Tools the original also sends but codex-ts does not implement (`request_user_input`, `view_image`, `get_goal`,
 * `create_goal`, `update_goal`, `tool_search`, `web_search`) are not sent.
 */
export function createExecToolSet(options: {
  sandbox: CommandSandbox;
  cwd: string;
  env: NodeJS.ProcessEnv;
  threadId: string;
  /** See `ExecToolsOptions.approvalPolicy` (default `never`, what `codex exec` always uses). */
  approvalPolicy?: ApprovalPolicy | undefined;
  /** See `ExecToolsOptions.execPolicy` (`loadExecPolicy` of `$CODEX_HOME`). */
  execPolicy?: ExecPolicy | undefined;
}): ExecToolSet {
  const exec: ExecTools = createExecTools(options);
  const registry = new ToolRegistry([
    exec.execCommand,
    exec.writeStdin,
    applyPatchTool({ cwd: options.cwd, sandboxPolicy: options.sandbox.policy, env: options.env }),
  ]);
  return {
    registry,
    sandbox: options.sandbox,
    close: () => exec.close(),
  };
}
