import { describe, expect, it } from 'vitest';
import { HumanPrinter } from './human-printer.js';
import { messageText, reasoningText } from './item-text.js';
import { JsonlPrinter } from './jsonl-printer.js';

function sink(): { text: string; write(t: string): void } {
  return {
    text: '',
    write(t: string) {
      this.text += t;
    },
  };
}

describe('item text', () => {
  it('messageText joins output_text/text parts and ignores others', () => {
    expect(
      messageText([
        { type: 'output_text', text: 'a' },
        { type: 'refusal', refusal: 'no' },
        { type: 'text', text: 'b' },
      ]),
    ).toBe('ab');
    expect(messageText(undefined)).toBe('');
  });

  it('reasoningText skips empty summary parts', () => {
    expect(
      reasoningText({
        summary: [
          { type: 'summary_text', text: 'one' },
          { type: 'summary_text', text: '' },
          { type: 'summary_text', text: 'two' },
        ],
      }),
    ).toBe('one\n\ntwo');
    expect(reasoningText({ summary: [{ type: 'summary_text', text: '' }] })).toBe('');
    expect(reasoningText({})).toBe('');
  });

  it('both printers show the same reasoning text (no stray blank lines)', () => {
    const item = {
      type: 'reasoning',
      id: 'rs_1',
      summary: [
        { type: 'summary_text', text: '' },
        { type: 'summary_text', text: 'thinking' },
        { type: 'summary_text', text: '' },
      ],
    };
    const out = sink();
    const err = sink();
    new HumanPrinter(out, err).handle({ type: 'item.completed', item } as never);
    expect(err.text).toBe('thinking\n');
    expect(out.text).toBe('');

    const jsonOut = sink();
    new JsonlPrinter(jsonOut).handle({ type: 'item.completed', item } as never);
    expect(jsonOut.text).toBe(
      '{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"thinking"}}\n',
    );

    const empty = { ...item, summary: [{ type: 'summary_text', text: '' }] };
    const err2 = sink();
    new HumanPrinter(sink(), err2).handle({ type: 'item.completed', item: empty } as never);
    expect(err2.text).toBe('');
  });
});
