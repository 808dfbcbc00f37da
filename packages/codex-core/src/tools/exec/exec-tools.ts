import { resolve } from 'node:path';
import { functionCallOutput, type ResponseItem, type ToolCallItem, toolCallId } from '@codex-ts/protocol';
import { v7 as uuidv7 } from 'uuid';
import {
  type ApprovalPolicy,
  decideCommandLaunch,
  isLikelySandboxDenial,
  type SandboxPermissions,
} from '../../sandbox/approval.js';
import { type ExecPolicy, policyRefusalText } from '../../sandbox/exec-policy.js';
import type { CommandSandbox } from '../../sandbox/sandbox.js';
import { runApplyPatchCommand } from '../apply-patch/command.js';
import type { Tool } from '../registry.js';
import type { ToolContext, ToolThreadItem } from '../tool-handler.js';
import {
  EXEC_COMMAND_ARGS,
  parseArguments,
  TERMINAL_SESSION_ARGS,
  TOOL_ENVIRONMENT_ARGS,
  WRITE_STDIN_ARGS,
} from './exec-args.js';
import { ExecProcess } from './exec-process.js';
import { formatExecAnswer } from './output-format.js';
import { ExecSessionStore } from './session-store.js';
import { displayCommand, resolveShell, shellArgv } from './shell.js';
import { EXEC_COMMAND_SPEC, WRITE_STDIN_SPEC } from './specs.js';

/** Default `max_output_tokens` of both tools. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 10_000;
/**
 * Exit code in the answer for a command the sandbox refused (nothing ran): codex-cli 0.169.0's
 * sandbox launcher panicked (Rust's exit code 101) when it found no bubblewrap.
 */
const REFUSED_EXIT_CODE = 101;
/** How long a sandboxed command may take to show a sandbox denial before its item is started. */
const DENIAL_WINDOW_MS = 300;

/** Options of {@link createExecTools}. */
export interface ExecToolsOptions {
  /** Launches every command (`prepare`); a `refused` answer never runs it. */
  sandbox: CommandSandbox;
  /** The turn cwd: commands run here unless `workdir` says otherwise (relative `workdir`s resolve against it). */
  cwd: string;
  /** Environment the commands inherit (default `process.env`), plus the variables of {@link execEnvironment}. */
  env?: NodeJS.ProcessEnv | undefined;
  /** The thread id, exported to commands as `CODEX_THREAD_ID` / `CODEX_SESSION_ID`. */
  threadId?: string | undefined;
  /** The shell of calls that name none (default: the user's login shell, see `resolveShell`). */
  defaultShell?: string | undefined;
  /**
   * The effective approval policy (`execApprovalPolicy(…)`: always `never` in `codex exec`, the
   * default). Each call goes through `decideCommandLaunch`: a call asking for escalated
   * `sandbox_permissions` is answered with the rejection text (`escalationRejectedMessage`) and
   * nothing runs.
   */
  approvalPolicy?: ApprovalPolicy | undefined;
  /** The exec policy (`$CODEX_HOME/rules`): what it forbids or must prompt for is not run. */
  execPolicy?: ExecPolicy | undefined;
  /** The live-process store (default: a new one of 64 processes). */
  store?: ExecSessionStore | undefined;
}

/** The exec tools of a conversation and the store of the processes they left running. */
export interface ExecTools {
  execCommand: Tool;
  writeStdin: Tool;
  store: ExecSessionStore;
  /** Kills every process still running (conversation close). */
  close(): void;
}

/**
 * The environment of a command (as codex-cli 0.169.0 sets it): `env` plus `NO_COLOR=1`,
 * `TERM=dumb`, `LANG` / `LC_CTYPE` / `LC_ALL` = `C.UTF-8`, `COLORTERM=` (empty), `PAGER`,
 * `GIT_PAGER`, `GH_PAGER` = `cat`, `CODEX_CI=1`, `CODEX_THREAD_ID` / `CODEX_SESSION_ID` (the thread
 * id) and `CODEX_TOOL_CALL_ID` (the call id).
 */
export function execEnvironment(
  env: NodeJS.ProcessEnv,
  ids: { threadId?: string | undefined; callId: string },
): NodeJS.ProcessEnv {
  return {
    ...env,
    NO_COLOR: '1',
    TERM: 'dumb',
    LANG: 'C.UTF-8',
    LC_CTYPE: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    COLORTERM: '',
    PAGER: 'cat',
    GIT_PAGER: 'cat',
    GH_PAGER: 'cat',
    CODEX_CI: '1',
    ...(ids.threadId ? { CODEX_THREAD_ID: ids.threadId, CODEX_SESSION_ID: ids.threadId } : {}),
    CODEX_TOOL_CALL_ID: ids.callId,
  };
}

function clamp(value: unknown, fallback: number, min: number, max: number): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? value : fallback;
  return Math.min(max, Math.max(min, n));
}

function answerItem(call: ToolCallItem, text: string): ResponseItem {
  return functionCallOutput(toolCallId(call) ?? '', text, `fco_${uuidv7()}`);
}

function commandItem(command: string, exitCode: number | null, output: string): ToolThreadItem {
  return {
    type: 'command_execution',
    command,
    aggregated_output: output,
    exit_code: exitCode,
    status: exitCode === null ? 'in_progress' : exitCode === 0 ? 'completed' : 'failed',
  };
}

const OS_ERRORS: Record<string, string> = {
  ENOENT: 'No such file or directory (os error 2)',
  EACCES: 'Permission denied (os error 13)',
  ENOTDIR: 'Not a directory (os error 20)',
  EPERM: 'Operation not permitted (os error 1)',
};

/** A spawn error as Rust's `io::Error` displays it (`No such file or directory (os error 2)`). */
function osErrorText(error: Error | undefined): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code && OS_ERRORS[code]) ?? error?.message ?? 'unknown error';
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}

/**
 * Tags 0.169.0 put on every `exec_command` `codex.tool.call` point (even a refused call):
 * `command_category` (`unknown` for the commands seen) and `shell_snapshot_mode` (`v1`).
 */
const EXEC_COMMAND_METRIC_TAGS = { command_category: 'unknown', shell_snapshot_mode: 'v1' } as const;

/**
 * `exec_command` and `write_stdin` (codex-cli 0.169.0 unified exec, observed-cli-0.169-auth §14):
 *
 * - `exec_command {cmd, workdir?, shell?, login?, tty?, yield_time_ms?, max_output_tokens?}` runs
 *   `<shell> -lc <cmd>` (`-c` with `login: false`; the user's shell, e.g. `/bin/bash`) in its own
 *   process group through `sandbox.prepare`, stdout and stderr merged, stdin `/dev/null` (a pipe
 *   with `tty: true`; no PTY is allocated). It waits `yield_time_ms` (default 10000, 250–30000)
 *   or until the process exits, and answers (`function_call_output`, id `fco_<uuid>`) in the
 *   format of {@link formatExecAnswer}: `Process exited with code N`, or `Process running with
 *   session ID N` when the process outlives the wait (kept in the store for `write_stdin`). The
 *   sandbox's `cleanup` (mount points bubblewrap left on the host) runs once the process exited or
 *   failed to start, before anyone sees its exit.
 * - `write_stdin {session_id, chars?, yield_time_ms?, max_output_tokens?}` writes `chars` (then
 *   waits 250–30000 ms, default 250) or polls (5000–300000 ms, default 5000), answering with the
 *   output since the previous answer. Texts of its failures: `write_stdin failed: Unknown process
 *   id N`; `write_stdin failed: stdin is closed for this session; rerun exec_command with tty=true
 *   to keep stdin open`.
 * - Items: a `command_execution` item (key = the `exec_command` call id, `command` =
 *   `/bin/bash -lc 'echo hi'`) is `started` once the process runs and `completed` by whichever
 *   call sees it exit, with all its output (`aggregated_output`), `exit_code` and status
 *   `completed` (0) / `failed`. A sandboxed command that fails like a sandbox denial
 *   (`isLikelySandboxDenial` of the sandbox module) within its first 300 ms, and a command the
 *   sandbox refuses (never run: its output is the refusal message with exit code 101, as 0.169.0's
 *   sandbox launcher panicked without bubblewrap), report no item, as the original.
 * - A command that cannot be started (e.g. `workdir` does not exist): its item completes `failed`
 *   with exit code -1 and `Failed to create unified exec process: <os error>`; the answer is
 *   `exec_command failed: CreateProcess { message: "Rejected(\"…\")" }`, as 0.169.0.
 * - A script that is an `apply_patch` invocation (`[cd <dir> && ]apply_patch <<'EOF'` … or a bare
 *   patch) is not run: `runApplyPatchCommand` applies it in-process (a `file_change` item, no
 *   `command_execution` item) and its text is the answer, as 0.169.0 intercepts it.
 * - Approval: each call goes through `decideCommandLaunch({approvalPolicy, sandboxPermissions})`;
 *   an escalation (`sandbox_permissions` `require_escalated` / `with_additional_permissions`) is
 *   answered with its rejection text (`approval policy is Never; reject command — …`), no item,
 *   nothing run. Another value fails the argument parsing as the original's:
 *   `failed to parse function arguments: unknown variant \`x\`, expected one of … at line L column C`.
 * - Arguments are read as 0.169.0's serde structs read them (`deserializeArgs`: `ToolEnvironmentArgs`
 *   then `ExecCommandArgs`; `TerminalSessionArgs`, then once the session exists `WriteStdinArgs`):
 *   malformed JSON, a missing, repeated or wrongly typed field (`"yield_time_ms":"x"`,
 *   `"tty":null`, `"login":"yes"`) runs nothing and answers `failed to parse function arguments:
 *   <serde_json text> at line L column C`; unknown fields are ignored.
 * - A turn abort (`context.signal`) kills the process group of every command started in that
 *   turn; the call then rejects with the abort reason.
 * - Telemetry (`context.telemetry`): every `exec_command` call tags its `codex.tool.call` points
 *   `command_category = unknown`, `shell_snapshot_mode = v1`; a command about to start (after the
 *   approval and apply_patch checks, before the sandbox) reports `approved` / `Config`
 *   (`codex.tool_decision`), as 0.169.0's orchestrator; a refused escalation reports none. Error
 *   answers (unparsable arguments, a refused escalation, a process that could not start, an
 *   unknown `write_stdin` session) report `failed()`; a command exiting non-zero does not. A
 *   command the sandbox denied reports `sandboxOutcome('denied', <ms since the launch>)`.
 */
export function createExecTools(options: ExecToolsOptions): ExecTools {
  const store = options.store ?? new ExecSessionStore();
  const env = options.env ?? process.env;

  const execCommand = async (call: ToolCallItem, context: ToolContext): Promise<ResponseItem> => {
    context.telemetry?.metricTags(EXEC_COMMAND_METRIC_TAGS);
    let args: Record<string, unknown>;
    let sandboxPermissions: SandboxPermissions;
    try {
      const environment = parseArguments(call, TOOL_ENVIRONMENT_ARGS).environment_id;
      // 0.169.0's exec sessions have one environment, `local`.
      if (typeof environment === 'string' && environment !== 'local') {
        context.telemetry?.failed();
        return answerItem(call, `unknown turn environment id \`${environment}\``);
      }
      args = parseArguments(call, EXEC_COMMAND_ARGS);
      sandboxPermissions = (args.sandbox_permissions ?? 'use_default') as SandboxPermissions;
    } catch (error) {
      context.telemetry?.failed();
      return answerItem(call, `failed to parse function arguments: ${(error as Error).message}`);
    }
    const decision = decideCommandLaunch({
      approvalPolicy: options.approvalPolicy ?? 'never',
      sandboxPermissions,
    });
    if (decision.kind === 'reject') {
      context.telemetry?.failed();
      return answerItem(call, decision.message);
    }
    const callId = toolCallId(call) ?? '';
    const shell = resolveShell(typeof args.shell === 'string' ? args.shell : options.defaultShell, env);
    const argv = shellArgv(shell, args.cmd as string, args.login !== false);
    const command = displayCommand(argv);
    const refusal = policyRefusalText(options.execPolicy?.check(args.cmd as string, argv), command);
    if (refusal !== undefined) {
      context.telemetry?.failed();
      return answerItem(call, refusal);
    }
    const cwd = resolve(options.cwd, typeof args.workdir === 'string' ? args.workdir : '.');
    const yieldMs = clamp(args.yield_time_ms, 10_000, 250, 30_000);
    const maxOutputTokens = clamp(
      args.max_output_tokens,
      DEFAULT_MAX_OUTPUT_TOKENS,
      0,
      Number.MAX_SAFE_INTEGER,
    );
    const patched = await runApplyPatchCommand(
      args.cmd as string,
      { cwd: options.cwd, sandboxPolicy: options.sandbox.policy, env },
      context,
      callId,
      cwd,
    );
    if (patched !== undefined) return answerItem(call, patched);
    const childEnv = execEnvironment(env, { threadId: options.threadId, callId });
    // 0.169.0's orchestrator: the command runs without asking (approval `never`), decided by config.
    context.telemetry?.decision('approved', 'Config');

    const started = Date.now();
    const prepared = await options.sandbox.prepare(argv, { cwd, env: childEnv });
    if (prepared.kind === 'refused') {
      const output = prepared.message.endsWith('\n') ? prepared.message : `${prepared.message}\n`;
      return answerItem(
        call,
        formatExecAnswer({ wallTimeSeconds: 0, exitCode: REFUSED_EXIT_CODE, output, maxOutputTokens }),
      );
    }
    if (context.signal.aborted) {
      await prepared.cleanup?.();
      throw abortError(context.signal);
    }
    const child = new ExecProcess({
      argv: prepared.argv,
      cwd: prepared.cwd,
      env: prepared.env,
      openStdin: args.tty === true,
      cleanup: prepared.cleanup,
    });
    if (!(await child.spawned)) {
      await child.finished; // (after the sandbox's cleanup)
      // As 0.169.0 (e.g. a `workdir` that does not exist): the item fails with exit code -1.
      const reason = `Failed to create unified exec process: ${osErrorText(child.spawnError)}`;
      context.emit({ phase: 'started', key: callId, item: commandItem(command, null, ''), cwd });
      context.emit({ phase: 'completed', key: callId, item: commandItem(command, -1, reason) });
      context.telemetry?.failed();
      return answerItem(
        call,
        `exec_command failed: CreateProcess { message: ${JSON.stringify(`Rejected(${JSON.stringify(reason)})`)} }`,
      );
    }
    const onAbort = (): void => child.kill();
    context.signal.addEventListener('abort', onAbort, { once: true });
    void child.finished.then(() => context.signal.removeEventListener('abort', onAbort));

    let itemStarted = false;
    if (prepared.sandboxed) {
      await child.waitUntil(started + Math.min(yieldMs, DENIAL_WINDOW_MS), context.signal);
      const code = child.exitCode;
      if (
        code !== undefined &&
        isLikelySandboxDenial({ sandboxed: true, exitCode: code, output: child.aggregated.text() })
      ) {
        const output = child.pending.take();
        const wallTimeSeconds = (Date.now() - started) / 1000;
        context.telemetry?.sandboxOutcome('denied', Date.now() - started);
        return answerItem(
          call,
          formatExecAnswer({ wallTimeSeconds, exitCode: code, output, maxOutputTokens }),
        );
      }
    }
    if (!context.signal.aborted) {
      context.emit({ phase: 'started', key: callId, item: commandItem(command, null, ''), cwd });
      itemStarted = true;
    }
    await child.waitUntil(started + yieldMs, context.signal);
    if (context.signal.aborted) {
      child.kill();
      throw abortError(context.signal);
    }
    const wallTimeSeconds = (Date.now() - started) / 1000;
    const exitCode = child.exitCode;
    if (exitCode !== undefined) {
      context.emit({
        phase: 'completed',
        key: callId,
        item: commandItem(command, exitCode, child.aggregated.text()),
      });
      const output = child.pending.take();
      return answerItem(call, formatExecAnswer({ wallTimeSeconds, exitCode, output, maxOutputTokens }));
    }
    const session = store.add(child, callId, command, itemStarted);
    const output = child.pending.take();
    return answerItem(
      call,
      formatExecAnswer({ wallTimeSeconds, sessionId: session.id, output, maxOutputTokens }),
    );
  };

  const writeStdin = async (call: ToolCallItem, context: ToolContext): Promise<ResponseItem> => {
    let args: Record<string, unknown>;
    try {
      args = parseArguments(call, TERMINAL_SESSION_ARGS);
    } catch (error) {
      context.telemetry?.failed();
      return answerItem(call, `failed to parse function arguments: ${(error as Error).message}`);
    }
    const id = args.session_id as number;
    const session = store.get(id);
    if (!session) {
      context.telemetry?.failed();
      return answerItem(call, `write_stdin failed: Unknown process id ${id}`);
    }
    try {
      args = parseArguments(call, WRITE_STDIN_ARGS);
    } catch (error) {
      context.telemetry?.failed();
      return answerItem(call, `failed to parse function arguments: ${(error as Error).message}`);
    }
    const chars = typeof args.chars === 'string' ? args.chars : '';
    const child = session.process;
    if (chars.length > 0) {
      if (!child.stdinOpen)
        return answerItem(
          call,
          'write_stdin failed: stdin is closed for this session; rerun exec_command with tty=true to keep stdin open',
        );
      child.write(chars);
    }
    const yieldMs =
      chars.length > 0
        ? clamp(args.yield_time_ms, 250, 250, 30_000)
        : clamp(args.yield_time_ms, 5_000, 5_000, 300_000);
    const maxOutputTokens = clamp(
      args.max_output_tokens,
      DEFAULT_MAX_OUTPUT_TOKENS,
      0,
      Number.MAX_SAFE_INTEGER,
    );
    const started = Date.now();
    const onAbort = (): void => child.kill();
    context.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await child.waitUntil(started + yieldMs, context.signal);
    } finally {
      context.signal.removeEventListener('abort', onAbort);
    }
    if (context.signal.aborted) {
      child.kill();
      store.delete(id);
      throw abortError(context.signal);
    }
    const wallTimeSeconds = (Date.now() - started) / 1000;
    const exitCode = child.exitCode;
    const output = child.pending.take();
    if (exitCode === undefined)
      return answerItem(call, formatExecAnswer({ wallTimeSeconds, sessionId: id, output, maxOutputTokens }));
    store.delete(id);
    if (session.itemStarted)
      context.emit({
        phase: 'completed',
        key: session.key,
        item: commandItem(session.command, exitCode, child.aggregated.text()),
      });
    return answerItem(call, formatExecAnswer({ wallTimeSeconds, exitCode, output, maxOutputTokens }));
  };

  return {
    execCommand: { name: 'exec_command', spec: EXEC_COMMAND_SPEC, handle: execCommand, parallel: true },
    writeStdin: { name: 'write_stdin', spec: WRITE_STDIN_SPEC, handle: writeStdin },
    store,
    close: () => store.closeAll(),
  };
}
