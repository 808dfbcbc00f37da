import { resolve } from 'node:path';
import { monotonicMs } from '@codex-ts/client';
import type { ToolContext } from '../tool-handler.js';
import { parsePatch } from './parser.js';
import { type ApplyPatchToolOptions, executePatch } from './tool.js';

/** What a shell script given to `exec_command` is, for `apply_patch` purposes. */
export type ApplyPatchCommand =
  | { kind: 'heredoc'; body: string; workdir: string | undefined }
  | { kind: 'implicit' };

// `[cd <dir> && ]apply_patch <<'EOF'` on the first line; the dir is a bare word, "string" or 'raw string'.
const FIRST_LINE =
  /^(?:cd\s+(?:"([^"$`\\]*)"|'([^']*)'|([^\s"'`$;&|<>()\\]+))\s*&&\s*)?(?:apply_patch|applypatch)\s*<<\s*(?:'([A-Za-z0-9_]+)'|"([A-Za-z0-9_]+)"|([A-Za-z0-9_]+))\s*$/;

/**
 * Recognises the shell forms codex-cli 0.169.0 runs as `apply_patch` instead of executing them
 * (codex-rs `apply-patch/src/lib.rs` `maybe_parse_apply_patch_verified`): a whole script
 * `apply_patch <<'EOF'` … `EOF` (also `applypatch`, `<<EOF`, `<<"EOF"`, any delimiter word,
 * optionally after `cd <dir> && `), and a script that is itself a patch (`implicit`, refused).
 * Anything else (more commands, `apply_patch '<patch>'` as an argument) is `undefined`: the shell
 * runs it.
 */
export function parseApplyPatchCommand(script: string): ApplyPatchCommand | undefined {
  try {
    parsePatch(script);
    return { kind: 'implicit' };
  } catch {
    // not a bare patch
  }
  const lines = script.trim().split('\n');
  const match = FIRST_LINE.exec(lines[0] ?? '');
  if (!match) return undefined;
  const delimiter = match[4] ?? match[5] ?? match[6];
  const end = lines.indexOf(delimiter as string, 1);
  if (end === -1 || lines.slice(end + 1).some((line) => line.trim() !== '')) return undefined;
  return {
    kind: 'heredoc',
    body: lines.slice(1, end).join('\n'),
    workdir: match[1] ?? match[2] ?? match[3],
  };
}

/** 0.169.0 reports the intercepted command with a zero wall time (`0.0000` in every observed run). */
const INTERCEPTED_PREFIX = 'Wall time: 0.0000 seconds\nOutput:\n';

/** The refusal of a script that is a bare patch, as 0.169.0 answers it. */
export const IMPLICIT_APPLY_PATCH_OUTPUT =
  'apply_patch verification failed: patch detected without explicit call to apply_patch. Rerun as ["apply_patch", "<patch>"]';

/**
 * For `exec_command`: when `script` (the `cmd` run as `/bin/bash -lc <cmd>` in `workdir`, default
 * `options.cwd`; relative to it) is an `apply_patch` invocation ({@link parseApplyPatchCommand}),
 * applies the patch in-process as the `apply_patch` tool does (same checks, refusals and
 * `file_change` item under `key`, normally the call's `call_id`). Patch paths resolve against the
 * script's directory (`workdir`, then its `cd <dir>`), while the sandbox policy's writable roots
 * stay those of the session cwd `options.cwd` (0.169.0 refuses `cd /elsewhere && apply_patch …`
 * under `workspace-write` as `writing outside of the project`). Returns the
 * `function_call_output` text 0.169.0 sends:
 * `Wall time: 0.0000 seconds\nOutput:\n` (always zero, as observed) + the tool's `Exit code: …` text when the patch was
 * written, else the bare `apply_patch verification failed: …` / `patch rejected: …` text.
 * Returns `undefined` for any other script (run it normally).
 */
export async function runApplyPatchCommand(
  script: string,
  options: ApplyPatchToolOptions,
  context: ToolContext,
  key: string,
  workdir?: string | undefined,
): Promise<string | undefined> {
  const command = parseApplyPatchCommand(script);
  if (command === undefined) return undefined;
  if (command.kind === 'implicit') return IMPLICIT_APPLY_PATCH_OUTPUT;
  const now = options.now ?? monotonicMs;
  const policy =
    typeof options.sandboxPolicy === 'function' ? options.sandboxPolicy() : options.sandboxPolicy;
  const cwd = resolve(options.cwd, workdir ?? '.', command.workdir ?? '.');
  const result = await executePatch(command.body, cwd, policy, {
    env: options.env ?? process.env,
    now,
    context,
    key,
    sessionCwd: options.cwd,
  });
  return result.ran ? `${INTERCEPTED_PREFIX}${result.text}` : result.text;
}
