/**
 * How a tool launches a command under the session's sandbox policy. Tools (`exec_command`,
 * `apply_patch`) depend only on this module's exports. On Linux, `read-only` and
 * `workspace-write` wrap the command in the distribution's bubblewrap (see `bwrap.ts`);
 * `danger-full-access` runs it directly. Without a usable sandbox a command is refused, never run
 * unsandboxed.
 */
import { detectSandbox, planBwrap, procMountSupported, releaseSyntheticTargets } from './bwrap.js';
import { WritableRootError, writableRootsFor } from './writable-roots.js';

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
  /**
   * `sandbox_workspace_write.network_access` (default false). False gives the command its own
   * network namespace (`--unshare-net`: only a private loopback, no route out). The config key
   * applies to `workspace-write` only: 0.169.0 cut the network under `read-only` even with it
   * set, so build a `read-only` policy with `false`.
   */
  networkAccess: boolean;
  /** `sandbox_workspace_write.exclude_tmpdir_env_var`: $TMPDIR is not writable. */
  excludeTmpdirEnvVar?: boolean | undefined;
  /** `sandbox_workspace_write.exclude_slash_tmp`: /tmp is not writable. */
  excludeSlashTmp?: boolean | undefined;
}

/**
 * How to start a command: run `argv` (possibly wrapped in the sandbox), or refuse with `message`.
 * `run.cleanup`, when present, must be called once after the process exited (or failed to
 * spawn): it removes the empty mount points bubblewrap created on the host for protected paths
 * that did not exist (`.git`, `.codex`, … in a writable root). A refusal's `message` is the text
 * to give the model as the tool output (nothing was started).
 */
export type PreparedCommand =
  | {
      kind: 'run';
      argv: string[];
      cwd: string;
      env: NodeJS.ProcessEnv;
      sandboxed: boolean;
      cleanup?: (() => Promise<void>) | undefined;
    }
  | { kind: 'refused'; message: string };

/** Prepares `argv` (e.g. `['/bin/bash','-lc','echo hi']`) to run in `cwd` under `policy`. */
export interface CommandSandbox {
  /** `sandbox` of the turn metadata: `seccomp` when commands run in the Linux sandbox, else `none`. */
  readonly tag: string;
  /** The policy this sandbox enforces. */
  readonly policy: SandboxPolicy;
  /** How to start `argv` in `cwd` with `env` under {@link CommandSandbox.policy}; see `createCommandSandbox`. */
  prepare(
    argv: readonly string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
  ): Promise<PreparedCommand>;
}

/**
 * Set to `1` in the environment of a sandboxed command whose network is cut, as codex-cli 0.169.0
 * does (codex-rs `spawn.rs` `CODEX_SANDBOX_NETWORK_DISABLED_ENV_VAR`), so scripts and test suites
 * can skip what needs the network.
 */
export const NETWORK_DISABLED_ENV_VAR = 'CODEX_SANDBOX_NETWORK_DISABLED';

/** Options of {@link createCommandSandbox}. */
export interface CommandSandboxOptions {
  /**
   * The session's working directory (codex-rs `sandbox_policy_cwd`): writable under
   * `workspace-write`. Default `process.cwd()` when the sandbox is created. A command's own `cwd`
   * (`exec_command` `workdir`) is only where it starts: 0.169.0 kept a workdir outside the
   * writable roots read-only.
   */
  cwd?: string | undefined;
  /**
   * Environment in which bubblewrap is looked up (`PATH`, `CODEX_TS_BWRAP`); default
   * `process.env` at the first `prepare`. Not the command's environment (that is `prepare`'s).
   */
  detectionEnv?: NodeJS.ProcessEnv | undefined;
  /** Platform to sandbox for; default `process.platform`. Only `linux` has a sandbox. */
  platform?: NodeJS.Platform | undefined;
}

/**
 * The turn metadata `sandbox` value for a mode: `none` for `danger-full-access`, else `seccomp`
 * (what codex-cli 0.169.0 sent on Linux for `read-only` and `workspace-write`, whether or not a
 * bubblewrap binary was present).
 */
export function sandboxTag(mode: SandboxMode): 'seccomp' | 'none' {
  return mode === 'danger-full-access' ? 'none' : 'seccomp';
}

/**
 * The command sandbox for `policy`. `prepare(argv, {cwd, env})` resolves to:
 * - `danger-full-access`: `{kind:'run', argv, sandboxed:false}` unchanged;
 * - `read-only` / `workspace-write` on Linux with bubblewrap (`detectSandbox`):
 *   `{kind:'run', argv: [bwrap, …options, '--', …argv], sandboxed:true, cleanup}` started in
 *   `cwd`, where the filesystem is read-only except, under `workspace-write`, the session cwd
 *   (`options.cwd`, not the command's `cwd`), `policy.writableRoots`, /tmp
 *   and $TMPDIR (their `.git`, `.agents`, `.codex`, `.aws` staying read-only), and the network is
 *   cut unless `policy.networkAccess`; exit code, stdout and stderr of the command pass through
 *   (a bubblewrap setup failure exits 1 with `bwrap: …` on stderr); without network the env
 *   gains `CODEX_SANDBOX_NETWORK_DISABLED=1` ({@link NETWORK_DISABLED_ENV_VAR});
 * - `{kind:'refused', message}` when no bubblewrap is found (`BWRAP_UNAVAILABLE_MESSAGE`),
 *   the platform is not Linux, a writable root does not exist, or `argv` is empty.
 * Never rejects.
 */
export function createCommandSandbox(
  policy: SandboxPolicy,
  options: CommandSandboxOptions = {},
): CommandSandbox {
  const platform = options.platform ?? process.platform;
  const policyCwd = options.cwd ?? process.cwd();
  return {
    tag: sandboxTag(policy.mode),
    policy,
    async prepare(argv, { cwd, env }) {
      if (argv.length === 0) return { kind: 'refused', message: 'sandbox command is empty' };
      if (policy.mode === 'danger-full-access')
        return { kind: 'run', argv: [...argv], cwd, env, sandboxed: false };
      if (platform !== 'linux')
        return {
          kind: 'refused',
          message: `codex-ts has no command sandbox on ${platform}; only --sandbox danger-full-access runs commands here`,
        };
      const detection = detectSandbox(options.detectionEnv ?? process.env);
      if (!detection.available) return { kind: 'refused', message: detection.message };
      let roots: ReturnType<typeof writableRootsFor>;
      try {
        roots = writableRootsFor(policy, policyCwd, env);
      } catch (error) {
        const message =
          error instanceof WritableRootError ? error.message : `sandbox setup failed: ${String(error)}`;
        return { kind: 'refused', message };
      }
      const plan = planBwrap(policy, cwd, roots, {
        mountProc: await procMountSupported(detection.bwrapPath),
      });
      return {
        kind: 'run',
        argv: [detection.bwrapPath, ...plan.args, '--', ...argv],
        cwd,
        env: policy.networkAccess ? env : { ...env, [NETWORK_DISABLED_ENV_VAR]: '1' },
        sandboxed: true,
        cleanup: async () => releaseSyntheticTargets(plan),
      };
    },
  };
}
