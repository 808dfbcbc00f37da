// exec_command / write_stdin argument errors: every expected text below is what codex-cli 0.169.0
// answered (live runs, same arguments), `failed to parse function arguments: ` omitted.
import type { ResponseItem, ToolCallItem } from '@codex-ts/protocol';
import { describe, expect, it } from 'vitest';
import { FULL_ACCESS_SANDBOX, useExecToolKit } from '../../test/exec-kit.js';
import type { ToolContext } from '../tool-handler.js';
import { createExecTools } from './exec-tools.js';

const { tempDir, track } = useExecToolKit('codex-exec-args-');
const tools = () =>
  track(
    createExecTools({
      sandbox: FULL_ACCESS_SANDBOX,
      cwd: tempDir(),
      env: { ...process.env, HOME: tempDir() },
      defaultShell: '/bin/bash',
    }),
  );
const context: ToolContext = { signal: new AbortController().signal, turnId: 'turn-1', emit: () => {} };
const call = (name: string, args: string) =>
  ({ type: 'function_call', id: 'fc_1', name, arguments: args, call_id: 'call_1' }) as ToolCallItem;
const text = (item: ResponseItem) => (item as { output: string }).output;

const EXEC_COMMAND: [string, string][] = [
  ['{not json', 'key must be a string at line 1 column 2'],
  ['{}', 'missing field `cmd` at line 1 column 2'],
  ['{"cmd":"echo hi"', 'EOF while parsing an object at line 1 column 16'],
  ['{"cmd":5}', 'invalid type: integer `5`, expected a string at line 1 column 8'],
  ['{"cmd":"echo hi",}', 'trailing comma at line 1 column 18'],
  ['{"cmd":"echo hi"} x', 'trailing characters at line 1 column 19'],
  ['', 'EOF while parsing a value at line 1 column 0'],
  ['  ', 'EOF while parsing a value at line 1 column 2'],
  ['[1]', 'invalid type: integer `1`, expected a string at line 1 column 2'],
  ['[]', 'invalid length 0, expected struct ToolEnvironmentArgs with 1 element at line 1 column 2'],
  ['[null]', 'invalid type: null, expected a string at line 1 column 5'],
  ['5', 'invalid type: integer `5`, expected struct ToolEnvironmentArgs at line 1 column 1'],
  ['"x"', 'invalid type: string "x", expected struct ToolEnvironmentArgs at line 1 column 3'],
  ['null', 'invalid type: null, expected struct ToolEnvironmentArgs at line 1 column 4'],
  ['{"cmd":"a","yield_time_ms":"x"}', 'invalid type: string "x", expected u64 at line 1 column 30'],
  ['{"cmd":"a\\q"}', 'invalid escape at line 1 column 11'],
  ['{"cmd":"echo hi","cmd":"x"}', 'duplicate field `cmd` at line 1 column 22'],
  ['{\n  "cmd": 5\n}', 'invalid type: integer `5`, expected a string at line 2 column 10'],
  ['{"cmd":"echo","login":"yes"}', 'invalid type: string "yes", expected a boolean at line 1 column 27'],
  ['{"cmd":"echo","workdir":3}', 'invalid type: integer `3`, expected a string at line 1 column 25'],
  [
    '{"cmd":"echo","max_output_tokens":-1}',
    'invalid value: integer `-1`, expected usize at line 1 column 36',
  ],
  [
    '{"cmd":"echo","yield_time_ms":1.5}',
    'invalid type: floating point `1.5`, expected u64 at line 1 column 33',
  ],
  [
    '{"cmd":"echo","yield_time_ms":3.0}',
    'invalid type: floating point `3.0`, expected u64 at line 1 column 33',
  ],
  ['{"cmd":"echo","yield_time_ms":-5}', 'invalid value: integer `-5`, expected u64 at line 1 column 32'],
  [
    '{"cmd":"echo","yield_time_ms":-0}',
    'invalid type: floating point `-0.0`, expected u64 at line 1 column 32',
  ],
  [
    '{"cmd":"echo","max_output_tokens":1e3}',
    'invalid type: floating point `1000.0`, expected usize at line 1 column 37',
  ],
  [
    '{"cmd":"echo","yield_time_ms":99999999999999999999999}',
    'invalid type: floating point `1e+23`, expected u64 at line 1 column 53',
  ],
  [
    '{"cmd":"echo","yield_time_ms":18446744073709551616}',
    'invalid type: floating point `1.8446744073709552e+19`, expected u64 at line 1 column 50',
  ],
  ['{"cmd":"echo","yield_time_ms":1e}', 'invalid number at line 1 column 33'],
  ['{"cmd":"echo","yield_time_ms":-}', 'invalid number at line 1 column 32'],
  ['{"cmd":01}', 'invalid number at line 1 column 9'],
  ['{"cmd":null}', 'invalid type: null, expected a string at line 1 column 11'],
  ['{"cmd":"echo","tty":"no"}', 'invalid type: string "no", expected a boolean at line 1 column 24'],
  ['{"cmd":"echo","tty":null}', 'invalid type: null, expected a boolean at line 1 column 24'],
  ['{"cmd":"echo","yield_time_ms":null}', 'invalid type: null, expected u64 at line 1 column 34'],
  ['{"cmd":["echo"]}', 'invalid type: sequence, expected a string at line 1 column 7'],
  ['{"cmd":{"a":1}}', 'invalid type: map, expected a string at line 1 column 7'],
  ['{"cmd":true}', 'invalid type: boolean `true`, expected a string at line 1 column 11'],
  [
    '{"cmd":"x\u0001"}',
    'control character (\\u0000-\\u001F) found while parsing a string at line 1 column 9',
  ],
  ['{"cmd":"echo" "x":1}', 'expected `,` or `}` at line 1 column 15'],
  ['{"cmd" "echo"}', 'expected `:` at line 1 column 8'],
  ['{"cmd":tru}', 'expected ident at line 1 column 11'],
  ['{"cmd":"echo","unknown":[1,{"a":tru}]}', 'expected ident at line 1 column 36'],
  ['{"cmd":"echo","sandbox_permissions":5}', 'expected value at line 1 column 37'],
  [
    '{"cmd":"echo","sandbox_permissions":"bogus"}',
    'unknown variant `bogus`, expected one of `use_default`, `require_escalated`, `with_additional_permissions` at line 1 column 43',
  ],
  [
    '{"cmd":"echo","sandbox_permissions":{"a":1}}',
    'unknown variant `a`, expected one of `use_default`, `require_escalated`, `with_additional_permissions` at line 1 column 40',
  ],
  ['{"cmd":"echo","justification":5}', 'invalid type: integer `5`, expected a string at line 1 column 31'],
  ['{"cmd":"echo","prefix_rule":"x"}', 'invalid type: string "x", expected a sequence at line 1 column 31'],
  ['{"cmd":"echo","prefix_rule":[1]}', 'invalid type: integer `1`, expected a string at line 1 column 30'],
  ['{"cmd":"echo","environment_id":5}', 'invalid type: integer `5`, expected a string at line 1 column 32'],
  [
    '{"cmd":"echo","additional_permissions":5}',
    'invalid type: integer `5`, expected struct AdditionalPermissionProfile at line 1 column 40',
  ],
  [
    '{"cmd":"x\u0001y","login":1}',
    'control character (\\u0000-\\u001F) found while parsing a string at line 1 column 9',
  ],
  [
    '{"cmd":"héllo\\n\\"q\\"","tty":"\\u00e9\\t"}',
    'invalid type: string "é\\t", expected a boolean at line 1 column 39',
  ],
  ['{"cmd":"echo","shell":"/bin/bash","shell":"x"}', 'duplicate field `shell` at line 1 column 41'],
  ['{"cmd":"echo"}{', 'trailing characters at line 1 column 15'],
  ['{"cmd":"echo\\ud800"}', 'unexpected end of hex escape at line 1 column 19'],
  ['{"cmd":"echo\\u12"}', 'invalid escape at line 1 column 18'],
];

const WRITE_STDIN: [string, string][] = [
  ['{}', 'missing field `session_id` at line 1 column 2'],
  ['{"session_id":"abc"}', 'invalid type: string "abc", expected i32 at line 1 column 19'],
  ['{"session_id":1.5}', 'invalid type: floating point `1.5`, expected i32 at line 1 column 17'],
  ['{"chars":"x"}', 'missing field `session_id` at line 1 column 13'],
  ['null', 'invalid type: null, expected struct TerminalSessionArgs at line 1 column 4'],
  ['{"session_id":3000000000}', 'invalid value: integer `3000000000`, expected i32 at line 1 column 24'],
  ['{"session_id":null}', 'invalid type: null, expected i32 at line 1 column 18'],
];

describe('tool arguments 0.169.0 refuses (serde_json texts and positions)', () => {
  it.each(EXEC_COMMAND)('exec_command %j', async (args, message) => {
    const out = await tools().execCommand.handle(call('exec_command', args), context);
    expect(text(out)).toBe(`failed to parse function arguments: ${message}`);
  });

  it.each(WRITE_STDIN)('write_stdin %j', async (args, message) => {
    const out = await tools().writeStdin.handle(call('write_stdin', args), context);
    expect(text(out)).toBe(`failed to parse function arguments: ${message}`);
  });

  it('nulls 0.169.0 accepts, unknown and repeated unknown fields: the command runs', async () => {
    for (const args of [
      '{"cmd":"true","workdir":null,"login":null,"shell":null,"max_output_tokens":null}',
      '{"cmd":"true","sandbox_permissions":null,"justification":null,"prefix_rule":null}',
      '{"a":1,"a":2,"cmd":"true"}',
      '{"cmd":"true","login":true}   \n',
    ]) {
      const out = text(await tools().execCommand.handle(call('exec_command', args), context));
      expect(out).toContain('Process exited with code 0');
    }
  });

  it('environment_id: `local` or null run; another id is unknown (0.169.0), before the other fields', async () => {
    const run = async (args: string) =>
      text(await tools().execCommand.handle(call('exec_command', args), context));
    expect(await run('{"cmd":"true","environment_id":"local"}')).toContain('Process exited with code 0');
    expect(await run('{"cmd":"true","environment_id":null}')).toContain('Process exited with code 0');
    expect(await run('{"cmd":"true","environment_id":"x"}')).toBe('unknown turn environment id `x`');
    expect(await run('{"cmd":"true","environment_id":""}')).toBe('unknown turn environment id ``');
    expect(await run('["echo"]')).toBe('unknown turn environment id `echo`');
    expect(await run('{"cmd":5,"environment_id":"x"}')).toBe('unknown turn environment id `x`');
  });

  it('write_stdin looks the session up before reading the other fields', async () => {
    const out = await tools().writeStdin.handle(call('write_stdin', '{"session_id":1,"chars":5}'), context);
    expect(text(out)).toBe('write_stdin failed: Unknown process id 1');
  });
});
