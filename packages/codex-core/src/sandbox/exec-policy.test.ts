// The exec policy (`$CODEX_HOME/rules/*.rules`) against what codex-cli 0.169.0 decided for the same
// rules and commands (live runs).
import { describe, expect, it } from 'vitest';
import {
  ExecPolicy,
  ExecPolicyError,
  parseRules,
  policyRefusalText,
  splitSimpleScript,
} from './exec-policy.js';

const RULES = `# user rules
prefix_rule(pattern=["rm"], decision="forbidden")
prefix_rule(
  pattern = ["git", "status"],
  decision = "prompt",
  justification = "ask first",
)
prefix_rule(pattern=["ls"], decision="allow")
`;

const policy = new ExecPolicy(parseRules(RULES, '/h/rules/default.rules'));
const check = (script: string) => policy.check(script, ['/bin/bash', '-lc', script]);

describe('exec policy', () => {
  it('decides per command of a plain script, the strictest wins, the program by base name', () => {
    expect(check('echo a && rm -f x')).toEqual({ decision: 'forbidden', prefix: 'rm' });
    expect(check('echo hi | grep h; rm x')).toEqual({ decision: 'forbidden', prefix: 'rm' });
    expect(check('/bin/rm x')).toEqual({ decision: 'forbidden', prefix: 'rm' });
    expect(check('git   status --short')).toEqual({ decision: 'prompt', prefix: 'git status' });
    expect(check('ls')).toEqual({ decision: 'allow', prefix: 'ls' });
    expect(check('ls && git status')).toEqual({ decision: 'prompt', prefix: 'git status' });
    // 0.169.0 ran these: not plain scripts, or the rule's program is an argument.
    expect(check('bash -c "rm x"')).toBeUndefined();
    expect(check('echo $(rm x)')).toBeUndefined();
    expect(check('echo rm')).toBeUndefined();
  });

  it('answers with 0.169.0 texts', () => {
    expect(policyRefusalText({ decision: 'forbidden', prefix: 'rm' }, "/bin/bash -lc 'rm x'")).toBe(
      'exec_command failed: CreateProcess { message: "Rejected(\\"`/bin/bash -lc \'rm x\'` rejected: policy forbids commands starting with `rm`\\")" }',
    );
    expect(policyRefusalText({ decision: 'prompt', prefix: 'git status' }, 'x')).toBe(
      'exec_command failed: CreateProcess { message: "Rejected(\\"approval required by policy, but AskForApproval is set to Never\\")" }',
    );
    expect(policyRefusalText({ decision: 'allow', prefix: 'ls' }, 'x')).toBeUndefined();
  });

  it('splits plain scripts only', () => {
    expect(splitSimpleScript(`echo 'a b' "c \\"d\\"" e\\ f\nls -l || true`)).toEqual([
      ['echo', 'a b', 'c "d"', 'e f'],
      ['ls', '-l'],
      ['true'],
    ]);
    for (const script of [
      'a > f',
      'FOO=1 rm x',
      'sleep 1 &',
      '(rm x)',
      'echo `rm x`',
      'echo "$HOME"',
      "echo 'x",
    ])
      expect(splitSimpleScript(script)).toBeUndefined();
  });

  it('a bad rules file: 0.169.0 load error text', () => {
    expect(() =>
      parseRules('prefix_rule(pattern=["rm"], decision="nope")\n', '/h/rules/default.rules'),
    ).toThrow(
      new ExecPolicyError(
        'Error loading rules:\n/h/rules/default.rules:1: error: invalid decision: nope (problem is on or around line 1)',
      ),
    );
  });
});
