// The SSE consumers under test. Each is created once per server (so keep-alive connections are
// reused across runs, as a long-lived client would) and `run(n)` streams one response, resolving
// with what it saw: `{ deltas, completed, bytes }`.

import { Agent as NodeAgent, request as nodeRequest } from 'node:http';
import { ResponsesClient, staticBearerAuth } from '@codex-ts/api';
import { HttpTransport } from '@codex-ts/client';
import OpenAI from 'openai';
import { Agent, request } from 'undici';

/**
 * The `ResponsesClient` options every benchmark uses: provider `bench` at `url` (no retries, the
 * given stream idle timeout in ms) with a static bearer token.
 */
export function benchClientOptions(url, streamIdleTimeoutMs = 60_000) {
  return {
    provider: {
      name: 'bench',
      baseUrl: url,
      headers: {},
      retry: {
        maxAttempts: 0,
        baseDelayMs: 0,
        retryOn: { retry429: false, retry5xx: false, retryTransport: false },
      },
      streamIdleTimeoutMs,
      websocketConnectTimeoutMs: 10_000,
    },
    auth: staticBearerAuth('bench'),
  };
}

export const CONSUMERS = [
  'server-only',
  'server-only-node',
  'ours-transport',
  'floor',
  'floor-node',
  'ours',
  'ours-undici',
  'ours-undici-deep',
  'openai',
];

const MODEL = 'gpt-5.5';
const DELTA_TYPE = 'response.output_text.delta';
const COMPLETED_TYPE = 'response.completed';

/** POST `{url}/responses` with undici.request on a keep-alive Agent; resolves with the body stream. */
async function post(agent, url) {
  const { statusCode, body } = await request(`${url}/responses`, {
    method: 'POST',
    dispatcher: agent,
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: 'Bearer bench',
    },
    body: JSON.stringify({ model: MODEL, input: 'hi', stream: true }),
  });
  if (statusCode !== 200) {
    const text = await body.text();
    throw new Error(`POST ${url}/responses answered ${statusCode}: ${text.slice(0, 200)}`);
  }
  return body;
}

/** POST `{url}/responses` with `node:http` on a keep-alive Agent; resolves with the response. */
function postNode(agent, url) {
  const target = new URL(`${url}/responses`);
  const body = Buffer.from(JSON.stringify({ model: MODEL, input: 'hi', stream: true }));
  return new Promise((resolve, reject) => {
    const req = nodeRequest(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          authorization: 'Bearer bench',
          'content-length': String(body.length),
        },
      },
      (res) => {
        if (res.statusCode === 200) return resolve(res);
        res.resume();
        reject(new Error(`POST ${url}/responses answered ${res.statusCode}`));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The floor's SSE work over any byte stream: UTF-8 decode, split on "\n\n", JSON.parse of `data:`. */
async function splitAndParse(body) {
  const decoder = new TextDecoder();
  let carry = '';
  let deltas = 0;
  let completed = false;
  let bytes = 0;
  const onBlock = (block) => {
    for (const line of block.split('\n')) {
      if (!line.startsWith('data:')) continue;
      const payload = JSON.parse(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
      if (payload.type === DELTA_TYPE) deltas++;
      else if (payload.type === COMPLETED_TYPE) completed = true;
    }
  };
  for await (const chunk of body) {
    bytes += chunk.length;
    const blocks = (carry + decoder.decode(chunk, { stream: true })).split('\n\n');
    carry = blocks.pop();
    for (const block of blocks) onBlock(block);
  }
  carry += decoder.decode();
  if (carry !== '') onBlock(carry);
  return { deltas, completed, bytes };
}

/**
 * server-only: undici.request + count the body bytes, nothing else. What the server (and the socket)
 * costs; every other consumer pays at least this.
 */
function serverOnly(url) {
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  return {
    name: 'server-only',
    async run() {
      const body = await post(agent, url);
      let bytes = 0;
      for await (const chunk of body) bytes += chunk.length;
      return { deltas: undefined, completed: undefined, bytes };
    },
    close: () => agent.close(),
  };
}

/**
 * server-only-node: the same over `node:http` (keep-alive `http.Agent`): what the server, the socket
 * and Node's HTTP parser cost, the part of `floor-node` and `ours` that is not SSE work.
 */
function serverOnlyNode(url) {
  const agent = new NodeAgent({ keepAlive: true, timeout: 30_000 });
  return {
    name: 'server-only-node',
    async run() {
      const body = await postNode(agent, url);
      let bytes = 0;
      for await (const chunk of body) bytes += chunk.length;
      return { deltas: undefined, completed: undefined, bytes };
    },
    close: async () => agent.destroy(),
  };
}

/**
 * ours-transport: `HttpTransport.stream()` of @codex-ts/client (default sender, `node:http`), counting
 * the body bytes it yields: the transport's share of `ours` (compare with `server-only-node`).
 */
function oursTransport(url) {
  const transport = new HttpTransport();
  const body = JSON.stringify({ model: MODEL, input: 'hi', stream: true });
  return {
    name: 'ours-transport',
    async run() {
      const response = await transport.stream({
        method: 'POST',
        url: `${url}/responses`,
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          authorization: 'Bearer bench',
        },
        body,
      });
      let bytes = 0;
      for await (const chunk of response.body) bytes += chunk.length;
      return { deltas: undefined, completed: undefined, bytes };
    },
    close: () => transport.close(),
  };
}

/**
 * floor: undici.request + streaming UTF-8 decode + split on "\n\n" + JSON.parse of every `data:`
 * line, counting `response.output_text.delta` payloads. The least work any SSE consumer can do.
 */
function floor(url) {
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  return {
    name: 'floor',
    run: async () => splitAndParse(await post(agent, url)),
    close: () => agent.close(),
  };
}

/** floor-node: the floor's work over `node:http` (keep-alive `http.Agent`) instead of undici. */
function floorNode(url) {
  const agent = new NodeAgent({ keepAlive: true, timeout: 30_000 });
  return {
    name: 'floor-node',
    run: async () => splitAndParse(await postNode(agent, url)),
    close: async () => agent.destroy(),
  };
}

/**
 * ours: `ResponsesClient` of @codex-ts/api (its default `HttpTransport` from @codex-ts/client, on
 * `node:http`), no retries; `for await` over `stream()` counting `output_text.delta` until
 * `completed`. ours-undici: the same with `HttpTransport({ dispatcher })` on an undici `Agent` (the
 * transport before it moved to `node:http`). ours-undici-deep: `HttpTransport({ sender: 'undici' })`,
 * undici's `Agent` loaded from its own files (no `index.js`), the candidate default.
 */
function ours(url, name = 'ours') {
  const dispatcher = name === 'ours-undici' ? new Agent({ keepAliveTimeout: 30_000 }) : undefined;
  const transport =
    dispatcher !== undefined
      ? new HttpTransport({ dispatcher })
      : name === 'ours-undici-deep'
        ? new HttpTransport({ sender: 'undici', keepAliveTimeoutMs: 30_000 })
        : undefined;
  const client = new ResponsesClient({
    ...(transport === undefined ? {} : { transport }),
    ...benchClientOptions(url),
  });
  const body = {
    model: MODEL,
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
    tool_choice: 'auto',
    parallel_tool_calls: false,
    store: false,
    stream: true,
    include: [],
  };
  return {
    name,
    async run() {
      const stream = await client.stream(body);
      let deltas = 0;
      let completed = false;
      for await (const event of stream) {
        if (event.type === 'output_text.delta') deltas++;
        else if (event.type === 'completed') completed = true;
      }
      return { deltas, completed, bytes: undefined };
    },
    close: async () => {
      await client.close();
      await dispatcher?.close();
    },
  };
}

/**
 * openai: the official `openai` package (v6), `client.responses.create({ stream: true })`, counting
 * `response.output_text.delta` events. It uses Node's global fetch.
 */
function openai(url) {
  const client = new OpenAI({ apiKey: 'bench', baseURL: url, maxRetries: 0 });
  return {
    name: 'openai',
    async run() {
      const stream = await client.responses.create({ model: MODEL, input: 'hi', stream: true });
      let deltas = 0;
      let completed = false;
      for await (const event of stream) {
        if (event.type === DELTA_TYPE) deltas++;
        else if (event.type === COMPLETED_TYPE) completed = true;
      }
      return { deltas, completed, bytes: undefined };
    },
    close: async () => {},
  };
}

const FACTORIES = {
  'server-only': serverOnly,
  'server-only-node': serverOnlyNode,
  'ours-transport': oursTransport,
  floor,
  'floor-node': floorNode,
  ours,
  'ours-undici': (url) => ours(url, 'ours-undici'),
  'ours-undici-deep': (url) => ours(url, 'ours-undici-deep'),
  openai,
};

/** Create the consumer `name` reading from the server at `url` (base URL including `/v1`). */
export function createConsumer(name, url) {
  const factory = FACTORIES[name];
  if (!factory) throw new Error(`unknown consumer "${name}" (one of ${CONSUMERS.join(', ')})`);
  return factory(url);
}
