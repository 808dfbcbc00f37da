import { describe, expect, it } from 'vitest';
import { describeWireRules } from './response-item.js';

// The serialiser's rules, written out by hand: for every item kind, part type and nested action,
// the wire key order (the original's serde declaration order, as
// codex-cli 0.169.0 sends it), whether a field is `opt` (omitted when unset or null) or `always`
// (written as null when unset), and which nested writer rewrites its value:
//   parts            → content parts in their own wire order, unknown parts verbatim
//   output           → function-call output: a string as is, else parts
//   localShellAction → the local-shell `exec` action's key order below
//   webSearchAction  → the web-search action's key order below, unknown actions verbatim
// The reasoning `content` quirk (omitted when no part is `reasoning_text`) is applied on
// top of its `always` rule and is pinned by the round-trip tests.

const P = 'internal_chat_message_metadata_passthrough';

const ITEMS = {
  additional_tools: [
    ['type', 'opt'],
    ['id', 'opt'],
    ['role', 'opt'],
    ['tools', 'opt'],
  ],
  message: [
    ['type', 'opt'],
    ['id', 'opt'],
    ['role', 'opt'],
    ['content', 'opt', 'parts'],
    ['phase', 'opt'],
    [P, 'opt'],
  ],
  agent_message: [
    ['type', 'opt'],
    ['id', 'opt'],
    ['author', 'opt'],
    ['recipient', 'opt'],
    ['content', 'opt', 'parts'],
    [P, 'opt'],
  ],
  reasoning: [
    ['type', 'opt'],
    ['id', 'opt'],
    ['summary', 'opt', 'parts'],
    ['content', 'always', 'parts'],
    ['encrypted_content', 'always'],
    [P, 'opt'],
  ],
  local_shell_call: [
    ['type', 'opt'],
    ['id', 'opt'],
    ['call_id', 'always'],
    ['status', 'opt'],
    ['action', 'opt', 'localShellAction'],
    [P, 'opt'],
  ],
  function_call: [
    ['type', 'opt'],
    ['status', 'opt'],
    ['id', 'opt'],
    ['name', 'opt'],
    ['namespace', 'opt'],
    ['arguments', 'opt'],
    ['call_id', 'opt'],
    [P, 'opt'],
  ],
  tool_search_call: [
    ['type', 'opt'],
    ['id', 'opt'],
    ['call_id', 'always'],
    ['status', 'opt'],
    ['execution', 'opt'],
    ['arguments', 'always'],
    [P, 'opt'],
  ],
  function_call_output: [
    ['type', 'opt'],
    ['id', 'opt'],
    ['call_id', 'opt'],
    ['output', 'opt', 'output'],
    [P, 'opt'],
  ],
  custom_tool_call: [
    ['type', 'opt'],
    ['id', 'opt'],
    ['status', 'opt'],
    ['call_id', 'opt'],
    ['name', 'opt'],
    ['namespace', 'opt'],
    ['input', 'opt'],
    [P, 'opt'],
  ],
  custom_tool_call_output: [
    ['type', 'opt'],
    ['id', 'opt'],
    ['call_id', 'opt'],
    ['name', 'opt'],
    ['output', 'opt', 'output'],
    [P, 'opt'],
  ],
  tool_search_output: [
    ['type', 'opt'],
    ['id', 'opt'],
    ['call_id', 'always'],
    ['status', 'opt'],
    ['execution', 'opt'],
    ['tools', 'opt'],
    [P, 'opt'],
  ],
  web_search_call: [
    ['type', 'opt'],
    ['id', 'opt'],
    ['status', 'opt'],
    ['action', 'opt', 'webSearchAction'],
    [P, 'opt'],
  ],
  image_generation_call: [
    ['type', 'opt'],
    ['id', 'opt'],
    ['status', 'opt'],
    ['revised_prompt', 'opt'],
    ['result', 'opt'],
    [P, 'opt'],
  ],
  compaction: [
    ['type', 'opt'],
    ['id', 'opt'],
    ['encrypted_content', 'opt'],
    [P, 'opt'],
  ],
  compaction_trigger: [['type', 'opt']],
  context_compaction: [
    ['type', 'opt'],
    ['id', 'opt'],
    ['encrypted_content', 'opt'],
    [P, 'opt'],
  ],
};

const TEXT_PART = [
  ['type', 'opt'],
  ['text', 'opt'],
];

const PARTS = {
  input_text: TEXT_PART,
  output_text: TEXT_PART,
  summary_text: TEXT_PART,
  reasoning_text: TEXT_PART,
  text: TEXT_PART,
  input_image: [
    ['type', 'opt'],
    ['image_url', 'opt'],
    ['detail', 'opt'],
  ],
  input_audio: [
    ['type', 'opt'],
    ['audio_url', 'opt'],
  ],
  encrypted_content: [
    ['type', 'opt'],
    ['encrypted_content', 'opt'],
  ],
};

const LOCAL_SHELL_ACTION = [
  ['type', 'opt'],
  ['command', 'opt'],
  ['timeout_ms', 'always'],
  ['working_directory', 'always'],
  ['env', 'always'],
  ['user', 'always'],
];

const WEB_SEARCH_ACTIONS = {
  search: [
    ['type', 'opt'],
    ['query', 'opt'],
    ['queries', 'opt'],
  ],
  open_page: [
    ['type', 'opt'],
    ['url', 'opt'],
  ],
  find_in_page: [
    ['type', 'opt'],
    ['url', 'opt'],
    ['pattern', 'opt'],
  ],
};

describe('serialiser rules (wire order and modes)', () => {
  const rules = describeWireRules();

  it('items: every kind, its fields in wire order, modes and nested writers', () => {
    expect(rules.items).toStrictEqual(ITEMS);
    expect(Object.keys(rules.items)).toStrictEqual(Object.keys(ITEMS));
  });

  it('content parts', () => {
    expect(rules.parts).toStrictEqual(PARTS);
  });

  it('local shell action', () => {
    expect(rules.localShellAction).toStrictEqual(LOCAL_SHELL_ACTION);
  });

  it('web search actions', () => {
    expect(rules.webSearchActions).toStrictEqual(WEB_SEARCH_ACTIONS);
  });
});
