#!/usr/bin/env node
// Responses over WebSocket vs HTTP SSE, through @codex-ts/core's ModelClient and Conversation, on
// loopback: (1) the bytes a client sends over a multi-turn conversation, (2) the time from the start
// of a turn to its first event, prewarmed / reused / cold. See ../README.md.
//
// node --expose-gc src/ws-conversation.mjs [--turns=50] [--samples=30] [--warmup=5]
//   [--instructions-bytes=8192] [--encrypted-bytes=1024] [--scenarios=ws-prewarmed,…]
//   [--server-thread=worker|main] [--deadline-ms=115000] [--out=results/ws-conversation.json]

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Conversation, messageItem } from '@codex-ts/core';
import { Agent, request } from 'undici';
import { WebSocket } from 'ws';
import { newClient } from './bench-client.mjs';
import { argList, argPairs, fmtInt, loadavg, median, round, runMeta, table, toJson } from './report.mjs';
import { SERVER_THREADS, startBenchServer } from './ws-servers.mjs';
import {
  answer,
  answerEvents,
  baseInstructions,
  ENVIRONMENT_CONTEXT,
  TOOL_SPECS,
  TOOLS,
  userPrompt,
} from './ws-workload.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const MODEL = 'gpt-5.5';

/** The latency scenarios, in table order. */
const SCENARIOS = {
  'ws-prewarmed': 'WS, first turn of a new client after Conversation.prewarm() (incremental request)',
  'ws-reused': 'WS, next turn of an ongoing conversation on its socket (incremental request)',
  'ws-warm': 'WS, open socket of a long-lived client, new conversation (full request)',
  'ws-cold': 'WS, new client: handshake + full request',
  'http-reused': 'HTTP, next turn of an ongoing conversation, keep-alive connection (full history)',
  'http-warm': 'HTTP, keep-alive connection of a long-lived client, new conversation',
  'http-cold': 'HTTP, new client: TCP connect + request',
  'ws-raw': 'floor: `ws` alone, open socket, permessage-deflate, the ws-reused frame',
  'ws-raw-plain': 'floor: `ws` alone, open socket, NO permessage-deflate, the ws-reused frame',
  'http-raw': 'floor: undici.request alone, keep-alive, the http-warm body',
};

function parseArgs(argv) {
  const options = {
    turns: 50,
    samples: 30,
    warmup: 5,
    instructionsBytes: 8192,
    encryptedBytes: 1024,
    scenarios: Object.keys(SCENARIOS),
    serverThread: 'worker',
    deadlineMs: 115_000,
    out: join(here, '..', 'results', 'ws-conversation.json'),
  };
  for (const [key, value] of argPairs(argv)) {
    switch (key) {
      case 'turns':
      case 'samples':
      case 'warmup':
      case 'instructions-bytes':
      case 'encrypted-bytes':
      case 'deadline-ms': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0) throw new Error(`--${key} takes a non-negative integer`);
        options[key.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = n;
        break;
      }
      case 'scenarios':
        options.scenarios = argList(value);
        break;
      case 'server-thread':
        options.serverThread = value;
        break;
      case 'out':
        options.out = resolve(value);
        break;
      default:
        throw new Error(`unknown option --${key}`);
    }
  }
  for (const s of options.scenarios) {
    if (!(s in SCENARIOS)) throw new Error(`unknown scenario "${s}" (one of ${Object.keys(SCENARIOS)})`);
  }
  if (!SERVER_THREADS.includes(options.serverThread)) {
    throw new Error(`bad --server-thread ${options.serverThread}`);
  }
  if (options.turns < 1) throw new Error('--turns must be >= 1');
  if (options.encryptedBytes < 6) throw new Error('--encrypted-bytes must be >= 6');
  return options;
}

const gc = globalThis.gc ?? (() => {});

function newConversation(client, instructions) {
  return new Conversation({
    client,
    model: MODEL,
    baseInstructions: instructions,
    environmentContext: ENVIRONMENT_CONTEXT,
    reasoning: { effort: 'medium', summary: 'auto' },
    streamMaxRetries: 0,
    tools: TOOLS,
    turnTrigger: 'exec',
  });
}

const messageText = (item) =>
  (item.content ?? [])
    .filter((c) => c.type === 'output_text')
    .map((c) => c.text)
    .join('');

/** Turn events that carry model output (the first of them is "first output"). */
const OUTPUT_EVENTS = new Set(['output_text.delta', 'reasoning_summary.delta', 'item.completed']);

/**
 * Runs one turn and checks it: `turn.started` first, then no retry, warning or failure, and a
 * `turn.completed` whose assistant message is `expectedText`. Resolves with `{ firstMs, outputMs,
 * doneMs, firstType }`: ms from the first `next()` to the first event after `turn.started` (over
 * HTTP that is `rate_limits`, made from the response headers), to the first model output (a delta
 * or a completed item, from the body / the frames) and to `turn.completed`.
 */
async function timedTurn(conversation, prompt, expectedText) {
  const it = conversation.runTurn(prompt)[Symbol.asyncIterator]();
  const t0 = performance.now();
  let r = await it.next();
  if (r.done || r.value.type !== 'turn.started') throw new Error(`turn began with ${r.value?.type}`);
  r = await it.next();
  const firstMs = performance.now() - t0;
  const firstType = r.value?.type;
  let outputMs;
  let doneMs;
  let text;
  for (; !r.done; r = await it.next()) {
    const e = r.value;
    if (outputMs === undefined && OUTPUT_EVENTS.has(e.type)) outputMs = performance.now() - t0;
    if (e.type === 'turn.failed') throw new Error(`turn failed: ${e.message}`);
    if (e.type === 'turn.aborted' || e.type === 'stream_error' || e.type === 'warning') {
      throw new Error(`unexpected ${e.type}: ${e.message ?? e.reason}`);
    }
    if (e.type === 'item.completed' && e.item.type === 'message') text = messageText(e.item);
    if (e.type === 'turn.completed') doneMs = performance.now() - t0;
  }
  if (doneMs === undefined) throw new Error('turn ended without turn.completed');
  if (text !== expectedText)
    throw new Error(`turn answered ${JSON.stringify(text)}, expected ${expectedText}`);
  return { firstMs, outputMs, doneMs, firstType };
}

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

// ---------------------------------------------------------------------------------------------
// 1. Bytes sent over an N-turn conversation.

async function conversationBytes(server, transport, options, instructions) {
  const turns = Array.from({ length: options.turns }, (_, i) => i);
  const tag = transport === 'websocket' ? 'ws' : 'http';
  await server.configure({
    http: {
      steps: turns.map((i) => ({ kind: 'sse', events: answerEvents(tag, i, options.encryptedBytes) })),
    },
    ws: { responses: turns.map((i) => ({ events: answerEvents(tag, i, options.encryptedBytes) })) },
  });
  const client = newClient(server.proxyUrl, transport === 'websocket');
  const conversation = newConversation(client, instructions);
  const wire = [];
  let before = { sent: 0, received: 0 };
  let prewarm;
  const t0 = performance.now();
  try {
    if (transport === 'websocket') {
      const outcome = await conversation.prewarm();
      check(outcome === 'ready', `prewarm outcome ${outcome}`);
      before = await server.counters();
      prewarm = { wireSent: before.sent, wireReceived: before.received };
    }
    for (const i of turns) {
      await timedTurn(conversation, userPrompt(i), answer(i, options.encryptedBytes).text);
      const now = await server.counters();
      wire.push({ sent: now.sent - before.sent, received: now.received - before.received });
      before = now;
    }
  } finally {
    await client.close();
  }
  const elapsedMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 50)); // let close frames / FINs through the proxy
  const final = await server.counters();
  const records = await server.records();

  let perTurn;
  let handshakeBytes = 0;
  let prewarmPayload = 0;
  if (transport === 'websocket') {
    check(records.requests.length === 0, `WebSocket run made ${records.requests.length} HTTP requests`);
    check(records.handshakes.length === 1, `WebSocket run made ${records.handshakes.length} handshakes`);
    check(records.frames.length === options.turns + 1, `${records.frames.length} frames`);
    check(records.frames[0].generate === false, 'first frame is not the prewarm');
    records.frames.forEach((f, i) => {
      check(f.type === 'response.create' && f.connection === records.handshakes[0].connection, `frame ${i}`);
      if (i > 0) check(typeof f.previousResponseId === 'string', `frame ${i} is not incremental`);
    });
    handshakeBytes = records.handshakes[0].headerBytes;
    prewarmPayload = records.frames[0].payloadBytes;
    perTurn = records.frames.slice(1).map((f, i) => ({
      payloadBytes: f.payloadBytes,
      headerBytes: 0,
      inputItems: f.inputItems,
      wireSent: wire[i].sent,
      wireReceived: wire[i].received,
    }));
  } else {
    check(records.handshakes.length === 0 && records.frames.length === 0, 'HTTP run used WebSocket');
    check(records.requests.length === options.turns, `${records.requests.length} HTTP requests`);
    records.requests.forEach((r, i) => {
      check(
        r.inputItems === 3 + 3 * i,
        `request ${i} has ${r.inputItems} input items, expected ${3 + 3 * i}`,
      );
    });
    perTurn = records.requests.map((r, i) => ({
      payloadBytes: r.bodyBytes,
      headerBytes: r.headerBytes,
      inputItems: r.inputItems,
      wireSent: wire[i].sent,
      wireReceived: wire[i].received,
    }));
  }
  const sum = (key) => perTurn.reduce((s, t) => s + t[key], 0);
  const payloadBytes = prewarmPayload + sum('payloadBytes');
  const headerBytes = handshakeBytes + sum('headerBytes');
  return {
    transport,
    turns: options.turns,
    requests: perTurn.length + (prewarm ? 1 : 0),
    connections: final.connections,
    contentEncoding: records.requests[0]?.contentEncoding ?? null,
    wsExtensions: records.handshakes[0]?.extensions,
    prewarm: prewarm && { payloadBytes: prewarmPayload, handshakeBytes, ...prewarm },
    firstTurnPayloadBytes: perTurn[0].payloadBytes,
    lastTurnPayloadBytes: perTurn.at(-1).payloadBytes,
    payloadBytes,
    headerBytes,
    appBytes: payloadBytes + headerBytes,
    wireSentBytes: final.sent,
    wireReceivedBytes: final.received,
    elapsedMs: round(elapsedMs, 1),
    perTurn,
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Time to the first event.

/**
 * Each scenario: `open()` once, then per sample `prepare()` → `{ conversation?, prewarmMs? }`
 * (untimed), `run(prepared, prompt, expectedText)` → the timing (see {@link timedTurn}),
 * `finish()` (untimed); `close()` at the end.
 */
function latencyScenario(name, url, instructions) {
  let client;
  let conversation;
  let sampleClient;
  const fresh = (websocket) => {
    sampleClient = newClient(url, websocket);
    return newConversation(sampleClient, instructions);
  };
  const finishFresh = async () => {
    await sampleClient?.close();
    sampleClient = undefined;
  };
  const noop = async () => {};
  const turn = ({ conversation: c }, prompt, expectedText) => timedTurn(c, prompt, expectedText);
  switch (name) {
    case 'ws-prewarmed':
      return {
        open: noop,
        async prepare() {
          const c = fresh(true);
          const t = performance.now();
          const outcome = await c.prewarm();
          check(outcome === 'ready', `prewarm outcome ${outcome}`);
          return { conversation: c, prewarmMs: performance.now() - t };
        },
        run: turn,
        finish: finishFresh,
        close: finishFresh,
      };
    case 'ws-cold':
    case 'http-cold':
      return {
        open: noop,
        prepare: async () => ({ conversation: fresh(name === 'ws-cold') }),
        run: turn,
        finish: finishFresh,
        close: finishFresh,
      };
    case 'ws-reused':
    case 'http-reused':
      return {
        async open() {
          client = newClient(url, name === 'ws-reused');
          conversation = newConversation(client, instructions);
          if (name === 'ws-reused') check((await conversation.prewarm()) === 'ready', 'prewarm');
        },
        prepare: async () => ({ conversation }),
        run: turn,
        finish: noop,
        close: async () => client?.close(),
      };
    case 'ws-warm':
    case 'http-warm':
      return {
        open: async () => {
          client = newClient(url, name === 'ws-warm');
        },
        prepare: async () => ({ conversation: newConversation(client, instructions) }),
        run: turn,
        finish: noop,
        close: async () => client?.close(),
      };
    case 'ws-raw':
    case 'ws-raw-plain':
      return rawWebsocketScenario(url, instructions, name === 'ws-raw');
    case 'http-raw':
      return rawHttpScenario(url, instructions);
    default:
      throw new Error(`unknown scenario ${name}`);
  }
}

/**
 * The bodies the client would send for `prompt`: `full` = first turn (instructions, environment,
 * prompt) as the HTTP body, `incremental` = the `response.create` frame of a continued turn (only
 * the prompt; no `previous_response_id`, so the server needs no history).
 */
function rawBodies(url, instructions, prompt) {
  const session = newClient(url, true).newSession();
  const request = (input) => ({
    model: MODEL,
    input,
    tools: [...TOOL_SPECS],
    parallelToolCalls: true,
    reasoning: { effort: 'medium', summary: 'auto' },
    metadata: {
      requestKind: 'turn',
      turnId: '01a2004f-c000-7000-8000-000000000000',
      turnStartedAtUnixMs: Date.now(),
      turnTrigger: 'exec',
      model: MODEL,
      reasoningEffort: 'medium',
    },
  });
  const user = messageItem('user', prompt);
  const full = [messageItem('developer', instructions), messageItem('user', ENVIRONMENT_CONTEXT), user];
  return {
    http: JSON.stringify(session.buildRequest(request(full))),
    ws: JSON.stringify({ type: 'response.create', ...session.buildWebsocketRequest(request([user])) }),
  };
}

/** Checks one parsed server event of a raw scenario and updates `timing` (t0 = send time). */
function onRawEvent(event, timing, t0) {
  const now = performance.now() - t0;
  timing.firstMs ??= now;
  timing.firstType ??= event.type;
  if (timing.outputMs === undefined && RAW_OUTPUT_EVENTS.has(event.type)) timing.outputMs = now;
  if (event.type === 'response.completed') timing.doneMs = now;
  else if (event.type === 'error' || event.type === 'response.failed') {
    throw new Error(`raw scenario got ${JSON.stringify(event).slice(0, 200)}`);
  }
}

const RAW_OUTPUT_EVENTS = new Set([
  'response.output_text.delta',
  'response.reasoning_summary_text.delta',
  'response.output_item.done',
]);

/**
 * Floor: the `ws` package alone, one open socket (`perMessageDeflate` as our client negotiates it,
 * or off), sending the frame `ws-reused` sends and `JSON.parse`-ing every message until
 * `response.completed`. No codex code on the client side.
 */
function rawWebsocketScenario(url, instructions, deflate) {
  let socket;
  let frame;
  return {
    async open() {
      frame = rawBodies(url, instructions, userPrompt(0)).ws;
      socket = new WebSocket(`${url.replace(/^http/, 'ws')}/responses`, {
        perMessageDeflate: deflate,
        headers: { authorization: 'Bearer bench' },
      });
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
    },
    prepare: async () => ({}),
    run() {
      return new Promise((resolve, reject) => {
        const timing = { firstType: undefined };
        const t0 = performance.now();
        const onMessage = (data) => {
          try {
            onRawEvent(JSON.parse(data.toString('utf8')), timing, t0);
          } catch (error) {
            socket.off('message', onMessage);
            reject(error);
            return;
          }
          if (timing.doneMs !== undefined) {
            socket.off('message', onMessage);
            resolve(timing);
          }
        };
        socket.on('message', onMessage);
        socket.send(frame);
      });
    },
    finish: async () => {},
    close: async () => socket?.terminate(),
  };
}

/**
 * Floor: `undici.request()` on a keep-alive Agent POSTing the body `http-warm` sends, streaming
 * UTF-8 decode, split on blank lines, `JSON.parse` of every `data:` line until
 * `response.completed`. First event = the response headers (as `rate_limits` is for the client).
 */
function rawHttpScenario(url, instructions) {
  let agent;
  let body;
  return {
    async open() {
      agent = new Agent({ keepAliveTimeout: 30_000 });
      body = rawBodies(url, instructions, userPrompt(0)).http;
    },
    prepare: async () => ({}),
    async run() {
      const timing = { firstType: undefined };
      const t0 = performance.now();
      const res = await request(`${url}/responses`, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          authorization: 'Bearer bench',
        },
        body,
      });
      timing.firstMs = performance.now() - t0;
      timing.firstType = `HTTP ${res.statusCode}`;
      if (res.statusCode !== 200) throw new Error(`http-raw: status ${res.statusCode}`);
      const decoder = new TextDecoder();
      let carry = '';
      for await (const chunk of res.body) {
        const blocks = (carry + decoder.decode(chunk, { stream: true })).split('\n\n');
        carry = blocks.pop();
        for (const block of blocks) {
          for (const line of block.split('\n')) {
            if (line.startsWith('data:')) onRawEvent(JSON.parse(line.slice(5)), timing, t0);
          }
        }
      }
      if (timing.doneMs === undefined) throw new Error('http-raw: no response.completed');
      return timing;
    },
    finish: async () => {},
    close: async () => agent?.close(),
  };
}

async function firstEventLatency(server, options, instructions) {
  const events = answerEvents('lat', 0, options.encryptedBytes);
  const expected = answer(0, options.encryptedBytes).text;
  await server.configure({
    http: { steps: [{ kind: 'sse', events }], repeatLast: true },
    ws: { responses: [{ events }], repeatLast: true },
  });
  const names = options.scenarios;
  const scenarios = new Map(names.map((n) => [n, latencyScenario(n, server.url, instructions)]));
  const samples = new Map(names.map((n) => [n, []]));
  const rounds = options.warmup + options.samples;
  try {
    for (const s of scenarios.values()) await s.open();
    let turn = 0;
    for (let round = 0; round < rounds; round++) {
      for (let j = 0; j < names.length; j++) {
        const name = names[(round + j) % names.length];
        const scenario = scenarios.get(name);
        const prepared = await scenario.prepare();
        const tailBefore = await server.tail();
        gc();
        const timing = await scenario.run(prepared, userPrompt(turn++), expected);
        await scenario.finish();
        const tail = await server.tail();
        const ws = name.startsWith('ws-');
        const requestsDelta = tail.requests - tailBefore.requests;
        const framesDelta = tail.frames - tailBefore.frames;
        check(
          ws ? framesDelta === 1 && requestsDelta === 0 : requestsDelta === 1 && framesDelta === 0,
          `${name}: ${framesDelta} frames and ${requestsDelta} HTTP requests in one turn`,
        );
        const last = ws ? tail.lastFrame : tail.lastRequest;
        if (round < options.warmup) continue;
        samples.get(name).push({
          ...timing,
          prewarmMs: prepared.prewarmMs,
          handshakes: tail.handshakes - tailBefore.handshakes,
          requestBytes: ws ? last.payloadBytes : last.bodyBytes,
          incremental: typeof last.previousResponseId === 'string',
        });
      }
    }
  } finally {
    for (const s of scenarios.values()) await s.close();
  }
  return names.map((name) => {
    const runs = samples.get(name);
    const first = runs.map((r) => r.firstMs);
    const output = runs.map((r) => r.outputMs);
    const done = runs.map((r) => r.doneMs);
    const sorted = [...first].sort((a, b) => a - b);
    const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    const prewarm = runs.map((r) => r.prewarmMs).filter((v) => v !== undefined);
    return {
      scenario: name,
      what: SCENARIOS[name],
      samples: runs.length,
      firstEventType: runs[0]?.firstType,
      handshakesPerSample: round(runs.reduce((s, r) => s + r.handshakes, 0) / runs.length, 2),
      incrementalRequests: runs.filter((r) => r.incremental).length,
      requestBytesMedian: Math.round(median(runs.map((r) => r.requestBytes))),
      firstEventMedianMs: round(median(first), 3),
      firstEventMinMs: round(sorted[0], 3),
      firstEventP90Ms: round(pct(0.9), 3),
      firstOutputMedianMs: round(median(output), 3),
      turnDoneMedianMs: round(median(done), 3),
      prewarmMedianMs: prewarm.length > 0 ? round(median(prewarm), 3) : undefined,
      firstEventMs: first.map((v) => round(v, 3)),
      firstOutputMs: output.map((v) => round(v, 3)),
    };
  });
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const deadline = setTimeout(() => {
    console.error(`ws-conversation FAILED: still running after ${options.deadlineMs} ms (--deadline-ms)`);
    process.exit(1);
  }, options.deadlineMs);
  deadline.unref();
  if (!globalThis.gc) console.warn('warning: run with node --expose-gc for a forced GC before each sample');
  const instructions = baseInstructions(options.instructionsBytes);
  const meta = {
    ...runMeta(options),
    workload: {
      model: MODEL,
      baseInstructionsBytes: Buffer.byteLength(instructions),
      tools: TOOL_SPECS.length,
      toolSpecsBytes: Buffer.byteLength(JSON.stringify(TOOL_SPECS)),
      encryptedContentBytes: options.encryptedBytes,
    },
  };
  console.log(
    `ws-conversation  node ${meta.node}  ${meta.platform}  ${meta.cpus} cpus (${meta.cpuModel})\n` +
      `load average (1/5/15 min) at start: ${meta.loadavgStart.join(' / ')}\n` +
      `server + byte-counting proxy on ${options.serverThread === 'worker' ? 'a worker thread' : 'the main thread'}`,
  );

  const server = await startBenchServer(options.serverThread);
  let bytes;
  let latency = [];
  let loadAfterBytes;
  try {
    // 1. Bytes.
    bytes = [];
    for (const transport of ['websocket', 'http']) {
      bytes.push(await conversationBytes(server, transport, options, instructions));
    }
    loadAfterBytes = loadavg();
    const [ws, http] = bytes;
    const w = meta.workload;
    console.log(
      `\n== 1. bytes the client sent over a ${options.turns}-turn conversation (base instructions ` +
        `${fmtInt(w.baseInstructionsBytes)} B, ${w.tools} tools = ${fmtInt(w.toolSpecsBytes)} B, ` +
        `reasoning encrypted_content ${fmtInt(w.encryptedContentBytes)} B per answer)`,
    );
    const ratio = (a, b) => `${(a / b).toFixed(1)}x`;
    console.log(
      table(
        [
          'transport',
          'requests',
          'turn 1 B',
          `turn ${options.turns} B`,
          'payload B',
          'headers B',
          'payload+headers B',
          'on the wire B',
          'received B',
        ],
        [
          ...bytes.map((b) => [
            b.transport,
            b.prewarm ? `1 prewarm + ${b.turns}` : String(b.turns),
            fmtInt(b.firstTurnPayloadBytes),
            fmtInt(b.lastTurnPayloadBytes),
            fmtInt(b.payloadBytes),
            fmtInt(b.headerBytes),
            fmtInt(b.appBytes),
            fmtInt(b.wireSentBytes),
            fmtInt(b.wireReceivedBytes),
          ]),
          [
            'http / websocket',
            '',
            ratio(http.firstTurnPayloadBytes, ws.firstTurnPayloadBytes),
            ratio(http.lastTurnPayloadBytes, ws.lastTurnPayloadBytes),
            ratio(http.payloadBytes, ws.payloadBytes),
            ratio(http.headerBytes, ws.headerBytes),
            ratio(http.appBytes, ws.appBytes),
            ratio(http.wireSentBytes, ws.wireSentBytes),
            ratio(http.wireReceivedBytes, ws.wireReceivedBytes),
          ],
        ],
      ),
    );
    console.log(
      `payload: HTTP request bodies as received${http.contentEncoding ? ` (${http.contentEncoding})` : ' (uncompressed)'}` +
        ' / WebSocket response.create JSON (uncompressed, prewarm included); headers: HTTP request heads / the' +
        ' one WebSocket handshake; on the wire: TCP bytes client → server counted by the proxy' +
        ` (WebSocket: ${ws.wsExtensions ?? 'no extension'}, framing and masking included).`,
    );
    console.log(
      `websocket prewarm: ${fmtInt(ws.prewarm.payloadBytes)} B payload + ${fmtInt(ws.prewarm.handshakeBytes)} B ` +
        `handshake = ${fmtInt(ws.prewarm.wireSent)} B on the wire; ` +
        `per-turn wire bytes after it: median ${fmtInt(median(ws.perTurn.map((t) => t.wireSent)))} B ` +
        `(payload ${fmtInt(median(ws.perTurn.map((t) => t.payloadBytes)))} B)`,
    );
    const marks = [...new Set([1, 10, 25, options.turns].filter((t) => t <= options.turns))];
    console.log(
      table(
        ['request size by turn', ...marks.map((t) => `turn ${t}`)],
        bytes.flatMap((b) => [
          [`${b.transport} payload B`, ...marks.map((t) => fmtInt(b.perTurn[t - 1].payloadBytes))],
          [`${b.transport} wire B`, ...marks.map((t) => fmtInt(b.perTurn[t - 1].wireSent))],
        ]),
      ),
    );
    console.log(`load average after the byte runs: ${loadAfterBytes.join(' / ')}`);

    // 2. Latency.
    if (options.scenarios.length > 0 && options.samples > 0) {
      console.log(
        `\n== 2. time from runTurn() to the first event after turn.started (${options.warmup} warm-up + ` +
          `${options.samples} samples per scenario, rotating order, forced GC before each sample, server answers at once)`,
      );
      latency = await firstEventLatency(server, options, instructions);
      console.log(
        table(
          [
            'scenario',
            'first event type',
            'handshakes/turn',
            'incremental',
            'request B',
            'first event median ms',
            'min ms',
            'p90 ms',
            'first output median ms',
            'turn done median ms',
          ],
          latency.map((l) => [
            l.scenario,
            l.firstEventType,
            l.handshakesPerSample,
            `${l.incrementalRequests}/${l.samples}`,
            fmtInt(l.requestBytesMedian),
            l.firstEventMedianMs.toFixed(3),
            l.firstEventMinMs.toFixed(3),
            l.firstEventP90Ms.toFixed(3),
            l.firstOutputMedianMs.toFixed(3),
            l.turnDoneMedianMs.toFixed(3),
          ]),
        ),
      );
      for (const l of latency) console.log(`  ${l.scenario.padEnd(12)} ${l.what}`);
      const pre = latency.find((l) => l.prewarmMedianMs !== undefined);
      if (pre)
        console.log(`  (${pre.scenario}: the untimed prewarm itself took ${pre.prewarmMedianMs} ms median)`);
      const get = (n) => latency.find((l) => l.scenario === n)?.firstOutputMedianMs;
      const pairs = [
        ['ws-cold', 'ws-prewarmed'],
        ['http-reused', 'ws-reused'],
        ['http-warm', 'ws-warm'],
        ['http-cold', 'ws-cold'],
        ['ws-reused', 'ws-raw'],
        ['ws-raw', 'ws-raw-plain'],
        ['http-warm', 'http-raw'],
      ].filter(([a, b]) => get(a) !== undefined && get(b) !== undefined);
      if (pairs.length > 0) {
        console.log(
          `first output, ratio of medians: ${pairs.map(([a, b]) => `${a}/${b} ${(get(a) / get(b)).toFixed(2)}x`).join('  ')}`,
        );
      }
    }
  } finally {
    await server.close();
  }

  const loadEnd = loadavg();
  console.log(`\nload average (1/5/15 min) at end: ${loadEnd.join(' / ')}`);
  const output = {
    benchmark: 'ws-conversation',
    meta: {
      ...meta,
      loadavgAfterBytes: loadAfterBytes,
      loadavgEnd: loadEnd,
      finishedAt: new Date().toISOString(),
    },
    bytes: bytes.map(({ perTurn, ...rest }) => ({
      ...rest,
      perTurnPayloadBytes: perTurn.map((t) => t.payloadBytes),
      perTurnWireSentBytes: perTurn.map((t) => t.wireSent),
    })),
    bytesRatioHttpToWs: {
      payload: round(bytes[1].payloadBytes / bytes[0].payloadBytes, 2),
      payloadPlusHeaders: round(bytes[1].appBytes / bytes[0].appBytes, 2),
      wire: round(bytes[1].wireSentBytes / bytes[0].wireSentBytes, 2),
    },
    latency,
  };
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${toJson(output)}\n`);
  console.log(`results written to ${relative(process.cwd(), options.out)}`);
  clearTimeout(deadline);
}

main().catch((error) => {
  console.error(`ws-conversation FAILED: ${error?.stack ?? error}`);
  process.exit(1);
});
