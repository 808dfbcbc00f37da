// TurnEvent → exec --json ThreadEvent mapping: tool item ids, open items at turn end, notices.
import { ApiError } from '@codex-ts/api';
import { emptyTokenUsage, type ThreadEvent } from '@codex-ts/protocol';
import { describe, expect, it } from 'vitest';
import type { TurnEvent } from '../turn/events.js';
import { ThreadEventMapper } from './thread-event-mapper.js';

const command = (status: 'in_progress' | 'completed', output = '') => ({
  type: 'command_execution' as const,
  command: "/bin/bash -lc 'echo hi'",
  aggregated_output: output,
  exit_code: status === 'completed' ? 0 : null,
  status,
});
const todo = (done: boolean) => ({ type: 'todo_list' as const, items: [{ text: 'a', completed: done }] });

function mapAll(mapper: ThreadEventMapper, events: TurnEvent[]): ThreadEvent[] {
  return events.flatMap((event) => mapper.map(event));
}

describe('ThreadEventMapper', () => {
  it('gives every phase of a tool item the id taken at its first event', () => {
    const events = mapAll(new ThreadEventMapper(), [
      { type: 'turn.started', turnId: 't' },
      { type: 'tool.item', phase: 'started', key: 'call_1', item: command('in_progress') },
      { type: 'tool.item', phase: 'started', key: 'call_2', item: todo(false) },
      { type: 'tool.item', phase: 'completed', key: 'call_1', item: command('completed', 'hi\n') },
      { type: 'tool.item', phase: 'updated', key: 'call_2', item: todo(true) },
      { type: 'turn.completed', usage: emptyTokenUsage() },
    ]);
    expect(events.map((e) => [e.type, 'item' in e ? e.item.id : undefined])).toEqual([
      ['turn.started', undefined],
      ['item.started', 'item_0'],
      ['item.started', 'item_1'],
      ['item.completed', 'item_0'],
      ['item.updated', 'item_1'],
      // The todo list was never completed by its tool: completed with its last state at turn end.
      ['item.completed', 'item_1'],
      ['turn.completed', undefined],
    ]);
    expect(events[5]).toEqual({ type: 'item.completed', item: { id: 'item_1', ...todo(true) } });
  });

  it('completes open items before turn.failed, not after an abort, and forgets keys at the next turn', () => {
    const mapper = new ThreadEventMapper();
    const failed = mapAll(mapper, [
      { type: 'turn.started', turnId: 't1' },
      { type: 'tool.item', phase: 'started', key: 'k', item: todo(false) },
      { type: 'turn.failed', message: 'boom', error: new ApiError('internal_server_error', 'boom') },
    ]);
    expect(failed.slice(2)).toEqual([
      { type: 'item.completed', item: { id: 'item_0', ...todo(false) } },
      { type: 'error', message: 'boom' },
      { type: 'turn.failed', error: { message: 'boom' } },
    ]);
    const aborted = mapAll(mapper, [
      { type: 'turn.started', turnId: 't2' },
      { type: 'tool.item', phase: 'started', key: 'k', item: todo(false) },
      { type: 'turn.aborted', reason: undefined },
    ]);
    expect(aborted.slice(1)).toEqual([
      { type: 'item.started', item: { id: 'item_1', ...todo(false) } },
      { type: 'turn.failed', error: { message: 'turn aborted' } },
    ]);
  });

  it('a command left running keeps its id into the next turn, where write_stdin completes it', () => {
    const mapper = new ThreadEventMapper();
    const lines = mapAll(mapper, [
      { type: 'turn.started', turnId: 't1' },
      { type: 'tool.item', phase: 'started', key: 'call_1', item: command('in_progress') },
      { type: 'turn.completed', usage: emptyTokenUsage() },
      { type: 'turn.started', turnId: 't2' },
      { type: 'tool.item', phase: 'completed', key: 'call_1', item: command('completed', 'hi\n') },
    ]);
    expect(lines).toContainEqual({
      type: 'item.completed',
      item: { id: 'item_0', ...command('completed', 'hi\n') },
    });
  });

  it('shows notices, warnings and reroutes; drops deltas and bookkeeping events', () => {
    const error = new ApiError('internal_server_error', 'x');
    const events = mapAll(new ThreadEventMapper(), [
      { type: 'output_text.delta', delta: 'he', attempt: 1 },
      { type: 'attempt.discarded', attempt: 1, error },
      {
        type: 'stream_error',
        message: 'Reconnecting... 1/5 (x)',
        retry: 1,
        maxRetries: 5,
        delayMs: 200,
        error,
      },
      { type: 'warning', message: 'careful' },
      { type: 'model_reroute', fromModel: 'gpt-5.5', toModel: 'gpt-5.4', reason: 'HighRiskCyberActivity' },
      { type: 'server_model', model: 'gpt-5.4' },
      { type: 'token_count', last: emptyTokenUsage(), total: emptyTokenUsage() },
    ]);
    expect(events).toEqual([
      { type: 'error', message: 'Reconnecting... 1/5 (x)' },
      { type: 'item.completed', item: { id: 'item_0', type: 'error', message: 'careful' } },
      {
        type: 'item.completed',
        item: {
          id: 'item_1',
          type: 'error',
          message: 'model rerouted: gpt-5.5 -> gpt-5.4 (HighRiskCyberActivity)',
        },
      },
    ]);
  });
});
