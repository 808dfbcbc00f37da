/**
 * The `apply_patch` tool definition codex-cli 0.169.0 sends (e.g. to gpt-5.5, whose catalog entry says
 * `apply_patch_tool_type: freeform`): a `custom` tool whose input is constrained by a Lark grammar
 * (codex-rs `tools/src/apply_patch_tool.rs`, `core/src/tools/handlers/tool_apply_patch.lark`).
 * Captured from the released CLI's request; the texts must stay byte-identical.
 */

/** The Lark grammar of the patch format, as sent in `format.definition` (ends with a newline). */
export const APPLY_PATCH_LARK_GRAMMAR = [
  'start: begin_patch hunk+ end_patch',
  'begin_patch: "*** Begin Patch" LF',
  'end_patch: "*** End Patch" LF?',
  '',
  'hunk: add_hunk | delete_hunk | update_hunk',
  'add_hunk: "*** Add File: " filename LF add_line+',
  'delete_hunk: "*** Delete File: " filename LF',
  'update_hunk: "*** Update File: " filename LF change_move? change?',
  '',
  'filename: /(.+)/',
  'add_line: "+" /(.*)/ LF -> line',
  '',
  'change_move: "*** Move to: " filename LF',
  'change: (change_context | change_line)+ eof_line?',
  'change_context: ("@@" | "@@ " /(.+)/) LF',
  'change_line: ("+" | "-" | " ") /(.*)/ LF',
  'eof_line: "*** End of File" LF',
  '',
  '%import common.LF',
  '',
].join('\n');

/** The `description` of the freeform `apply_patch` tool. */
export const APPLY_PATCH_TOOL_DESCRIPTION =
  'The `apply_patch` tool can be used to edit files. This is a FREEFORM tool, so do not wrap the patch in JSON.';

/**
 * `{"type":"custom","name":"apply_patch","description":…,"format":{"type":"grammar","syntax":"lark","definition":…}}`,
 * key order as on the wire.
 */
export function applyPatchToolSpec(): {
  type: 'custom';
  name: 'apply_patch';
  description: string;
  format: { type: 'grammar'; syntax: 'lark'; definition: string };
} {
  return {
    type: 'custom',
    name: 'apply_patch',
    description: APPLY_PATCH_TOOL_DESCRIPTION,
    format: { type: 'grammar', syntax: 'lark', definition: APPLY_PATCH_LARK_GRAMMAR },
  };
}
