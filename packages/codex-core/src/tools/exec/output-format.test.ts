import { describe, expect, it } from 'vitest';
import {
  approxTokenCount,
  formatExecAnswer,
  truncatedOutputText,
  truncateMiddleTokens,
} from './output-format.js';
import { displayCommand, shellQuote } from './shell.js';
import { EXEC_COMMAND_SPEC, WRITE_STDIN_SPEC } from './specs.js';

describe('exec output format', () => {
  it('counts tokens as UTF-8 bytes / 4 rounded up', () => {
    expect(approxTokenCount('')).toBe(0);
    expect(approxTokenCount('hi\n')).toBe(1);
    expect(approxTokenCount('oops\n')).toBe(2);
    expect(approxTokenCount('é')).toBe(1);
  });

  it('keeps head and tail on character boundaries around the token marker', () => {
    expect(truncateMiddleTokens('abcdefghij', 2)).toBe('abcd…1 tokens truncated…ghij');
    // 4 × "é" is 8 bytes; a 1-token budget keeps 2 bytes at each end (one "é" each).
    expect(truncateMiddleTokens('éééé', 1)).toBe('é…1 tokens truncated…é');
    // A 3-byte character cannot be split: the head gives it up, the tail starts after it.
    expect(truncateMiddleTokens('€€€€', 1)).toBe('…2 tokens truncated…');
    expect(truncateMiddleTokens('short', 10)).toBe('short');
  });

  it('adds the warning and line count only when the output is over budget', () => {
    expect(truncatedOutputText('a\nb\n', 10)).toBe('a\nb\n');
    expect(truncatedOutputText('1234567890\nabcdefghij\n', 2)).toBe(
      'Warning: truncated output (original token count: 6)\nTotal output lines: 2\n\n1234…4 tokens truncated…hij\n',
    );
  });

  it('formats exited and running answers', () => {
    expect(
      formatExecAnswer({
        chunkId: '0862f0',
        wallTimeSeconds: 0,
        exitCode: 0,
        output: 'hi\n',
        maxOutputTokens: 10_000,
      }),
    ).toBe(
      'Chunk ID: 0862f0\nWall time: 0.0000 seconds\nProcess exited with code 0\nOriginal token count: 1\nOutput:\nhi\n',
    );
    expect(
      formatExecAnswer({
        chunkId: '53c677',
        wallTimeSeconds: 0.30135,
        sessionId: 29039,
        output: 'start\n',
        maxOutputTokens: 10_000,
      }),
    ).toBe(
      'Chunk ID: 53c677\nWall time: 0.3014 seconds\nProcess running with session ID 29039\nOriginal token count: 2\nOutput:\nstart\n',
    );
    expect(formatExecAnswer({ wallTimeSeconds: 0, exitCode: 0, output: '', maxOutputTokens: 1 })).toMatch(
      /^Chunk ID: [0-9a-f]{6}\n/,
    );
  });
});

describe('command display', () => {
  it('quotes like the original', () => {
    expect(displayCommand(['/bin/bash', '-lc', 'echo hi'])).toBe("/bin/bash -lc 'echo hi'");
    expect(displayCommand(['/bin/bash', '-lc', 'ls'])).toBe('/bin/bash -lc ls');
    expect(displayCommand(['/bin/bash', '-lc', "echo 'a b'"])).toBe(`/bin/bash -lc "echo 'a b'"`);
    expect(displayCommand(['/bin/bash', '-lc', 'echo "x" $HOME'])).toBe(`/bin/bash -lc 'echo "x" $HOME'`);
    expect(shellQuote('')).toBe("''");
    expect(shellQuote(`it's $x`)).toBe(`'it'"'"'s $x'`);
  });
});

describe('tool definitions', () => {
  it('are byte for byte what codex-cli 0.169.0 sends', () => {
    // Captured from the request body of codex-cli 0.169.0 (gpt-5.5, custom provider).
    expect(JSON.stringify(EXEC_COMMAND_SPEC)).toBe(
      '{"type":"function","name":"exec_command","description":"Runs a command in a PTY, returning output or a session ID for ongoing interaction.","strict":false,"parameters":{"type":"object","properties":{"cmd":{"type":"string","description":"Shell command to execute."},"justification":{"type":"string","description":"User-facing approval question for `require_escalated`; omit otherwise."},"login":{"type":"boolean","description":"True runs the shell with -l/-i semantics; false disables them. Defaults to true."},"max_output_tokens":{"type":"number","description":"Output token budget. Defaults to 10000 tokens; larger requests may be capped by policy."},"prefix_rule":{"type":"array","description":"Reusable approval prefix for `cmd`, only with `sandbox_permissions: \\"require_escalated\\"`; for example [\\"git\\", \\"pull\\"].","items":{"type":"string"}},"sandbox_permissions":{"type":"string","description":"Per-command sandbox override. Defaults to `use_default`; use `require_escalated` for unsandboxed execution.","enum":["use_default","require_escalated"]},"shell":{"type":"string","description":"Shell binary to launch. Defaults to the user\'s default shell."},"tty":{"type":"boolean","description":"True allocates a PTY for the command; false or omitted uses plain pipes."},"workdir":{"type":"string","description":"Working directory for the command. Defaults to the turn cwd."},"yield_time_ms":{"type":"number","description":"Wait before yielding output. Defaults to 10000 ms; effective range is 250-30000 ms."}},"required":["cmd"],"additionalProperties":false}}',
    );
    expect(JSON.stringify(WRITE_STDIN_SPEC)).toBe(
      '{"type":"function","name":"write_stdin","description":"Writes characters to an existing unified exec session and returns recent output.","strict":false,"parameters":{"type":"object","properties":{"chars":{"type":"string","description":"Bytes to write to stdin. Defaults to empty, which polls without writing."},"max_output_tokens":{"type":"number","description":"Output token budget. Defaults to 10000 tokens; larger requests may be capped by policy."},"session_id":{"type":"number","description":"Identifier of the running unified exec session."},"yield_time_ms":{"type":"number","description":"Wait before yielding output. Non-empty writes default to 250 ms and cap at 30000 ms; empty polls wait 5000-300000 ms by default."}},"required":["session_id"],"additionalProperties":false}}',
    );
  });
});
