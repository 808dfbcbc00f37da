#!/usr/bin/env node
// The fault matrix: a recorded turn is broken after every event index k, over HTTP SSE and over
// WebSocket, in each way a transport can break (HTTP: body cut; WS: socket destroyed, close frame),
// and the turn is run through @codex-ts/core's Conversation against the local responses server.
// Counted per run: items delivered twice, text a contract-following consumer shows twice (deltas of
// an attempt named by `attempt.discarded` are dropped) and text a naive consumer (every delta
// appended) would show twice. The first two must be 0 everywhere.
//
// node src/fault-matrix.mjs [--out=results/fault-matrix.json]

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Conversation } from '@codex-ts/core';
import { functionCall, startResponsesServer, textTurn } from '@codex-ts/responses-server';
import { newClient } from './bench-client.mjs';
import { runMeta, table, toJson } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out =
  process.argv.find((a) => a.startsWith('--out='))?.slice(6) ??
  join(here, '..', 'results', 'fault-matrix.json');

/** Recorded turns: a reasoning + text answer, and the same with a tool call in the response. */
const STREAMS = {
  text: textTurn({
    responseId: 'resp_1',
    text: 'alpha beta gamma delta epsilon zeta eta theta',
    reasoning: ['**Listing** letters', '**Checking** the order'],
  }),
  'text+tool': (() => {
    const events = textTurn({
      responseId: 'resp_1',
      text: 'Running it now.',
      reasoning: '**Deciding** to run',
    });
    events.splice(events.length - 1, 0, functionCall('call_1', 'exec_command', '{"cmd":"echo hi"}'));
    return events;
  })(),
};
const FOLLOW_UP = textTurn({ responseId: 'resp_2', text: 'It printed hi.' });

const TOOLS = {
  specs: [{ type: 'function', name: 'exec_command', parameters: { type: 'object' } }],
  async handle(call) {
    return { type: 'function_call_output', call_id: call.call_id, output: 'hi\n' };
  },
};

/** How attempt 1 breaks after k events, per transport. */
const FAULTS = {
  http: { 'body cut': (events, k) => ({ kind: 'sse', events, dropAfter: k }) },
  ws: {
    'socket destroyed': (events, k) => ({ events, dropAfter: k }),
    'close frame 1011': (events, k) => ({ events: events.slice(0, k), closeAfter: { code: 1011 } }),
  },
};

/** Runs one turn through a new ModelClient + Conversation and returns its events. */
async function runTurn(server, transport) {
  const client = newClient(server.url, transport === 'ws');
  const conversation = new Conversation({
    client,
    model: 'gpt-5.5',
    baseInstructions: 'You are a bench agent.',
    streamMaxRetries: 5,
    tools: TOOLS,
    sleep: (_ms, signal) =>
      new Promise((resolve, reject) => (signal?.aborted ? reject(signal.reason) : setTimeout(resolve, 1))),
  });
  const events = [];
  try {
    for await (const event of conversation.runTurn('Go.')) events.push(event);
  } finally {
    await client.close();
  }
  return events;
}

function tally(events) {
  const discarded = new Set(events.filter((e) => e.type === 'attempt.discarded').map((e) => e.attempt));
  let shown = '';
  let naive = '';
  const items = [];
  for (const e of events) {
    if (e.type === 'output_text.delta' || e.type === 'reasoning_summary.delta') {
      naive += e.delta;
      if (!discarded.has(e.attempt)) shown += e.delta;
    }
    if (e.type === 'item.completed') items.push(JSON.stringify(e.item));
  }
  return { shown, naive, items, end: events.at(-1)?.type };
}

async function main() {
  const server = await startResponsesServer();
  const rows = [];
  const results = [];
  try {
    for (const [streamName, stream] of Object.entries(STREAMS)) {
      const followUp = streamName === 'text' ? [] : [FOLLOW_UP];
      for (const [transport, faults] of Object.entries(FAULTS)) {
        const script = (first) => {
          if (transport === 'http') {
            server.pushSteps(
              ...[
                first,
                { kind: 'sse', events: stream },
                ...followUp.map((events) => ({ kind: 'sse', events })),
              ].filter(Boolean),
            );
          } else {
            server.setWsScenario({
              responses: [first, { events: stream }, ...followUp.map((events) => ({ events }))].filter(
                Boolean,
              ),
            });
          }
        };
        script(undefined);
        const clean = tally(await runTurn(server, transport));
        if (clean.end !== 'turn.completed')
          throw new Error(`${streamName}/${transport}: clean run ended ${clean.end}`);
        for (const [faultName, fault] of Object.entries(faults)) {
          const row = {
            stream: streamName,
            transport,
            fault: faultName,
            runs: 0,
            itemDuplicates: 0,
            textMismatches: 0,
            naiveRepeatedChars: 0,
            failedTurns: 0,
          };
          // Every k before the terminal event (the last one) breaks attempt 1.
          for (let k = 0; k < stream.length - 1; k++) {
            script(fault(stream, k));
            const seen = tally(await runTurn(server, transport));
            row.runs += 1;
            if (seen.end !== 'turn.completed') row.failedTurns += 1;
            row.itemDuplicates += Math.max(0, seen.items.length - clean.items.length);
            if (seen.items.join('\n') !== clean.items.join('\n') || seen.shown !== clean.shown)
              row.textMismatches += 1;
            row.naiveRepeatedChars += seen.naive.length - clean.naive.length;
          }
          rows.push(row);
        }
      }
    }
  } finally {
    await server.close();
  }
  console.log(
    table(
      [
        'stream',
        'transport',
        'fault',
        'runs',
        'duplicated items',
        'output ≠ clean',
        'naive extra chars',
        'failed turns',
      ],
      rows.map((r) => [
        r.stream,
        r.transport,
        r.fault,
        r.runs,
        r.itemDuplicates,
        r.textMismatches,
        r.naiveRepeatedChars,
        r.failedTurns,
      ]),
    ),
  );
  results.push(...rows);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${toJson({ ...runMeta({ out }), rows: results })}\n`);
  const bad = rows.filter((r) => r.itemDuplicates > 0 || r.textMismatches > 0 || r.failedTurns > 0);
  if (bad.length > 0) {
    console.error('fault matrix: duplicates or failures found');
    process.exitCode = 1;
  }
}

await main();
