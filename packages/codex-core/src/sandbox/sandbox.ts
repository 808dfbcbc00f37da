/**
 * CONTRACT STUB (to be implemented by the sandbox work of issue 11): how a tool launches a
 * command under the session's sandbox policy. Tools (`exec_command`, `apply_patch`) depend only
 * on this module's exports.
 */

/** `sandbox_mode` of config.toml / `-s`: `read-only`, `workspace-write`, `danger-full-access`. */
export type SandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access';

/** The session's sandbox policy (codex-rs `SandboxPolicy`). */
export interface SandboxPolicy {
  mode: SandboxMode;
  /**
   * `workspace-write`: absolute directories writable besides the session's cwd (`--add-dir`,
   * `sandbox_workspace_write.writable_roots`); /tmp and $TMPDIR unless excluded.
   */
  writableRoots: readonly string[];
  /** `sandbox_workspace_write.network_access` (default false). */
  networkAccess: boolean;
  excludeTmpdirEnvVar?: boolean | undefined;
  excludeSlashTmp?: boolean | undefined;
}

/** How to start a command: run `argv` (possibly wrapped in the sandbox), or refuse with `message`. */
export type PreparedCommand =
  | { kind: 'run'; argv: string[]; cwd: string; env: NodeJS.ProcessEnv; sandboxed: boolean }
  | { kind: 'refused'; message: string };

/** Prepares `argv` (e.g. `['/bin/bash','-lc','echo hi']`) to run in `cwd` under `policy`. */
export interface CommandSandbox {
  /** `sandbox` of the turn metadata: `seccomp` when commands run in the Linux sandbox, else `none`. */
  readonly tag: string;
  readonly policy: SandboxPolicy;
  prepare(
    argv: readonly string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
  ): Promise<PreparedCommand>;
}

/** STUB: runs directly under `danger-full-access`, refuses otherwise. Replaced by the real sandbox. */
export function createCommandSandbox(policy: SandboxPolicy): CommandSandbox {
  return {
    tag: 'none',
    policy,
    async prepare(argv, options) {
      if (policy.mode === 'danger-full-access')
        return { kind: 'run', argv: [...argv], cwd: options.cwd, env: options.env, sandboxed: false };
      return { kind: 'refused', message: 'sandbox not available' };
    },
  };
}
