/**
 * Approval semantics of the non-interactive `codex exec`, as codex-cli 0.169.0 behaves (checked
 * against the released binary) and codex-rs implements them (`core/src/tools/handlers/unified_exec.rs`,
 * `tools/sandboxing.rs`, `exec.rs` `is_likely_sandbox_denied`). `exec` cannot ask anyone, so it
 * pins the policy to `never`: a command runs in the session's sandbox as it is, a request to
 * leave the sandbox is rejected before anything starts, and a command the sandbox stopped is not
 * retried outside it.
 */

/** String forms of `approval_policy` (config.toml, `-c`). */
export type ApprovalPolicy = 'untrusted' | 'on-failure' | 'on-request' | 'never';

/** Values of the `sandbox_permissions` argument of `exec_command` (the tool spec offers the first two). */
export const SANDBOX_PERMISSIONS = [
  'use_default',
  'require_escalated',
  'with_additional_permissions',
] as const;
/** One of {@link SANDBOX_PERMISSIONS}. */
export type SandboxPermissions = (typeof SANDBOX_PERMISSIONS)[number];

/**
 * The load error of codex-cli 0.169.0 for `approval_policy = "untrusted"` (config.toml or `-c`):
 * printed as `Error: <this>` on stderr, exit 1, before any request.
 */
export const UNTRUSTED_APPROVAL_POLICY_ERROR =
  'approval_policy = "untrusted" is no longer supported; remove this setting';

/**
 * The approval policy `codex exec` runs with: always `never` (0.169.0 reported "Approval policy is
 * currently never" for `on-request`, `on-failure` and `{ granular = … }` set in config.toml or
 * with `-c`, and for `--dangerously-bypass-approvals-and-sandbox`).
 * @throws Error with {@link UNTRUSTED_APPROVAL_POLICY_ERROR} for `untrusted`.
 */
export function execApprovalPolicy(configured: ApprovalPolicy | { granular: unknown } | undefined): 'never' {
  if (configured === 'untrusted') throw new Error(UNTRUSTED_APPROVAL_POLICY_ERROR);
  return 'never';
}

/** The Rust `Debug` name codex-rs puts in its texts (`Never`, `OnRequest`, …). */
function debugName(policy: ApprovalPolicy): string {
  switch (policy) {
    case 'never':
      return 'Never';
    case 'on-request':
      return 'OnRequest';
    case 'on-failure':
      return 'OnFailure';
    case 'untrusted':
      return 'UnlessTrusted';
  }
}

/**
 * The tool output for an escalation request (`sandbox_permissions` other than `use_default`)
 * under a policy other than `on-request`; for `never`:
 * `approval policy is Never; reject command — you cannot ask for escalated permissions if the approval policy is Never`
 * (codex-rs `unified_exec.rs`; the same text from 0.169.0 in every sandbox mode).
 */
export function escalationRejectedMessage(policy: ApprovalPolicy): string {
  const name = debugName(policy);
  return `approval policy is ${name}; reject command — you cannot ask for escalated permissions if the approval policy is ${name}`;
}

/**
 * codex-ts's text when `on-request` would ask the user to approve an escalation but the session has
 * no one to ask (only reachable outside `exec`, which pins `never`).
 */
export const NO_APPROVER_MESSAGE =
  'approval policy is OnRequest; reject command — this session cannot ask for approval, so escalated permissions are not available';

/** What a tool does with a command: start it through `CommandSandbox.prepare`, or answer `message` without starting it. */
export type CommandLaunchDecision = { kind: 'run' } | { kind: 'reject'; message: string };

/**
 * Decides whether a model-requested command may start, before `CommandSandbox.prepare`.
 * `approvalPolicy` is the effective policy (`execApprovalPolicy(…)` = `never` in `exec`);
 * `sandboxPermissions` the call's argument (absent = `use_default`). `use_default` → `run` (in the
 * session's sandbox; unsandboxed only under `danger-full-access`). An escalation
 * (`require_escalated`, `with_additional_permissions`) → `reject` with
 * {@link escalationRejectedMessage} unless the policy is `on-request`, which needs an approver:
 * none exists in a non-interactive session → `reject` with {@link NO_APPROVER_MESSAGE}. The
 * rejection text is the whole tool output (no command item is shown). Pure; never throws.
 */
export function decideCommandLaunch(request: {
  approvalPolicy: ApprovalPolicy;
  sandboxPermissions?: SandboxPermissions | undefined;
}): CommandLaunchDecision {
  const permissions = request.sandboxPermissions ?? 'use_default';
  if (permissions === 'use_default') return { kind: 'run' };
  if (request.approvalPolicy !== 'on-request')
    return { kind: 'reject', message: escalationRejectedMessage(request.approvalPolicy) };
  return { kind: 'reject', message: NO_APPROVER_MESSAGE };
}

const SANDBOX_DENIAL_KEYWORDS = [
  'operation not permitted',
  'permission denied',
  'read-only file system',
  'seccomp',
  'sandbox',
  'landlock',
  'failed to write file',
];
/** Exit codes that mean the command failed on its own (builtin misuse, not executable, not found). */
const NOT_SANDBOX_EXIT_CODES = [2, 126, 127];
/** 128 + SIGSYS: a process killed by a seccomp filter. */
const SIGSYS_EXIT_CODE = 128 + 31;

/**
 * Whether a finished command probably failed because the sandbox stopped it (codex-rs
 * `is_likely_sandbox_denied`): never when it ran unsandboxed or exited 0; yes when its output
 * (stdout, stderr or both, any case) names a denial (`operation not permitted`, `permission
 * denied`, `read-only file system`, `seccomp`, `sandbox`, `landlock`, `failed to write file`);
 * otherwise only for exit code 159 (SIGSYS). 0.169.0 under `never` still sends the usual output
 * to the model for such a command, does not retry it, and prints no `command_execution` item for
 * it in `exec --json`.
 */
export function isLikelySandboxDenial(result: {
  sandboxed: boolean;
  exitCode: number;
  output: string;
}): boolean {
  if (!result.sandboxed || result.exitCode === 0) return false;
  const lower = result.output.toLowerCase();
  if (SANDBOX_DENIAL_KEYWORDS.some((keyword) => lower.includes(keyword))) return true;
  if (NOT_SANDBOX_EXIT_CODES.includes(result.exitCode)) return false;
  return result.exitCode === SIGSYS_EXIT_CODE;
}
