// A stream dropped mid-response is retried by the turn; `codex-ts exec` must show the answer once
// (human and --json, HTTP and WebSocket), as codex-cli 0.169.0 discards partial output
// (observed-cli-0.169.md §7 "stream dropped mid-body").
import { type ResponsesServer, startResponsesServer, textTurn } from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHomes } from '../test-support/run-cli.js';

let server: ResponsesServer;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
});
afterEach(() => server.close());

const events = textTurn({
  responseId: 'resp_1',
  text: 'alpha beta gamma delta epsilon',
  deltas: ['alpha ', 'beta ', 'gamma ', 'delta ', 'epsilon'],
  reasoning: '**Counting** greek letters',
});
const typeAt = (k: number) => events[k - 1]?.type;
// Drops right after: the reasoning item is done, three text deltas are out, the message is done.
const reasoningDone = events.findIndex((e) => e.type === 'response.output_item.done') + 1;
const midText = events.findIndex((e) => e.type === 'response.output_text.delta') + 3;
const messageDone = events.length - 1;

function home(transport: 'http' | 'ws'): string {
  return newHome(server.url, transport === 'ws' ? 'supports_websockets = true' : '');
}

function script(transport: 'http' | 'ws', dropAfter?: number): void {
  const steps = dropAfter === undefined ? [{ events }] : [{ events, dropAfter }, { events }];
  if (transport === 'http') server.pushSteps(...steps.map((s) => ({ kind: 'sse' as const, ...s })));
  else server.setWsScenario({ responses: steps });
}

describe.each(['http', 'ws'] as const)('exec after a dropped stream (%s)', (transport) => {
  it('drop points are where the test means them to be', () => {
    expect(typeAt(reasoningDone)).toBe('response.output_item.done');
    expect(typeAt(midText)).toBe('response.output_text.delta');
    expect(typeAt(messageDone)).toBe('response.output_item.done');
  });

  it('prints the answer and the reasoning once in human mode', async () => {
    script(transport);
    const clean = await runCli(['exec', 'Say them.'], { home: home(transport) });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe('alpha beta gamma delta epsilon\n');
    for (const k of [reasoningDone, midText, messageDone]) {
      script(transport, k);
      const r = await runCli(['exec', 'Say them.'], { home: home(transport) });
      expect(r.code, `drop after ${k}`).toBe(0);
      expect(r.stderr, `drop after ${k}`).toContain(transport === 'http' ? 'Reconnecting... 1/5' : '');
      // `toContain('')` above holds for any text: on WebSocket the first retry is silent here too.
      if (transport === 'ws') expect(r.stderr, `drop after ${k}`).not.toContain('Reconnecting');
      expect(r.stdout, `drop after ${k}`).toBe(clean.stdout);
      expect(r.stderr.split('**Counting** greek letters').length - 1, `drop after ${k}`).toBe(1);
    }
  }, 30_000);

  it('prints each item once in --json mode', async () => {
    script(transport);
    const clean = await runCli(['exec', '--json', 'Say them.'], { home: home(transport) });
    expect(clean.code).toBe(0);
    const items = (lines: string[]) => lines.filter((l) => l.includes('"item.completed"'));
    expect(items(clean.lines)).toHaveLength(2);
    for (const k of [reasoningDone, midText, messageDone]) {
      script(transport, k);
      const r = await runCli(['exec', '--json', 'Say them.'], { home: home(transport) });
      expect(r.code, `drop after ${k}`).toBe(0);
      expect(items(r.lines), `drop after ${k}`).toEqual(items(clean.lines));
      // Over HTTP the retry is announced; the first WebSocket retry is silent.
      const notices = r.lines.filter((l) => l.startsWith('{"type":"error"'));
      expect(notices, `drop after ${k}`).toHaveLength(transport === 'http' ? 1 : 0);
    }
  }, 30_000);
});
