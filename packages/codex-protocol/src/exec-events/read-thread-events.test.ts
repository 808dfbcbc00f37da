// The tolerant `codex exec --json` reader: known events typed, unknown event and item types kept,
// malformed lines reported, and line splitting across arbitrary chunks.
import { describe, expect, it } from 'vitest';
import { readThreadEventLine, readThreadEvents, type ThreadEventLine } from './read-thread-events.js';

const STREAM = [
  '{"type":"thread.started","thread_id":"01a23d09-e41d-7952-9076-bf587721bdd3"}',
  '{"type":"turn.started"}',
  '{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc \'echo hi\'","aggregated_output":"","exit_code":null,"status":"in_progress"}}',
  '{"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"Grüße ✓"}}',
  '{"type":"item.completed","item":{"id":"item_3","type":"collab_tool_call","tool":"spawn"}}',
  '{"type":"thread.archived","thread_id":"x"}',
  '{"type":"turn.completed","usage":{"input_tokens":1200,"cached_input_tokens":1024,"cache_write_input_tokens":0,"output_tokens":42,"reasoning_output_tokens":16}}',
];

function kinds(lines: ThreadEventLine[]): string[] {
  return lines.map((l) =>
    l.kind === 'event' ? l.event.type : l.kind === 'unknown' ? `unknown:${l.type}` : 'malformed',
  );
}

async function collect(chunks: Iterable<string | Uint8Array>): Promise<ThreadEventLine[]> {
  const out: ThreadEventLine[] = [];
  for await (const line of readThreadEvents(chunks)) out.push(line);
  return out;
}

describe('readThreadEventLine', () => {
  it('types known events and keeps unknown event and item types', () => {
    expect(kinds(STREAM.map(readThreadEventLine))).toEqual([
      'thread.started',
      'turn.started',
      'item.started',
      'item.completed',
      'unknown:item.completed',
      'unknown:thread.archived',
      'turn.completed',
    ]);
    const started = readThreadEventLine(STREAM[2] as string);
    expect(started).toMatchObject({
      kind: 'event',
      event: { item: { type: 'command_execution', exit_code: null } },
    });
    const unknownItem = readThreadEventLine(STREAM[4] as string);
    expect(unknownItem).toEqual({
      kind: 'unknown',
      type: 'item.completed',
      value: { type: 'item.completed', item: { id: 'item_3', type: 'collab_tool_call', tool: 'spawn' } },
    });
  });

  it('reports bad JSON, non-objects, a missing type and invalid known events as malformed', () => {
    for (const [line, message] of [
      ['{"type":', /^invalid JSON/],
      ['[1,2]', /^not a JSON object$/],
      ['{"thread_id":"x"}', /^missing string "type"$/],
      ['{"type":"turn.completed","usage":{"input_tokens":"many"}}', /^usage\.input_tokens: /],
    ] as const) {
      const result = readThreadEventLine(line);
      expect(result.kind).toBe('malformed');
      if (result.kind === 'malformed') {
        expect(result.line).toBe(line);
        expect(result.message).toMatch(message);
      }
    }
  });
});

describe('readThreadEvents', () => {
  it('splits lines across chunks, bytes split inside UTF-8 sequences, CRLF and a last line without newline', async () => {
    const text = `${STREAM.join('\r\n')}\n\n`;
    const whole = await collect([text]);
    expect(kinds(whole)).toEqual(kinds(STREAM.map(readThreadEventLine)));

    const bytes = new TextEncoder().encode(text.trimEnd());
    const byteChunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 3) byteChunks.push(bytes.subarray(i, i + 3));
    const split = await collect(byteChunks);
    expect(split).toEqual(whole);
    const message = split[3];
    expect(
      message?.kind === 'event' && message.event.type === 'item.completed' && message.event.item,
    ).toMatchObject({
      text: 'Grüße ✓',
    });
  });
});
