// The SSE consumers under test. Each is created once per server (so keep-alive connections are
// reused across runs, as a long-lived client would) and `run(n)` streams one response, resolving
// with what it saw: `{ deltas, completed, bytes }`.

import { ResponsesClient, staticBearerAuth } from '@codex-ts/api';
import OpenAI from 'openai';
import { Agent, request } from 'undici';

export const CONSUMERS = ['server-only', 'floor', 'ours', 'openai'];

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
 * floor: undici.request + streaming UTF-8 decode + split on "\n\n" + JSON.parse of every `data:`
 * line, counting `response.output_text.delta` payloads. The least work any SSE consumer can do.
 */
function floor(url) {
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  return {
    name: 'floor',
    async run() {
      const body = await post(agent, url);
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
    },
    close: () => agent.close(),
  };
}

/**
 * ours: `ResponsesClient` of @codex-ts/api (its default `HttpTransport` from @codex-ts/client), no
 * retries; `for await` over `stream()` counting `output_text.delta` until `completed`.
 */
function ours(url) {
  const client = new ResponsesClient({
    provider: {
      name: 'bench',
      baseUrl: url,
      headers: {},
      retry: {
        maxAttempts: 0,
        baseDelayMs: 0,
        retryOn: { retry429: false, retry5xx: false, retryTransport: false },
      },
      streamIdleTimeoutMs: 60_000,
      websocketConnectTimeoutMs: 10_000,
    },
    auth: staticBearerAuth('bench'),
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
    name: 'ours',
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
    close: () => client.close(),
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

const FACTORIES = { 'server-only': serverOnly, floor, ours, openai };

/** Create the consumer `name` reading from the server at `url` (base URL including `/v1`). */
export function createConsumer(name, url) {
  const factory = FACTORIES[name];
  if (!factory) throw new Error(`unknown consumer "${name}" (one of ${CONSUMERS.join(', ')})`);
  return factory(url);
}
