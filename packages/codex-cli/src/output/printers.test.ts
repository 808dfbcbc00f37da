// Both printers take the text of a completed item from the same protocol helpers
// (`reasoningText`, `messageText`), so human and --json output show the same text.
import type { TurnEvent } from '@codex-ts/core';
import { emptyTokenUsage } from '@codex-ts/protocol';
import { describe, expect, it } from 'vitest';
import { HumanPrinter } from './human-printer.js';
import { JsonlPrinter } from './jsonl-printer.js';

function sink(): { text: string; write(t: string): void } {
  return {
    text: '',
    write(t: string) {
      this.text += t;
    },
  };
}

const completed = (item: object) => ({ type: 'item.completed', item }) as unknown as TurnEvent;

const reasoning = {
  type: 'reasoning',
  id: 'rs_1',
  summary: [
    { type: 'summary_text', text: '' },
    { type: 'summary_text', text: 'thinking' },
    { type: 'summary_text', text: '' },
  ],
};

describe('printers', () => {
  it('show the same reasoning text: the parts joined by newlines, empty ones kept (as 0.169.0)', () => {
    const out = sink();
    const err = sink();
    new HumanPrinter(out, err).handle(completed(reasoning));
    expect(err.text).toBe('\nthinking\n\n');
    expect(out.text).toBe('');

    const jsonOut = sink();
    new JsonlPrinter(jsonOut).handle(completed(reasoning));
    expect(jsonOut.text).toBe(
      '{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"\\nthinking\\n"}}\n',
    );
  });

  it('print nothing for a reasoning item without summary text', () => {
    const empty = { ...reasoning, summary: [{ type: 'summary_text', text: '' }] };
    const out = sink();
    const err = sink();
    new HumanPrinter(out, err).handle(completed(empty));
    expect(err.text).toBe('');
    expect(out.text).toBe('');
    const jsonOut = sink();
    new JsonlPrinter(jsonOut).handle(completed(empty));
    expect(jsonOut.text).toBe('');
  });

  it('show the same assistant text: output_text parts joined, refusals skipped', () => {
    const message = {
      type: 'message',
      role: 'assistant',
      content: [
        { type: 'output_text', text: 'a', annotations: [] },
        { type: 'refusal', refusal: 'no' },
        { type: 'output_text', text: 'b', annotations: [] },
      ],
    };
    const out = sink();
    const err = sink();
    const human = new HumanPrinter(out, err);
    human.handle(completed(message));
    expect(err.text).toBe('codex\nab\n');
    expect(out.text).toBe('');
    human.handle({ type: 'turn.completed', usage: emptyTokenUsage() });
    expect(out.text).toBe('ab\n');

    const jsonOut = sink();
    new JsonlPrinter(jsonOut).handle(completed(message));
    expect(jsonOut.text).toBe(
      '{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"ab"}}\n',
    );
  });

  it('print no user message', () => {
    const user = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] };
    const out = sink();
    const err = sink();
    new HumanPrinter(out, err).handle(completed(user));
    const jsonOut = sink();
    new JsonlPrinter(jsonOut).handle(completed(user));
    expect(out.text + err.text + jsonOut.text).toBe('');
  });
});

describe('HumanPrinter commands', () => {
  const command = (
    phase: 'started' | 'completed',
    key: string,
    cmd: string,
    exit: number | null,
    output = '',
  ) =>
    ({
      type: 'tool.item',
      phase,
      key,
      item: {
        type: 'command_execution',
        command: cmd,
        aggregated_output: output,
        exit_code: exit,
        status: exit === null ? 'in_progress' : exit === 0 ? 'completed' : 'failed',
      },
    }) as TurnEvent;

  it('shows each command on stderr as codex-cli 0.169.0: exec, the command and cwd, then status and output', () => {
    const out = sink();
    const err = sink();
    const printer = new HumanPrinter(out, err, { cwd: '/work' });
    printer.handle(command('started', 'c1', "/bin/bash -lc 'echo hi'", null));
    printer.handle(command('completed', 'c1', "/bin/bash -lc 'echo hi'", 0, 'hi\n'));
    printer.handle(command('started', 'c2', "/bin/bash -lc 'echo oops >&2; exit 3'", null));
    printer.handle(command('completed', 'c2', "/bin/bash -lc 'echo oops >&2; exit 3'", 3, 'oops\n'));
    printer.handle(command('started', 'c3', '/bin/bash -lc true', null));
    printer.handle(command('completed', 'c3', '/bin/bash -lc true', 0));
    printer.handle(command('completed', 'c4', "/bin/bash -lc 'printf abc'", 0, 'abc'));
    expect(out.text).toBe('');
    expect(err.text.replace(/in \d+ms:/g, 'in Nms:')).toBe(
      [
        'exec',
        "/bin/bash -lc 'echo hi' in /work",
        ' succeeded in Nms:',
        'hi',
        '',
        'exec',
        "/bin/bash -lc 'echo oops >&2; exit 3' in /work",
        ' exited 3 in Nms:',
        'oops',
        '',
        'exec',
        '/bin/bash -lc true in /work',
        ' succeeded in Nms:',
        ' succeeded in Nms:',
        'abc',
        '',
      ].join('\n'),
    );
  });
});

describe('JsonlPrinter tool items at turn end', () => {
  const toolItem = (phase: string, key: string, item: object) =>
    ({ type: 'tool.item', phase, key, item }) as TurnEvent;

  it('leaves a command still running open (as 0.169.0) and completes other open items', () => {
    const out = sink();
    const printer = new JsonlPrinter(out);
    printer.handle({ type: 'turn.started', turnId: 't1' } as TurnEvent);
    printer.handle(
      toolItem('started', 'call_1', {
        type: 'command_execution',
        command: "/bin/bash -lc 'sleep 2'",
        aggregated_output: '',
        exit_code: null,
        status: 'in_progress',
      }),
    );
    printer.handle(
      toolItem('started', 'call_2', { type: 'todo_list', items: [{ text: 'a', completed: false }] }),
    );
    printer.handle({ type: 'turn.completed', usage: emptyUsage } as unknown as TurnEvent);
    const lines = out.text.trim().split('\n');
    expect(lines).toEqual([
      '{"type":"turn.started"}',
      `{"type":"item.started","item":{"id":"item_0","type":"command_execution","command":"/bin/bash -lc 'sleep 2'","aggregated_output":"","exit_code":null,"status":"in_progress"}}`,
      '{"type":"item.started","item":{"id":"item_1","type":"todo_list","items":[{"text":"a","completed":false}]}}',
      '{"type":"item.completed","item":{"id":"item_1","type":"todo_list","items":[{"text":"a","completed":false}]}}',
      '{"type":"turn.completed","usage":{"input_tokens":0,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":0,"reasoning_output_tokens":0}}',
    ]);
  });
});

const emptyUsage = {
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteInputTokens: 0,
  outputTokens: 0,
  reasoningOutputTokens: 0,
  totalTokens: 0,
};
