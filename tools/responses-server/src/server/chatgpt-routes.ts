// Matching and answering the side routes (token refresh, routing discovery, models, compact,
// memories trace summarize).

import type { ServerResponse } from 'node:http';
import {
  type ChatgptRoute,
  type ChatgptScenario,
  type JsonReply,
  type RouteScript,
  validateChatgptScenario,
  validateJsonReply,
} from '../scenario/chatgpt.js';
import { sendJson } from './http-steps.js';
import { sleep } from './recording.js';
import { type ScriptCursor, takeNext } from './script-cursor.js';

/** Which side route a request is for: method and path suffix, query string ignored. */
export function matchChatgptRoute(method: string | undefined, path: string): ChatgptRoute | undefined {
  if (method === 'POST' && path.endsWith('/oauth/token')) return 'token';
  if (method === 'GET' && path.endsWith('/wham/accounts/check')) return 'accountsCheck';
  if (method === 'GET' && path.endsWith('/models')) return 'models';
  if (method === 'POST' && path.endsWith('/responses/compact')) return 'compact';
  if (method === 'POST' && path.endsWith('/memories/trace_summarize')) return 'traceSummarize';
  return undefined;
}

type Queue = ScriptCursor<JsonReply>;

/** The scripts of the side routes and their positions. */
export class ChatgptRoutes {
  private readonly queues = new Map<ChatgptRoute, Queue>();

  /** Replace every route's script (routes not named get none). Throws `ScenarioError`. */
  setScenario(scenario: ChatgptScenario): void {
    validateChatgptScenario(scenario);
    this.queues.clear();
    for (const [route, script] of Object.entries(scenario) as Array<
      [ChatgptRoute, RouteScript | undefined]
    >) {
      if (script)
        this.queues.set(route, { items: [...script.replies], repeatLast: !!script.repeatLast, next: 0 });
    }
  }

  /** Replace one route's script, restarting at its first reply. Throws `ScenarioError`. */
  setRoute(route: ChatgptRoute, script: RouteScript): void {
    validateChatgptScenario({ [route]: script });
    this.queues.set(route, { items: [...script.replies], repeatLast: !!script.repeatLast, next: 0 });
  }

  /** Append replies to one route's script. Throws `ScenarioError` (none is added). */
  push(route: ChatgptRoute, replies: JsonReply[]): void {
    validateChatgptScenario({ [route]: { replies: [] } });
    replies.forEach((r, i) => {
      validateJsonReply(r, `pushChatgptReplies(${route})[${i}]`);
    });
    const queue = this.queues.get(route) ?? { items: [], repeatLast: false, next: 0 };
    queue.items.push(...replies);
    this.queues.set(route, queue);
  }

  /**
   * The next reply of `route` and its index; `{ reply: undefined, count }` when its script is
   * exhausted (`count` = replies scripted); `undefined` when the route was never scripted (the
   * server then answers 404 as for any unknown path).
   */
  take(
    route: ChatgptRoute,
  ): { reply: JsonReply; index: number } | { reply: undefined; count: number } | undefined {
    const queue = this.queues.get(route);
    if (!queue) return undefined;
    const taken = takeNext(queue);
    return taken
      ? { reply: taken.item, index: taken.index }
      : { reply: undefined, count: queue.items.length };
  }
}

/** Answer `res` with `reply` (after its `delayMs`, unless `signal` aborts first). */
export async function sendJsonReply(
  res: ServerResponse,
  reply: JsonReply,
  signal: AbortSignal,
): Promise<void> {
  if (reply.delayMs) await sleep(reply.delayMs, signal);
  if (signal.aborted || res.destroyed) return;
  const status = reply.status ?? 200;
  const headers = reply.headers ?? {};
  if (reply.body === undefined) {
    res.writeHead(status, { 'content-length': '0', ...headers });
    res.end();
  } else if (typeof reply.body === 'string') {
    res.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(Buffer.byteLength(reply.body)),
      ...headers,
    });
    res.end(reply.body);
  } else {
    sendJson(res, status, reply.body, headers);
  }
}

/** A one-line description of a reply for logs, e.g. `json 401`. */
export function describeReply(reply: JsonReply): string {
  return `json ${reply.status ?? 200}${reply.delayMs ? ` after ${reply.delayMs} ms` : ''}`;
}
