// The human output's layout as codex exec 0.169.0 printed it (header, `codex` blocks, retry
// notices, failures, `tokens used`), plain and with `--color always`.
import type { SandboxPolicy, TurnEvent } from '@codex-ts/core';
import { emptyTokenUsage, type TokenUsage } from '@codex-ts/protocol';
import { describe, expect, it } from 'vitest';
import { HumanPrinter } from './human-printer.js';
import { formatTokenCount } from './human-styles.js';
import { type HumanSessionSummary, sandboxSummary } from './human-summary.js';

function sink(): { text: string; write(t: string): void } {
  return {
    text: '',
    write(t: string) {
      this.text += t;
    },
  };
}

const summary: HumanSessionSummary = {
  version: '0.1.0',
  cwd: '/work/repo',
  model: 'gpt-5.5',
  provider: 'local',
  approval: 'never',
  sandbox: 'read-only',
  sessionId: '01a2004f-b89d-7fb1-9159-4117ec46c750',
};

const message = (text: string) =>
  ({
    type: 'item.completed',
    item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] },
  }) as unknown as TurnEvent;
const reasoning = (text: string) =>
  ({
    type: 'item.completed',
    item: { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text }] },
  }) as unknown as TurnEvent;
const usage = (fields: Partial<TokenUsage>): TokenUsage => ({ ...emptyTokenUsage(), ...fields });
const tokenCount = (total: TokenUsage): TurnEvent => ({ type: 'token_count', last: total, total });

describe('HumanPrinter header', () => {
  it('prints the session summary and the prompt as 0.169.0 (reasoning settings `none` when not configured)', () => {
    const err = sink();
    new HumanPrinter(sink(), err).header(summary, 'Say hello.');
    expect(err.text).toBe(
      [
        'OpenAI Codex v0.1.0',
        '--------',
        'workdir: /work/repo',
        'model: gpt-5.5',
        'provider: local',
        'approval: never',
        'sandbox: read-only',
        'reasoning effort: none',
        'reasoning summaries: none',
        'session id: 01a2004f-b89d-7fb1-9159-4117ec46c750',
        '--------',
        'user',
        'Say hello.',
        '',
      ].join('\n'),
    );
  });

  it('styles the keys bold and `user` cyan with --color always; a prompt keeps its own newlines', () => {
    const err = sink();
    new HumanPrinter(sink(), err, { color: true }).header(
      { ...summary, reasoningEffort: 'high', reasoningSummary: 'detailed' },
      'line 1\n',
    );
    expect(err.text).toBe(
      'OpenAI Codex v0.1.0\n--------\n' +
        '\x1b[1mworkdir:\x1b[0m /work/repo\n\x1b[1mmodel:\x1b[0m gpt-5.5\n\x1b[1mprovider:\x1b[0m local\n' +
        '\x1b[1mapproval:\x1b[0m never\n\x1b[1msandbox:\x1b[0m read-only\n' +
        '\x1b[1mreasoning effort:\x1b[0m high\n\x1b[1mreasoning summaries:\x1b[0m detailed\n' +
        '\x1b[1msession id:\x1b[0m 01a2004f-b89d-7fb1-9159-4117ec46c750\n--------\n' +
        '\x1b[36muser\x1b[0m\nline 1\n\n',
    );
  });

  it('summarizes the sandbox as 0.169.0', () => {
    const policy = (fields: Partial<SandboxPolicy>): SandboxPolicy => ({
      mode: 'workspace-write',
      writableRoots: [],
      networkAccess: false,
      ...fields,
    });
    expect(sandboxSummary(policy({ mode: 'read-only' }))).toBe('read-only');
    expect(sandboxSummary(policy({ mode: 'danger-full-access' }))).toBe('danger-full-access');
    expect(sandboxSummary(policy({}))).toBe('workspace-write [workdir, /tmp, $TMPDIR]');
    expect(sandboxSummary(policy({ writableRoots: ['/a', '/b'], networkAccess: true }))).toBe(
      'workspace-write [workdir, /tmp, $TMPDIR, /a, /b] (network access enabled)',
    );
    expect(sandboxSummary(policy({ excludeSlashTmp: true, excludeTmpdirEnvVar: true }))).toBe(
      'workspace-write [workdir]',
    );
  });
});

describe('HumanPrinter turn output', () => {
  it('shows messages as `codex` blocks on stderr and only the last one on stdout once the turn completed', () => {
    const out = sink();
    const err = sink();
    const printer = new HumanPrinter(out, err);
    printer.handle(message('First.'));
    printer.handle(reasoning('**Planning**\n\nthen more'));
    printer.handle(message('Second.'));
    expect(out.text).toBe('');
    printer.handle(tokenCount(usage({ inputTokens: 999, outputTokens: 1 })));
    printer.handle({ type: 'turn.completed', usage: usage({ inputTokens: 999, outputTokens: 1 }) });
    printer.finish();
    expect(out.text).toBe('Second.\n');
    expect(err.text).toBe('codex\nFirst.\n**Planning**\n\nthen more\ncodex\nSecond.\ntokens used\n1,000\n');
  });

  it('prints retry notices without their reason, a failure twice, and nothing on stdout for a failed turn', () => {
    const out = sink();
    const err = sink();
    const printer = new HumanPrinter(out, err);
    printer.handle({
      type: 'stream_error',
      message: 'Reconnecting... 2/5 (stream disconnected before completion: boom)',
      retry: 2,
      maxRetries: 5,
      delayMs: 400,
      error: undefined as never,
    });
    printer.handle(message('partial'));
    printer.handle({
      type: 'turn.failed',
      message: 'Incomplete response returned, reason: max_output_tokens',
      error: undefined,
    });
    printer.finish();
    expect(out.text).toBe('');
    expect(err.text).toBe(
      'ERROR: Reconnecting... 2/5\ncodex\npartial\n' +
        'ERROR: Incomplete response returned, reason: max_output_tokens\n'.repeat(2),
    );
  });

  it("adds a resumed thread's usage to `tokens used` (non-cached input + output) and styles the labels", () => {
    const err = sink();
    const printer = new HumanPrinter(sink(), err, {
      color: true,
      priorUsage: usage({ inputTokens: 1_000_000, cachedInputTokens: 500, outputTokens: 10 }),
    });
    printer.handle({ type: 'warning', message: 'careful' });
    printer.handle(reasoning('thinking'));
    printer.handle(message('Hi.'));
    printer.handle(tokenCount(usage({ inputTokens: 15_000, cachedInputTokens: 1000, outputTokens: 2345 })));
    printer.handle({ type: 'turn.failed', message: 'boom', error: undefined });
    printer.finish();
    expect(err.text).toBe(
      '\x1b[1m\x1b[33mwarning:\x1b[0m\x1b[0m careful\n' +
        '\x1b[2mthinking\x1b[0m\n' +
        '\x1b[35m\x1b[3mcodex\x1b[0m\x1b[0m\nHi.\n' +
        '\x1b[1m\x1b[31mERROR:\x1b[0m\x1b[0m boom\n'.repeat(2) +
        '\x1b[2mtokens used\x1b[0m\n1,015,855\n',
    );
  });

  it('prints no `tokens used` when no response reported usage', () => {
    const err = sink();
    const printer = new HumanPrinter(sink(), err);
    printer.handle({ type: 'turn.completed', usage: emptyTokenUsage() });
    printer.finish();
    expect(err.text).toBe('');
  });

  it('groups token counts by thousands', () => {
    expect([0, 218, 1000, 999_999, 1_250_913].map(formatTokenCount)).toEqual([
      '0',
      '218',
      '1,000',
      '999,999',
      '1,250,913',
    ]);
  });
});
