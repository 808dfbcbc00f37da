// The argument structs of exec_command / write_stdin as 0.169.0 declares them (serde), read with
// `deserializeArgs` so that every argument error has the original's text.
import type { ToolCallItem } from '@codex-ts/protocol';
import { SANDBOX_PERMISSIONS } from '../../sandbox/approval.js';
import { deserializeArgs, type SerdeStruct } from '../serde-args.js';

/** The arguments text of a call (`""` when absent). */
function rawArguments(call: ToolCallItem): string {
  const raw = (call as { arguments?: unknown }).arguments;
  return typeof raw === 'string' ? raw : '';
}

/** What 0.169.0 reads every exec call's arguments into first (its `environment_id` is not used here). */
export const TOOL_ENVIRONMENT_ARGS: SerdeStruct = {
  name: 'ToolEnvironmentArgs',
  fields: { environment_id: { type: 'string', nullable: true } },
};

/** `exec_command`'s arguments as 0.169.0 declares them (declaration order: `cmd` first). */
export const EXEC_COMMAND_ARGS: SerdeStruct = {
  name: 'ExecCommandArgs',
  fields: {
    cmd: { type: 'string', required: true },
    workdir: { type: 'string', nullable: true },
    shell: { type: 'string', nullable: true },
    tty: { type: 'bool' },
    yield_time_ms: { type: 'u64' },
    max_output_tokens: { type: 'usize', nullable: true },
    login: { type: 'bool', nullable: true },
    sandbox_permissions: { type: { variants: SANDBOX_PERMISSIONS }, nullable: true },
    additional_permissions: { type: { struct: 'AdditionalPermissionProfile' }, nullable: true },
    justification: { type: 'string', nullable: true },
    prefix_rule: { type: 'string_seq', nullable: true },
  },
};

/** What 0.169.0 reads a `write_stdin` call into before looking its session up. */
export const TERMINAL_SESSION_ARGS: SerdeStruct = {
  name: 'TerminalSessionArgs',
  fields: { session_id: { type: 'i32', required: true } },
};

/** `write_stdin`'s arguments, read once the session exists. */
export const WRITE_STDIN_ARGS: SerdeStruct = {
  name: 'WriteStdinArgs',
  fields: {
    session_id: { type: 'i32', required: true },
    chars: { type: 'string' },
    yield_time_ms: { type: 'u64' },
    max_output_tokens: { type: 'usize', nullable: true },
  },
};

/**
 * Reads a call's arguments into `shapes` in turn, as the original's serde structs, and returns the
 * last one's fields. @throws SerdeArgsError with serde_json's text (`missing field \`cmd\` at line 1
 * column 2`, `invalid type: integer \`5\`, expected a string at line 1 column 8`, …).
 */
export function parseArguments(call: ToolCallItem, ...shapes: SerdeStruct[]): Record<string, unknown> {
  let args: Record<string, unknown> = {};
  for (const shape of shapes) args = deserializeArgs(rawArguments(call), shape);
  return args;
}
