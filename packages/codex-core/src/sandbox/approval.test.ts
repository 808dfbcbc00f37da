import { describe, expect, it } from 'vitest';
import {
  type ApprovalPolicy,
  decideCommandLaunch,
  escalationRejectedMessage,
  execApprovalPolicy,
  isLikelySandboxDenial,
  NO_APPROVER_MESSAGE,
  UNTRUSTED_APPROVAL_POLICY_ERROR,
} from './approval.js';

describe('execApprovalPolicy', () => {
  it('pins codex exec to never, whatever was configured', () => {
    for (const configured of [undefined, 'never', 'on-request', 'on-failure', { granular: {} }] as const)
      expect(execApprovalPolicy(configured)).toBe('never');
  });

  it('rejects untrusted with the original load error', () => {
    expect(() => execApprovalPolicy('untrusted')).toThrow(UNTRUSTED_APPROVAL_POLICY_ERROR);
    expect(UNTRUSTED_APPROVAL_POLICY_ERROR).toBe(
      'approval_policy = "untrusted" is no longer supported; remove this setting',
    );
  });
});

describe('decideCommandLaunch', () => {
  it('runs a command that asks for nothing (in the session sandbox)', () => {
    for (const approvalPolicy of ['never', 'on-request', 'on-failure', 'untrusted'] as ApprovalPolicy[]) {
      expect(decideCommandLaunch({ approvalPolicy })).toEqual({ kind: 'run' });
      expect(decideCommandLaunch({ approvalPolicy, sandboxPermissions: 'use_default' })).toEqual({
        kind: 'run',
      });
    }
  });

  it('rejects an escalation under never with the text 0.169.0 sent to the model', () => {
    for (const sandboxPermissions of ['require_escalated', 'with_additional_permissions'] as const)
      expect(decideCommandLaunch({ approvalPolicy: 'never', sandboxPermissions })).toEqual({
        kind: 'reject',
        message:
          'approval policy is Never; reject command — you cannot ask for escalated permissions if the approval policy is Never',
      });
  });

  it('names the policy in the rejection as codex-rs does', () => {
    expect(
      decideCommandLaunch({ approvalPolicy: 'on-failure', sandboxPermissions: 'require_escalated' }),
    ).toEqual({
      kind: 'reject',
      message: escalationRejectedMessage('on-failure'),
    });
    expect(escalationRejectedMessage('untrusted')).toContain('approval policy is UnlessTrusted;');
  });

  it('rejects an escalation under on-request: a non-interactive session has no approver', () => {
    expect(
      decideCommandLaunch({ approvalPolicy: 'on-request', sandboxPermissions: 'require_escalated' }),
    ).toEqual({
      kind: 'reject',
      message: NO_APPROVER_MESSAGE,
    });
  });
});

describe('isLikelySandboxDenial', () => {
  const denied = (exitCode: number, output: string, sandboxed = true) =>
    isLikelySandboxDenial({ sandboxed, exitCode, output });

  it('flags failures whose output names a denial, in any case', () => {
    expect(denied(1, "touch: cannot touch 'x': Read-only file system\n")).toBe(true);
    expect(denied(1, 'bash: /etc/x: Permission denied')).toBe(true);
    expect(denied(2, 'Operation not permitted')).toBe(true);
    expect(denied(101, "thread 'main' panicked at linux-sandbox/src/launcher.rs")).toBe(true);
  });

  it('does not flag successes, unsandboxed runs or ordinary failures', () => {
    expect(denied(0, 'Read-only file system')).toBe(false);
    expect(denied(1, 'Read-only file system', false)).toBe(false);
    expect(denied(1, 'oops')).toBe(false);
    expect(denied(127, 'bash: nope: command not found')).toBe(false);
  });

  it('flags a SIGSYS exit (128 + 31) without any text', () => {
    expect(denied(159, '')).toBe(true);
    expect(denied(137, '')).toBe(false);
  });
});
