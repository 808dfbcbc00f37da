// The fallback-model-metadata warning of `codex-ts exec` as codex-cli 0.169.0 printed it
// (observed-cli-0.169 §2, §8; run against the released CLI with `-m some-unknown-model`): an
// `error` item right after `thread.started`, before `turn.started`, once per turn; `warning: <text>`
// on stderr in human output. Models the catalog knows (exact slug or a dated slug with a known
// prefix) print nothing. The built binary against the responses server on 127.0.0.1.
import { startResponsesServer, textTurn, usage } from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHomes } from '../test-support/run-cli.js';

let server: Awaited<ReturnType<typeof startResponsesServer>>;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
});
afterEach(async () => {
  await server.close();
});

const WARNING =
  'Model metadata for `some-unknown-model` not found. Defaulting to fallback metadata; this can degrade performance and cause issues.';

const answer = () =>
  textTurn({
    responseId: 'resp_1',
    text: 'Hi',
    reasoning: 'Thinking',
    usage: usage({ input: 10, output: 2 }),
  });

describe('codex-ts exec: model not in the catalog', () => {
  it('--json: one error item between thread.started and turn.started, ids go on from it', async () => {
    server.pushSteps({ kind: 'sse', events: answer() });
    const r = await runCli(['exec', '--json', '-m', 'some-unknown-model', 'hi'], {
      home: newHome(server.url),
    });
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatch(/^\{"type":"thread\.started","thread_id":"[0-9a-f-]{36}"\}$/);
    expect(r.lines.slice(1, 5)).toEqual([
      `{"type":"item.completed","item":{"id":"item_0","type":"error","message":${JSON.stringify(WARNING)}}}`,
      '{"type":"turn.started"}',
      '{"type":"item.completed","item":{"id":"item_1","type":"reasoning","text":"Thinking"}}',
      '{"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"Hi"}}',
    ]);
    expect(r.lines[5]).toMatch(/^\{"type":"turn\.completed"/);
    expect(r.lines).toHaveLength(6);
    // The request went out with the unknown slug.
    expect(server.requests[0]?.json).toMatchObject({ model: 'some-unknown-model' });
  });

  it('human output: `warning: <text>` on stderr before the reasoning, the answer on stdout', async () => {
    server.pushSteps({ kind: 'sse', events: answer() });
    const r = await runCli(['exec', '-m', 'some-unknown-model', 'hi'], { home: newHome(server.url) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Hi\n');
    const at = r.stderr.indexOf(`warning: ${WARNING}\n`);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(r.stderr.indexOf('Thinking\n')).toBeGreaterThan(at);
    expect(r.stderr.split(WARNING)).toHaveLength(2);
  });

  it.each([
    ['gpt-5.5', 'an exact slug'],
    ['gpt-5.5-2026-01-15', 'a slug with a known prefix'],
  ])('%s (%s): no warning', async (model) => {
    server.pushSteps({ kind: 'sse', events: answer() });
    const r = await runCli(['exec', '--json', '-m', model, 'hi'], { home: newHome(server.url) });
    expect(r.code).toBe(0);
    expect(r.lines[1]).toBe('{"type":"turn.started"}');
    expect(r.stdout).not.toContain('Model metadata');
  });
});
