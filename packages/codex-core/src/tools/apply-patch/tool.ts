import { monotonicMs } from '@codex-ts/client';
import {
  customToolCallOutput,
  functionCallOutput,
  type ResponseItem,
  type ToolCallItem,
  toolCallId,
} from '@codex-ts/protocol';
import { v7 as uuidv7 } from 'uuid';
import type { SandboxPolicy } from '../../sandbox/sandbox.js';
import type { Tool } from '../registry.js';
import type { ToolContext } from '../tool-handler.js';
import { applyHunks, formatSummary, PatchApplyError, PatchVerificationError, verifyHunks } from './apply.js';
import { PatchParseError, parsePatch } from './parser.js';
import { patchRejection, writeGuard } from './safety.js';
import { applyPatchToolSpec } from './spec.js';
import { patchDiffText } from './unified-diff.js';

/** Options of {@link applyPatchTool}. */
export interface ApplyPatchToolOptions {
  /** The session's cwd (absolute): relative patch paths resolve against it. */
  cwd: string;
  /** The session's sandbox policy, or a function returning the current one (read at each call). */
  sandboxPolicy: SandboxPolicy | (() => SandboxPolicy);
  /** Environment for `$TMPDIR` as a writable root. Default `process.env`. */
  env?: NodeJS.ProcessEnv | undefined;
  /** Clock for the `Wall time:` line (ms). Default `monotonicMs`. */
  now?: (() => number) | undefined;
}

/** Prefix of the output for a patch that does not parse or does not match the files. */
const VERIFICATION_FAILED = 'apply_patch verification failed: ';

/**
 * The text 0.169.0 answers a `function_call` to its freeform `apply_patch` with: the call is a
 * fatal "incompatible payload" error inside the original, and the model gets `aborted`.
 */
export const APPLY_PATCH_FUNCTION_CALL_OUTPUT = 'aborted';

/** `Wall time: <s> seconds`: seconds rounded to tenths, printed like Rust's `f32` (`0`, `0.1`, `2`). */
function wallTime(ms: number): string {
  return String(Math.round(Math.max(0, ms) / 100) / 10);
}

/** The original's freeform exec output: `Exit code: N\nWall time: T seconds\nOutput:\n<text>`. */
export function formatApplyPatchOutput(exitCode: number, elapsedMs: number, output: string): string {
  return `Exit code: ${exitCode}\nWall time: ${wallTime(elapsedMs)} seconds\nOutput:\n${output}`;
}

/**
 * The `apply_patch` tool of `codex exec` (codex-rs `core/src/tools/handlers/apply_patch.rs` and
 * `apply-patch/`), as a {@link Tool} for a `ToolRegistry`: spec {@link applyPatchToolSpec} (the
 * freeform `custom` tool 0.169.0 sends), handler for `custom_tool_call` `apply_patch` whose `input`
 * is the patch text. It answers with a `custom_tool_call_output` (`id` `ctco_<uuidv7>`) whose text
 * is, as the original's:
 * - success: `Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\nA new.txt\nM changed.txt\nD gone.txt\n`
 *   (paths as written in the patch; a move is `M <destination>`);
 * - a patch that does not parse or match the files (nothing written, no item):
 *   `apply_patch verification failed: invalid patch: …` / `…: Failed to find expected lines in <abs path>:\n<lines>` / …;
 * - a refusal by the sandbox policy (nothing written, no item): `patch rejected: empty patch`,
 *   `patch rejected: writing is blocked by read-only sandbox; rejected by user approval settings`,
 *   `patch rejected: writing outside of the project; rejected by user approval settings`;
 * - an I/O failure while writing: `Exit code: 1\nWall time: … seconds\nOutput:\nFailed to write file <abs path>\n`
 *   (hunks before it stay applied, as in the original).
 *
 * The whole patch is parsed and checked against the files before anything is written. A verified
 * patch is reported through `ctx.emit` as a `file_change` item: `started` with `status:
 * in_progress` and `changes` `[{path (absolute; a move's source), kind: add|delete|update}]` sorted
 * by path, then `completed` with `status` `completed` or `failed` (the item key is the `call_id`).
 * A `function_call` named `apply_patch` gets `function_call_output` `aborted`, as 0.169.0.
 * A patch about to be written reports `approved` / `Config` to `ctx.telemetry`
 * (`codex.tool_decision`); a refused or unverifiable one reports no decision and `failed()`.
 */
export function applyPatchTool(options: ApplyPatchToolOptions): Tool {
  const now = options.now ?? monotonicMs;
  const policy = (): SandboxPolicy =>
    typeof options.sandboxPolicy === 'function' ? options.sandboxPolicy() : options.sandboxPolicy;
  return {
    name: 'apply_patch',
    spec: applyPatchToolSpec(),
    async handle(call: ToolCallItem, context: ToolContext): Promise<ResponseItem> {
      const callId = toolCallId(call) ?? '';
      if (call.type !== 'custom_tool_call') {
        return functionCallOutput(callId, APPLY_PATCH_FUNCTION_CALL_OUTPUT, `fco_${uuidv7()}`);
      }
      const reply = (text: string): ResponseItem =>
        customToolCallOutput(callId, text, { id: `ctco_${uuidv7()}` });
      const text = await runApplyPatch(call.input, options.cwd, policy(), {
        env: options.env ?? process.env,
        now,
        context,
        key: callId,
      });
      return reply(text);
    },
  };
}

/** How {@link executePatch} runs: environment, clock, the call's context and item key. */
interface PatchRun {
  env: NodeJS.ProcessEnv;
  now: () => number;
  context: ToolContext;
  key: string;
  /**
   * The session cwd whose writable roots the policy grants (default: the `cwd` the patch paths
   * resolve against). Differs when `exec_command` runs a patch in another directory (`workdir`,
   * `cd <dir> &&`): paths resolve there, but the workspace stays the session's.
   */
  sessionCwd?: string | undefined;
}

/**
 * Parses, verifies, checks against the policy and applies `input` (paths relative to `cwd`),
 * reporting the `file_change` item under `run.key`. `ran` tells whether the patch got to be
 * written (the text is then the `Exit code:` output), else `text` is the verification failure or
 * the refusal.
 */
export async function executePatch(
  input: string,
  cwd: string,
  policy: SandboxPolicy,
  run: PatchRun,
): Promise<{ text: string; ran: boolean }> {
  const text = await runApplyPatch(input, cwd, policy, run);
  return { text, ran: text.startsWith('Exit code: ') };
}

async function runApplyPatch(
  input: string,
  cwd: string,
  policy: SandboxPolicy,
  run: PatchRun,
): Promise<string> {
  const sessionCwd = run.sessionCwd ?? cwd;
  let changes: Awaited<ReturnType<typeof verifyHunks>>;
  let hunks: ReturnType<typeof parsePatch>;
  try {
    hunks = parsePatch(input);
    changes = await verifyHunks(hunks, cwd);
  } catch (error) {
    if (error instanceof PatchParseError || error instanceof PatchVerificationError) {
      run.context.telemetry?.failed();
      return `${VERIFICATION_FAILED}${error.message}`;
    }
    throw error;
  }
  const written = changes.flatMap((change) =>
    change.movePath === undefined ? [change.path] : [change.path, change.movePath],
  );
  const rejection = await patchRejection(written, policy, sessionCwd, run.env);
  if (rejection !== undefined) {
    run.context.telemetry?.failed();
    return rejection;
  }
  if (run.context.signal.aborted) throw run.context.signal.reason ?? new Error('aborted');
  // 0.169.0's orchestrator: the patch is written without asking, decided by config.
  run.context.telemetry?.decision('approved', 'Config');

  const item = (status: 'in_progress' | 'completed' | 'failed') => ({
    type: 'file_change' as const,
    changes: changes.map(({ path, kind }) => ({ path, kind })),
    status,
  });
  const diff = await patchDiffText(hunks, changes, cwd);
  run.context.emit({ phase: 'started', key: run.key, item: item('in_progress') });
  const started = run.now();
  try {
    const affected = await applyHunks(hunks, cwd, await writeGuard(policy, sessionCwd, run.env));
    run.context.emit({ phase: 'completed', key: run.key, item: item('completed'), diff });
    return formatApplyPatchOutput(0, run.now() - started, formatSummary(affected));
  } catch (error) {
    if (!(error instanceof PatchApplyError || error instanceof PatchVerificationError)) throw error;
    run.context.emit({ phase: 'completed', key: run.key, item: item('failed') });
    return formatApplyPatchOutput(1, run.now() - started, `${error.message}\n`);
  }
}
